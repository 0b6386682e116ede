// Starting one child with vfork and execve: descriptors, process group, signal state,
// and a program that cannot be executed.
#include "run/start_process.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "temp_dir.h"

extern char** environ;

namespace herd::run {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

int wait_exit(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() { EXPECT_EQ(pipe2(fd, O_CLOEXEC), 0); }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  void close_write() {
    close(fd[1]);
    fd[1] = -1;
  }
};

pid_t start_sh(const ProcessStarter& starter, const char* script, int in, int out, int err) {
  std::vector<char*> argv{const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(script), nullptr};
  return starter.start("/bin/sh", argv.data(), environ, in, out, err);
}

TEST(StartProcess, DescriptorsOwnGroupAndSignalState) {
  // The parent ignores SIGPIPE and blocks SIGUSR1 (as the engine's threads block some):
  // the child has neither.
  struct sigaction ignore {}, old_pipe {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  ProcessStarter starter;
  Pipe in, out, err;
  ASSERT_EQ(write(in.fd[1], "from stdin\n", 11), 11);
  in.close_write();
  pid_t pid = start_sh(starter,
                       "cat; echo pgid=$(cut -d' ' -f5 /proc/self/stat) pid=$$; "
                       "grep -E '^Sig(Blk|Ign)' /proc/self/status >&2",
                       in.fd[0], out.fd[1], err.fd[1]);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old_pipe, nullptr);
  ASSERT_GT(pid, 0);
  out.close_write();
  err.close_write();
  std::string text = read_all(out.fd[0]);
  EXPECT_EQ(text, "from stdin\npgid=" + std::to_string(pid) + " pid=" + std::to_string(pid) + "\n");
  std::string status = read_all(err.fd[0]);
  EXPECT_NE(status.find("SigBlk:\t0000000000000000"), std::string::npos) << status;
  // SIGPIPE is signal 13: bit 12 of SigIgn.
  auto ign = status.substr(status.find("SigIgn:\t") + 8, 16);
  EXPECT_EQ(std::stoull(ign, nullptr, 16) & (1ull << (SIGPIPE - 1)), 0u) << status;
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(StartProcess, DescriptorsThatAreThemselvesZeroToTwo) {
  // The child's stdout is our fd 2 and its stderr our fd 1: swapped, each must land
  // where it was asked to.
  int saved_out = dup(1), saved_err = dup(2);
  Pipe a, b;
  ASSERT_EQ(dup2(a.fd[1], 1), 1);
  ASSERT_EQ(dup2(b.fd[1], 2), 2);
  ProcessStarter starter;
  pid_t pid = start_sh(starter, "echo out; echo err >&2", 0, /*out=*/2, /*err=*/1);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  ASSERT_GT(pid, 0);
  a.close_write();
  b.close_write();
  EXPECT_EQ(wait_exit(pid), 0);
  EXPECT_EQ(read_all(b.fd[0]), "out\n");
  EXPECT_EQ(read_all(a.fd[0]), "err\n");
}

TEST(StartProcess, ProgramThatCannotRunIsAnErrorAndLeavesNoChild) {
  ProcessStarter starter;
  std::vector<char*> argv{const_cast<char*>("nothing"), nullptr};
  EXPECT_EQ(starter.start("/nonexistent/herd-nothing", argv.data(), environ, 0, 1, 2), -ENOENT);
  testing::TempDir dir;
  std::string data = dir.write("data", "not a program\n");
  ASSERT_EQ(chmod(data.c_str(), 0644), 0);
  EXPECT_EQ(starter.start(data.c_str(), argv.data(), environ, 0, 1, 2), -EACCES);
  EXPECT_EQ(starter.start("", argv.data(), environ, 0, 1, 2), -ENOENT);
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD) << "the failed children were reaped";
}

}  // namespace
}  // namespace herd::run
