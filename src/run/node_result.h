// What running a command on one node produced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herd::run {

enum class Stream { out, err };

enum class NodeStatus {
  ok,           // exit 0
  failed,       // non-zero exit, or killed by a signal, or the program could not start
  timeout,      // still running at the command timeout: its process group was killed
  unreachable,  // ssh exit 255: could not connect or authenticate
};

std::string_view to_string(NodeStatus status);

// Exit code given to a node that timed out, as timeout(1) does.
inline constexpr int kTimeoutExitCode = 124;

struct NodeResult {
  std::string node;
  NodeStatus status = NodeStatus::ok;
  // The process's exit status; 128+N when killed by signal N; 127 when it could not
  // start; kTimeoutExitCode on timeout.
  int exit_code = 0;
  // Output lines without their '\n' (a last line without one is kept), when the run
  // was asked to keep output.
  std::vector<std::string> out, err;
  double seconds = 0;  // from start to end
};

}  // namespace herd::run
