// NodeSet: a set of node names with set algebra, written in ClusterShell's folded syntax.
//
//   auto set = NodeSet::parse("r[1-2]n[01-16]!r2n16");   // 31 nodes
//   set->fold();    // "r1n[01-16],r2n[01-15]"
//   set->expand();  // {"r1n01", ..., "r2n15"}
//
// Names are grouped by pattern (name with numeric parts as placeholders, pattern.h);
// a pattern holds no indexes, one RangeSet, or a RangeSetND. fold() and expand() give
// the text and order of ClusterShell 1.9's `nodeset -f` / `nodeset -e`, string for string.
// A value type: copies are independent; no hidden state.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nodeset/fold_options.h"
#include "nodeset/group_resolver.h"
#include "nodeset/range_set.h"
#include "nodeset/range_set_nd.h"
#include "util/result.h"

namespace herd::nodeset {

class NodeSet {
 public:
  NodeSet() = default;

  // Parses one node set expression: names, ranges "n[1-5,07]", several bracket groups,
  // "@group" (through `groups`; literal without it) and the operators ',' union,
  // '!' difference, '&' intersection, '^' symmetric difference, read left to right.
  // Fails with bad_input: "column 6: unclosed '['".
  static Result<NodeSet> parse(std::string_view text, const GroupResolver* groups = nullptr);
  // Builds from plain node names, each taken literally (no ranges, operators or groups);
  // much faster than parsing. A digit run of more than 18 significant digits stays text.
  static NodeSet from_names(const std::vector<std::string>& names);
  // The names of `pattern` (ClusterShell form, pattern.h) for one range set per placeholder.
  // Preconditions: axes.size() is the pattern's placeholder count; no axis is empty.
  static NodeSet from_pattern(const std::string& pattern, std::vector<RangeSet> axes);

  // Adds one node name, taken literally like from_names. Linear in the set's size; for
  // many names, from_names is much faster.
  void add(std::string_view name);

  NodeSet& unite(const NodeSet& other);
  NodeSet& subtract(const NodeSet& other);
  NodeSet& intersect(const NodeSet& other);
  NodeSet& symmetric_difference(const NodeSet& other);

  bool contains(std::string_view name) const;
  // Saturates at SIZE_MAX.
  size_t size() const;
  bool empty() const { return patterns_.empty(); }

  // Every name, in ClusterShell's order: patterns by their text, then index order, or
  // for several numeric parts the order of fold()'s vectors.
  std::vector<std::string> expand() const;
  // ClusterShell's folded text: "n[1-3,5],r[1-2]n[01-16]"; "" when empty.
  std::string fold() const { return fold(FoldOptions{}); }
  std::string fold(const FoldOptions& options) const;

  friend bool operator==(const NodeSet&, const NodeSet&) = default;

 private:
  // No placeholder (a name without digits), one, or several.
  using Indexes = std::variant<std::monostate, RangeSet, RangeSetND>;
  template <typename Visitor>
  void for_each_name(Visitor&& visit) const;

  // Pattern text -> indexes of its names; never an empty RangeSet or RangeSetND.
  std::map<std::string, Indexes> patterns_;
};

// The union of many node sets, merged pairwise in a balanced tree: uniting n single names
// one after the other would cost O(n^2).
NodeSet union_of(std::vector<NodeSet> sets);

// Folds names (e.g. from the inventory) into ClusterShell's folded text; the fast path
// for NodeSet::from_names(names).fold().
std::string fold(const std::vector<std::string>& names);

}  // namespace herd::nodeset
