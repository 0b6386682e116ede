// Properties of fold, expand and set algebra on random node sets (rapidcheck).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "nodeset/node_set.h"
#include "nodeset/range_set_parser.h"

namespace herd::nodeset {
namespace {

// Names of a few patterns with 0-3 numeric parts, indexes 0..40 written with widths 1..3.
rc::Gen<std::string> name() {
  auto index = rc::gen::apply(
      [](int value, int width) {
        std::string text = std::to_string(value);
        return std::string(static_cast<size_t>(std::max<int>(0, width - static_cast<int>(text.size()))), '0') + text;
      },
      rc::gen::inRange(0, 41), rc::gen::weightedElement<int>({{6, 1}, {2, 2}, {1, 3}}));
  return rc::gen::mapcat(rc::gen::inRange(0, 7), [index](int shape) {
    switch (shape) {
      case 0: return rc::gen::just(std::string("login"));
      case 1: return rc::gen::map(index, [](std::string i) { return "n" + i; });
      case 2: return rc::gen::map(index, [](std::string i) { return "node" + i + "-ib"; });
      case 3: return rc::gen::apply([](std::string a, std::string b) { return "r" + a + "n" + b; }, index, index);
      case 4: return rc::gen::apply([](std::string a, std::string b) { return "c" + a + "-" + b; }, index, index);
      default:
        return rc::gen::apply([](std::string a, std::string b, std::string c) { return "x" + a + "c" + b + "s" + c; },
                              index, index, index);
    }
  });
}

rc::Gen<std::vector<std::string>> names() { return rc::gen::container<std::vector<std::string>>(name()); }

std::set<std::string> members(const NodeSet& set) {
  std::vector<std::string> expanded = set.expand();
  return {expanded.begin(), expanded.end()};
}

RC_GTEST_PROP(NodeSetProperties, FoldParsesBackToTheSameSet, ()) {
  NodeSet set = NodeSet::from_names(*names());
  Result<NodeSet> reparsed = NodeSet::parse(set.fold());
  RC_ASSERT(reparsed.ok());
  RC_ASSERT(*reparsed == set);
  RC_ASSERT(reparsed->fold() == set.fold());
}

RC_GTEST_PROP(NodeSetProperties, ExpandListsEachMemberOnce, ()) {
  std::vector<std::string> list = *names();
  NodeSet set = NodeSet::from_names(list);
  std::vector<std::string> expanded = set.expand();
  std::set<std::string> distinct(list.begin(), list.end());
  RC_ASSERT(expanded.size() == distinct.size());
  RC_ASSERT(std::set<std::string>(expanded.begin(), expanded.end()) == distinct);
  RC_ASSERT(set.size() == distinct.size());
  RC_ASSERT(NodeSet::from_names(expanded) == set);
  for (const std::string& member : list) RC_ASSERT(set.contains(member));
}

RC_GTEST_PROP(NodeSetProperties, OrderOfNamesDoesNotMatter, ()) {
  std::vector<std::string> list = *names();
  std::vector<std::string> shuffled = list;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(*rc::gen::arbitrary<uint32_t>()));
  RC_ASSERT(fold(list) == fold(shuffled));
  NodeSet added;
  for (const std::string& member : shuffled) added.add(member);
  RC_ASSERT(added.fold() == fold(list));
}

RC_GTEST_PROP(NodeSetProperties, AlgebraMatchesPlainSets, ()) {
  std::vector<std::string> a = *names(), b = *names();
  NodeSet x = NodeSet::from_names(a), y = NodeSet::from_names(b);
  std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end()), want;
  std::set_union(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(want, want.end()));
  RC_ASSERT(members(NodeSet(x).unite(y)) == want);
  want.clear();
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(want, want.end()));
  RC_ASSERT(members(NodeSet(x).intersect(y)) == want);
  want.clear();
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(want, want.end()));
  RC_ASSERT(members(NodeSet(x).subtract(y)) == want);
  want.clear();
  std::set_symmetric_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(want, want.end()));
  RC_ASSERT(members(NodeSet(x).symmetric_difference(y)) == want);
}

RC_GTEST_PROP(RangeSetProperties, SteppedFoldParsesBack, ()) {
  auto values = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 200));
  auto width = *rc::gen::inRange<uint32_t>(1, 4);
  std::vector<Index> indexes;
  for (int value : values) indexes.push_back(Index::padded(value, width));
  RangeSet set = RangeSet::from_indexes(indexes);
  for (int64_t autostep : {1, 2, 3, 5}) {
    std::string text = set.fold(autostep);
    if (set.empty()) continue;
    Result<RangeSet> reparsed = parse_range_set(text);
    RC_ASSERT(reparsed.ok());
    RC_ASSERT(*reparsed == set);
  }
}

}  // namespace
}  // namespace herd::nodeset
