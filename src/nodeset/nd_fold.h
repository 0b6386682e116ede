// Folding names with several numeric parts ("r[1-2]n[01-16]") exactly as ClusterShell 1.9.
//
// What ClusterShell's RangeSetND._fold_multivariate converges to: it expands the set to
// its points, then repeatedly sorts a list of vectors (one range set per axis) and merges
// pairs of vectors that differ on exactly one axis:
//   - sort key: larger vector first (#points), then per axis: more indexes first, then
//     the first index's text, then the last index's text (as strings: "10" < "9");
//   - "easy" passes: each vector absorbs the vectors right after it while they merge,
//     and passes repeat while they change anything;
//   - then "full" passes: each vector, in list order, scans every later vector once,
//     absorbing each one that merges with it as it grows; repeat until a pass is idle.
// The vectors always stay disjoint, so "merges" means "equal on all axes but one". The
// result is a function of the point set: no two vectors ever tie on the sort key
// (disjoint vectors differ in some axis's first index), so the order is fixed.
//
// ClusterShell compares every later vector (quadratic: minutes on 20,000 names). Here a
// full pass finds "the next later vector equal to this one on all axes but d" through a
// hash of the other axes' range sets, for each d, over interned range sets.
#pragma once

#include <cstddef>
#include <vector>

#include "nodeset/index.h"
#include "nodeset/range_set.h"

namespace herd::nodeset {

// One range set per axis: every combination of their indexes is in the set.
using RangeVector = std::vector<RangeSet>;

// The vectors ClusterShell 1.9 folds a set of distinct points into, in its order.
// `coordinates` holds dims indexes per point, point after point; points must be distinct.
std::vector<RangeVector> fold_points(size_t dims, const std::vector<Index>& coordinates);

// Sorts vectors by ClusterShell's RangeSetND sort key (see above).
void sort_like_clustershell(std::vector<RangeVector>& vectors);

}  // namespace herd::nodeset
