// What `herd run` and `herd copy` share: the fan-out options, turning the positional
// words into a node selection plus the rest, and printing a run (live, gathered, ordered
// or JSON) with its summary. The engine is src/run/; this file only formats.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"
#include "run/engine.h"
#include "run/transport.h"

namespace CLI {
class App;
}

namespace herd::cli {

struct FanoutFlags {
  Selection selection;
  std::vector<std::string> words;  // [NODES] then the command or paths
  // CLI11 fills `first` then `rest` (two positionals, so that `--` after NODES is still
  // accepted: a single vector positional counts as full after one word).
  std::string first;
  std::vector<std::string> rest;
  size_t fanout = 64;
  int connect_timeout = 10;
  double timeout = 0;  // seconds, 0 = none
  double kill_after = 2;  // seconds from the timeout's SIGTERM to SIGKILL
  std::string transport = "ssh";
  std::vector<std::string> ssh_options;
  std::string user;  // -l: ssh's User option
  std::string exclude;  // -x: nodes to leave out of the selection
};

// Adds -w/--nodes, --where, --query, -f, --connect-timeout, -t, --transport, -o and the
// positional words to `command`.
// `rest_name` names the words after NODES in the help (COMMAND, PATHS).
void add_fanout_options(CLI::App* command, FanoutFlags& flags, const std::string& words_help,
                        const std::string& rest_name);

// Joins first and rest into words, then moves NODES out of flags.words unless the nodes were given another way (-w, --where,
// --query, or `given_elsewhere`): then every word is the command's.
void take_nodes_word(FanoutFlags& flags, bool given_elsewhere);

// The selected nodes, less `exclude` (a node set with @groups; may be empty), in node set
// order (compute-0-2 before compute-0-10). Throws CommandError (exit 2) for unknown nodes
// in either, or when nothing is left.
std::vector<std::string> ordered_targets(Context& context, const Selection& selection, const std::string& exclude);

// The engine's options from the flags: fan-out, timeout and kill grace.
run::RunOptions run_options(const FanoutFlags& flags);

run::SshOptions ssh_options(const FanoutFlags& flags, const char* program, const char* env_override);
run::TransportKind transport_kind(const FanoutFlags& flags);

enum class OutputMode { live, gather, ordered, json };

// Each distinct stdout once under its folded node set (clubak -b), groups in the order
// of their first node in `results`; the header colored on a terminal, or left out
// without `labels`.
void print_gathered(const std::vector<run::NodeResult>& results, bool labels = true);
// Every node's lines together as `node: line` (without `labels`, only the line), in the
// order of `results` (stderr lines to stderr).
void print_ordered(const std::vector<run::NodeResult>& results, bool labels = true);

// Runs `transport` on `nodes`, prints as `mode` asks, prints the summary on stderr and
// returns the results. Throws CommandError when the engine itself fails.
// Without `labels` (-N), lines are printed without their `node: ` prefix.
std::vector<run::NodeResult> run_and_print(const std::vector<std::string>& nodes, const run::Transport& transport,
                                           run::RunOptions options, OutputMode mode, const char* verb,
                                           bool labels = true);

}  // namespace herd::cli
