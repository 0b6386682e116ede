#include "remote/agent_units.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "track/beneath.h"
#include "util/text.h"

namespace herd::remote {
namespace {

using track::UniqueFd;

std::string env_prefix(const AgentUnitOptions& o) {
  std::string out;
  for (const auto& [k, v] : o.environment) out += fmt::format("{}='{}' ", k, v);
  return out;
}

// The shell command a package manager hook runs: a checkpoint, then a push; it always
// exits 0 so the package operation never fails because of herd.
std::string hook_command(const AgentUnitOptions& o, const char* manager) {
  std::string herd = "'" + o.herd + "'";
  std::string env = env_prefix(o);
  return fmt::format("if [ -x {0} ]; then {1}{0} track checkpoint -m 'after {2}' >/dev/null && {1}{0} track push >/dev/null; fi; true",
                     herd, env, manager);
}

// Opens (making when missing, mode 0755) each folder of `path` beneath `root_fd`.
Result<UniqueFd> make_folders_beneath(int root_fd, const std::string& path) {
  UniqueFd dir(::dup(root_fd));
  if (dir.get() < 0) return failure("dup: {}", std::strerror(errno));
  for (const auto& part : split(path, '/')) {
    if (part.empty()) continue;
    if (::mkdirat(dir.get(), part.c_str(), 0755) != 0 && errno != EEXIST)
      return failure("{}: cannot create folder {}: {}", path, part, std::strerror(errno));
    int fd = track::open_folder_at(dir.get(), part.c_str());
    if (fd < 0) return failure("{}: cannot open folder {} (a symlink or not a folder?): {}", path, part, std::strerror(errno));
    dir = UniqueFd(fd);
  }
  return dir;
}

std::pair<std::string, std::string> split_path(const std::string& path) {
  size_t slash = path.rfind('/');
  return {path.substr(0, slash), path.substr(slash + 1)};
}

Status write_beneath(int root_fd, const std::string& path, const std::string& content) {
  auto [folder, name] = split_path(path);
  auto dir = make_folders_beneath(root_fd, folder);
  if (!dir) return dir.error();
  std::string temp = fmt::format(".{}.herd-{:08x}", name, std::random_device{}());
  int fd = ::openat(dir->get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return failure("{}: cannot create {}: {}", path, temp, std::strerror(errno));
  UniqueFd file(fd);
  auto fail = [&](const char* what) {
    Error e = failure("{}: {}: {}", path, what, std::strerror(errno));
    ::unlinkat(dir->get(), temp.c_str(), 0);
    return e;
  };
  if (!track::write_all(fd, content, path)) return fail("write");
  if (::fchmod(fd, 0644) != 0) return fail("chmod");
  if (::fsync(fd) != 0) return fail("fsync");
  if (::renameat(dir->get(), temp.c_str(), dir->get(), name.c_str()) != 0) return fail("rename");
  ::fsync(dir->get());
  return {};
}

Status symlink_beneath(int root_fd, const std::string& path, const std::string& target) {
  auto [folder, name] = split_path(path);
  auto dir = make_folders_beneath(root_fd, folder);
  if (!dir) return dir.error();
  char existing[4096];
  ssize_t n = ::readlinkat(dir->get(), name.c_str(), existing, sizeof existing);
  if (n >= 0 && std::string_view(existing, n) == target) return {};
  if (::unlinkat(dir->get(), name.c_str(), 0) != 0 && errno != ENOENT) return failure("{}: remove: {}", path, std::strerror(errno));
  if (::symlinkat(target.c_str(), dir->get(), name.c_str()) != 0) return failure("{}: symlink: {}", path, std::strerror(errno));
  ::fsync(dir->get());
  return {};
}

// Whether a folder exists beneath the root (not through a symlink).
bool folder_beneath(int root_fd, const std::string& path) {
  int error = 0;
  return track::open_folder_beneath(root_fd, path, error).get() >= 0;
}

}  // namespace

Status check_agent_unit_options(const AgentUnitOptions& o) {
  auto check = [](const std::string& what, const std::string& value) -> Status {
    if (value.empty()) return bad_input("{}: must not be empty", what);
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || std::strchr("\"\\%$'`", c))
        return bad_input("{} '{}': the character '{}' cannot be written into unit and hook files", what, value, c);
    return {};
  };
  HERD_CHECK(check("herd binary", o.herd));
  if (o.herd[0] != '/') return bad_input("herd binary '{}': must be an absolute path", o.herd);
  HERD_CHECK(check("--on-calendar", o.on_calendar));
  HERD_CHECK(check("randomized delay", o.randomized_delay));
  for (const auto& [k, v] : o.environment) {
    HERD_CHECK(check("environment name", k));
    HERD_CHECK(check(k, v));
    if (v.find(' ') != std::string::npos) return bad_input("{} '{}': must not contain spaces", k, v);
  }
  return {};
}

std::string service_unit(const AgentUnitOptions& o) {
  std::string env;
  for (const auto& [k, v] : o.environment) env += fmt::format("Environment={}={}\n", k, v);
  return fmt::format(
      "# Written by `herd track agent install`; removed by `herd track agent remove`.\n"
      "[Unit]\n"
      "Description=herd track: checkpoint this node and push it to the frontend\n"
      "Wants=network-online.target\n"
      "After=network-online.target\n"
      "\n"
      "[Service]\n"
      "Type=oneshot\n"
      "{}"
      "ExecStart=\"{}\" track checkpoint -m scheduled\n"
      "ExecStart=\"{}\" track push\n"
      "Nice=10\n"
      "IOSchedulingClass=idle\n",
      env, o.herd, o.herd);
}

std::string timer_unit(const AgentUnitOptions& o) {
  return fmt::format(
      "# Written by `herd track agent install`; removed by `herd track agent remove`.\n"
      "[Unit]\n"
      "Description=herd track: scheduled checkpoint and push\n"
      "\n"
      "[Timer]\n"
      "OnCalendar={}\n"
      "RandomizedDelaySec={}\n"
      "Persistent=true\n"
      "\n"
      "[Install]\n"
      "WantedBy=timers.target\n",
      o.on_calendar, o.randomized_delay);
}

std::string apt_hook(const AgentUnitOptions& o) {
  return fmt::format(
      "// Written by `herd track agent install`; removed by `herd track agent remove`.\n"
      "// After every dpkg run: a checkpoint of this node, pushed to the frontend. Never fails apt.\n"
      "DPkg::Post-Invoke {{ \"{}\"; }};\n",
      hook_command(o, "apt"));
}

std::string dnf_action(const AgentUnitOptions& o) {
  return fmt::format(
      "# Written by `herd track agent install`; removed by `herd track agent remove`.\n"
      "# dnf post-transaction-actions plugin: after every transaction, a checkpoint pushed to the frontend.\n"
      "*:any:/bin/sh -c \"{}\"\n",
      hook_command(o, "dnf"));
}

Result<std::vector<std::string>> install_agent_units(const std::string& root, const AgentUnitOptions& options) {
  HERD_CHECK(check_agent_unit_options(options));
  auto root_fd = track::open_root(root);
  if (!root_fd) return root_fd.error();
  std::vector<std::pair<std::string, std::string>> files = {
      {kServicePath, service_unit(options)}, {kTimerPath, timer_unit(options)}, {kAptHookPath, apt_hook(options)}};
  if (folder_beneath(root_fd->get(), "/etc/dnf")) files.emplace_back(kDnfActionPath, dnf_action(options));
  std::vector<std::string> written;
  for (const auto& [path, content] : files) {
    HERD_CHECK(write_beneath(root_fd->get(), path, content));
    written.push_back(path);
  }
  HERD_CHECK(symlink_beneath(root_fd->get(), kTimerWantsPath, "../herd-track.timer"));
  written.push_back(kTimerWantsPath);
  return written;
}

Result<std::vector<std::string>> remove_agent_units(const std::string& root) {
  auto root_fd = track::open_root(root);
  if (!root_fd) return root_fd.error();
  std::vector<std::string> removed;
  for (const char* path : {kTimerWantsPath, kTimerPath, kServicePath, kAptHookPath, kDnfActionPath}) {
    auto [folder, name] = split_path(path);
    int error = 0;
    auto dir = track::open_folder_beneath(root_fd->get(), folder, error);
    if (dir.get() < 0) continue;
    if (::unlinkat(dir.get(), name.c_str(), 0) == 0) {
      removed.push_back(path);
      ::fsync(dir.get());
    } else if (errno != ENOENT) {
      return failure("{}{}: remove: {}", root == "/" ? "" : root, path, std::strerror(errno));
    }
  }
  return removed;
}

}  // namespace herd::remote
