// herd run: a command on many nodes at once through ssh (pdsh, clush, cluster-fork).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/run_common.h"
#include "nodeset/node_set.h"
#include "run/failed_state.h"
#include "run/shell_quote.h"
#include "run/summary.h"

namespace herd::cli {

namespace {

struct RunFlags {
  FanoutFlags fanout;
  bool gather = false, ordered = false, retry_failed = false, no_stdin = false, no_labels = false;
  std::vector<std::string> env;
};

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return std::filesystem::weakly_canonical(a, ec1) == std::filesystem::weakly_canonical(b, ec2);
}

void run_run(Context& context, RunFlags& f) {
  std::string state_path = run::failed_state_path(context.db_path);
  if (f.retry_failed) {
    if (!f.fanout.selection.nodes.empty())
      fail(bad_input("--retry-failed takes the nodes of the last run's failures; give no node set"));
    auto state = unwrap(run::load_failed_state(state_path));
    if (!state.db.empty() && !same_file(state.db, context.db_path))
      fail(bad_input("{}: the failed set is for the inventory {}, not {}", state_path, state.db, context.db_path));
    if (state.nodes.empty()) {
      notice("herd run: the last run had no failed node; nothing to retry");
      return;
    }
    f.fanout.selection.nodes = state.nodes;
  }
  take_nodes_word(f.fanout, f.retry_failed);
  if (f.fanout.words.empty()) fail(bad_input("no command: herd run NODES -- COMMAND…"));
  if (f.gather && f.ordered) fail(bad_input("-b and -L exclude each other"));

  std::vector<run::EnvVar> env;
  for (const auto& arg : f.env) env.push_back(unwrap(run::parse_env_arg(arg, [](const char* name) -> const char* { return std::getenv(name); })));
  std::string command = run::remote_command(f.fanout.words, env);
  auto kind = transport_kind(f.fanout);
  // Every check is done before anything runs: the selection last, as it touches the inventory.
  auto nodes = ordered_targets(context, f.fanout.selection, f.fanout.exclude);

  run::RunOptions options = run_options(f.fanout);
  if (!f.no_stdin && !isatty(STDIN_FILENO)) {
    // Read once, fed to every node.
    options.input = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto transport = run::make_run_transport(kind, ssh_options(f.fanout, "ssh", "HERD_SSH"), command);
  OutputMode mode = context.json ? OutputMode::json
                    : f.gather   ? OutputMode::gather
                    : f.ordered  ? OutputMode::ordered
                                 : OutputMode::live;
  auto results = run_and_print(nodes, *transport, options, mode, "run", !f.no_labels);
  auto summary = run::summarize(results);

  run::FailedState state{context.db_path, nodeset::fold(summary.failed()), command};
  if (auto saved = run::save_failed_state(state_path, state); !saved)
    notice("herd run: could not save the failed set: {}", saved.error().message);
  if (summary.exit_status != 0) throw ExitWith{summary.exit_status};
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto flags = std::make_shared<RunFlags>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run a command on many nodes through ssh: herd run NODES -- COMMAND…\n"
      "Output is 'node: line' as it arrives; -b gathers identical outputs, -L orders by node.\n"
      "A summary of failed nodes goes to stderr; exit status is the largest remote exit code,\n"
      "255 if a node was unreachable. The failed set is kept for --retry-failed.");
  add_fanout_options(cmd, flags->fanout,
                     "Node set; with -w, --where, --query or --retry-failed this word starts COMMAND", "COMMAND");
  cmd->add_flag("-b,--gather", flags->gather, "Print identical outputs once under their folded node set (clubak -b)");
  cmd->add_flag("-L,--ordered", flags->ordered, "Print each node's output together, in node order");
  cmd->add_flag("-N,--no-labels", flags->no_labels, "Print lines without their 'node: ' prefix (-b: without headers)");
  cmd->add_flag("--retry-failed", flags->retry_failed, "Run on the nodes that failed in the last herd run");
  cmd->add_flag("-n,--no-stdin", flags->no_stdin, "Do not read stdin (default: when not a terminal, read it once and feed it to every node)");
  cmd->add_option("-e,--env", flags->env, "Set NAME=VALUE (or NAME: its value here) for the command (repeatable)")
      ->allow_extra_args(false);
  cmd->callback([&context, flags] { run_run(context, *flags); });
}

}  // namespace herd::cli
