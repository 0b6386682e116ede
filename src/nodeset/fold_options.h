// How a node set is written back as text (ClusterShell's autostep and fold_axis).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace herd::nodeset {

struct FoldOptions {
  // Write "a-b/step" once at least this many indexes are evenly spaced (ClusterShell's
  // --autostep). nullopt never does, the default here and in ClusterShell.
  std::optional<int64_t> autostep;
  // For names with several numeric parts: fold only along these axes (0-based; negative
  // counts from the last, -1 is the last axis), expand the others. nullopt folds all axes.
  std::optional<std::vector<int64_t>> fold_axis;
};

}  // namespace herd::nodeset
