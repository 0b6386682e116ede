#include "nodeset/range_set_parser.h"

#include <gtest/gtest.h>

namespace herd::nodeset {
namespace {

std::string folded(std::string_view text) {
  Result<RangeSet> set = parse_range_set(text);
  return set.ok() ? set->fold() : "error: " + set.error().message;
}

std::string error_of(std::string_view text, TextOrigin origin = {}) {
  Result<RangeSet> set = parse_range_set(text, origin);
  return set.ok() ? "no error" : set.error().message;
}

// Each of these is what ClusterShell 1.9's RangeSet(text) gives.
TEST(RangeSetParserTest, FollowsPythonNumberRules) {
  EXPECT_EQ(folded(" 1 - 3 "), "1-3");
  EXPECT_EQ(folded("+5"), "5");
  EXPECT_EQ(folded("1_0"), "10");
  EXPECT_EQ(folded("5 /1"), "5");
  EXPECT_EQ(folded("05 /1"), "005");  // the space counts in the padding width
  EXPECT_EQ(folded("0 /1"), "00");
}

TEST(RangeSetParserTest, NegativeRanges) {
  EXPECT_EQ(folded("-5"), "-5");
  EXPECT_EQ(folded("-8--4"), "-8--4");
  EXPECT_EQ(folded("x-3-5"), "-3-5");  // the text before the first '-' is ignored
  EXPECT_EQ(folded("-3-2"), "-3-2");
}

TEST(RangeSetParserTest, StepsAndPadding) {
  EXPECT_EQ(folded("1-13/4"), "1,5,9,13");
  EXPECT_EQ(folded("01-10,100"), "01-10,100");
  EXPECT_EQ(folded("09-10"), "09-10");
  EXPECT_EQ(folded("00-05"), "00-05");
}

TEST(RangeSetParserTest, RejectsWhatClusterShellRejects) {
  for (const char* bad : {"1-3-5-7-9", "01-100", "5-3", "1-5/0", "5/2", "", "1,,2", "a", "-03-5",
                          "1_", "_1", "1__0", "1-5/x", "0-05", "1-"}) {
    EXPECT_FALSE(parse_range_set(bad).ok()) << bad;
  }
}

TEST(RangeSetParserTest, ErrorsNameTheColumnAndThePart) {
  EXPECT_EQ(error_of("1-3,5-x"), "column 5: bad range \"5-x\": not a number");
  EXPECT_EQ(error_of("1,  7-2", TextOrigin{10}), "column 14: bad range \"7-2\": the range ends before it starts");
  EXPECT_EQ(error_of("1,,2"), "column 3: bad range \"\": empty range");
  EXPECT_EQ(error_of("5/2"), "column 1: bad range \"5/2\": a step needs a range, as in 1-9/2");
  EXPECT_EQ(error_of("01-100"), "column 1: bad range \"01-100\": padding length mismatch");
  EXPECT_EQ(error_of("9-x", TextOrigin{4, false}), "column 4: bad range \"9-x\": not a number");
}

TEST(RangeSetParserTest, NumbersBeyondEighteenDigitsAreRefused) {
  EXPECT_EQ(folded("999999999999999999"), "999999999999999999");
  EXPECT_EQ(folded("0000000000000000000001"), "0000000000000000000001");
  EXPECT_EQ(error_of("1000000000000000000"), "column 1: bad range \"1000000000000000000\": number too large (herd allows 18 digits)");
}

TEST(RangeSetParserTest, SteppedRangesAreBoundedPlainRangesNot) {
  EXPECT_TRUE(parse_range_set("1-1999999/2").ok());
  EXPECT_FALSE(parse_range_set("1-2000003/2").ok());
  // ClusterShell stops at 1e9 indexes per range; a plain range is one interval here.
  EXPECT_EQ(folded("1-2000000000"), "1-2000000000");
}

}  // namespace
}  // namespace herd::nodeset
