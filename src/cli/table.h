// Plain-text tables for list commands: a header row and left-aligned columns separated by
// two spaces, like `ps` or `wwctl node list`. Machine output goes through --json instead.
#pragma once

#include <string>
#include <vector>

namespace herd::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // The table as text; the last column is not padded.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace herd::cli
