// The fast multivariate fold against a literal transcription of ClusterShell 1.9's
// RangeSetND._fold_multivariate_merge (quadratic, fine for small sets).
#include "nodeset/nd_fold.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "nodeset/range_set_nd.h"

namespace herd::nodeset {
namespace {

// ClusterShell's loop, statement for statement, over RangeSet vectors.
std::vector<RangeVector> clustershell_fold(size_t dims, const std::vector<Index>& coordinates) {
  std::vector<RangeVector> list;
  for (size_t i = 0; i < coordinates.size(); i += dims) {
    RangeVector vector;
    for (size_t axis = 0; axis < dims; ++axis) vector.push_back(RangeSet::of(coordinates[i + axis]));
    list.push_back(vector);
  }
  auto key = [](const RangeVector& vector) {
    uint64_t points = 1;
    std::vector<std::tuple<int64_t, std::string, std::string>> axes;
    for (const RangeSet& set : vector) {
      points *= set.size();
      axes.emplace_back(-static_cast<int64_t>(set.size()), set.first().str(), set.last().str());
    }
    return std::make_pair(-static_cast<int64_t>(points), axes);
  };
  auto strict_subset = [](const RangeSet& a, const RangeSet& b) {
    return a.size() < b.size() && RangeSet(a).intersect(b) == a;
  };
  bool full = false, changed = true;
  while (changed) {
    changed = false;
    std::stable_sort(list.begin(), list.end(), [&](const RangeVector& a, const RangeVector& b) { return key(a) < key(b); });
    size_t index1 = 0;
    while (index1 + 1 < list.size()) {
      RangeVector item1 = list[index1];
      size_t index2 = index1 + 1;
      index1 += 1;
      while (index2 < list.size()) {
        RangeVector item2 = list[index2];
        index2 += 1;
        RangeVector merged(dims);
        int differences = 0;
        for (size_t pos = 0; pos < dims; ++pos) {
          const RangeSet& a = item1[pos];
          const RangeSet& b = item2[pos];
          if (a == b) {
            merged[pos] = a;
          } else if (!a.intersects(b)) {
            if (++differences > 1) break;
            merged[pos] = RangeSet(a).unite(b);
          } else if (strict_subset(a, b) || strict_subset(b, a)) {
            if (++differences > 1) break;
            merged[pos] = strict_subset(a, b) ? b : a;
          } else {
            differences = 2;
            break;
          }
        }
        if (differences <= 1) {
          changed = true;
          item1 = list[index1 - 1] = merged;
          index2 -= 1;
          list.erase(list.begin() + static_cast<long>(index2));
        } else if (!full) {
          break;
        }
      }
    }
    if (!changed && !full) changed = full = true;
  }
  return list;
}

// Distinct points with a few axes, values 0..11 written with widths 1..3 ("7", "07").
rc::Gen<std::pair<size_t, std::vector<Index>>> points() {
  return rc::gen::mapcat(rc::gen::inRange<size_t>(2, 5), [](size_t dims) {
    auto index = rc::gen::apply([](int64_t value, uint32_t width) { return Index::padded(value, width); },
                                rc::gen::inRange<int64_t>(0, 12), rc::gen::weightedElement<uint32_t>({{6, 1}, {2, 2}, {1, 3}}));
    return rc::gen::map(rc::gen::container<std::vector<std::vector<Index>>>(rc::gen::container<std::vector<Index>>(dims, index)),
                        [dims](std::vector<std::vector<Index>> list) {
                          std::set<std::vector<Index>> distinct(list.begin(), list.end());
                          std::vector<Index> flat;
                          for (const auto& point : distinct) flat.insert(flat.end(), point.begin(), point.end());
                          return std::make_pair(dims, flat);
                        });
  });
}

RC_GTEST_PROP(NdFoldTest, SameVectorsAsClusterShell, ()) {
  auto [dims, coordinates] = *points();
  RC_ASSERT(fold_points(dims, coordinates) == clustershell_fold(dims, coordinates));
}

RC_GTEST_PROP(NdFoldTest, DenseSetsAsClusterShell, ()) {
  // A grid with holes: many merges, several full passes.
  const size_t dims = *rc::gen::inRange<size_t>(2, 4);
  const auto sizes = *rc::gen::container<std::vector<int64_t>>(dims, rc::gen::inRange<int64_t>(1, 6));
  size_t total = 1;
  for (int64_t size : sizes) total *= static_cast<size_t>(size);
  const auto kept = *rc::gen::container<std::vector<bool>>(total, rc::gen::weightedElement<bool>({{4, true}, {1, false}}));
  std::vector<Index> coordinates;
  std::vector<int64_t> digit(dims, 0);
  for (size_t n = 0; n < total; ++n) {
    if (kept[n])
      for (int64_t value : digit) coordinates.push_back(Index::natural(value));
    size_t axis = 0;
    while (axis < dims && ++digit[axis] == sizes[axis]) digit[axis++] = 0;
  }
  if (coordinates.empty()) return;
  RC_ASSERT(fold_points(dims, coordinates) == clustershell_fold(dims, coordinates));
}

RC_GTEST_PROP(NdFoldTest, ABoxFoldsToItself, ()) {
  // RangeSetND::fold writes a box as one vector without folding points; ClusterShell's
  // merge arrives at the same vector.
  const size_t dims = *rc::gen::inRange<size_t>(2, 4);
  RangeVector box;
  std::vector<std::vector<Index>> axes;
  for (size_t axis = 0; axis < dims; ++axis) {
    auto chosen = *rc::gen::container<std::vector<bool>>(15, rc::gen::arbitrary<bool>());
    std::vector<Index> indexes;
    for (int64_t value = 0; value < 15; ++value)
      if (chosen[static_cast<size_t>(value)]) indexes.push_back(Index::natural(value));
    if (indexes.empty()) indexes.push_back(Index::natural(3));
    box.push_back(RangeSet::from_indexes(indexes));
    axes.push_back(indexes);
  }
  std::vector<Index> coordinates;
  std::vector<size_t> digit(dims, 0);
  for (;;) {
    for (size_t axis = 0; axis < dims; ++axis) coordinates.push_back(axes[axis][digit[axis]]);
    size_t axis = 0;
    while (axis < dims && ++digit[axis] == axes[axis].size()) digit[axis++] = 0;
    if (axis == dims) break;
  }
  RC_ASSERT(clustershell_fold(dims, coordinates) == std::vector<RangeVector>{box});
  RC_ASSERT(RangeSetND::from_points(dims, coordinates).fold() == std::vector<RangeVector>{box});
}

TEST(NdFoldTest, KnownResult) {
  // ClusterShell: nodeset -f n1x1 n2x2 n1x2 n3x1 -> n1x[1-2],n2x2,n3x1
  std::vector<Index> coordinates;
  for (auto [a, b] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {1, 2}, {3, 1}}) {
    coordinates.push_back(Index::natural(a));
    coordinates.push_back(Index::natural(b));
  }
  std::vector<RangeVector> vectors = fold_points(2, coordinates);
  ASSERT_EQ(vectors.size(), 3u);
  EXPECT_EQ(vectors[0][0].fold() + "x" + vectors[0][1].fold(), "1x1-2");
  EXPECT_EQ(vectors[1][0].fold() + "x" + vectors[1][1].fold(), "2x2");
  EXPECT_EQ(vectors[2][0].fold() + "x" + vectors[2][1].fold(), "3x1");
}

}  // namespace
}  // namespace herd::nodeset
