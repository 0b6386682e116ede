// The shell's fast path, as make does it: a command line with no shell syntax at all
// (no quotes, variables, globs, redirections, operators or keywords) means the same
// run directly as through `sh -c`, so the exec transport can skip starting a shell
// for it. Only the words' characters decide; anything doubtful goes to the shell.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herd::run {

// The words of `command` when running them directly is equivalent to `sh -c command`:
// every character is a letter, digit, space or one of _ - . / , + = : @ %; the first
// word is no assignment (NAME=…) and not a shell keyword or a builtin that differs from
// the program of that name (cd, echo, test, …). Otherwise, or for an empty command,
// nullopt. `true` and `false` run directly: their programs do what the builtins do.
std::optional<std::vector<std::string>> simple_command_words(std::string_view command);

// The file that `sh` would run for `program` (a word without '/'), searched in `path`
// (a $PATH value; empty entries mean the current folder, as in the shell). The first
// regular file with execute permission; nullopt when there is none.
std::optional<std::string> find_program(std::string_view program, std::string_view path);

}  // namespace herd::run
