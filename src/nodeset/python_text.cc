#include "nodeset/python_text.h"

#include "nodeset/index.h"

namespace herd::nodeset::python {

bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

std::string_view lstrip(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  return text;
}

std::string_view rstrip(std::string_view text) {
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view strip(std::string_view text) { return rstrip(lstrip(text)); }

Int to_int(std::string_view text) {
  text = strip(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  Int result;
  if (text.empty()) return result;
  bool previous_was_digit = false;
  bool too_large = false;
  int64_t value = 0;
  for (char c : text) {
    if (c == '_') {
      if (!previous_was_digit) return result;  // leading or doubled underscore
      previous_was_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return result;
    previous_was_digit = true;
    if (value > (kMaxIndexValue - (c - '0')) / 10) {
      too_large = true;
    } else if (!too_large) {
      value = value * 10 + (c - '0');
    }
  }
  if (!previous_was_digit) return result;  // trailing underscore
  result.status = too_large ? Int::Status::too_large : Int::Status::ok;
  result.value = negative ? -value : value;
  return result;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool is_break = c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= '\x1c' && c <= '\x1e');
    if (!is_break) continue;
    lines.push_back(text.substr(start, i - start));
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace herd::nodeset::python
