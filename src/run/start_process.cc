#include "run/start_process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace herd::run {

ProcessStarter::ProcessStarter() {
  for (int s = 1; s < NSIG; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    struct sigaction current {};
    if (sigaction(s, nullptr, &current) != 0) continue;  // glibc's internal signals
    bool always = s == SIGPIPE || s == SIGINT || s == SIGTERM || s == SIGHUP;
    bool handler = current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
    if (always || handler) reset_.push_back(s);
  }
}

pid_t ProcessStarter::start(const char* program, char* const argv[], char* const envp[], int in, int out,
                            int err) const {
  sigset_t all, previous, none;
  sigfillset(&all);
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  const int* reset = reset_.data();
  const size_t resets = reset_.size();
  volatile int exec_errno = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (size_t i = 0; i < resets; ++i) sigaction(reset[i], &default_action, nullptr);
    int fds[3] = {in, out, err};
    bool ok = setpgid(0, 0) == 0;
    // Move any of them that is itself 0 to 2 out of the way before the dup2s.
    for (int i = 0; ok && i < 3; ++i)
      if (fds[i] < 3) ok = (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3)) >= 0;
    for (int i = 0; ok && i < 3; ++i) ok = dup2(fds[i], i) == i;
    if (ok) {
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execve(program, argv, envp);
    }
    exec_errno = errno;
    _exit(127);
  }
  int vfork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) return -vfork_errno;
  if (exec_errno != 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return -exec_errno;
  }
  return pid;
}

}  // namespace herd::run
