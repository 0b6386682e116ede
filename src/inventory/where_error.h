// Errors of the --where compiler: every one names the 1-based column it is about.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace herd::inventory {

// 1-based column of byte `offset` in `expression`, counting UTF-8 code points so the number
// matches what a terminal shows. An offset at or past the end is the column after the last
// character, where "the expression ended" errors point.
inline std::size_t where_column(std::string_view expression, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < expression.size(); ++i) {
    const auto byte = static_cast<unsigned char>(expression[i]);
    if ((byte & 0xC0) != 0x80) ++column;  // not a continuation byte: a new character
  }
  return column;
}

// bad_input "--where: column N: <message>".
inline Error where_error(std::string_view expression, std::size_t offset, std::string_view message) {
  return bad_input("--where: column {}: {}", where_column(expression, offset), message);
}

// `text` made safe to show in an error message: control bytes become \xNN so hostile input
// cannot garble a terminal, and text longer than `limit` bytes is cut (at a character
// boundary) and ends in "...".
std::string printable_excerpt(std::string_view text, std::size_t limit = 32);

}  // namespace herd::inventory
