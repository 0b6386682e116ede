// Line diffs for `herd track diff`: Myers' O(ND) algorithm in linear space (divide and
// conquer on the middle snake), then unified-diff hunks as diff -u and git print them.
// The result is a minimal edit script unless the two texts differ so much that the
// search passes kMaxCost edits in one split; then it splits at the furthest point reached
// so far, which stays correct (applying the script gives the new text) but may not be minimal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herd::track {

inline constexpr int kMaxCost = 2048;

// The lines of `text`, each with its '\n' (the last one may lack it).
std::vector<std::string_view> split_lines(std::string_view text);

// The edit script between line sequences a and b: deleted[i] for each line of a that is
// not kept, inserted[j] for each line of b that is new. Kept lines pair up in order.
struct LineDiff {
  std::vector<char> deleted;
  std::vector<char> inserted;
  size_t edits() const;
};
LineDiff diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b);

// The unified diff of two texts with `context` lines around each change, starting with
// "--- a_name" and "+++ b_name" lines; "" when the texts are equal. A last line without a
// newline is followed by "\ No newline at end of file".
std::string unified_diff(std::string_view a, std::string_view b, std::string_view a_name, std::string_view b_name,
                         int context = 3);

// Whether `data` looks binary: a NUL byte in its first 8000 bytes (git's rule).
bool looks_binary(std::string_view data);

}  // namespace herd::track
