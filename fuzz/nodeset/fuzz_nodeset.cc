// libFuzzer target: node set parsing, folding, expansion and algebra must never crash,
// hang, or break their invariants, whatever the input.
//
// Input: one expression, or two separated by a newline (for the algebra checks). A
// first byte '@' turns group resolution on, with a small fixed resolver.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#include <algorithm>

#include "nodeset/node_set.h"
#include "nodeset/range_set_parser.h"

namespace {

using herd::nodeset::NodeSet;

class FixedGroups : public herd::nodeset::GroupResolver {
 public:
  herd::Result<std::vector<std::string>> resolve(std::string_view group) const override {
    if (group == "a") return std::vector<std::string>{"n[1-3]", "x1y[1-2]"};
    if (group == "b") return std::vector<std::string>{"@a", "n[3-9]"};
    if (group == "self") return std::vector<std::string>{"@self"};
    return herd::bad_input("unknown group @{}", group);
  }
  std::vector<std::string> list() const override { return {"a", "b"}; }
};

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr size_t kMaxExpand = 20000;

std::vector<std::string> distinct_names(const NodeSet& set) {
  std::vector<std::string> names = set.expand();
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Folding then parsing gives back the same names, and the text is then stable. (Not
// always the same set: as in ClusterShell, "n[-5]" folds to "n-5", which parses as the
// pattern "n-%s" with index 5.) Expansion agrees with size().
void check_set(const NodeSet& set) {
  std::string folded = set.fold();
  if (folded.size() > 65536) return;  // valid but slow under the sanitizers (stepped ranges)
  herd::Result<NodeSet> reparsed = NodeSet::parse(folded);
  check(reparsed.ok());
  std::string refolded = reparsed->fold();
  herd::Result<NodeSet> again = NodeSet::parse(refolded);
  check(again.ok() && again->fold() == refolded);
  if (set.size() > kMaxExpand) return;  // the checks below write every name
  check(set.expand().size() == set.size());
  check(distinct_names(*reparsed) == distinct_names(set));
  herd::nodeset::FoldOptions options;
  options.autostep = 2;
  options.fold_axis = std::vector<int64_t>{0, -1};  // expands the middle axes
  (void)set.fold(options);
}

void check_algebra(const NodeSet& a, const NodeSet& b) {
  const size_t limit = size_t{1} << 40;  // far from saturation
  if (a.size() > limit || b.size() > limit) return;
  NodeSet both = NodeSet(a).intersect(b);
  NodeSet either = NodeSet(a).unite(b);
  check(either.size() + both.size() == a.size() + b.size());
  check(NodeSet(a).subtract(b).size() == a.size() - both.size());
  check(NodeSet(a).symmetric_difference(b).size() == either.size() - both.size());
  check(NodeSet(a).subtract(b).unite(both) == a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 300) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const FixedGroups groups;
  const herd::nodeset::GroupResolver* resolver = nullptr;
  if (!input.empty() && input.front() == '@') {
    resolver = &groups;
    input.remove_prefix(1);
  }
  std::string_view first = input.substr(0, input.find('\n'));
  std::string_view second = first.size() < input.size() ? input.substr(first.size() + 1) : std::string_view();

  herd::Result<NodeSet> a = NodeSet::parse(first, resolver);
  if (!a.ok()) {
    check(!a.error().message.empty());
  } else {
    check_set(*a);
  }
  herd::Result<herd::nodeset::RangeSet> range = herd::nodeset::parse_range_set(first);
  if (range.ok()) {
    for (int64_t autostep : {1, 3}) {
      // "a-b/step" may stand for more indexes than a stepped range may have when read.
      herd::Result<herd::nodeset::RangeSet> again = herd::nodeset::parse_range_set(range->fold(autostep));
      check(again.ok() ? *again == *range : again.error().message.find("stepped range") != std::string::npos);
    }
  }
  if (!second.empty()) {
    herd::Result<NodeSet> b = NodeSet::parse(second, resolver);
    if (a.ok() && b.ok()) check_algebra(*a, *b);
  }
  return 0;
}
