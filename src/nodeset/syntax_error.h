// Errors in node set syntax: "column 6: unclosed '['" (1-based column of the problem).
#pragma once

#include <string_view>

#include "util/result.h"

namespace herd::nodeset {

inline Error syntax_error(size_t column, std::string_view what) {
  return bad_input("column {}: {}", column, what);
}

// Where a piece of text sits in the line the user typed, to report columns.
struct TextOrigin {
  size_t first_column = 1;  // column of the text's first character
  // False when the text was rewritten (as "n1[2-3]" is into "12-13"): every column
  // inside it is then reported as first_column.
  bool exact = true;

  size_t column_of(size_t offset) const { return exact ? first_column + offset : first_column; }
};

}  // namespace herd::nodeset
