#include "nodeset/node_set.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "nodeset/parser.h"
#include "nodeset/pattern.h"

namespace herd::nodeset {
namespace {

enum class Operation { unite, subtract, intersect, symmetric_difference };

template <typename Set>
void apply(Set& set, const Set& other, Operation operation) {
  switch (operation) {
    case Operation::unite: set.unite(other); break;
    case Operation::subtract: set.subtract(other); break;
    case Operation::intersect: set.intersect(other); break;
    case Operation::symmetric_difference: set.symmetric_difference(other); break;
  }
}

// Combines the indexes of one pattern in two node sets (so the same alternative) and
// returns whether any name is left. A name without digits is left unless the operation
// removes it.
template <typename Indexes>
bool combine(Indexes& indexes, const Indexes& other, Operation operation) {
  if (auto* set = std::get_if<RangeSet>(&indexes)) {
    apply(*set, std::get<RangeSet>(other), operation);
    return !set->empty();
  }
  if (auto* set = std::get_if<RangeSetND>(&indexes)) {
    apply(*set, std::get<RangeSetND>(other), operation);
    return !set->empty();
  }
  return operation == Operation::unite || operation == Operation::intersect;
}

// Odometer over one index per axis, first axis fastest when `first_fastest`, else last
// axis fastest. Calls visit(const std::vector<size_t>& digits) for each combination.
template <typename Visit>
void for_each_combination(const std::vector<size_t>& sizes, bool first_fastest, Visit&& visit) {
  std::vector<size_t> digits(sizes.size(), 0);
  for (;;) {
    visit(digits);
    size_t turned = 0;
    for (; turned < sizes.size(); ++turned) {
      size_t axis = first_fastest ? turned : sizes.size() - 1 - turned;
      if (++digits[axis] < sizes[axis]) break;
      digits[axis] = 0;
    }
    if (turned == sizes.size()) return;
  }
}

// Which axes of a `dims`-axis pattern fold (ClusterShell's fold_axis, negatives from the end).
std::vector<bool> folded_axes(const FoldOptions& options, size_t dims) {
  std::vector<bool> folded(dims, !options.fold_axis.has_value());
  if (options.fold_axis) {
    const auto count = static_cast<int64_t>(dims);
    for (int64_t axis : *options.fold_axis)
      if (axis >= -count && axis < count) folded[static_cast<size_t>((axis + count) % count)] = true;
  }
  return folded;
}

}  // namespace

Result<NodeSet> NodeSet::parse(std::string_view text, const GroupResolver* groups) {
  return parse_node_set(text, groups);
}

NodeSet NodeSet::from_names(const std::vector<std::string>& names) {
  struct Batch {
    size_t dims = 0;
    std::vector<Index> coordinates;  // dims per name
  };
  std::unordered_map<std::string, Batch> batches;
  PatternBuilder pattern;
  std::vector<Index> indexes;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    pattern.clear();
    indexes.clear();
    split_name(name, pattern, indexes, LongDigits::keep_as_text);
    Batch& batch = batches[pattern.pattern()];
    batch.dims = indexes.size();
    batch.coordinates.insert(batch.coordinates.end(), indexes.begin(), indexes.end());
  }
  NodeSet set;
  for (auto& [text, batch] : batches) {
    Indexes& entry = set.patterns_[text];
    if (batch.dims == 1) {
      entry = RangeSet::from_indexes(std::move(batch.coordinates));
    } else if (batch.dims > 1) {
      entry = RangeSetND::from_points(batch.dims, batch.coordinates);
    }
  }
  return set;
}

NodeSet NodeSet::from_pattern(const std::string& pattern, std::vector<RangeSet> axes) {
  NodeSet set;
  Indexes& entry = set.patterns_[pattern];
  if (axes.size() == 1) {
    entry = std::move(axes[0]);
  } else if (axes.size() > 1) {
    entry = RangeSetND::of(std::move(axes));
  }
  return set;
}

void NodeSet::add(std::string_view name) { unite(from_names({std::string(name)})); }

NodeSet& NodeSet::unite(const NodeSet& other) {
  for (const auto& [pattern, indexes] : other.patterns_) {
    auto [it, inserted] = patterns_.try_emplace(pattern, indexes);
    if (!inserted) combine(it->second, indexes, Operation::unite);
  }
  return *this;
}

NodeSet& NodeSet::subtract(const NodeSet& other) {
  for (const auto& [pattern, indexes] : other.patterns_) {
    auto it = patterns_.find(pattern);
    if (it != patterns_.end() && !combine(it->second, indexes, Operation::subtract)) patterns_.erase(it);
  }
  return *this;
}

NodeSet& NodeSet::intersect(const NodeSet& other) {
  for (auto it = patterns_.begin(); it != patterns_.end();) {
    auto found = other.patterns_.find(it->first);
    bool kept = found != other.patterns_.end() && combine(it->second, found->second, Operation::intersect);
    it = kept ? std::next(it) : patterns_.erase(it);
  }
  return *this;
}

NodeSet& NodeSet::symmetric_difference(const NodeSet& other) {
  for (const auto& [pattern, indexes] : other.patterns_) {
    auto [it, inserted] = patterns_.try_emplace(pattern, indexes);
    if (!inserted && !combine(it->second, indexes, Operation::symmetric_difference)) patterns_.erase(it);
  }
  return *this;
}

bool NodeSet::contains(std::string_view name) const {
  PatternBuilder pattern;
  std::vector<Index> indexes;
  split_name(name, pattern, indexes, LongDigits::keep_as_text);
  auto it = patterns_.find(pattern.pattern());
  if (it == patterns_.end()) return false;
  if (const auto* set = std::get_if<RangeSet>(&it->second)) return set->contains(indexes[0]);
  if (const auto* set = std::get_if<RangeSetND>(&it->second)) return set->contains(indexes);
  return true;
}

size_t NodeSet::size() const {
  size_t total = 0;
  for (const auto& [pattern, indexes] : patterns_) {
    size_t count = 1;
    if (const auto* set = std::get_if<RangeSet>(&indexes)) count = set->size();
    if (const auto* set = std::get_if<RangeSetND>(&indexes)) count = set->size();
    total = count > std::numeric_limits<size_t>::max() - total ? std::numeric_limits<size_t>::max() : total + count;
  }
  return total;
}

template <typename Visitor>
void NodeSet::for_each_name(Visitor&& visit) const {
  std::string name;
  for (const auto& [pattern, indexes] : patterns_) {
    PatternWriter writer(pattern);
    if (const auto* set = std::get_if<RangeSet>(&indexes)) {
      set->for_each([&](Index index) {
        name.clear();
        writer.append(name, [&](std::string& out, size_t) { index.append_to(out); });
        visit(name);
      });
    } else if (const auto* set = std::get_if<RangeSetND>(&indexes)) {
      for (const RangeVector& vector : set->fold()) {
        std::vector<std::vector<Index>> axes;
        std::vector<size_t> sizes;
        for (const RangeSet& axis : vector) {
          axes.push_back(axis.indexes());
          sizes.push_back(axes.back().size());
        }
        for_each_combination(sizes, /*first_fastest=*/false, [&](const std::vector<size_t>& digits) {
          name.clear();
          writer.append(name, [&](std::string& out, size_t axis) { axes[axis][digits[axis]].append_to(out); });
          visit(name);
        });
      }
    } else {
      name.clear();
      writer.append(name, [](std::string&, size_t) {});
      visit(name);
    }
  }
}

std::vector<std::string> NodeSet::expand() const {
  std::vector<std::string> names;
  for_each_name([&](const std::string& name) { names.push_back(name); });
  return names;
}

// ClusterShell's NodeSetBase.__str__ and _iter_nd_pat.
std::string NodeSet::fold(const FoldOptions& options) const {
  std::string out;
  auto append_name = [&](const PatternWriter& writer, const std::vector<std::string>& parts) {
    if (!out.empty()) out.push_back(',');
    writer.append(out, [&](std::string& text, size_t axis) { text += parts[axis]; });
  };
  // The texts an axis contributes: "[1-3]" when folded, else one text per index.
  auto axis_texts = [&](const RangeSet& set, bool folded) {
    std::vector<std::string> texts;
    if (set.size() == 1) {
      texts.push_back(set.first().str());
    } else if (folded) {
      texts.push_back("[" + set.fold(options.autostep) + "]");
    } else {
      set.for_each([&](Index index) { texts.push_back(index.str()); });
    }
    return texts;
  };
  for (const auto& [pattern, indexes] : patterns_) {
    PatternWriter writer(pattern);
    std::vector<RangeVector> vectors;
    if (const auto* set = std::get_if<RangeSet>(&indexes)) {
      vectors.push_back({*set});
    } else if (const auto* set = std::get_if<RangeSetND>(&indexes)) {
      vectors = set->fold();
    } else {
      append_name(writer, {});
      continue;
    }
    std::vector<bool> folded = folded_axes(options, writer.dims());
    for (const RangeVector& vector : vectors) {
      std::vector<std::vector<std::string>> texts;
      std::vector<size_t> sizes;
      for (size_t axis = 0; axis < vector.size(); ++axis) {
        texts.push_back(axis_texts(vector[axis], folded[axis]));
        sizes.push_back(texts.back().size());
      }
      std::vector<std::string> parts(vector.size());
      for_each_combination(sizes, /*first_fastest=*/true, [&](const std::vector<size_t>& digits) {
        for (size_t axis = 0; axis < vector.size(); ++axis) parts[axis] = texts[axis][digits[axis]];
        append_name(writer, parts);
      });
    }
  }
  return out;
}

NodeSet union_of(std::vector<NodeSet> sets) {
  if (sets.empty()) return NodeSet();
  for (size_t step = 1; step < sets.size(); step *= 2)
    for (size_t i = 0; i + step < sets.size(); i += 2 * step) sets[i].unite(sets[i + step]);
  return std::move(sets[0]);
}

std::string fold(const std::vector<std::string>& names) { return NodeSet::from_names(names).fold(); }

}  // namespace herd::nodeset
