#include "run/spawner.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "run/simple_command.h"

namespace herd::run {

namespace {

// The file to run for `r`: its program, or argv[0] searched in PATH as execvp does
// (a name with '/' as it is).
std::string program_of(const SpawnRequest& r) {
  if (!r.program.empty()) return r.program;
  const std::string& name = r.argv.at(0);
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  auto found = find_program(name, path ? path : "/usr/local/bin:/usr/bin:/bin");
  return found ? *found : std::string();  // not found: execve("") fails with ENOENT
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

void Spawner::start(SpawnRequest& r, SpawnDone& done) {
  std::string program;
  {
    std::lock_guard lock(mutex_);
    auto key = r.program.empty() ? r.argv.at(0) : r.program;
    auto it = programs_.find(key);
    if (it == programs_.end()) it = programs_.emplace(key, program_of(r)).first;
    program = it->second;
  }
  std::vector<char*> argv, envp;
  argv.reserve(r.argv.size() + 1);
  envp.reserve(r.env.size() + 1);
  for (auto& a : r.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : r.env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = starter_.start(program.c_str(), argv.data(), envp.data(), r.stdin_fd, r.stdout_fd, r.stderr_fd);
  for (int fd : r.close_after) ::close(fd);
  done.tag = r.tag;
  done.pid = pid > 0 ? pid : -1;
  done.error = pid > 0 ? 0 : -pid;
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
    start(request, done);
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
