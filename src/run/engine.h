// The fan-out engine: runs one process per node, at most `fanout` at a time, in one
// epoll loop over the children's pipes (no thread per node). Output is read without
// blocking and split into lines; each child is reaped through a pidfd; a child that
// outlives the command timeout gets SIGTERM with its whole process group, then SIGKILL
// after a grace (as timeout -k does).
//
// Invariants: every child started is reaped before run_nodes returns; each child is the
// leader of its own process group (so a kill reaches what it started); no descriptor
// of one child leaks into another (all pipes are close-on-exec in this process).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/node_result.h"
#include "run/transport.h"
#include "util/result.h"

namespace herd::run {

struct RunOptions {
  size_t fanout = 64;                     // children at once; at least 1
  std::chrono::milliseconds timeout{0};   // per node, from its start; 0 = none
  // After the timeout's SIGTERM, how long the process group has before SIGKILL; 0 = at
  // once. The node counts as timed out either way.
  std::chrono::milliseconds kill_after{2000};
  std::optional<std::string> input;       // fed to every child's stdin; none = /dev/null
  bool keep_output = true;                // store lines in NodeResult::out/err
};

// Called on the engine's thread, in the order things happen. Must not throw.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // One line (without '\n') from `node`, as soon as it is complete.
  virtual void on_line(const std::string& node, Stream stream, std::string_view line) {
    (void)node, (void)stream, (void)line;
  }
  // `result` is final (its lines are stored only with keep_output).
  virtual void on_done(const NodeResult& result) { (void)result; }
};

// Runs `transport`'s process for each of `nodes`, starting them in order. Returns one
// result per node in the order of `nodes`. Fails only when the loop itself cannot work
// (epoll, pipes, descriptors exhausted); a node's failure is in its result.
// `observer` may be null.
Result<std::vector<NodeResult>> run_nodes(const std::vector<std::string>& nodes, const Transport& transport,
                                          const RunOptions& options, RunObserver* observer = nullptr);

}  // namespace herd::run
