#include "lab/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <fmt/ranges.h>

#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::lab {
namespace {

struct StatFields {
  char state = '?';
  uint64_t start_time = 0;
};

// Parses /proc/PID/stat. The command name (field 2) may contain spaces and parentheses,
// so fields are counted from the last ')'.
std::optional<StatFields> read_stat(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text) return std::nullopt;
  size_t close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  auto fields = split(trim(std::string_view(*text).substr(close + 1)), ' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  if (fields.size() < 20) return std::nullopt;
  StatFields out;
  out.state = fields[0].empty() ? '?' : fields[0][0];
  long long start = 0;
  if (!parse_int(fields[19], start)) return std::nullopt;
  out.start_time = static_cast<uint64_t>(start);
  return out;
}

}  // namespace

std::optional<uint64_t> process_start_time(pid_t pid) {
  auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  return stat->start_time;
}

ProcessId identify(pid_t pid) {
  auto start = process_start_time(pid);
  if (!start) return {};
  return {pid, *start};
}

bool is_running(const ProcessId& id) {
  if (id.empty() || id.start_time == 0) return false;
  auto stat = read_stat(id.pid);
  return stat && stat->start_time == id.start_time && stat->state != 'Z' && stat->state != 'X';
}

Status kill_and_wait(const std::vector<ProcessId>& ids, int timeout_ms) {
  for (const auto& id : ids)
    if (is_running(id)) ::kill(id.pid, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    std::vector<pid_t> left;
    for (const auto& id : ids) {
      // Our own child (a zombie once killed): reap it so it does not linger. The start
      // time is checked first so that another process's PID is never waited for.
      if (process_start_time(id.pid) == id.start_time) (void)::waitpid(id.pid, nullptr, WNOHANG);
      if (is_running(id)) left.push_back(id.pid);
    }
    if (left.empty()) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return failure("processes still running {} ms after SIGKILL: {}", timeout_ms, fmt::join(left, ", "));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the kernel's state, not a guess
  }
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace herd::lab
