#include "track/line_diff.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

namespace herd::track {
namespace {

// Applies the edit script to a: kept lines of a interleaved with inserted lines of b
// must give b exactly.
bool script_gives_b(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b, const LineDiff& d) {
  std::vector<std::string_view> kept_a, kept_b;
  for (size_t i = 0; i < a.size(); ++i)
    if (!d.deleted[i]) kept_a.push_back(a[i]);
  for (size_t j = 0; j < b.size(); ++j)
    if (!d.inserted[j]) kept_b.push_back(b[j]);
  return kept_a == kept_b;
}

size_t lcs(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

std::vector<std::string_view> lines_of(const std::vector<std::string>& storage) {
  return std::vector<std::string_view>(storage.begin(), storage.end());
}

RC_GTEST_PROP(LineDiff, ScriptIsValidAndMinimal, ()) {
  // Small alphabets make many equal lines, which is where diff algorithms go wrong.
  auto gen = rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>("a\n", "b\n", "c\n", "d\n"));
  auto sa = *gen;
  auto sb = *gen;
  auto a = lines_of(sa), b = lines_of(sb);
  LineDiff d = diff_lines(a, b);
  RC_ASSERT(d.deleted.size() == a.size());
  RC_ASSERT(d.inserted.size() == b.size());
  RC_ASSERT(script_gives_b(a, b, d));
  RC_ASSERT(d.edits() == a.size() + b.size() - 2 * lcs(a, b));
}

TEST(LineDiff, TooExpensiveStillGivesAValidScript) {
  // Two long unrelated texts pass kMaxCost; the script must still turn a into b.
  std::vector<std::string> sa, sb;
  for (int i = 0; i < 3 * kMaxCost; ++i) sa.push_back("a" + std::to_string(i) + "\n");
  for (int i = 0; i < 3 * kMaxCost; ++i) sb.push_back(i % 7 ? "b" + std::to_string(i) + "\n" : sa[i]);
  auto a = lines_of(sa), b = lines_of(sb);
  LineDiff d = diff_lines(a, b);
  EXPECT_TRUE(script_gives_b(a, b, d));
}

TEST(UnifiedDiff, OneChangedLine) {
  std::string a = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
  std::string b = "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\n";
  EXPECT_EQ(unified_diff(a, b, "a/x", "b/x"),
            "--- a/x\n+++ b/x\n"
            "@@ -2,7 +2,7 @@\n two\n three\n four\n-five\n+FIVE\n six\n seven\n eight\n");
}

TEST(UnifiedDiff, SeparateHunksAndSingleLineRanges) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 1 || i == 20 ? "x" : "") + std::to_string(i) + "\n";
  }
  EXPECT_EQ(unified_diff(a, b, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -1,4 +1,4 @@\n-1\n+x1\n 2\n 3\n 4\n"
            "@@ -17,4 +17,4 @@\n 17\n 18\n 19\n-20\n+x20\n");
  EXPECT_EQ(unified_diff("a\n", "b\n", "a", "b"), "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n");
}

TEST(UnifiedDiff, AddedRemovedAndNoNewline) {
  EXPECT_EQ(unified_diff("", "new\n", "/dev/null", "b/f"), "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n");
  EXPECT_EQ(unified_diff("old\n", "", "a/f", "/dev/null"), "--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n");
  EXPECT_EQ(unified_diff("x\ny", "x\ny\n", "a", "b"),
            "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n");
  EXPECT_EQ(unified_diff("same\n", "same\n", "a", "b"), "");
}

TEST(UnifiedDiff, InsertionInTheMiddle) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nnew\nb\n", "a", "b"), "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n+new\n b\n");
}

TEST(LooksBinary, NulMeansBinary) {
  EXPECT_FALSE(looks_binary("plain text\n"));
  EXPECT_TRUE(looks_binary(std::string("a\0b", 3)));
  EXPECT_FALSE(looks_binary(std::string(9000, 'a') + std::string(1, '\0')));
}

}  // namespace
}  // namespace herd::track
