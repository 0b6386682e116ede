// Reading `node: line` output back per node (herd gather's input).
#include "run/prefixed_lines.h"

#include <gtest/gtest.h>

namespace herd::run {
namespace {

using Lines = std::vector<std::string>;

TEST(PrefixedLines, NodesInFirstSeenOrderLinesInInputOrder) {
  auto parsed = parse_prefixed_lines("n2: b1\nn1: a1\nn2: b2\r\nn1:a2\n n3 :   indented\nn1: last", ':', "stdin");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].node, "n2");
  EXPECT_EQ((*parsed)[0].lines, (Lines{"b1", "b2"}));
  EXPECT_EQ((*parsed)[1].node, "n1");
  EXPECT_EQ((*parsed)[1].lines, (Lines{"a1", "a2", "last"}));
  // One space after the separator is pdsh's; the rest is the line's own.
  EXPECT_EQ((*parsed)[2].node, "n3");
  EXPECT_EQ((*parsed)[2].lines, Lines{"  indented"});
}

TEST(PrefixedLines, EmptyContentAndOtherSeparators) {
  auto parsed = parse_prefixed_lines("n1:\nn1: \nn1: a: b\n", ':', "stdin");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)[0].lines, (Lines{"", "", "a: b"}));
  parsed = parse_prefixed_lines("n1|x:y\n", '|', "stdin");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)[0].node, "n1");
  EXPECT_EQ((*parsed)[0].lines, Lines{"x:y"});
  parsed = parse_prefixed_lines("", ':', "stdin");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(PrefixedLines, BadLinesAreNamedByNumber) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const auto& c : std::initializer_list<Case>{
           {"n1: ok\nno separator here\n", "stdin line 2: no node before a ':'"},
           {"n1: ok\n\n", "stdin line 2: no node before a ':'"},
           {"n1: ok\n  : x\n", "stdin line 2: empty node name"},
           {"n1: ok\nn 2: x\n", "stdin line 2: node name 'n 2' holds white space"},
           {"n\x01: x\n", "stdin line 1: node name"},
       }) {
    auto parsed = parse_prefixed_lines(c.text, ':', "stdin");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::bad_input);
    EXPECT_NE(parsed.error().message.find(c.message), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace herd::run
