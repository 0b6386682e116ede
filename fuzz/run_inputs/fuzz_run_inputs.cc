// fuzz_run_inputs: herd run's readers besides gather's. The first byte picks one:
//   even: simple_command_words, the exec transport's fast path. What it accepts must be
//         words of plain characters only, the command's space-separated words exactly,
//         the first neither an assignment nor a shell keyword/builtin: anything else has
//         to go through sh.
//   odd:  parse_failed_state. It fails as bad_input naming the file, or accepts; what it
//         accepts, written back with failed_state_text, reads the same (never throws).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "run/failed_state.h"
#include "run/simple_command.h"

namespace {

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-./,+=:@%").find(c) != std::string_view::npos;
}

// The command's words, split at spaces only.
std::vector<std::string> split_at_spaces(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  for (char c : command) {
    if (c != ' ') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

void check_simple_command(std::string_view command) {
  auto words = herd::run::simple_command_words(command);
  if (!words) return;
  for (char c : command)
    if (c != ' ' && !plain(c)) std::abort();
  if (*words != split_at_spaces(command) || words->empty()) std::abort();
  const std::string& first = words->front();
  if (first.find('=') != std::string::npos) std::abort();
  for (std::string_view only : {"cd", "echo", "test", "[", "exec", "exit", "export", "if", "for", "while", "."})
    if (first == only) std::abort();
}

void check_failed_state(std::string_view text) {
  auto state = herd::run::parse_failed_state(text, "FILE");
  if (!state) {
    if (state.error().kind != herd::ErrorKind::bad_input || state.error().message.rfind("FILE: ", 0) != 0) std::abort();
    return;
  }
  auto again = herd::run::parse_failed_state(herd::run::failed_state_text(*state), "FILE");
  if (!again) std::abort();
  // Text that is not UTF-8 becomes U+FFFD when written: compare the written forms.
  if (herd::run::failed_state_text(*again) != herd::run::failed_state_text(*state)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) check_simple_command(rest);
  else check_failed_state(rest);
  return 0;
}
