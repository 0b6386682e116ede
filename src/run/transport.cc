#include "run/transport.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "run/simple_command.h"

namespace herd::run {

Result<TransportKind> parse_transport(std::string_view name) {
  if (name == "ssh") return TransportKind::ssh;
  if (name == "exec") return TransportKind::exec;
  return bad_input("--transport {}: expected ssh or exec", name);
}

namespace {

std::vector<std::string> ssh_prefix(const SshOptions& o) {
  std::vector<std::string> argv{o.program, "-o", "BatchMode=yes", "-o",
                                fmt::format("ConnectTimeout={}", o.connect_timeout)};
  for (const auto& option : o.options) {
    argv.push_back("-o");
    argv.push_back(option);
  }
  return argv;
}

// A local path scp must not read as HOST:PATH.
std::string local_path(const std::string& path) {
  auto colon = path.find(':');
  if (colon != std::string::npos && path.find('/') > colon) return "./" + path;
  return path;
}

class SshRun final : public Transport {
 public:
  SshRun(SshOptions o, std::string command) : prefix_(ssh_prefix(o)), command_(std::move(command)) {
    prefix_.push_back("-T");
  }
  Launch launch(const std::string& node) const override {
    Launch l{prefix_, {}};
    l.argv.push_back("--");
    l.argv.push_back(node);
    l.argv.push_back(command_);
    return l;
  }
  bool exit_255_is_unreachable() const override { return true; }

 private:
  std::vector<std::string> prefix_;
  std::string command_;
};

class ExecRun final : public Transport {
 public:
  explicit ExecRun(std::string command) : command_(std::move(command)) {
    // The program is found once for every node. One that is not found, or not runnable,
    // goes through the shell, which says so as it always does.
    auto words = simple_command_words(command_);
    if (!words) return;
    const char* path = std::getenv("PATH");
    std::optional<std::string> program;
    if (words->front().find('/') != std::string::npos) {
      if (access(words->front().c_str(), X_OK) == 0) program = words->front();
    } else if (path) {
      program = find_program(words->front(), path);
    }
    if (!program) return;
    direct_ = std::move(*words);
    program_ = std::move(*program);
  }
  Launch launch(const std::string& node) const override {
    if (!program_.empty()) return Launch{direct_, {"HERD_NODE=" + node}, program_};
    return Launch{{"/bin/sh", "-c", command_}, {"HERD_NODE=" + node}, "/bin/sh"};
  }
  bool exit_255_is_unreachable() const override { return false; }

 private:
  std::string command_;
  std::vector<std::string> direct_;  // the words, when they run without a shell
  std::string program_;              // the file for direct_[0]
};

// scp/cp SOURCES… DEST, with NODE substituted by `where` into the remote side.
class Copy final : public Transport {
 public:
  enum class Way { push, pull };
  Copy(TransportKind kind, const SshOptions& o, Way way, std::vector<std::string> sources, std::string dest)
      : kind_(kind), way_(way), sources_(std::move(sources)), dest_(std::move(dest)) {
    if (kind_ == TransportKind::ssh) {
      prefix_ = ssh_prefix(o);
      for (const char* flag : {"-p", "-r", "-q"}) prefix_.push_back(flag);
    } else {
      prefix_ = {"cp", "-Rp"};
    }
  }
  Launch launch(const std::string& node) const override {
    Launch l{prefix_, {"HERD_NODE=" + node}};
    bool ssh = kind_ == TransportKind::ssh;
    if (way_ == Way::push) {
      if (ssh) l.argv.push_back("--");
      for (const auto& s : sources_) l.argv.push_back(ssh ? local_path(s) : s);
      l.argv.push_back(ssh ? node + ":" + dest_ : dest_);
    } else {
      if (ssh) l.argv.push_back("--");
      for (const auto& s : sources_) l.argv.push_back(ssh ? node + ":" + s : s);
      l.argv.push_back(fmt::format("{}/{}/", ssh ? local_path(dest_) : dest_, node));
    }
    return l;
  }
  bool exit_255_is_unreachable() const override { return kind_ == TransportKind::ssh; }

 private:
  TransportKind kind_;
  Way way_;
  std::vector<std::string> prefix_, sources_;
  std::string dest_;
};

}  // namespace

std::unique_ptr<Transport> make_run_transport(TransportKind kind, const SshOptions& ssh, std::string command) {
  if (kind == TransportKind::exec) return std::make_unique<ExecRun>(std::move(command));
  return std::make_unique<SshRun>(ssh, std::move(command));
}

std::unique_ptr<Transport> make_push_transport(TransportKind kind, const SshOptions& scp,
                                               std::vector<std::string> sources, std::string dest) {
  return std::make_unique<Copy>(kind, scp, Copy::Way::push, std::move(sources), std::move(dest));
}

std::unique_ptr<Transport> make_pull_transport(TransportKind kind, const SshOptions& scp,
                                               std::vector<std::string> sources, std::string dest_dir) {
  return std::make_unique<Copy>(kind, scp, Copy::Way::pull, std::move(sources), std::move(dest_dir));
}

Status make_pull_folders(const std::string& dest_dir, const std::vector<std::string>& nodes) {
  std::error_code ec;
  std::filesystem::create_directories(dest_dir, ec);
  if (ec) return failure("{}: {}", dest_dir, ec.message());
  for (const auto& node : nodes) {
    auto dir = std::filesystem::path(dest_dir) / node;
    std::filesystem::create_directories(dir, ec);
    if (ec) return failure("{}: {}", dir.string(), ec.message());
  }
  return {};
}

}  // namespace herd::run
