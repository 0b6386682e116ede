// The few Python string rules that ClusterShell's syntax inherits, for ASCII text:
// what str.strip() removes, what int() accepts, where str.splitlines() splits.
// Matching them is what makes odd inputs such as "n[ 1 - 3 ]" or "n[+5]" fold alike.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace herd::nodeset::python {

// str.isspace() for one byte: " \t\n\v\f\r" and the separators \x1c-\x1f.
bool is_space(char c);

std::string_view strip(std::string_view text);
std::string_view lstrip(std::string_view text);
std::string_view rstrip(std::string_view text);

struct Int {
  enum class Status { ok, invalid, too_large };
  Status status = Status::invalid;
  int64_t value = 0;
};

// int(text) in base 10: surrounding whitespace, one optional sign, digits with single
// underscores between them. Magnitudes above kMaxIndexValue are `too_large`.
Int to_int(std::string_view text);

// str.splitlines(): splits at \n, \r\n, \r, \v, \f and \x1c-\x1e; no empty last line.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace herd::nodeset::python
