// CSV as RFC 4180 writes it: comma-separated fields, double quotes around fields holding a
// comma, quote, CR or LF, quotes doubled inside. The first row is the header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::inventory {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // line number (1-based) where each row starts, for messages
};

// Parses `text`; `source` names it in errors ("nodes.csv: line 7: ..."). Every row must
// have as many fields as the header. Empty lines are skipped.
Result<CsvTable> parse_csv(std::string_view text, std::string_view source);

// Appends one row, quoting fields that need it, ending with "\n".
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace herd::inventory
