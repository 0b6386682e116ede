// RangeSetND: a set of index tuples, for names with several numeric parts
// ("r[1-2]n[01-16]" holds (1,01) .. (2,16)); ClusterShell's RangeSetND.
//
// Stored as disjoint boxes (a RangeVector: every combination of one index per axis), so
// "n[1-100000]x[1-100000]" is one box. Set operations split boxes; how a set is written
// out depends only on its members (see fold()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nodeset/nd_fold.h"
#include "nodeset/range_set.h"

namespace herd::nodeset {

// Largest set fold() expands to points to fold like ClusterShell (which would need hours
// on such a set); bigger non-box sets are written as their boxes in ClusterShell's order.
inline constexpr uint64_t kMaxFoldPoints = 1'000'000;

class RangeSetND {
 public:
  explicit RangeSetND(size_t dims) : dims_(dims) {}
  // Precondition: box.size() >= 2 and no range set of it is empty.
  static RangeSetND of(RangeVector box);
  // `coordinates` holds `dims` indexes per point; any order, duplicates allowed.
  static RangeSetND from_points(size_t dims, const std::vector<Index>& coordinates);

  // Operands must have the same dims().
  RangeSetND& unite(const RangeSetND& other);
  RangeSetND& subtract(const RangeSetND& other);
  RangeSetND& intersect(const RangeSetND& other);
  RangeSetND& symmetric_difference(const RangeSetND& other);

  // `point` has dims() indexes.
  bool contains(const std::vector<Index>& point) const;
  // Saturates at UINT64_MAX.
  uint64_t size() const;
  bool empty() const { return boxes_.empty(); }
  size_t dims() const { return dims_; }

  // The vectors ClusterShell 1.9 writes this set as, in its order: the set itself when it
  // is one box, else the multivariate fold of its points (nd_fold.h), unless it has more
  // than kMaxFoldPoints points.
  std::vector<RangeVector> fold() const;

  // Same members.
  friend bool operator==(const RangeSetND& a, const RangeSetND& b);

 private:
  bool is_points() const;
  std::vector<Index> sorted_points() const;  // flat, dims_ per point, lexicographic
  static RangeSetND from_sorted_points(size_t dims, const std::vector<Index>& points);
  unsigned __int128 exact_size() const;

  size_t dims_;
  std::vector<RangeVector> boxes_;  // pairwise disjoint; each range set non-empty
};

}  // namespace herd::nodeset
