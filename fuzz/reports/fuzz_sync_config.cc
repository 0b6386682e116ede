// fuzz_sync_config: libFuzzer over the sync config parser. Every input either parses
// into outputs that keep the parser's promises (a name, a kind, an absolute path no other
// output uses, a mode within 07777, reverse only on zones), or fails with bad_input whose
// message starts "<file>:<line>: " with a line number inside the input.
//
//   ./fuzz_sync_config fuzz/reports/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "reports/sync_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = herd::reports::parse_sync_config(text, "/etc/herd/sync.conf");
  if (!config.ok()) {
    const auto& error = config.error();
    if (error.kind != herd::ErrorKind::bad_input) std::abort();
    std::string_view message = error.message;
    std::string_view prefix = "/etc/herd/sync.conf:";
    if (message.substr(0, prefix.size()) != prefix) std::abort();
    size_t colon = message.find(':', prefix.size());
    if (colon == std::string_view::npos || colon == prefix.size()) std::abort();
    long line = std::strtol(std::string(message.substr(prefix.size(), colon - prefix.size())).c_str(), nullptr, 10);
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (line < 1 || static_cast<size_t>(line) > lines) std::abort();
    return 0;
  }
  std::set<std::string> names, paths;
  for (const auto& output : config->outputs) {
    if (output.name.empty() || !names.insert(output.name).second) std::abort();
    if (output.path.empty() || output.path[0] != '/' || !paths.insert(output.path).second) std::abort();
    if (output.mode > 07777) std::abort();
    if (output.options.reverse && output.kind != herd::reports::Kind::zone) std::abort();
    if (output.line < 1) std::abort();
  }
  return 0;
}
