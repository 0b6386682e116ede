#include "lab/holder.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::lab {
namespace {

// The holder reports to herd over a pipe, one line per message:
//   "P<pid>"   the holder's PID (written by the process that forked it)
//   "R"        namespaces and mounts are ready
//   "E<text>"  setup failed at <text>; the holder has exited
constexpr int kReportFd = 3;
constexpr int kLogFd = 4;

[[noreturn]] void die(const std::string& what) {
  std::string line = fmt::format("E{}: {}\n", what, std::strerror(errno));
  (void)!::write(kReportFd, line.data(), line.size());
  ::_exit(1);
}

void check(bool ok, const std::string& what) {
  if (!ok) die(what);
}

void mount_or_die(const char* source, const std::string& target, const char* type, unsigned long flags,
                  const char* data = nullptr) {
  check(::mount(source, target.c_str(), type, flags, data) == 0, fmt::format("mount {} on {}", type ? type : source, target));
}

// /dev for a node: a tmpfs with the host's harmless character devices bound in, its own
// devpts instance for ssh terminals, and /dev/shm.
void make_dev(const std::string& root) {
  std::string dev = root + "/dev";
  mount_or_die("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=16m");
  for (const char* name : {"null", "zero", "full", "random", "urandom", "tty"}) {
    std::string target = dev + "/" + name;
    int fd = ::open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    check(fd >= 0, "create " + target);
    ::close(fd);
    mount_or_die((std::string("/dev/") + name).c_str(), target, nullptr, MS_BIND);
  }
  check(::mkdir((dev + "/pts").c_str(), 0755) == 0, "mkdir " + dev + "/pts");
  mount_or_die("devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
  check(::symlink("pts/ptmx", (dev + "/ptmx").c_str()) == 0, "symlink " + dev + "/ptmx");
  check(::mkdir((dev + "/shm").c_str(), 01777) == 0, "mkdir " + dev + "/shm");
  mount_or_die("tmpfs", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  (void)!::symlink("/proc/self/fd", (dev + "/fd").c_str());
  (void)!::symlink("/proc/self/fd/0", (dev + "/stdin").c_str());
  (void)!::symlink("/proc/self/fd/1", (dev + "/stdout").c_str());
  (void)!::symlink("/proc/self/fd/2", (dev + "/stderr").c_str());
}

void switch_root(const RootLayers& layers) {
  // volatile: no syncs to the upper filesystem. A lab node is rebuilt, never recovered,
  // after a host crash, and syncing every overlay at unmount made `down` slow.
  std::string options =
      fmt::format("lowerdir={},upperdir={},workdir={},volatile", layers.lower, layers.upper, layers.work);
  mount_or_die("overlay", layers.mountpoint, "overlay", 0, options.c_str());
  const std::string& root = layers.mountpoint;
  for (const auto& bind : layers.read_only) {
    std::string target = root + bind.target;
    std::error_code ec;
    std::filesystem::create_directories(target, ec);
    check(!ec, "mkdir " + target);
    mount_or_die(bind.source.c_str(), target, nullptr, MS_BIND);
    mount_or_die(bind.source.c_str(), target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV);
  }
  mount_or_die("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
  mount_or_die("sysfs", root + "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  mount_or_die("tmpfs", root + "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=64m");
  make_dev(root);
  check(::chdir(root.c_str()) == 0, "chdir " + root);
  check(::syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root " + root);
  check(::umount2(".", MNT_DETACH) == 0, "detach the host's root");
  check(::chdir("/") == 0, "chdir /");
}

// PID 1 of the member: reaps orphans until killed. SIGTERM from inside ends the member.
[[noreturn]] void reap_forever() {
  sigset_t set;
  sigfillset(&set);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&set, &info);
    if (sig == SIGTERM || sig == SIGINT) ::_exit(0);
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }
}

[[noreturn]] void holder_main(const HolderSpec& spec) {
  ::prctl(PR_SET_NAME, "herd-lab-init", 0, 0, 0);
  check(::setsid() >= 0, "setsid");
  check(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "make mounts private");
  for (const auto& bind : spec.binds) mount_or_die(bind.source.c_str(), bind.target, nullptr, MS_BIND);
  if (spec.root) {
    switch_root(*spec.root);
  } else {
    mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
  }
  check(::sethostname(spec.hostname.data(), spec.hostname.size()) == 0, "sethostname " + spec.hostname);
  int null = ::open("/dev/null", O_RDONLY);
  check(null >= 0, "open /dev/null");
  ::dup2(null, 0);
  ::dup2(kLogFd, 1);
  ::dup2(kLogFd, 2);
  ::close(null);
  ::close(kLogFd);
  (void)!::write(kReportFd, "R\n", 2);
  ::close(kReportFd);
  reap_forever();
}

// In the child about to become a holder: puts the report pipe and the log at kReportFd
// and kLogFd and closes every other descriptor (herd's database must not live on in a
// holder). Copies go above both targets first so neither dup2 can close the other.
void keep_only(int report, int log) {
  int r = ::fcntl(report, F_DUPFD, 16), l = ::fcntl(log, F_DUPFD, 16);
  ::dup2(r, kReportFd);
  ::dup2(l, kLogFd);
  ::close_range(kLogFd + 1, ~0U, 0);
}

struct Reported {
  pid_t pid = 0;
  bool ready = false;
  std::string error;
};

Reported read_reports(int fd) {
  std::string text;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  Reported out;
  for (const auto& line : split(text, '\n')) {
    if (line.empty()) continue;
    long long value = 0;
    if (line[0] == 'P' && parse_int(std::string_view(line).substr(1), value)) out.pid = static_cast<pid_t>(value);
    if (line[0] == 'R') out.ready = true;
    if (line[0] == 'E') out.error = line.substr(1);
  }
  return out;
}

// The namespaces a spawned command joins, opened before joining any (the mount namespace
// changes what /proc paths mean).
struct NamespaceFds {
  int fds[5] = {-1, -1, -1, -1, -1};
  ~NamespaceFds() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
};

Status open_namespaces(const ProcessId& holder, NamespaceFds& out) {
  static const char* kNames[] = {"ipc", "uts", "net", "pid", "mnt"};
  if (!is_running(holder)) return failure("the member's holder process {} is not running", holder.pid);
  for (int k = 0; k < 5; ++k) {
    std::string path = fmt::format("/proc/{}/ns/{}", holder.pid, kNames[k]);
    out.fds[k] = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (out.fds[k] < 0) return failure("{}: {}", path, std::strerror(errno));
  }
  return {};
}

// `output` is a descriptor opened on the host before joining the member's mount
// namespace (where the host's paths do not exist), or -1.
void run_command(const SpawnSpec& spec, int output) {
  if (output >= 0) {
    ::dup2(output, 1);
    ::dup2(output, 2);
  }
  std::vector<char*> argv, env;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (!spec.env.empty()) {
    for (const auto& e : spec.env) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);
    ::execvpe(argv[0], argv.data(), env.data());
  } else {
    ::execvp(argv[0], argv.data());
  }
  std::string message = fmt::format("herd lab: {}: {}\n", spec.argv[0], std::strerror(errno));
  (void)!::write(2, message.data(), message.size());
  ::_exit(127);
}

// How a daemon started by start_daemon_in reports back. The command's process D must be a
// child of a process inside the member's PID namespace, or when it dies it is reparented
// to the host's init instead of the holder, and the holder, once killed, waits for the
// host's init to reap it. So the forked process G (inside the namespace) forks D and
// exits; D is then reparented to the holder. herd learns D's PID from
// /proc/G/task/G/children while G waits for its release.
//   report:  intermediate -> herd "P<G>", G -> herd "F" once D exists
//   release: herd closes its end when it has read D's PID; G then exits
struct DaemonPipes {
  int report_write = -1;
  int release_read = -1;
  int release_write = -1;
};

[[noreturn]] void daemon_parent(const SpawnSpec& spec, int output, const DaemonPipes& pipes) {
  ::setsid();
  int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  pid_t daemon = ::fork();
  if (daemon == 0) {
    ::close(pipes.report_write);
    ::close(pipes.release_read);
    run_command(spec, output);
  }
  (void)!::write(pipes.report_write, daemon > 0 ? "F\n" : "Efork\n", daemon > 0 ? 2 : 6);
  ::close(pipes.report_write);
  char byte;
  while (::read(pipes.release_read, &byte, 1) < 0 && errno == EINTR) {
  }
  ::_exit(0);
}

// Forks a child that joins the holder's namespaces and forks the command there (a PID
// namespace applies to children only). Returns the child's PID; it exits with the
// command's exit code, or, for a daemon (`pipes` set), once the daemon is started.
Result<pid_t> enter_and_fork(const ProcessId& holder, const SpawnSpec& spec, const DaemonPipes* pipes) {
  if (spec.argv.empty()) return bad_input("no command given");
  NamespaceFds ns;
  HERD_CHECK(open_namespaces(holder, ns));
  int output = -1;
  if (!spec.output.empty()) {
    output = ::open(spec.output.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (output < 0) return failure("{}: {}", spec.output, std::strerror(errno));
  }
  pid_t child = ::fork();
  if (child != 0) {
    if (output >= 0) ::close(output);
    if (child < 0) return failure("fork: {}", std::strerror(errno));
    return child;
  }
  if (pipes) ::close(pipes->release_write);
  for (int fd : ns.fds)
    if (::setns(fd, 0) != 0) {
      std::string message = fmt::format("herd lab: joining the member's namespaces: {}\n", std::strerror(errno));
      (void)!::write(2, message.data(), message.size());
      ::_exit(126);
    }
  (void)!::chdir("/");
  pid_t command = ::fork();
  if (command < 0) ::_exit(126);
  if (command == 0) {
    if (pipes) daemon_parent(spec, output, *pipes);
    run_command(spec, output);
  }
  if (pipes) {
    std::string line = fmt::format("P{}\n", command);
    (void)!::write(pipes->report_write, line.data(), line.size());
    ::close(pipes->report_write);
    ::close(pipes->release_read);
  }
  ::_exit(wait_exit_code(command));
}

// The one child of `parent` (read from the host's /proc), or 0.
pid_t only_child(pid_t parent) {
  auto text = read_file(fmt::format("/proc/{}/task/{}/children", parent, parent));
  long long pid = 0;
  if (!text || !parse_int(trim(*text), pid)) return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace

Result<ProcessId> start_holder(const HolderSpec& spec) {
  int log = ::open(spec.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log < 0) return failure("{}: {}", spec.log, std::strerror(errno));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(log);
    return failure("pipe: {}", std::strerror(errno));
  }
  std::string netns_path = "/run/netns/" + spec.netns;
  pid_t forker = ::fork();
  if (forker == 0) {
    ::close(pipe_fds[0]);
    keep_only(pipe_fds[1], log);
    int net = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    check(net >= 0, "open " + netns_path);
    check(::setns(net, CLONE_NEWNET) == 0, "join " + netns_path);
    check(::unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS) == 0, "unshare namespaces");
    pid_t holder = ::fork();
    check(holder >= 0, "fork the holder");
    if (holder == 0) holder_main(spec);
    std::string line = fmt::format("P{}\n", holder);
    (void)!::write(kReportFd, line.data(), line.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  ::close(log);
  if (forker < 0) {
    ::close(pipe_fds[0]);
    return failure("fork: {}", std::strerror(errno));
  }
  Reported reported = read_reports(pipe_fds[0]);
  ::close(pipe_fds[0]);
  wait_exit_code(forker);
  ProcessId id = reported.pid > 0 ? identify(reported.pid) : ProcessId{};
  if (!reported.ready) {
    if (!id.empty()) (void)kill_and_wait({id});
    return failure("starting {} in network namespace {}: {}", spec.hostname, spec.netns,
                   reported.error.empty() ? "the holder exited before it was ready" : reported.error);
  }
  return id;
}

Result<pid_t> spawn_in(const ProcessId& holder, const SpawnSpec& spec) { return enter_and_fork(holder, spec, nullptr); }

Result<ProcessId> start_daemon_in(const ProcessId& holder, const SpawnSpec& spec) {
  int report[2], release[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return failure("pipe: {}", std::strerror(errno));
  if (::pipe2(release, O_CLOEXEC) != 0) {
    ::close(report[0]);
    ::close(report[1]);
    return failure("pipe: {}", std::strerror(errno));
  }
  DaemonPipes pipes{report[1], release[0], release[1]};
  auto child = enter_and_fork(holder, spec, &pipes);
  ::close(report[1]);
  ::close(release[0]);
  pid_t daemon = 0;
  Reported reported;
  if (child) {
    reported = read_reports(report[0]);  // EOF once G has forked the daemon
    if (reported.pid > 0) daemon = only_child(reported.pid);
  }
  ::close(report[0]);
  ::close(release[1]);  // releases G
  if (!child) return child.error();
  int code = wait_exit_code(*child);
  if (daemon <= 0)
    return failure("starting {} in the lab failed (exit {}{})", spec.argv[0], code,
                   reported.error.empty() ? "" : ", " + reported.error);
  return identify(daemon);
}

}  // namespace herd::lab
