#include "nodeset/range_set_nd.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace herd::nodeset {
namespace {

bool boxes_intersect(const RangeVector& a, const RangeVector& b) {
  for (size_t axis = 0; axis < a.size(); ++axis)
    if (!a[axis].intersects(b[axis])) return false;
  return true;
}

// Appends a \ b as disjoint boxes: along each axis in turn, the part of what is left of
// `a` outside b, then narrows what is left to b on that axis.
void append_difference(const RangeVector& a, const RangeVector& b, std::vector<RangeVector>& out) {
  if (!boxes_intersect(a, b)) {
    out.push_back(a);
    return;
  }
  RangeVector rest = a;
  for (size_t axis = 0; axis < a.size(); ++axis) {
    RangeSet outside = rest[axis];
    outside.subtract(b[axis]);
    if (!outside.empty()) {
      RangeVector piece = rest;
      piece[axis] = std::move(outside);
      out.push_back(std::move(piece));
    }
    rest[axis].intersect(b[axis]);
  }
}

// `pieces` minus every box of `boxes`.
std::vector<RangeVector> difference(std::vector<RangeVector> pieces, const std::vector<RangeVector>& boxes) {
  for (const RangeVector& box : boxes) {
    std::vector<RangeVector> next;
    for (const RangeVector& piece : pieces) append_difference(piece, box, next);
    pieces = std::move(next);
    if (pieces.empty()) break;
  }
  return pieces;
}

unsigned __int128 box_size(const RangeVector& box) {
  unsigned __int128 size = 1;
  for (const RangeSet& set : box) size *= set.size();
  return size;
}

bool point_less(const Index* a, const Index* b, size_t dims) {
  return std::lexicographical_compare(a, a + dims, b, b + dims);
}

// Points (dims indexes each) sorted lexicographically, without duplicates.
std::vector<Index> sorted_unique_points(size_t dims, const std::vector<Index>& coordinates) {
  size_t count = coordinates.size() / dims;
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  const Index* base = coordinates.data();
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return point_less(base + a * dims, base + b * dims, dims); });
  std::vector<Index> sorted;
  sorted.reserve(coordinates.size());
  for (size_t i = 0; i < count; ++i) {
    const Index* point = base + order[i] * dims;
    if (i > 0 && std::equal(point, point + dims, base + order[i - 1] * dims)) continue;
    sorted.insert(sorted.end(), point, point + dims);
  }
  return sorted;
}

}  // namespace

RangeSetND RangeSetND::of(RangeVector box) {
  RangeSetND set(box.size());
  set.boxes_.push_back(std::move(box));
  return set;
}

RangeSetND RangeSetND::from_points(size_t dims, const std::vector<Index>& coordinates) {
  return from_sorted_points(dims, sorted_unique_points(dims, coordinates));
}

RangeSetND RangeSetND::from_sorted_points(size_t dims, const std::vector<Index>& points) {
  RangeSetND set(dims);
  set.boxes_.reserve(points.size() / dims);
  for (size_t i = 0; i < points.size(); i += dims) {
    RangeVector box;
    box.reserve(dims);
    for (size_t axis = 0; axis < dims; ++axis) box.push_back(RangeSet::of(points[i + axis]));
    set.boxes_.push_back(std::move(box));
  }
  return set;
}

bool RangeSetND::is_points() const {
  return std::all_of(boxes_.begin(), boxes_.end(), [](const RangeVector& box) { return box_size(box) == 1; });
}

std::vector<Index> RangeSetND::sorted_points() const {
  std::vector<Index> coordinates;
  coordinates.reserve(boxes_.size() * dims_);
  bool sorted = true;  // as from_sorted_points leaves them: then adding a point is linear
  for (const RangeVector& box : boxes_) {
    for (const RangeSet& set : box) coordinates.push_back(set.first());
    size_t last = coordinates.size() - dims_;
    if (last > 0) sorted = sorted && point_less(&coordinates[last - dims_], &coordinates[last], dims_);
  }
  return sorted ? coordinates : sorted_unique_points(dims_, coordinates);
}

RangeSetND& RangeSetND::unite(const RangeSetND& other) {
  if (is_points() && other.is_points()) {
    // Common with many single names: merge sorted point lists instead of splitting boxes.
    std::vector<Index> a = sorted_points(), b = other.sorted_points(), merged;
    merged.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && point_less(&a[i], &b[j], dims_))) {
        merged.insert(merged.end(), a.begin() + i, a.begin() + i + dims_);
        i += dims_;
      } else {
        if (i < a.size() && std::equal(&a[i], &a[i] + dims_, &b[j])) i += dims_;
        merged.insert(merged.end(), b.begin() + j, b.begin() + j + dims_);
        j += dims_;
      }
    }
    *this = from_sorted_points(dims_, merged);
    return *this;
  }
  std::vector<RangeVector> added = difference(other.boxes_, boxes_);
  for (RangeVector& box : added) boxes_.push_back(std::move(box));
  return *this;
}

RangeSetND& RangeSetND::subtract(const RangeSetND& other) {
  boxes_ = difference(std::move(boxes_), other.boxes_);
  return *this;
}

RangeSetND& RangeSetND::intersect(const RangeSetND& other) {
  std::vector<RangeVector> common;
  for (const RangeVector& a : boxes_) {
    for (const RangeVector& b : other.boxes_) {
      if (!boxes_intersect(a, b)) continue;
      RangeVector box = a;
      for (size_t axis = 0; axis < dims_; ++axis) box[axis].intersect(b[axis]);
      common.push_back(std::move(box));
    }
  }
  boxes_ = std::move(common);
  return *this;
}

RangeSetND& RangeSetND::symmetric_difference(const RangeSetND& other) {
  std::vector<RangeVector> only_other = difference(other.boxes_, boxes_);
  boxes_ = difference(std::move(boxes_), other.boxes_);
  for (RangeVector& box : only_other) boxes_.push_back(std::move(box));
  return *this;
}

bool RangeSetND::contains(const std::vector<Index>& point) const {
  return std::any_of(boxes_.begin(), boxes_.end(), [&](const RangeVector& box) {
    for (size_t axis = 0; axis < dims_; ++axis)
      if (!box[axis].contains(point[axis])) return false;
    return true;
  });
}

unsigned __int128 RangeSetND::exact_size() const {
  unsigned __int128 total = 0;
  for (const RangeVector& box : boxes_) total += box_size(box);
  return total;
}

uint64_t RangeSetND::size() const {
  unsigned __int128 total = exact_size();
  return total > std::numeric_limits<uint64_t>::max() ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(total);
}

std::vector<RangeVector> RangeSetND::fold() const {
  if (boxes_.size() <= 1) return boxes_;
  // One box in disguise (a univariate fold in ClusterShell): its projections.
  RangeVector hull(dims_);
  for (size_t axis = 0; axis < dims_; ++axis) {
    std::vector<RangeSet::Interval> intervals;
    for (const RangeVector& box : boxes_)
      intervals.insert(intervals.end(), box[axis].intervals().begin(), box[axis].intervals().end());
    hull[axis] = RangeSet::from_intervals(std::move(intervals));
  }
  unsigned __int128 points = exact_size();
  if (box_size(hull) == points) return {hull};

  if (points > kMaxFoldPoints) {
    std::vector<RangeVector> boxes = boxes_;
    sort_like_clustershell(boxes);
    return boxes;
  }
  std::vector<Index> coordinates;
  coordinates.reserve(static_cast<size_t>(points) * dims_);
  for (const RangeVector& box : boxes_) {
    // Odometer over the box, last axis fastest.
    std::vector<std::vector<Index>> axes;
    for (const RangeSet& set : box) axes.push_back(set.indexes());
    std::vector<size_t> digit(dims_, 0);
    for (;;) {
      for (size_t axis = 0; axis < dims_; ++axis) coordinates.push_back(axes[axis][digit[axis]]);
      size_t axis = dims_;
      while (axis > 0 && ++digit[axis - 1] == axes[axis - 1].size()) digit[--axis] = 0;
      if (axis == 0) break;
    }
  }
  return fold_points(dims_, coordinates);
}

bool operator==(const RangeSetND& a, const RangeSetND& b) {
  if (a.dims_ != b.dims_ || a.exact_size() != b.exact_size()) return false;
  return difference(a.boxes_, b.boxes_).empty();
}

}  // namespace herd::nodeset
