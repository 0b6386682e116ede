#include "inventory/validate.h"

#include <cctype>

namespace herd::inventory {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

}  // namespace

Status check_host_name(std::string_view name, std::string_view what) {
  if (name.empty()) return bad_input("{}: empty name", what);
  if (name.size() > 253) return bad_input("{} '{}': longer than 253 characters", what, name);
  if (!std::isalnum(static_cast<unsigned char>(name.front())))
    return bad_input("{} '{}': must start with a letter or digit", what, name);
  size_t label = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!name_char(c)) return bad_input("{} '{}': character '{}' at column {} is not allowed", what, name, c, i + 1);
    label = c == '.' ? 0 : label + 1;
    if (label > 63) return bad_input("{} '{}': a label is longer than 63 characters", what, name);
  }
  if (name.back() == '.' || name.back() == '-') return bad_input("{} '{}': must not end with '{}'", what, name, name.back());
  return {};
}

Status check_record_name(std::string_view name, std::string_view what) {
  if (name.empty()) return bad_input("{}: empty name", what);
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i]))
      return bad_input("{} '{}': character '{}' at column {} is not allowed", what, name, name[i], i + 1);
  return {};
}

Result<std::string> normalize_mac(std::string_view mac) {
  auto malformed = [&] { return bad_input("MAC '{}': expected six hex pairs like aa:bb:cc:dd:ee:ff", mac); };
  std::string out;
  int digits = 0;
  bool after_separator = false;
  for (size_t i = 0; i < mac.size(); ++i) {
    char c = mac[i];
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      if (digits > 0 && digits % 2 == 0) out += ':';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      ++digits;
      after_separator = false;
    } else if ((c == ':' || c == '-') && digits % 2 == 0 && digits > 0 && !after_separator) {
      after_separator = true;  // one separator, only between two pairs
    } else {
      return malformed();
    }
  }
  if (digits != 12 || after_separator) return malformed();
  return out;
}

}  // namespace herd::inventory
