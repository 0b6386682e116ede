#include "track/hardlinks.h"

#include <unordered_map>

namespace herd::track {
namespace {

struct InodeKey {
  uint64_t dev, ino;
  bool operator==(const InodeKey&) const = default;
};
struct InodeHash {
  size_t operator()(const InodeKey& k) const noexcept { return std::hash<uint64_t>()(k.ino * 31 + k.dev); }
};

template <typename F>
void each_linked(Node& node, F&& f) {
  for (Node& child : node.children) {
    if (!child.present) continue;
    if (child.is_folder())
      each_linked(child, f);
    else if (child.nlink > 1)
      f(child);
  }
}

}  // namespace

uint32_t assign_hardlink_groups(Node& root) {
  std::unordered_map<InodeKey, uint32_t, InodeHash> seen;  // count, then group
  each_linked(root, [&](Node& n) { ++seen[{n.dev, n.ino}]; });
  uint32_t groups = 0;
  std::unordered_map<InodeKey, uint32_t, InodeHash> group_of;
  each_linked(root, [&](Node& n) {
    InodeKey key{n.dev, n.ino};
    if (seen[key] < 2) return;
    auto [it, fresh] = group_of.emplace(key, 0);
    if (fresh) it->second = ++groups;
    n.entry.hardlink_group = it->second;
  });
  return groups;
}

}  // namespace herd::track
