#include "run/spawner.h"

#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace herd::run {

namespace {

void spawn_one(SpawnRequest& r, SpawnDone& done) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, r.stdin_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, r.stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, r.stderr_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own process group, for a kill of all it starts
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv, envp;
  argv.reserve(r.argv.size() + 1);
  envp.reserve(r.env.size() + 1);
  for (auto& a : r.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : r.env) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = r.program.empty() ? posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data())
                             : posix_spawn(&pid, r.program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  for (int fd : r.close_after) ::close(fd);
  done.tag = r.tag;
  done.pid = rc == 0 ? pid : -1;
  done.error = rc;
}

}  // namespace

size_t spawn_threads(size_t fanout) {
  size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::min(std::clamp<size_t>(3 * cpus, 2, 8), std::max<size_t>(fanout, 1));
}

Spawner::Spawner(size_t threads) {
  notify_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (notify_fd_ < 0) return;
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) workers_.emplace_back([this] { work(); });
}

Spawner::~Spawner() {
  finish();
  if (notify_fd_ >= 0) ::close(notify_fd_);
}

std::vector<SpawnDone> Spawner::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  return std::exchange(done_, {});
}

void Spawner::submit(SpawnRequest request) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(request));
  }
  wake_.notify_one();
}

std::vector<SpawnDone> Spawner::take_done() {
  uint64_t count;
  while (read(notify_fd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  std::lock_guard lock(mutex_);
  return std::exchange(done_, {});
}

void Spawner::work() {
  for (;;) {
    SpawnRequest request;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to start
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    SpawnDone done;
    spawn_one(request, done);
    {
      std::lock_guard lock(mutex_);
      done_.push_back(done);
    }
    uint64_t one = 1;
    while (write(notify_fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace herd::run
