// Index: one numeric part of a node name exactly as written, e.g. the "07" of "n07".
//
// Like ClusterShell 1.9, "7", "07" and "007" are three different indexes: an index is
// its text. The text is always decimal digits, zero padded to `width` characters, or a
// negative number "-N" (only range syntax such as "n[-2-3]" makes those; never padded).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace herd::nodeset {

// Largest magnitude an index may have (ClusterShell allows up to 1e100; herd keeps 18 digits).
inline constexpr int64_t kMaxIndexValue = 999'999'999'999'999'999;

struct Index {
  int64_t value = 0;
  // Characters in the text: digits including leading zeros, plus the '-' of a negative.
  // Invariant: value >= 0 ? width >= digit_count(value) : width == digit_count(-value) + 1.
  uint32_t width = 1;

  // The index written without padding ("%d").
  static Index natural(int64_t value);
  // The index zero padded to at least `pad` characters ("%0*d"); negatives are never padded.
  static Index padded(int64_t value, uint32_t pad);

  // Indexes are sorted in "lanes": every negative first (lane 0), then by width, so that
  // within a lane the order is the numeric order. This is ClusterShell's string order
  // (length, then text) for non-negatives, with negatives first in ascending order.
  uint32_t lane() const { return value < 0 ? 0 : width; }
  // True if the text starts with a zero that is padding: "07", "00", but not "0" or "10".
  bool is_padded() const { return width > 1 && value >= 0 && value < power_of_ten(width - 1); }

  std::string str() const;
  void append_to(std::string& out) const;

  friend bool operator==(const Index&, const Index&) = default;
  friend std::strong_ordering operator<=>(const Index& a, const Index& b) {
    if (auto c = a.lane() <=> b.lane(); c != 0) return c;
    return a.value <=> b.value;
  }

  // 10^n, saturated to a value above kMaxIndexValue when n > 18.
  static int64_t power_of_ten(uint32_t n);
};

// Number of decimal digits of a non-negative value (1 for 0).
uint32_t digit_count(int64_t value);

}  // namespace herd::nodeset
