// Small text formats every command prints the same way: sizes, short hashes, hashes in
// JSON, progress lines on a terminal.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "store/hash.h"

namespace herd::cli {

// "512 B", "1.5 KiB", "3.2 MiB", "1.15 GiB".
inline std::string bytes_text(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1 << 20)) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < (1ull << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

// The first 12 hex digits, "none" for no hash.
inline std::string short_hash(const std::optional<store::Hash>& h) { return h ? h->hex().substr(0, 12) : "none"; }
inline nlohmann::json hash_json(const std::optional<store::Hash>& h) {
  return h ? nlohmann::json(h->hex()) : nlohmann::json(nullptr);
}

// One line on stderr rewritten in place, only when stderr is a terminal and the output is
// not JSON; at most ten updates a second. Cleared by clear() or the destructor.
class ProgressLine {
 public:
  explicit ProgressLine(bool json) : on_(!json && ::isatty(STDERR_FILENO)) {}
  ~ProgressLine() { clear(); }
  bool on() const { return on_; }
  void show(const std::string& text, bool force = false);
  void clear();

 private:
  bool on_;
  bool shown_ = false;
  int64_t last_ns_ = 0;
};

}  // namespace herd::cli
