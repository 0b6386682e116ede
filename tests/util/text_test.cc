#include "util/text.h"

#include <gtest/gtest.h>

namespace herd {

TEST(Text, SplitKeepsEmptyParts) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Text, TrimAndJoin) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(Text, ParseIntIsStrict) {
  long long v = 0;
  EXPECT_TRUE(parse_int("-42", v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(parse_int("42x", v));
  EXPECT_FALSE(parse_int("", v));
  EXPECT_FALSE(parse_int(" 1", v));
}

}  // namespace herd
