// @groups and wildcards through a GroupResolver.
#include <gtest/gtest.h>

#include "nodeset/node_set.h"
#include "map_group_resolver.h"

namespace herd::nodeset {
namespace {

class GroupTest : public ::testing::Test {
 protected:
  MapGroupResolver groups_{{
      {"compute", {"n[1-4]"}},
      {"gpu", {"g1", "g2"}},
      {"rack0", {"r0n[1-2]"}},
      {"rack1", {"r1n[1-2]"}},
      {"all", {"@compute", "@gpu"}},
      {"odd", {"n[1-5]!n[2,4]"}},
      {"loop", {"@loop"}},
      {"broken", {"n[1-"}},
      {"site:login", {"login[1-2]"}},
  }};

  std::string folded(std::string_view text) {
    Result<NodeSet> set = NodeSet::parse(text, &groups_);
    return set.ok() ? set->fold() : "error: " + set.error().message;
  }
};

TEST_F(GroupTest, GroupsExpandToTheirMembers) {
  EXPECT_EQ(folded("@compute"), "n[1-4]");
  EXPECT_EQ(folded("@compute,@gpu"), "g[1-2],n[1-4]");
  EXPECT_EQ(folded("@all"), "g[1-2],n[1-4]");
  EXPECT_EQ(folded("@rack[0-1]"), "r[0-1]n[1-2]");
  EXPECT_EQ(folded("@site:login"), "login[1-2]");
  EXPECT_EQ(folded("@odd"), "n[1,3,5]");
}

TEST_F(GroupTest, GroupsTakePartInOperators) {
  EXPECT_EQ(folded("@compute!n2"), "n[1,3-4]");
  EXPECT_EQ(folded("@all&n[3-9]"), "n[3-4]");
  EXPECT_EQ(folded("n[1-9]!@compute"), "n[5-9]");
  EXPECT_EQ(folded("@compute^@odd"), "n[2,4-5]");
}

TEST(EveryGroupTest, AtStarIsEveryMemberOfEveryGroup) {
  MapGroupResolver groups({{"a", {"n1"}}, {"b", {"n[2-3]", "@a"}}});
  Result<NodeSet> set = NodeSet::parse("@*!n2", &groups);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->fold(), "n[1,3]");
}

TEST_F(GroupTest, BadGroupsAreErrors) {
  EXPECT_EQ(folded("@nope"), "error: unknown group @nope");
  EXPECT_EQ(folded("@loop"), "error: @loop: groups nested more than 16 deep (does a group contain itself?)");
  EXPECT_EQ(folded("@broken"), "error: in group @broken: column 5: unclosed '['");
  EXPECT_EQ(folded("n1,@g[1-200000]"), "error: column 4: more than 100000 group names");
}

TEST(WildcardTest, WildcardsMatchTheMembersOfAllGroups) {
  MapGroupResolver groups({{"compute", {"n[1-4]"}},
                           {"gpu", {"g1", "g2", "n5"}},
                           {"rack0", {"r0n[1-2]"}},
                           {"rack1", {"r1n[1-2]"}},
                           {"site:login", {"login[1-2]"}}});
  auto folded = [&](std::string_view text) {
    Result<NodeSet> set = NodeSet::parse(text, &groups);
    return set.ok() ? set->fold() : "error: " + set.error().message;
  };
  EXPECT_EQ(folded("n*"), "n[1-5]");
  EXPECT_EQ(folded("r?n2"), "r[0-1]n2");
  EXPECT_EQ(folded("*1"), "g1,login1,n1,r[0-1]n1");
  EXPECT_EQ(folded("x*"), "");
  EXPECT_EQ(folded("n[1-2]*"), "n[1-2]");  // the masks n1* and n2*
  EXPECT_EQ(folded("n*!n[2-3]"), "n[1,4-5]");
  EXPECT_EQ(folded("n[1-200000]*"), "error: column 1: more than 100000 wildcard masks");
}

TEST_F(GroupTest, WildcardsFailWhenAGroupIsBroken) {
  EXPECT_NE(folded("n*").find("error: "), std::string::npos);
}

TEST(GroupWithoutResolverTest, AtAndWildcardsAreLiteral) {
  Result<NodeSet> set = NodeSet::parse("@compute,n*");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->fold(), "@compute,n*");
}

}  // namespace
}  // namespace herd::nodeset
