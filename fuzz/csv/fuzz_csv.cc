// fuzz_csv: the CSV reader behind `herd inventory import`. Every input either parses into
// rows as wide as the header or fails as bad_input naming the source; a parsed table
// written back out parses to the same table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "inventory/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = herd::inventory::parse_csv(text, "fuzz.csv");
  if (!table) {
    if (table.error().kind != herd::ErrorKind::bad_input) std::abort();
    if (table.error().message.rfind("fuzz.csv: ", 0) != 0) std::abort();
    return 0;
  }
  for (const auto& row : table->rows)
    if (row.size() != table->header.size()) std::abort();
  std::string out;
  herd::inventory::append_csv_row(out, table->header);
  for (const auto& row : table->rows) herd::inventory::append_csv_row(out, row);
  auto again = herd::inventory::parse_csv(out, "again.csv");
  if (!again || again->header != table->header || again->rows != table->rows) std::abort();
  return 0;
}
