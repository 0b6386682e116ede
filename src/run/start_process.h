// Starting one child process: vfork, then in the child its own process group, stdin/
// stdout/stderr, default dispositions for the signals that need them, an empty signal
// mask, and execve. This is what posix_spawn does, less its reset of every signal's
// disposition in the child (about 120 system calls per child, 7% of the time of 5,000
// short commands on a small machine): the signals that need a reset are found once,
// in the parent, when the starter is made.
//
// Invariant: between vfork and execve the child runs on the parent's memory and the
// calling thread's stack, so it only makes system calls and writes one volatile int;
// every signal is blocked there until just before execve, and a signal with a handler
// is reset to default first, so no handler ever runs in the child.
#pragma once

#include <sys/types.h>

#include <vector>

namespace herd::run {

class ProcessStarter {
 public:
  // Reads the signal dispositions of this process: make it after they are set (the
  // engine ignores SIGPIPE while it runs; that is reset in children).
  ProcessStarter();

  // Runs `program` (a path: no PATH search) with `argv` and `envp` (null-terminated),
  // with `in`, `out` and `err` as its descriptors 0, 1 and 2 (any descriptors, also
  // 0 to 2 themselves). The pid, or -errno when the process could not be made or the
  // program could not be executed (that child is reaped already). Thread-safe.
  pid_t start(const char* program, char* const argv[], char* const envp[], int in, int out, int err) const;

 private:
  std::vector<int> reset_;  // set to SIG_DFL in the child
};

}  // namespace herd::run
