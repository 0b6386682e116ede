// Quoting for the POSIX shell that runs a command on a node (ssh hands the remote
// command to the user's login shell as one string, as `sh -c` does locally).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::run {

// `text` as one single-quoted shell word: abc -> 'abc', it's -> 'it'\''s'.
std::string shell_quote(std::string_view text);

// One variable to set for the remote command.
struct EnvVar {
  std::string name;   // [A-Za-z_][A-Za-z0-9_]*
  std::string value;
};

// Parses `-e` arguments: "NAME=VALUE", or "NAME" for the value of NAME here (taken from
// `lookup`, an empty value when unset). Fails with bad_input naming the argument.
Result<EnvVar> parse_env_arg(std::string_view arg, const char* (*lookup)(const char*));

// The command line for the node's shell: the words joined with spaces, as ssh, pdsh and
// clush do (so `herd run n1 -- 'ls | wc -l'` pipes on the node), preceded by
// `export NAME='value';` for each variable. The words are not quoted: they are shell text.
std::string remote_command(const std::vector<std::string>& words, const std::vector<EnvVar>& env);

}  // namespace herd::run
