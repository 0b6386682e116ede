#include "nodeset/node_set.h"

#include <gtest/gtest.h>

namespace herd::nodeset {
namespace {

NodeSet parsed(std::string_view text) {
  Result<NodeSet> set = NodeSet::parse(text);
  EXPECT_TRUE(set.ok()) << text << ": " << (set.ok() ? "" : set.error().message);
  return set.ok() ? *set : NodeSet{};
}

std::string folded(std::string_view text) { return parsed(text).fold(); }

std::string expanded(std::string_view text) {
  std::string out;
  for (const std::string& name : parsed(text).expand()) out += (out.empty() ? "" : " ") + name;
  return out;
}

std::string error_of(std::string_view text) {
  Result<NodeSet> set = NodeSet::parse(text);
  return set.ok() ? "no error" : set.error().message;
}

// Expected texts are ClusterShell 1.9.1's `nodeset -f` / `nodeset -e` output.
TEST(NodeSetTest, FoldsOneAxis) {
  EXPECT_EQ(folded("n[01-10,100]"), "n[01-10,100]");
  EXPECT_EQ(folded("n[1-13/4]"), "n[1,5,9,13]");
  EXPECT_EQ(folded("n[7,07,007]"), "n[7,07,007]");
  EXPECT_EQ(folded("n1,n3,n2,n5"), "n[1-3,5]");
  EXPECT_EQ(folded("n1"), "n1");
  EXPECT_EQ(folded("abc"), "abc");
  EXPECT_EQ(folded("[1-3]"), "[1-3]");
  EXPECT_EQ(folded("n[-8--4]"), "n[-8--4]");
  EXPECT_EQ(folded(""), "");
}

TEST(NodeSetTest, PatternsSortByClusterShellText) {
  EXPECT_EQ(folded("node[1-3]-ib,node[1-3]"), "node[1-3],node[1-3]-ib");
  EXPECT_EQ(folded("a1,a-1,a#1"), "a#1,a1,a-1");  // "a#%s" < "a%s" < "a-%s"
  EXPECT_EQ(folded("a%b,a%1"), "a%1,a%b");
}

TEST(NodeSetTest, FoldsSeveralAxes) {
  EXPECT_EQ(folded("r[1-2]n[01-16]"), "r[1-2]n[01-16]");
  EXPECT_EQ(folded("n[1-10]x[1-10]!n[2-9]x[2-9]"), "n[1,10]x[1-10],n[2-9]x[1,10]");
  EXPECT_EQ(folded("n1x1,n2x2,n1x2,n3x1"), "n1x[1-2],n2x2,n3x1");
  EXPECT_EQ(folded("n[1,3]x[1-2],n2x1"), "n[2-3]x1,n1x[1-2],n3x2");
  EXPECT_EQ(folded("r[1-2]n[1-2]!r1n1"), "r2n[1-2],r1n2");
  EXPECT_EQ(folded("x1c[0-1]s[0-1],x2c0s0"), "x1c[0-1]s[0-1],x2c0s0");
}

TEST(NodeSetTest, ExpandsInClusterShellOrder) {
  EXPECT_EQ(expanded("n[01-10,100]"), "n01 n02 n03 n04 n05 n06 n07 n08 n09 n10 n100");
  EXPECT_EQ(expanded("n[7,07,007],m1"), "m1 n7 n07 n007");
  EXPECT_EQ(expanded("r[1-2]n[1-2]!r1n1"), "r2n1 r2n2 r1n2");  // the order of the folded vectors
  EXPECT_EQ(expanded("n[9-11]"), "n9 n10 n11");
}

TEST(NodeSetTest, OperatorsApplyLeftToRight) {
  EXPECT_EQ(folded("n[1-5]!n[2-3],n9"), "n[1,4-5,9]");
  EXPECT_EQ(folded("n[1-3]&n[2-5]^n[4-8]"), "n[2-8]");
  EXPECT_EQ(folded("  n1 , n2  "), "n[1-2]");
  EXPECT_EQ(folded("a^a"), "");
  EXPECT_EQ(folded("a&a,b"), "a,b");
}

TEST(NodeSetTest, DigitsTouchingBracketsJoinThem) {
  EXPECT_EQ(folded("n1[0-5]"), "n[10-15]");
  EXPECT_EQ(folded("n1[5-10]"), "n[15-110]");  // each contiguous run gets the digits
  EXPECT_EQ(folded("n[1-2]0"), "n[10,20]");
  EXPECT_EQ(folded("n1[-5]"), "n[1-15]");
  EXPECT_EQ(folded("a1b2[3]"), "a1b23");
}

TEST(NodeSetTest, ErrorsNameTheColumn) {
  EXPECT_EQ(error_of("n[1-3"), "column 6: unclosed '['");
  EXPECT_EQ(error_of("n1,n[1-3"), "column 9: unclosed '['");
  EXPECT_EQ(error_of("n]1"), "column 2: unexpected ']'");
  EXPECT_EQ(error_of("n[1]]"), "column 5: unexpected ']'");
  EXPECT_EQ(error_of("n[1][2]"), "column 5: unexpected '[' right after ']'");
  EXPECT_EQ(error_of("n[1]2[3]"), "column 6: unexpected '[' right after ']'");
  EXPECT_EQ(error_of("a,,b"), "column 3: missing node set before ','");
  EXPECT_EQ(error_of("a!"), "column 2: missing node set after '!'");
  EXPECT_EQ(error_of("n[1-2],m[1-x]"), "column 10: bad range \"1-x\": not a number");
  EXPECT_EQ(error_of("n[1-3/2]0"), "column 9: digits right after a range with a step");
  EXPECT_EQ(error_of("n1000000000000000000"), "column 2: number too large (herd allows 18 digits)");
}

TEST(NodeSetTest, SetAlgebra) {
  NodeSet a = parsed("n[1-10],r[1-2]n[1-4],login");
  NodeSet b = parsed("n[5-15],r2n[3-8],login,gw");
  EXPECT_EQ(NodeSet(a).unite(b).fold(), "gw,login,n[1-15],r2n[1-8],r1n[1-4]");
  EXPECT_EQ(NodeSet(a).intersect(b).fold(), "login,n[5-10],r2n[3-4]");
  EXPECT_EQ(NodeSet(a).subtract(b).fold(), "n[1-4],r1n[1-4],r2n[1-2]");
  EXPECT_EQ(NodeSet(a).symmetric_difference(b).fold(), "gw,n[1-4,11-15],r2n[1-2,5-8],r1n[1-4]");
  EXPECT_EQ(NodeSet(a).unite(b).size(), 15u + 8u + 4u + 2u);
}

TEST(NodeSetTest, MembershipAndSize) {
  NodeSet set = parsed("n[01-10],r[1-2]n[1-4],login");
  EXPECT_TRUE(set.contains("n05"));
  EXPECT_FALSE(set.contains("n5"));
  EXPECT_TRUE(set.contains("r2n4"));
  EXPECT_FALSE(set.contains("r3n4"));
  EXPECT_TRUE(set.contains("login"));
  EXPECT_FALSE(set.contains("logi"));
  EXPECT_EQ(set.size(), 19u);
  EXPECT_FALSE(set.empty());
  EXPECT_TRUE(NodeSet().empty());
}

TEST(NodeSetTest, FromNamesAndAdd) {
  NodeSet set = NodeSet::from_names({"n3", "n1", "n2", "n1", "r1n2", "r1n1", "gw", ""});
  EXPECT_EQ(set.fold(), "gw,n[1-3],r1n[1-2]");
  set.add("n4");
  set.add("r2n1");
  EXPECT_EQ(set.fold(), "gw,n[1-4],r1n[1-2],r2n1");
  EXPECT_EQ(set, parsed("gw,n[1-4],r1n[1-2],r2n1"));
  // Taken literally: no ranges or operators.
  EXPECT_EQ(NodeSet::from_names({"a,b"}).size(), 1u);
  EXPECT_EQ(fold({"c2", "c1", "c3"}), "c[1-3]");
  // Digit runs too long to be an index stay text.
  EXPECT_EQ(fold({"n12345678901234567890"}), "n12345678901234567890");
}

TEST(NodeSetTest, FoldOptions) {
  NodeSet set = parsed("r[1-2]n[1-3],m[1,3,5]");
  FoldOptions only_first;
  only_first.fold_axis = std::vector<int64_t>{0};
  EXPECT_EQ(set.fold(only_first), "m[1,3,5],r[1-2]n1,r[1-2]n2,r[1-2]n3");
  FoldOptions only_last;
  only_last.fold_axis = std::vector<int64_t>{-1};
  EXPECT_EQ(set.fold(only_last), "m[1,3,5],r1n[1-3],r2n[1-3]");
  FoldOptions stepped;
  stepped.autostep = 3;
  EXPECT_EQ(set.fold(stepped), "m[1-5/2],r[1-2]n[1-3]");
}

TEST(NodeSetTest, EqualityIsAboutMembers) {
  EXPECT_EQ(parsed("r[1-2]n[1-2]"), parsed("r1n1,r2n2,r1n2,r2n1"));
  EXPECT_NE(parsed("n1"), parsed("n01"));
}

}  // namespace
}  // namespace herd::nodeset
