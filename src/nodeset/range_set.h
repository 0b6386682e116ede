// RangeSet: a set of indexes along one axis ("1-5,07,10-12"), ClusterShell's RangeSet.
//
// Stored as intervals of equal-width indexes, so "n[1-100000000]" costs one interval
// and set operations are linear merges. Mixed padding is kept apart: "7" and "07" are
// different members (see index.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nodeset/index.h"

namespace herd::nodeset {

class RangeSet {
 public:
  // Values first..last (first <= last) of one lane, each written with the lane's width
  // (lane 0 holds negatives, written "-N").
  struct Interval {
    uint32_t lane = 1;
    int64_t first = 0;
    int64_t last = 0;

    Index at(int64_t value) const;
    uint64_t size() const { return static_cast<uint64_t>(last - first) + 1; }
    friend bool operator==(const Interval&, const Interval&) = default;
  };

  RangeSet() = default;
  static RangeSet of(Index index);
  // Any order, duplicates allowed.
  static RangeSet from_indexes(std::vector<Index> indexes);
  // Any order, overlaps allowed.
  static RangeSet from_intervals(std::vector<Interval> intervals);

  void insert(Index index);
  // ClusterShell's add_range: start, start + step, ... up to last, each zero padded to
  // `pad` characters. Preconditions: start <= last, step >= 1, |values| <= kMaxIndexValue.
  void insert_range(int64_t start, int64_t last, int64_t step, uint32_t pad);
  // The same indexes appended to `out` as intervals, for from_intervals: building a set
  // from many ranges at once is O(n log n), inserting them one by one O(n^2).
  static void append_range(int64_t start, int64_t last, int64_t step, uint32_t pad, std::vector<Interval>& out);

  RangeSet& unite(const RangeSet& other);
  RangeSet& subtract(const RangeSet& other);
  RangeSet& intersect(const RangeSet& other);
  RangeSet& symmetric_difference(const RangeSet& other);

  bool contains(Index index) const;
  bool intersects(const RangeSet& other) const;
  uint64_t size() const;
  bool empty() const { return intervals_.empty(); }
  // Smallest and largest member in index order; precondition: !empty().
  Index first() const;
  Index last() const;

  // Calls f(Index) for every member in index order (ClusterShell's striter order).
  template <typename F>
  void for_each(F&& f) const {
    for (const Interval& interval : intervals_)
      for (int64_t value = interval.first;; ++value) {
        f(interval.at(value));
        if (value == interval.last) break;
      }
  }
  std::vector<Index> indexes() const;

  // ClusterShell's str(RangeSet): "1-3,5,07-09" or, with autostep, "1-9/2".
  std::string fold(std::optional<int64_t> autostep = std::nullopt) const;

  const std::vector<Interval>& intervals() const { return intervals_; }
  size_t hash() const;
  friend bool operator==(const RangeSet&, const RangeSet&) = default;

 private:

  // Sorted by (lane, first); disjoint; two intervals of one lane never touch.
  std::vector<Interval> intervals_;
};

}  // namespace herd::nodeset
