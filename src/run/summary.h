// The end of a run in a few folded node sets, and herd run's exit status.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "run/node_result.h"

namespace herd::run {

struct Summary {
  size_t total = 0, ok = 0;
  std::vector<std::string> unreachable, timed_out;   // node names, in result order
  std::map<int, std::vector<std::string>> exit_codes;  // non-zero exit code -> nodes
  // 255 if any node was unreachable, else the largest exit code (timeouts count as
  // kTimeoutExitCode), 0 when every node succeeded.
  int exit_status = 0;

  // Every node that did not succeed.
  std::vector<std::string> failed() const;
  // The summary lines ("unreachable (exit 255): n[3-4]", "timed out: n5", "exit 1: n[1-2]"),
  // empty when every node succeeded.
  std::vector<std::string> lines() const;
};

Summary summarize(const std::vector<NodeResult>& results);

}  // namespace herd::run
