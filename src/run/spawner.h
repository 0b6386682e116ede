// Starting processes from worker threads. Starting one blocks its caller until the child
// has replaced itself with the new program (the vfork rule, start_process.h), which on a small machine is
// most of a child's start-up: with one thread doing it, the event loop and every other
// start wait behind each exec. A few workers start children side by side while the
// loop goes on reading output.
//
// Invariants: a request's child ends (`close_after`) are closed by the worker once the
// child has them (or has failed to start), so the loop's pipes see end-of-file only
// after that; a request's completion is reported exactly once, through take_done(),
// with `notify_fd()` readable while completions wait, or by finish(), which starts what
// is still queued, joins every worker and returns the completions not yet taken (the
// caller kills and reaps those children if it must).
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "run/start_process.h"

namespace herd::run {

struct SpawnRequest {
  uint64_t tag = 0;                  // the caller's, given back in SpawnDone
  std::string program;               // the file to run; empty: argv[0] searched in PATH
  std::vector<std::string> argv, env;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // become the child's 0, 1, 2
  std::vector<int> close_after;      // closed by the worker once the child is started
};

struct SpawnDone {
  uint64_t tag = 0;
  pid_t pid = -1;  // > 0 when started
  int error = 0;   // errno of the failed start, else 0
};

class Spawner {
 public:
  // `threads` workers (at least 1). The children get an empty signal mask, default
  // SIGPIPE/SIGINT/SIGTERM/SIGHUP, and their own process group (start_process.h). Make
  // it after the signal dispositions the run keeps are set.
  explicit Spawner(size_t threads);
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  // Whether the eventfd could be made; without it the Spawner must not be used.
  bool ok() const { return notify_fd_ >= 0; }
  int notify_fd() const { return notify_fd_; }

  void submit(SpawnRequest request);
  // Completions so far, in no particular order; clears notify_fd's readiness.
  std::vector<SpawnDone> take_done();
  // Starts what is queued, stops the workers and returns the completions not taken.
  // Nothing may be submitted after.
  std::vector<SpawnDone> finish();

 private:
  void work();
  void start(SpawnRequest& request, SpawnDone& done);

  const ProcessStarter starter_;

  int notify_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<SpawnRequest> queue_;
  std::vector<SpawnDone> done_;
  bool stopping_ = false;
  std::unordered_map<std::string, std::string> programs_;  // argv[0] or program -> file run
  std::vector<std::thread> workers_;
};

// How many workers to use: three per CPU, from 2 to 8, at most `fanout`. A worker
// blocked in starting a child is often not on a CPU (exec reads the program, faults pages
// in), so more workers than CPUs keep the CPUs busy: on 2 CPUs, 5,000 starts took
// 2.9 s with 1 worker, 2.6 s with 2 and 2.2 s with 4 to 8.
size_t spawn_threads(size_t fanout);

}  // namespace herd::run
