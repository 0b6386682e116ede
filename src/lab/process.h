// Processes the lab started, named so that a recycled PID is never mistaken for one of
// them: a PID together with its start time (field 22 of /proc/PID/stat).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace herd::lab {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time = 0;  // clock ticks after boot; 0 = unknown (never matches)
  bool empty() const { return pid <= 0; }
};

// The start time of `pid`, or nullopt when there is no such process.
std::optional<uint64_t> process_start_time(pid_t pid);

// `pid` with its current start time; an empty ProcessId when it does not exist.
ProcessId identify(pid_t pid);

// Whether the process `id` names still runs (and is not a zombie).
bool is_running(const ProcessId& id);

// Sends SIGKILL to each process that is still the one named, then waits until all are
// gone (reaped by their parent or, as a zombie, no longer ours to wait for) or `timeout_ms`
// passes. Fails naming the processes that outlived the timeout.
Status kill_and_wait(const std::vector<ProcessId>& ids, int timeout_ms = 5000);

// Waits for child `pid` and returns its exit code, or 128+signal when a signal ended it.
int wait_exit_code(pid_t pid);

}  // namespace herd::lab
