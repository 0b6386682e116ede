#include "cli/run_common.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "nodeset/node_set.h"
#include "run/gather.h"
#include "run/summary.h"

namespace herd::cli {

void add_fanout_options(CLI::App* cmd, FanoutFlags& f, const std::string& words_help, const std::string& rest_name) {
  cmd->add_option("NODES", f.first, words_help);
  cmd->add_option(rest_name, f.rest, "(after --)");
  cmd->add_option("-w,--nodes", f.selection.nodes, "Node set (instead of the first word), e.g. @rack1,compute-0-[0-7]");
  add_selection_options(cmd, f.selection, /*positional=*/false);
  cmd->add_option("-f,--fanout", f.fanout, "Nodes at once")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--connect-timeout", f.connect_timeout, "ssh ConnectTimeout, seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("-t,--timeout", f.timeout,
                  "Stop a node's command after this many seconds: SIGTERM, then SIGKILL (default: none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--kill-after", f.kill_after, "Seconds from a timeout's SIGTERM to SIGKILL (0: SIGKILL at once)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--transport", f.transport, "ssh, or exec: run locally with $HERD_NODE set (tests)")
      ->capture_default_str();
  cmd->add_option("-o,--ssh-option", f.ssh_options, "Extra ssh -o option, e.g. ProxyJump=gw (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-l,--user", f.user, "Log in to the nodes as USER (ssh -l, as pdsh -l and clush -l)");
  cmd->add_option("-x,--exclude", f.exclude, "Leave these nodes out (a node set with @groups; pdsh -x, clush -x)");
}

void take_nodes_word(FanoutFlags& f, bool given_elsewhere) {
  f.words.clear();
  if (!f.first.empty() || !f.rest.empty()) f.words.push_back(f.first);
  f.words.insert(f.words.end(), f.rest.begin(), f.rest.end());
  if (given_elsewhere || f.selection.any() || f.words.empty()) return;
  f.selection.nodes = f.words.front();
  f.words.erase(f.words.begin());
}

std::vector<std::string> ordered_targets(Context& context, const Selection& selection, const std::string& exclude) {
  auto names = context.select_nodes(selection, /*required=*/true);  // sorted
  if (!exclude.empty()) {
    auto excluded = context.select_nodes(Selection{exclude, "", ""}, /*required=*/false);
    std::vector<std::string> left;
    std::set_difference(names.begin(), names.end(), excluded.begin(), excluded.end(), std::back_inserter(left));
    if (left.empty()) fail(bad_input("-x {}: leaves no node of the selection", exclude));
    names = std::move(left);
  }
  return nodeset::NodeSet::from_names(names).expand();
}

run::RunOptions run_options(const FanoutFlags& f) {
  run::RunOptions o;
  o.fanout = f.fanout;
  o.timeout = std::chrono::milliseconds(static_cast<long long>(f.timeout * 1000));
  o.kill_after = std::chrono::milliseconds(static_cast<long long>(f.kill_after * 1000));
  return o;
}

run::SshOptions ssh_options(const FanoutFlags& f, const char* program, const char* env_override) {
  run::SshOptions o;
  const char* p = std::getenv(env_override);
  o.program = p && *p ? p : program;
  o.connect_timeout = f.connect_timeout;
  o.options = f.ssh_options;
  if (!f.user.empty()) o.options.push_back("User=" + f.user);
  return o;
}

run::TransportKind transport_kind(const FanoutFlags& f) { return unwrap(run::parse_transport(f.transport)); }

namespace {

constexpr const char* kOutColor = "\033[34m";  // blue node names on stdout
constexpr const char* kErrColor = "\033[31m";  // red on stderr
constexpr const char* kReset = "\033[0m";

// "node: line\n", the node colored on a terminal; "line\n" when `node` is null (-N).
void print_prefixed(FILE* file, bool color, const char* code, const std::string* node, std::string_view line) {
  std::string text;
  text.reserve((node ? node->size() : 0) + line.size() + 16);
  if (node) {
    if (color) text += code;
    text += *node;
    text += ':';
    if (color) text += kReset;
    text += ' ';
  }
  text += line;
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), file);
}

// Prints lines as they arrive: every line in live mode, only stderr when gathering. With
// `progress` (stderr a terminal, output held back for the end), a line on stderr counts
// the nodes done, redrawn at most 10 times a second and erased before anything else is
// printed there.
class LivePrinter final : public run::RunObserver {
 public:
  LivePrinter(bool out, bool err, bool labels, bool progress, size_t total, const char* verb)
      : out_(out), err_(err), labels_(labels), out_color_(isatty(1)), err_color_(isatty(2)), progress_(progress),
        total_(total), verb_(verb) {}
  ~LivePrinter() override { erase_progress(); }

  void on_line(const std::string& node, run::Stream stream, std::string_view line) override {
    const std::string* label = labels_ ? &node : nullptr;
    if (stream == run::Stream::out && out_) print_prefixed(stdout, out_color_, kOutColor, label, line);
    if (stream == run::Stream::err && err_) {
      erase_progress();
      print_prefixed(stderr, err_color_, kErrColor, label, line);
    }
  }
  void on_done(const run::NodeResult& result) override {
    ++done_;
    if (result.status != run::NodeStatus::ok) ++failed_;
    if (!progress_) return;
    auto now = std::chrono::steady_clock::now();
    if (done_ < total_ && shown_ && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    shown_ = true;
    std::string failed = failed_ ? fmt::format(", {} failed", failed_) : "";
    fmt::print(stderr, "\r\033[Kherd {}: {}/{} nodes done{}", verb_, done_, total_, failed);
    std::fflush(stderr);
  }
  void erase_progress() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  bool out_, err_, labels_, out_color_, err_color_, progress_;
  size_t total_, done_ = 0, failed_ = 0;
  const char* verb_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point drawn_;
};

nlohmann::json to_json(const run::NodeResult& r) {
  return {{"node", r.node},     {"status", run::to_string(r.status)}, {"exit_code", r.exit_code},
          {"stdout", r.out},    {"stderr", r.err},                    {"seconds", r.seconds}};
}

}  // namespace

void print_gathered(const std::vector<run::NodeResult>& results, bool labels) {
  bool color = isatty(1);
  for (const auto& group : run::gather(results)) {
    if (!labels) {
      for (const auto& l : *group.lines) print_prefixed(stdout, false, "", nullptr, l);
      continue;
    }
    std::string text = run::format_gathered(group);
    if (color) {
      auto header_end = text.find('\n', 16);
      text.insert(header_end, kReset);
      text.insert(16, kOutColor);
    }
    print_text(text);
  }
}

void print_ordered(const std::vector<run::NodeResult>& results, bool labels) {
  bool out_color = isatty(1), err_color = isatty(2);
  for (const auto& r : results) {
    const std::string* label = labels ? &r.node : nullptr;
    for (const auto& l : r.out) print_prefixed(stdout, out_color, kOutColor, label, l);
    for (const auto& l : r.err) print_prefixed(stderr, err_color, kErrColor, label, l);
  }
}

std::vector<run::NodeResult> run_and_print(const std::vector<std::string>& nodes, const run::Transport& transport,
                                           run::RunOptions options, OutputMode mode, const char* verb,
                                           bool labels) {
  bool live_out = mode == OutputMode::live, live_err = mode == OutputMode::live || mode == OutputMode::gather;
  options.keep_output = mode != OutputMode::live;
  bool progress = mode != OutputMode::live && isatty(2);
  LivePrinter live(live_out, live_err, labels, progress, nodes.size(), verb);
  auto results = unwrap(run::run_nodes(nodes, transport, options, &live));
  live.erase_progress();

  if (mode == OutputMode::gather) {
    print_gathered(results, labels);
  } else if (mode == OutputMode::ordered) {
    print_ordered(results, labels);
  } else if (mode == OutputMode::json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : results) list.push_back(to_json(r));
    print_json(list);
  }
  std::fflush(stdout);

  auto summary = run::summarize(results);
  auto lines = summary.lines();
  if (!lines.empty()) {
    notice("herd {}: {} of {} nodes failed", verb, summary.total - summary.ok, summary.total);
    for (const auto& l : lines) notice("  {}", l);
  }
  return results;
}

}  // namespace herd::cli
