#include "run/simple_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>

namespace herd::run {

namespace {

bool plain_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '-': case '.': case '/': case ',': case '+': case '=': case ':': case '@': case '%':
      return true;
    default:
      return false;
  }
}

// Keywords, and builtins whose program (if any) behaves differently or cannot act on the
// shell: these always go through sh.
constexpr std::string_view kShellOnly[] = {
    ".",       ":",    "[",      "alias",    "bg",     "break",  "case",  "cd",      "command", "continue",
    "do",      "done", "echo",   "elif",     "else",   "esac",   "eval",  "exec",    "exit",    "export",
    "fc",      "fg",   "fi",     "for",      "getopts", "hash",  "if",    "in",      "jobs",    "kill",
    "local",   "printf", "pwd",  "read",     "readonly", "return", "select", "set",  "shift",   "test",
    "then",    "times", "trap",  "type",     "ulimit", "umask",  "unalias", "unset", "until",   "wait",
    "while",
};

bool shell_only(std::string_view word) { return std::ranges::find(kShellOnly, word) != std::end(kShellOnly); }

}  // namespace

std::optional<std::vector<std::string>> simple_command_words(std::string_view command) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < command.size()) {
    if (command[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < command.size() && command[end] != ' ') {
      if (!plain_char(command[end])) return std::nullopt;
      ++end;
    }
    words.emplace_back(command.substr(i, end - i));
    i = end;
  }
  if (words.empty()) return std::nullopt;
  const std::string& first = words.front();
  if (first.find('=') != std::string::npos || shell_only(first)) return std::nullopt;
  return words;
}

std::optional<std::string> find_program(std::string_view program, std::string_view path) {
  size_t start = 0;
  for (;;) {
    size_t colon = path.find(':', start);
    std::string_view dir = path.substr(start, colon == std::string_view::npos ? colon : colon - start);
    std::string candidate = dir.empty() ? std::string(program) : std::string(dir) + "/" + std::string(program);
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return dir.empty() ? "./" + candidate : candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    start = colon + 1;
  }
}

}  // namespace herd::run
