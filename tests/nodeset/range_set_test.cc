#include "nodeset/range_set.h"

#include <gtest/gtest.h>

#include "nodeset/range_set_parser.h"

namespace herd::nodeset {
namespace {

RangeSet parsed(std::string_view text) {
  Result<RangeSet> set = parse_range_set(text);
  EXPECT_TRUE(set.ok()) << text << ": " << (set.ok() ? "" : set.error().message);
  return set.ok() ? *set : RangeSet{};
}

std::string folded(std::string_view text, std::optional<int64_t> autostep = std::nullopt) {
  return parsed(text).fold(autostep);
}

TEST(IndexTest, TextKeepsPadding) {
  EXPECT_EQ(Index::natural(7).str(), "7");
  EXPECT_EQ(Index::padded(7, 3).str(), "007");
  EXPECT_EQ(Index::padded(1234, 2).str(), "1234");
  EXPECT_EQ(Index::natural(-12).str(), "-12");
  EXPECT_EQ(Index::padded(-12, 5).str(), "-12");  // negatives are never padded
  EXPECT_EQ(Index::padded(0, 2).str(), "00");
}

TEST(IndexTest, PaddedMeansALeadingZero) {
  EXPECT_TRUE(Index::padded(7, 2).is_padded());
  EXPECT_TRUE(Index::padded(0, 2).is_padded());
  EXPECT_FALSE(Index::natural(0).is_padded());
  EXPECT_FALSE(Index::padded(10, 2).is_padded());
  EXPECT_FALSE(Index::natural(-1).is_padded());
}

TEST(IndexTest, OrderIsNegativesThenWidthThenValue) {
  EXPECT_LT(Index::natural(-10), Index::natural(-5));
  EXPECT_LT(Index::natural(-5), Index::natural(0));
  EXPECT_LT(Index::natural(9), Index::padded(0, 2));     // "9" < "00": shorter first
  EXPECT_LT(Index::padded(9, 2), Index::natural(10));    // "09" < "10"
  EXPECT_LT(Index::natural(99), Index::padded(7, 3));    // "99" < "007"
  EXPECT_NE(Index::natural(7), Index::padded(7, 2));
}

TEST(RangeSetTest, MixedPaddingMembersAreDistinct) {
  RangeSet set = parsed("7,07,007,7");
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.contains(Index::padded(7, 2)));
  EXPECT_FALSE(set.contains(Index::padded(7, 4)));
  EXPECT_EQ(set.fold(), "7,07,007");
}

TEST(RangeSetTest, RangesSplitByWidth) {
  RangeSet set = parsed("5-150");
  EXPECT_EQ(set.size(), 146u);
  EXPECT_EQ(set.intervals().size(), 3u);  // 5-9, 10-99, 100-150
  EXPECT_EQ(set.fold(), "5-150");
  EXPECT_EQ(parsed("-3-2").fold(), "-3-2");
  EXPECT_EQ(parsed("-3-2").size(), 6u);
}

TEST(RangeSetTest, FoldsLikeClusterShell) {
  EXPECT_EQ(folded("01-10,100"), "01-10,100");
  EXPECT_EQ(folded("1-13/4"), "1,5,9,13");
  EXPECT_EQ(folded("99-101"), "99-101");
  EXPECT_EQ(folded("098-101"), "098-101");
  EXPECT_EQ(folded("08-99,100"), "08-99,100");
  EXPECT_EQ(folded("0,00,000"), "0,00,000");
  EXPECT_EQ(folded("0-9,00,04-05,08-09"), "0-9,00,04-05,08-09");
  // ClusterShell's quirk: 96 begins a range after the stepped chain 09..35, 60..78 and
  // keeps its padding flag, so the range stops before the width changes.
  EXPECT_EQ(folded("09-35/2,60-78/6,96-118"),
            "09,11,13,15,17,19,21,23,25,27,29,31,33,35,60,66,72,78,96-99,100-118");
}

TEST(RangeSetTest, AutostepFoldsLikeClusterShell) {
  const char* set = "1,3,5,7,8,10,12,20-22,30,33,36";
  EXPECT_EQ(folded(set, 2), "1-7/2,8,10-12/2,20-22,30-36/3");
  EXPECT_EQ(folded(set, 3), "1-7/2,8,10,12,20-22,30-36/3");
  EXPECT_EQ(folded(set, 4), "1-7/2,8,10,12,20-22,30,33,36");
  EXPECT_EQ(folded("01,03,05,7,9", 3), "7,9,01-05/2");
}

TEST(RangeSetTest, SetOperations) {
  RangeSet a = parsed("1-10,05");
  RangeSet b = parsed("5-15");
  EXPECT_EQ(RangeSet(a).unite(b).fold(), "1-9,05,10-15");
  EXPECT_EQ(RangeSet(a).intersect(b).fold(), "5-10");
  EXPECT_EQ(RangeSet(a).subtract(b).fold(), "1-4,05");
  EXPECT_EQ(RangeSet(a).symmetric_difference(b).fold(), "1-4,05,11-15");
  EXPECT_TRUE(a.intersects(b));
  EXPECT_FALSE(parsed("1-4").intersects(parsed("01-04")));
  EXPECT_TRUE(RangeSet(a).subtract(a).empty());
}

TEST(RangeSetTest, SubtractSplitsAnInterval) {
  RangeSet set = parsed("1-100");
  set.subtract(parsed("10,20-29,100"));
  EXPECT_EQ(set.fold(), "1-9,11-19,30-99");
  EXPECT_EQ(set.size(), 88u);
}

TEST(RangeSetTest, InsertOutOfOrder) {
  RangeSet set;
  for (int64_t value : {5, 3, 4, 10, 1}) set.insert(Index::natural(value));
  EXPECT_EQ(set.fold(), "1,3-5,10");
  EXPECT_EQ(set.first(), Index::natural(1));
  EXPECT_EQ(set.last(), Index::natural(10));
}

TEST(RangeSetTest, FromIndexesSortsEveryKindOfIndex) {
  // Short non-negative indexes take a faster sort than negative or 16+ character ones.
  std::vector<Index> plain = {Index::natural(10), Index::padded(7, 2), Index::natural(9), Index::natural(8)};
  EXPECT_EQ(RangeSet::from_indexes(plain).fold(), "8-9,07,10");
  std::vector<Index> mixed = {Index::natural(3), Index::natural(-2), Index::padded(5, 17), Index::natural(-1),
                              Index::natural(0), Index::padded(4, 17), Index::natural(3)};
  EXPECT_EQ(RangeSet::from_indexes(mixed).fold(), "-2-0,3,00000000000000004-00000000000000005");
  EXPECT_EQ(RangeSet::from_indexes(mixed).size(), 6u);
}

TEST(RangeSetTest, HugeRangesCostOneInterval) {
  RangeSet set = parsed("100000000-999999999");
  EXPECT_EQ(set.size(), 900000000u);
  EXPECT_EQ(set.intervals().size(), 1u);
  EXPECT_EQ(set.fold(), "100000000-999999999");
}

}  // namespace
}  // namespace herd::nodeset
