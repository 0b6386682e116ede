#include "inventory/csv.h"

namespace herd::inventory {

Result<CsvTable> parse_csv(std::string_view text, std::string_view source) {
  CsvTable table;
  std::vector<std::string> row;
  std::string field;
  int line = 1, row_line = 1;
  size_t i = 0;
  bool row_has_content = false;

  auto end_row = [&]() -> Status {
    row.push_back(std::move(field));
    field.clear();
    bool blank = row.size() == 1 && row[0].empty() && !row_has_content;
    if (!blank) {
      if (table.header.empty()) {
        table.header = std::move(row);
      } else {
        if (row.size() != table.header.size())
          return bad_input("{}: line {}: {} field(s), the header has {}", source, row_line, row.size(), table.header.size());
        table.rows.push_back(std::move(row));
        table.lines.push_back(row_line);
      }
    }
    row.clear();
    row_has_content = false;
    return {};
  };

  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && field.empty() && !row_has_content) {
      // Quoted field: runs to the next lone quote.
      int start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size()) return bad_input("{}: line {}: quoted field is never closed", source, start_line);
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i++];
      }
      row_has_content = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        return bad_input("{}: line {}: text after a closing quote", source, line);
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_has_content = false;
      if (i + 1 >= text.size() || text[i + 1] == '\n' || text[i + 1] == '\r') row_has_content = true;
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') {
      HERD_CHECK(end_row());
      ++line;
      row_line = line;
      ++i;
      continue;
    }
    if (c == '"') return bad_input("{}: line {}: a quote inside an unquoted field", source, line);
    field += c;
    row_has_content = true;
    ++i;
  }
  if (!field.empty() || !row.empty() || row_has_content) HERD_CHECK(end_row());
  if (table.header.empty()) return bad_input("{}: no header row", source);
  return table;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  // A row of one empty field is quoted: written bare it would be a blank line, which
  // readers skip.
  bool lone_empty = fields.size() == 1 && fields[0].empty();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const auto& f = fields[i];
    if (!lone_empty && f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
}

}  // namespace herd::inventory
