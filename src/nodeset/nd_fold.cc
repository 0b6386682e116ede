#include "nodeset/nd_fold.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>
#include <string>
#include <tuple>
#include <unordered_map>

namespace herd::nodeset {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// What the sort key needs of a range set: its size and the text order of its ends.
struct SetInfo {
  uint64_t count = 0;
  Index first, last;
  uint32_t first_rank = 0, last_rank = 0;  // rank of first/last by text among all indexes
};

// Range sets interned by value: equal sets share an id, so vectors compare by ids.
class SetTable {
 public:
  uint32_t intern(RangeSet set, const SetInfo& info) {
    sets_.push_back(std::move(set));
    auto [it, inserted] = ids_.emplace(&sets_.back(), static_cast<uint32_t>(infos_.size()));
    if (!inserted) {
      sets_.pop_back();
      return it->second;
    }
    infos_.push_back(info);
    return it->second;
  }

  // The id of set(a) ∪ set(b).
  uint32_t unite(uint32_t a, uint32_t b) {
    RangeSet united = sets_[a];
    united.unite(sets_[b]);
    const SetInfo& x = infos_[a];
    const SetInfo& y = infos_[b];
    SetInfo info;
    info.count = united.size();
    std::tie(info.first, info.first_rank) = x.first < y.first ? std::tie(x.first, x.first_rank) : std::tie(y.first, y.first_rank);
    std::tie(info.last, info.last_rank) = x.last > y.last ? std::tie(x.last, x.last_rank) : std::tie(y.last, y.last_rank);
    return intern(std::move(united), info);
  }

  const RangeSet& set(uint32_t id) const { return sets_[id]; }
  const SetInfo& info(uint32_t id) const { return infos_[id]; }

 private:
  struct Hash {
    size_t operator()(const RangeSet* set) const { return set->hash(); }
  };
  struct Equal {
    bool operator()(const RangeSet* a, const RangeSet* b) const { return *a == *b; }
  };
  std::deque<RangeSet> sets_;  // a deque: ids_ points into it
  std::vector<SetInfo> infos_;
  std::unordered_map<const RangeSet*, uint32_t, Hash, Equal> ids_;
};

class MultivariateFold {
 public:
  MultivariateFold(size_t dims, const std::vector<Index>& coordinates);
  std::vector<RangeVector> run();

 private:
  const uint32_t* axes(uint32_t box) const { return &ids_[box * dims_]; }
  bool sorts_before(uint32_t a, uint32_t b) const;
  // The one axis on which boxes a and b differ, or dims_ if they differ on 0 or 2+.
  size_t single_difference(uint32_t a, uint32_t b) const;
  bool equal_except(uint32_t a, uint32_t b, size_t axis) const;
  uint64_t hash_except(uint32_t box, size_t axis) const;
  void merge(uint32_t into, uint32_t from, size_t axis);
  bool easy_pass();
  bool full_pass();

  size_t dims_;
  SetTable sets_;
  std::vector<uint32_t> ids_;    // dims_ set ids per box ("vector" in ClusterShell)
  std::vector<uint64_t> sizes_;  // points per box
  std::vector<uint32_t> list_;   // ClusterShell's veclist: live boxes in list order
};

MultivariateFold::MultivariateFold(size_t dims, const std::vector<Index>& coordinates) : dims_(dims) {
  std::vector<Index> distinct = coordinates;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());

  std::vector<std::string> texts;
  texts.reserve(distinct.size());
  for (const Index& index : distinct) texts.push_back(index.str());
  std::vector<uint32_t> by_text(distinct.size());
  std::iota(by_text.begin(), by_text.end(), 0);
  std::sort(by_text.begin(), by_text.end(), [&](uint32_t a, uint32_t b) { return texts[a] < texts[b]; });
  std::vector<uint32_t> rank(distinct.size());
  for (uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;

  // Singletons first, so the set id of distinct[i] is i.
  for (size_t i = 0; i < distinct.size(); ++i)
    sets_.intern(RangeSet::of(distinct[i]), SetInfo{1, distinct[i], distinct[i], rank[i], rank[i]});

  ids_.reserve(coordinates.size());
  for (const Index& index : coordinates)
    ids_.push_back(static_cast<uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), index) - distinct.begin()));
  size_t boxes = dims_ == 0 ? 0 : coordinates.size() / dims_;
  sizes_.assign(boxes, 1);
  list_.resize(boxes);
  std::iota(list_.begin(), list_.end(), 0);
}

// ClusterShell's key: (-#points, per axis (-#indexes, first text, last text)).
bool MultivariateFold::sorts_before(uint32_t a, uint32_t b) const {
  if (sizes_[a] != sizes_[b]) return sizes_[a] > sizes_[b];
  for (size_t axis = 0; axis < dims_; ++axis) {
    uint32_t x = axes(a)[axis], y = axes(b)[axis];
    if (x == y) continue;
    const SetInfo& p = sets_.info(x);
    const SetInfo& q = sets_.info(y);
    if (p.count != q.count) return p.count > q.count;
    if (p.first_rank != q.first_rank) return p.first_rank < q.first_rank;
    if (p.last_rank != q.last_rank) return p.last_rank < q.last_rank;
  }
  return false;
}

size_t MultivariateFold::single_difference(uint32_t a, uint32_t b) const {
  size_t found = dims_;
  for (size_t axis = 0; axis < dims_; ++axis) {
    if (axes(a)[axis] == axes(b)[axis]) continue;
    if (found != dims_) return dims_;
    found = axis;
  }
  return found;
}

bool MultivariateFold::equal_except(uint32_t a, uint32_t b, size_t axis) const {
  for (size_t i = 0; i < dims_; ++i)
    if (i != axis && axes(a)[i] != axes(b)[i]) return false;
  return true;
}

uint64_t MultivariateFold::hash_except(uint32_t box, size_t axis) const {
  uint64_t h = 0;
  for (size_t i = 0; i < dims_; ++i)
    if (i != axis) h = mix(h ^ ((static_cast<uint64_t>(i) << 32) | axes(box)[i]));
  return h;
}

// Boxes are disjoint and equal on every axis but `axis`, so the union is a box.
void MultivariateFold::merge(uint32_t into, uint32_t from, size_t axis) {
  uint32_t& id = ids_[into * dims_ + axis];
  id = sets_.unite(id, axes(from)[axis]);
  uint64_t size = 1;
  for (size_t i = 0; i < dims_; ++i) size *= sets_.info(axes(into)[i]).count;
  sizes_[into] = size;
}

// Each box absorbs the boxes right after it in the list for as long as they merge.
bool MultivariateFold::easy_pass() {
  if (list_.empty()) return false;
  std::vector<uint32_t> kept;
  bool changed = false;
  uint32_t current = list_[0];
  for (size_t i = 1; i < list_.size(); ++i) {
    size_t axis = single_difference(current, list_[i]);
    if (axis != dims_) {
      merge(current, list_[i], axis);
      changed = true;
    } else {
      kept.push_back(current);
      current = list_[i];
    }
  }
  kept.push_back(current);
  list_ = std::move(kept);
  return changed;
}

// Each box, in list order, scans the later boxes once and absorbs each that merges with
// it as it grows. The next one to absorb is the nearest later box that equals it on all
// axes but some d: found in the per-axis buckets of boxes keyed by their other axes.
// Buckets are built from the list at the start of the pass; only boxes before the
// scanning box change during the pass, and those are never looked up again.
bool MultivariateFold::full_pass() {
  const size_t n = list_.size();
  std::vector<char> alive(n, 1);
  std::vector<std::unordered_map<uint64_t, std::vector<uint32_t>>> buckets(dims_);
  for (size_t axis = 0; axis < dims_; ++axis) {
    buckets[axis].reserve(n);
    for (uint32_t position = 0; position < n; ++position)
      buckets[axis][hash_except(list_[position], axis)].push_back(position);  // ascending
  }

  bool changed = false;
  for (size_t position = 0; position < n; ++position) {
    if (!alive[position]) continue;
    const uint32_t box = list_[position];
    size_t scanned = position;  // later boxes up to here are done with
    for (;;) {
      size_t best = n, best_axis = dims_;
      for (size_t axis = 0; axis < dims_; ++axis) {
        auto bucket = buckets[axis].find(hash_except(box, axis));
        if (bucket == buckets[axis].end()) continue;
        std::vector<uint32_t>& positions = bucket->second;
        auto it = std::upper_bound(positions.begin(), positions.end(), scanned);
        auto live = std::find_if(it, positions.end(), [&](uint32_t p) { return alive[p] != 0; });
        it = positions.erase(it, live);  // absorbed boxes never come back
        for (; it != positions.end() && *it < best; ++it) {
          if (alive[*it] && equal_except(box, list_[*it], axis)) {
            best = *it;
            best_axis = axis;
            break;
          }
        }
      }
      if (best_axis == dims_) break;
      merge(box, list_[best], best_axis);
      alive[best] = 0;
      scanned = best;
      changed = true;
    }
  }
  std::vector<uint32_t> kept;
  for (size_t position = 0; position < n; ++position)
    if (alive[position]) kept.push_back(list_[position]);
  list_ = std::move(kept);
  return changed;
}

std::vector<RangeVector> MultivariateFold::run() {
  bool full = false;
  for (;;) {
    std::stable_sort(list_.begin(), list_.end(), [&](uint32_t a, uint32_t b) { return sorts_before(a, b); });
    bool changed = full ? full_pass() : easy_pass();
    if (!changed) {
      if (full) break;
      full = true;
    }
  }
  std::vector<RangeVector> vectors;
  vectors.reserve(list_.size());
  for (uint32_t box : list_) {
    RangeVector vector;
    for (size_t axis = 0; axis < dims_; ++axis) vector.push_back(sets_.set(axes(box)[axis]));
    vectors.push_back(std::move(vector));
  }
  return vectors;
}

}  // namespace

std::vector<RangeVector> fold_points(size_t dims, const std::vector<Index>& coordinates) {
  return MultivariateFold(dims, coordinates).run();
}

void sort_like_clustershell(std::vector<RangeVector>& vectors) {
  struct Key {
    unsigned __int128 points = 1;
    std::vector<std::tuple<uint64_t, std::string, std::string>> axes;
  };
  std::vector<Key> keys;
  for (const RangeVector& vector : vectors) {
    Key key;
    for (const RangeSet& set : vector) {
      key.points *= set.size();
      key.axes.emplace_back(set.size(), set.first().str(), set.last().str());
    }
    keys.push_back(std::move(key));
  }
  std::vector<size_t> order(vectors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Key& x = keys[a];
    const Key& y = keys[b];
    if (x.points != y.points) return x.points > y.points;
    for (size_t i = 0; i < x.axes.size(); ++i) {
      const auto& [xn, xf, xl] = x.axes[i];
      const auto& [yn, yf, yl] = y.axes[i];
      if (xn != yn) return xn > yn;
      if (xf != yf) return xf < yf;
      if (xl != yl) return xl < yl;
    }
    return false;
  });
  std::vector<RangeVector> sorted;
  sorted.reserve(vectors.size());
  for (size_t i : order) sorted.push_back(std::move(vectors[i]));
  vectors = std::move(sorted);
}

}  // namespace herd::nodeset
