#include "run/gather.h"

#include <gtest/gtest.h>

namespace herd::run {
namespace {

NodeResult result(const std::string& node, std::vector<std::string> out) {
  NodeResult r;
  r.node = node;
  r.out = std::move(out);
  return r;
}

TEST(Gather, IdenticalOutputsFoldUnderOneNodeSet) {
  std::vector<NodeResult> results{result("n1", {"a", "b"}), result("n2", {"x"}), result("n3", {"a", "b"}),
                                  result("n4", {"a", "b"}), result("n10", {"x"}), result("n5", {})};
  auto groups = gather(results);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].nodes, "n[1,3-4]");
  EXPECT_EQ(groups[0].count, 3u);
  EXPECT_EQ(*groups[0].lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(groups[1].nodes, "n[2,10]");
  EXPECT_EQ(format_gathered(groups[0]), "---------------\nn[1,3-4] (3)\n---------------\na\nb\n");
  // One node: no count, as clush -b and clubak -b print it.
  Gathered single{"n2", 1, groups[0].lines};
  EXPECT_EQ(format_gathered(single), "---------------\nn2\n---------------\na\nb\n");
}

TEST(Gather, OutputsThatDifferOnlyInLineBreaksStayApart) {
  std::vector<NodeResult> results{result("n1", {"ab"}), result("n2", {"a", "b"}), result("n3", {"a", "b"})};
  auto groups = gather(results);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].nodes, "n[2-3]");
}

}  // namespace
}  // namespace herd::run
