// Running other programs: reload commands, validators, peers in benchmarks.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace herd {

struct ProcessOutput {
  int exit_code = -1;      // exit status, or 128+signal when killed by a signal
  std::string output;      // stdout and stderr interleaved
};

// Runs argv[0] (searched in PATH) with `argv`, feeding `input` on stdin, and waits.
// Fails only when the program cannot be started; a non-zero exit is in exit_code.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv, const std::string& input = "");

// Runs `command` with /bin/sh -c.
Result<ProcessOutput> run_shell(const std::string& command);

}  // namespace herd
