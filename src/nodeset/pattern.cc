#include "nodeset/pattern.h"

namespace herd::nodeset {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void PatternBuilder::append_text(std::string_view text) {
  for (char c : text) {
    pattern_.push_back(c);
    if (c == '%') pattern_.push_back('%');
  }
}

void PatternBuilder::append_placeholder() { pattern_ += "%s"; }

size_t split_name(std::string_view name, PatternBuilder& pattern, std::vector<Index>& indexes,
                  LongDigits long_digits) {
  size_t i = 0;
  while (i < name.size()) {
    size_t digits_start = i;
    while (digits_start < name.size() && !is_digit(name[digits_start])) ++digits_start;
    pattern.append_text(name.substr(i, digits_start - i));
    size_t digits_end = digits_start;
    while (digits_end < name.size() && is_digit(name[digits_end])) ++digits_end;
    if (digits_end == digits_start) break;
    std::string_view digits = name.substr(digits_start, digits_end - digits_start);
    size_t significant = digits.find_first_not_of('0');
    if (significant != std::string_view::npos && digits.size() - significant > 18) {
      if (long_digits == LongDigits::reject) return digits_start;
      pattern.append_text(digits);
    } else {
      int64_t value = 0;
      for (char c : digits) value = value * 10 + (c - '0');
      indexes.push_back(Index{value, static_cast<uint32_t>(digits.size())});
      pattern.append_placeholder();
    }
    i = digits_end;
  }
  return std::string_view::npos;
}

PatternWriter::PatternWriter(std::string_view pattern) : texts_(1) {
  // PatternBuilder wrote every '%' as "%s" (a placeholder) or "%%" (a literal '%').
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[++i] == 's') {
        texts_.emplace_back();
        continue;
      }
    }
    texts_.back().push_back(pattern[i]);
  }
}

}  // namespace herd::nodeset
