// fuzz_prefixed_lines: the reader behind `herd gather`. Every input either parses or
// fails as bad_input naming the source and a line; parsed nodes are distinct, non-empty
// and free of white space; written back as "node: line\r\n" they parse to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "run/prefixed_lines.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  char separator = static_cast<char>(data[0]);
  if (separator == '\n' || separator == '\r' || separator == ' ' || separator == '\t') return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = herd::run::parse_prefixed_lines(text, separator, "fuzz");
  if (!parsed) {
    if (parsed.error().kind != herd::ErrorKind::bad_input) std::abort();
    if (parsed.error().message.rfind("fuzz line ", 0) != 0) std::abort();
    return 0;
  }
  std::set<std::string> seen;
  std::string again;
  for (const auto& n : *parsed) {
    if (n.node.empty() || !seen.insert(n.node).second || n.lines.empty()) std::abort();
    for (char c : n.node)
      if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20 || c == separator) std::abort();
    for (const auto& line : n.lines) {
      if (line.find('\n') != std::string::npos) std::abort();
      again += n.node;
      again += separator;
      again += ' ';
      again += line;
      again += "\r\n";
    }
  }
  auto reparsed = herd::run::parse_prefixed_lines(again, separator, "again");
  if (!reparsed || reparsed->size() != parsed->size()) std::abort();
  for (size_t i = 0; i < parsed->size(); ++i)
    if ((*reparsed)[i].node != (*parsed)[i].node || (*reparsed)[i].lines != (*parsed)[i].lines) std::abort();
  return 0;
}
