#include "run/shell_quote.h"

#include <fmt/format.h>

namespace herd::run {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

static bool valid_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<EnvVar> parse_env_arg(std::string_view arg, const char* (*lookup)(const char*)) {
  EnvVar var;
  auto eq = arg.find('=');
  var.name = std::string(arg.substr(0, eq));
  if (!valid_name(var.name))
    return bad_input("-e {}: a variable name is letters, digits and '_', not starting with a digit", arg);
  if (eq != std::string_view::npos) {
    var.value = std::string(arg.substr(eq + 1));
  } else if (const char* value = lookup(var.name.c_str())) {
    var.value = value;
  }
  return var;
}

std::string remote_command(const std::vector<std::string>& words, const std::vector<EnvVar>& env) {
  std::string out;
  for (const auto& var : env) out += fmt::format("export {}={}; ", var.name, shell_quote(var.value));
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace herd::run
