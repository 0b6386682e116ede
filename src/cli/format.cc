#include "cli/format.h"

#include <cstdio>

#include "util/time_text.h"

namespace herd::cli {

void ProgressLine::show(const std::string& text, bool force) {
  if (!on_) return;
  int64_t now = now_ns();
  if (!force && now - last_ns_ < 100'000'000) return;
  last_ns_ = now;
  fmt::print(stderr, "\r\033[K{}", text);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace herd::cli
