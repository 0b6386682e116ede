#include "run/engine.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <deque>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <memory>

#include "run/line_splitter.h"
#include "run/spawner.h"

extern char** environ;

namespace herd::run {

std::string_view to_string(NodeStatus status) {
  switch (status) {
    case NodeStatus::ok: return "ok";
    case NodeStatus::failed: return "failed";
    case NodeStatus::timeout: return "timeout";
    case NodeStatus::unreachable: return "unreachable";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// epoll data: slot * 4 + what; the signalfd has kSignal, the spawner's eventfd kSpawned.
enum What : uint64_t { kOut = 0, kErr = 1, kIn = 2, kPid = 3 };
constexpr uint64_t kSignal = ~uint64_t{0};
constexpr uint64_t kSpawned = ~uint64_t{1};

struct Child {
  size_t index = 0;  // into the node list
  uint64_t serial = 0;
  std::string program;   // argv[0], for the message when it cannot be started
  bool spawning = true;  // handed to the spawner, which has not answered yet
  pid_t pid = -1;        // > 0 once started
  int pidfd = -1, out = -1, err = -1, in = -1;  // -1 once closed
  size_t in_offset = 0;
  LineSplitter out_lines, err_lines;
  bool exited = false;
  int wait_status = 0;
  bool timed_out = false;  // its timeout passed: SIGTERM sent (or due once started)
  bool killed = false;     // SIGKILL sent (or due once started) and its pipes closed
  Clock::time_point start;
  NodeResult result;
};

// Ignores SIGPIPE (a child that does not read its stdin must not kill us) and routes
// SIGINT/SIGTERM/SIGHUP to a signalfd while the loop runs; restores both on exit.
class SignalGuard {
 public:
  SignalGuard() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe_);
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    sigprocmask(SIG_BLOCK, &set, &old_mask_);
    fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  }
  ~SignalGuard() {
    close_fd(fd);
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  int fd = -1;

 private:
  struct sigaction old_pipe_ {};
  sigset_t old_mask_;
};

// Room for `fanout` children's descriptors (4 each): raises the soft limit up to the hard one.
void raise_fd_limit(size_t fanout) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t want = fanout * 4 + 64;
  if (limit.rlim_cur >= want) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? want : std::min(want, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

class Loop {
 public:
  Loop(const std::vector<std::string>& nodes, const Transport& transport, const RunOptions& options,
       RunObserver* observer)
      : nodes_(nodes), transport_(transport), options_(options), observer_(observer), results_(nodes.size()) {
    fanout_ = std::max<size_t>(1, std::min(options.fanout, nodes.size()));
    for (char** e = environ; e && *e; ++e) env_.emplace_back(*e);
  }
  ~Loop() {
    // Children are left only after a failure of the loop itself: end them.
    if (spawner_)
      for (const auto& done : spawner_->finish())
        if (slots_[done.tag]) slots_[done.tag]->pid = done.pid;
    for (auto& child : slots_) {
      if (!child) continue;
      if (child->pid > 0) {
        kill(-child->pid, SIGKILL);
        waitpid(child->pid, nullptr, 0);
      }
      for (int* fd : {&child->pidfd, &child->out, &child->err, &child->in}) close_fd(*fd);
    }
    close_fd(devnull_);
    close_fd(epoll_);
  }

  Result<std::vector<NodeResult>> run() {
    raise_fd_limit(fanout_);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return failure("epoll: {}", std::strerror(errno));
    if (options_.input) {
      // An empty input is still a closed stdin, not /dev/null: same for the child.
    } else {
      devnull_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (devnull_ < 0) return failure("/dev/null: {}", std::strerror(errno));
    }
    SignalGuard signals;
    if (signals.fd >= 0) add(signals.fd, EPOLLIN, kSignal);
    // After the guard: the workers inherit the blocked signals, which stay the loop's.
    spawner_ = std::make_unique<Spawner>(spawn_threads(fanout_));
    if (!spawner_->ok()) return failure("eventfd: {}", std::strerror(errno));
    add(spawner_->notify_fd(), EPOLLIN, kSpawned);

    size_t next = 0;
    epoll_event events[256];
    for (;;) {
      while (!interrupted_ && next < nodes_.size() && running_ < fanout_) {
        auto started = start(next);
        if (!started) return started.error();
        if (!*started) {  // out of descriptors: wait for a child to end
          if (running_ == 0) return failure("cannot start a process: {}", std::strerror(EMFILE));
          break;
        }
        ++next;
      }
      if (running_ == 0) break;
      int n = epoll_wait(epoll_, events, 256, wait_ms());
      if (n < 0) {
        if (errno == EINTR) continue;
        return failure("epoll_wait: {}", std::strerror(errno));
      }
      for (int i = 0; i < n; ++i) {
        uint64_t data = events[i].data.u64;
        if (data == kSignal) {
          interrupt(signals.fd);
          continue;
        }
        if (data == kSpawned) {
          for (const auto& done : spawner_->take_done()) spawned(done);
          continue;
        }
        size_t slot = data / 4;
        if (slot >= slots_.size() || !slots_[slot]) continue;  // ended earlier in this batch
        Child& child = *slots_[slot];
        switch (data % 4) {
          case kOut: read_stream(child, Stream::out); break;
          case kErr: read_stream(child, Stream::err); break;
          case kIn: write_input(child, events[i].events); break;
          case kPid:
            if (child.pid > 0 && !child.exited) reap(child, WNOHANG);
            break;
        }
        maybe_finish(slot);
      }
      expire(Clock::now());
    }
    if (interrupted_) return failure("interrupted by signal {}", interrupted_);
    return std::move(results_);
  }

 private:
  void add(int fd, uint32_t events, uint64_t data) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  // Closes a watched descriptor. It leaves the epoll set first: a child being started
  // on another thread may hold a copy for a moment, which would keep the registration
  // (and its events, under a slot that may have a new child) alive after the close.
  void forget(int& fd) {
    if (fd < 0) return;
    epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    close_fd(fd);
  }

  int wait_ms() {
    while (!term_deadlines_.empty() && !live(term_deadlines_.front(), Phase::term)) term_deadlines_.pop_front();
    while (!kill_deadlines_.empty() && !live(kill_deadlines_.front(), Phase::kill)) kill_deadlines_.pop_front();
    std::optional<Clock::time_point> next;
    for (auto* queue : {&term_deadlines_, &kill_deadlines_})
      if (!queue->empty() && (!next || std::get<0>(queue->front()) < *next)) next = std::get<0>(queue->front());
    if (!next) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms, 1 << 30));
  }

  // (when, slot, serial): the child in `slot` if it is still the one with `serial`.
  using Deadline = std::tuple<Clock::time_point, size_t, uint64_t>;
  enum class Phase { term, kill };
  bool live(const Deadline& d, Phase phase) const {
    const auto& child = slots_[std::get<1>(d)];
    if (!child || child->serial != std::get<2>(d)) return false;
    return phase == Phase::term ? !child->timed_out : !child->killed;
  }

  // The environment for `launch`: ours with its entries added or replaced.
  std::vector<std::string> environment(const Launch& launch) const {
    std::vector<std::string> env = env_;
    for (const auto& entry : launch.env) {
      auto name_len = entry.find('=') + 1;
      bool replaced = false;
      for (auto& e : env)
        if (e.compare(0, name_len, entry, 0, name_len) == 0) e = entry, replaced = true;
      if (!replaced) env.push_back(entry);
    }
    return env;
  }

  // Starts the process for nodes_[index]. false: out of descriptors, try again later.
  // A program that cannot be started is that node's failure (exit 127), not the loop's.
  Result<bool> start(size_t index) {
    Launch launch = transport_.launch(nodes_[index]);
    int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1};
    auto close_all = [&] {
      for (int* fd : {&out[0], &out[1], &err[0], &err[1], &in[0], &in[1]}) close_fd(*fd);
    };
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || (options_.input && pipe2(in, O_CLOEXEC) != 0)) {
      int e = errno;
      close_all();
      if (e == EMFILE || e == ENFILE) return false;
      return failure("pipe: {}", std::strerror(e));
    }

    auto child = std::make_unique<Child>();
    child->index = index;
    child->serial = ++serial_;
    child->start = Clock::now();
    child->result.node = nodes_[index];
    child->program = launch.argv.at(0);
    child->out = out[0];
    child->err = err[0];
    child->in = in[1];
    for (int fd : {child->out, child->err, child->in})
      if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    size_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = slots_.size();
      slots_.emplace_back();
    }
    SpawnRequest request;
    request.tag = slot;
    request.program = std::move(launch.program);
    request.env = environment(launch);
    request.argv = std::move(launch.argv);
    request.stdin_fd = options_.input ? in[0] : devnull_;
    request.stdout_fd = out[1];
    request.stderr_fd = err[1];
    request.close_after = {out[1], err[1]};
    if (in[0] >= 0) request.close_after.push_back(in[0]);
    spawner_->submit(std::move(request));

    add(child->out, EPOLLIN, slot * 4 + kOut);
    add(child->err, EPOLLIN, slot * 4 + kErr);
    if (child->in >= 0) {
      if (options_.input->empty()) forget(child->in);
      else add(child->in, EPOLLOUT, slot * 4 + kIn);
    }
    if (options_.timeout.count() > 0)
      term_deadlines_.emplace_back(child->start + options_.timeout, slot, child->serial);
    slots_[slot] = std::move(child);
    ++running_;
    return true;
  }

  // The spawner's answer for the child in slot done.tag. A program that cannot be
  // started is that node's failure (exit 127, or 126 when it is not executable), not
  // the loop's. A child whose deadline or an interrupt came while it was being started
  // is killed now.
  void spawned(const SpawnDone& done) {
    Child& child = *slots_[done.tag];
    child.spawning = false;
    if (done.pid <= 0) {
      bool not_executable = done.error == EACCES || done.error == ENOEXEC || done.error == EISDIR;
      emit(child, Stream::err, fmt::format("herd: cannot run {}: {}", child.program, std::strerror(done.error)));
      child.exited = true;
      child.wait_status = (not_executable ? 126 : 127) << 8;
      for (int* fd : {&child.out, &child.err, &child.in}) forget(*fd);
    } else {
      child.pid = done.pid;
      child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, done.pid, 0));  // -1 on old kernels
      if (child.pidfd >= 0) add(child.pidfd, EPOLLIN, done.tag * 4 + kPid);
      if (child.killed || interrupted_) kill(-child.pid, SIGKILL);
      else if (child.timed_out) kill(-child.pid, SIGTERM);
    }
    maybe_finish(done.tag);
  }

  void emit(Child& child, Stream stream, std::string_view line) {
    if (observer_) observer_->on_line(child.result.node, stream, line);
    if (options_.keep_output) (stream == Stream::out ? child.result.out : child.result.err).emplace_back(line);
  }

  void read_stream(Child& child, Stream stream) {
    int& fd = stream == Stream::out ? child.out : child.err;
    LineSplitter& lines = stream == Stream::out ? child.out_lines : child.err_lines;
    auto sink = [&](std::string_view line) { emit(child, stream, line); };
    static char buffer[64 * 1024];
    for (;;) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        lines.feed(std::string_view(buffer, static_cast<size_t>(n)), sink);
        if (static_cast<size_t>(n) < sizeof buffer) return;  // drained, most likely
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      lines.flush(sink);  // end of file, or an error that ends the stream
      forget(fd);
      return;
    }
  }

  void write_input(Child& child, uint32_t events) {
    const std::string& data = *options_.input;
    while (child.in >= 0 && child.in_offset < data.size()) {
      ssize_t n = write(child.in, data.data() + child.in_offset, data.size() - child.in_offset);
      if (n > 0) {
        child.in_offset += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN && !(events & (EPOLLERR | EPOLLHUP))) {
        return;
      } else {
        break;  // EPIPE: the child does not read its stdin
      }
    }
    forget(child.in);
  }

  void reap(Child& child, int flags) {
    int status = 0;
    pid_t r;
    do r = waitpid(child.pid, &status, flags);
    while (r < 0 && errno == EINTR);
    if (r == 0) return;  // not yet
    child.exited = true;
    child.wait_status = r == child.pid ? status : (255 << 8);  // ECHILD: someone else reaped it
    forget(child.pidfd);
  }

  void maybe_finish(size_t slot) {
    Child& child = *slots_[slot];
    if (child.spawning || child.out >= 0 || child.err >= 0) return;
    if (!child.exited && child.pidfd < 0) reap(child, 0);  // no pidfd: the pipes' end is the cue
    if (!child.exited) return;
    forget(child.in);
    NodeResult& r = child.result;
    int status = child.wait_status;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
    if (child.timed_out) {
      r.status = NodeStatus::timeout;
      r.exit_code = kTimeoutExitCode;
    } else if (r.exit_code == 0) {
      r.status = NodeStatus::ok;
    } else if (r.exit_code == 255 && transport_.exit_255_is_unreachable()) {
      r.status = NodeStatus::unreachable;
    } else {
      r.status = NodeStatus::failed;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - child.start).count();
    if (observer_) observer_->on_done(r);
    results_[child.index] = std::move(r);
    slots_[slot].reset();
    free_.push_back(slot);
    --running_;
  }

  // Children past their timeout get SIGTERM (their process group), and a kill deadline
  // `kill_after` later; past that, kill_child. Both queues are in deadline order: one
  // timeout and one grace for all, pushed in the order they start or expire.
  void expire(Clock::time_point now) {
    while (!term_deadlines_.empty()) {
      auto [when, slot, serial] = term_deadlines_.front();
      if (live(term_deadlines_.front(), Phase::term)) {
        if (when > now) break;
        Child& child = *slots_[slot];
        child.timed_out = true;
        if (options_.kill_after.count() <= 0) {
          kill_child(child);
          maybe_finish(slot);
        } else {
          if (child.pid > 0) kill(-child.pid, SIGTERM);
          kill_deadlines_.emplace_back(now + options_.kill_after, slot, serial);
        }
      }
      term_deadlines_.pop_front();
    }
    while (!kill_deadlines_.empty()) {
      auto [when, slot, serial] = kill_deadlines_.front();
      if (live(kill_deadlines_.front(), Phase::kill)) {
        if (when > now) break;
        kill_child(*slots_[slot]);
        maybe_finish(slot);
      }
      kill_deadlines_.pop_front();
    }
  }

  // SIGKILL to the child's process group. Its pipes are closed at once: a process it
  // started in another group could hold them open for ever. A child still being
  // started is killed when the spawner answers (spawned()).
  void kill_child(Child& child) {
    child.killed = true;
    if (child.pid > 0) kill(-child.pid, SIGKILL);
    auto flush = [&](Stream s) {
      (s == Stream::out ? child.out_lines : child.err_lines).flush([&](std::string_view l) { emit(child, s, l); });
    };
    if (child.out >= 0) flush(Stream::out);
    if (child.err >= 0) flush(Stream::err);
    forget(child.out);
    forget(child.err);
    forget(child.in);
  }

  // SIGINT/SIGTERM/SIGHUP: start nothing more, kill every child's group, report it.
  void interrupt(int fd) {
    signalfd_siginfo info{};
    if (read(fd, &info, sizeof info) != sizeof info) return;
    interrupted_ = static_cast<int>(info.ssi_signo);
    for (size_t slot = 0; slot < slots_.size(); ++slot) {
      if (!slots_[slot]) continue;
      kill_child(*slots_[slot]);
      maybe_finish(slot);
    }
  }

  const std::vector<std::string>& nodes_;
  const Transport& transport_;
  const RunOptions& options_;
  RunObserver* observer_;
  std::vector<NodeResult> results_;
  std::vector<std::string> env_;
  size_t fanout_ = 1;
  int epoll_ = -1, devnull_ = -1;
  std::vector<std::unique_ptr<Child>> slots_;  // null: free
  std::vector<size_t> free_;
  // Timeouts in start order and kill deadlines in expiry order: each is deadline order.
  std::deque<Deadline> term_deadlines_, kill_deadlines_;
  std::unique_ptr<Spawner> spawner_;
  uint64_t serial_ = 0;
  size_t running_ = 0;
  int interrupted_ = 0;
};

}  // namespace

Result<std::vector<NodeResult>> run_nodes(const std::vector<std::string>& nodes, const Transport& transport,
                                          const RunOptions& options, RunObserver* observer) {
  if (nodes.empty()) return std::vector<NodeResult>{};
  Loop loop(nodes, transport, options, observer);
  return loop.run();
}

}  // namespace herd::run
