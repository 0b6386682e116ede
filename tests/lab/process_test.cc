// Process identity: a PID together with its start time, so a recycled PID is never taken
// for a lab process. Uses forked children that block in pause() (or on a pipe) until
// killed; every wait is on the kernel's own state (waitpid, a pipe), never on a sleep.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "lab/process.h"

namespace herd::lab {
namespace {

// A forked child that waits in pause() until a signal ends it. The destructor kills and
// reaps it unless a test already did; a child not yet reaped keeps its PID, so the kill
// never reaches another process.
class PausedChild {
 public:
  PausedChild() {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (;;) ::pause();
    }
  }
  ~PausedChild() {
    if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  PausedChild(const PausedChild&) = delete;
  PausedChild& operator=(const PausedChild&) = delete;

  pid_t pid() const { return pid_; }
  // The test reaped it itself.
  void reaped() { pid_ = 0; }

 private:
  pid_t pid_ = -1;
};

// A forked child that exits at once with `code`.
pid_t exiting_child(int code) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(code);
  return pid;
}

// Field 22 of /proc/self/stat, split naively: right only because this test's command
// name ("lab_test") has no spaces, which the test checks.
uint64_t own_start_time_field() {
  std::ifstream in("/proc/self/stat");
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  EXPECT_GE(fields.size(), 22u);
  EXPECT_EQ(fields.size() >= 2 ? fields[1].back() : ' ', ')') << "command name with a space";
  return fields.size() >= 22 ? std::stoull(fields[21]) : 0;
}

pid_t pid_max() {
  std::ifstream in("/proc/sys/kernel/pid_max");
  long value = 0;
  in >> value;
  return static_cast<pid_t>(value);
}

TEST(Process, ThisProcessIsIdentifiedAndRunning) {
  ProcessId self = identify(::getpid());
  ASSERT_FALSE(self.empty());
  EXPECT_EQ(self.pid, ::getpid());
  EXPECT_NE(self.start_time, 0u);
  EXPECT_TRUE(is_running(self));
  EXPECT_EQ(process_start_time(::getpid()), self.start_time);
  EXPECT_EQ(self.start_time, own_start_time_field());  // the kernel's starttime, not another field
}

TEST(Process, APidThatCannotExistIsNotIdentified) {
  // PIDs are below pid_max, so pid_max itself never names a process.
  pid_t pid = pid_max();
  ASSERT_GT(pid, 1);
  EXPECT_FALSE(process_start_time(pid).has_value());
  EXPECT_TRUE(identify(pid).empty());
  EXPECT_FALSE(is_running({pid, 1}));
}

TEST(Process, AWrongStartTimeIsNotRunning) {
  // Same PID, different start time: what a recycled PID looks like.
  ProcessId self = identify(::getpid());
  ASSERT_TRUE(is_running(self));
  EXPECT_FALSE(is_running({self.pid, self.start_time + 1}));
  EXPECT_FALSE(is_running({self.pid, 0}));  // unknown start time never matches
  EXPECT_FALSE(is_running({}));
}

TEST(Process, AZombieIsNotRunning) {
  pid_t pid = exiting_child(0);
  ASSERT_GT(pid, 0);
  // Wait for the exit but leave the child unreaped: a zombie.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
  ProcessId zombie = identify(pid);
  EXPECT_FALSE(zombie.empty());  // /proc still shows it
  EXPECT_FALSE(is_running(zombie));
  ::waitpid(pid, nullptr, 0);
}

TEST(Process, StartTimeIsReadPastACommandNameWithSpacesAndParentheses) {
  // The child renames itself only after the parent has read its start time, so the two
  // reads see the same process under a plain name and under a hostile one.
  int go[2], done[2];
  ASSERT_EQ(::pipe(go), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    char byte;
    if (::read(go[0], &byte, 1) != 1) ::_exit(1);
    ::prctl(PR_SET_NAME, "x) R 1 2 3 (y", 0, 0, 0);
    if (::write(done[1], "k", 1) != 1) ::_exit(1);
    for (;;) ::pause();
  }
  ASSERT_GT(pid, 0);
  ProcessId before = identify(pid);
  ASSERT_EQ(::write(go[1], "g", 1), 1);
  char byte;
  ASSERT_EQ(::read(done[0], &byte, 1), 1);
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_EQ(name, "x) R 1 2 3 (y");  // the rename took effect
  EXPECT_EQ(identify(pid).start_time, before.start_time);
  EXPECT_TRUE(is_running(before));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  for (int fd : {go[0], go[1], done[0], done[1]}) ::close(fd);
}

TEST(KillAndWait, KillsARunningChild) {
  PausedChild child;
  ASSERT_GT(child.pid(), 0);
  ProcessId id = identify(child.pid());
  ASSERT_TRUE(is_running(id));
  auto status = kill_and_wait({id});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE(is_running(id));
}

TEST(KillAndWait, LeavesAProcessWhoseStartTimeDoesNotMatch) {
  // A recorded PID that now belongs to another process must not be killed. The child
  // echoes bytes on a socket: if it had been sent SIGKILL it would never echo again
  // (the signal is taken before it returns to user space), so the answer proves it was
  // left alone without waiting for anything but the child itself.
  int sockets[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(sockets[0]);
    char byte;
    while (::read(sockets[1], &byte, 1) == 1)
      if (::write(sockets[1], &byte, 1) != 1) break;
    ::_exit(0);
  }
  ASSERT_GT(pid, 0);
  ::close(sockets[1]);
  auto echoes = [&] {
    char byte = 'e';
    return ::send(sockets[0], &byte, 1, MSG_NOSIGNAL) == 1 && ::recv(sockets[0], &byte, 1, 0) == 1;
  };
  ASSERT_TRUE(echoes());
  ProcessId id = identify(pid);
  ASSERT_TRUE(kill_and_wait({{id.pid, id.start_time + 1}}).ok());
  EXPECT_TRUE(echoes());
  EXPECT_TRUE(is_running(id));
  ::close(sockets[0]);  // EOF: the child exits 0 on its own
  EXPECT_EQ(wait_exit_code(pid), 0);
}

TEST(KillAndWait, NothingToKillSucceeds) {
  EXPECT_TRUE(kill_and_wait({}).ok());
  EXPECT_TRUE(kill_and_wait({ProcessId{pid_max(), 5}}).ok());
}

TEST(KillAndWait, AnEmptyIdSignalsNobody) {
  // A member without a holder has pid 0, and kill(0, SIGKILL) would end the caller's
  // whole process group. Tried in a child that leads its own group, so a regression
  // fails this test instead of killing the test run.
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::_exit(kill_and_wait({ProcessId{}, ProcessId{0, 5}}).ok() ? 0 : 1);
  }
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
}

TEST(KillAndWait, KillsSeveralChildren) {
  PausedChild a, b, c;
  std::vector<ProcessId> ids{identify(a.pid()), identify(b.pid()), identify(c.pid())};
  for (const auto& id : ids) ASSERT_TRUE(is_running(id));
  ASSERT_TRUE(kill_and_wait(ids).ok());
  for (const auto& id : ids) EXPECT_FALSE(is_running(id)) << id.pid;
}

TEST(WaitExitCode, GivesTheExitStatusOfANormalExit) {
  EXPECT_EQ(wait_exit_code(exiting_child(0)), 0);
  EXPECT_EQ(wait_exit_code(exiting_child(7)), 7);
  EXPECT_EQ(wait_exit_code(exiting_child(255)), 255);
}

TEST(WaitExitCode, GivesOneHundredTwentyEightPlusTheSignal) {
  PausedChild killed;
  ASSERT_GT(killed.pid(), 0);
  ASSERT_EQ(::kill(killed.pid(), SIGKILL), 0);
  EXPECT_EQ(wait_exit_code(killed.pid()), 128 + SIGKILL);
  killed.reaped();

  PausedChild terminated;
  ASSERT_GT(terminated.pid(), 0);
  ASSERT_EQ(::kill(terminated.pid(), SIGTERM), 0);
  EXPECT_EQ(wait_exit_code(terminated.pid()), 128 + SIGTERM);
  terminated.reaped();
}

TEST(WaitExitCode, NotAChildIsMinusOne) { EXPECT_EQ(wait_exit_code(::getpid()), -1); }

}  // namespace
}  // namespace herd::lab
