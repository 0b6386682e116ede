#include "track/node.h"

#include <algorithm>

namespace herd::track {

const Node* find_child(const Node& folder, std::string_view name) {
  auto it = std::lower_bound(folder.children.begin(), folder.children.end(), name,
                             [](const Node& n, std::string_view v) { return n.entry.name < v; });
  if (it == folder.children.end() || it->entry.name != name) return nullptr;
  return &*it;
}

Node* find_child(Node& folder, std::string_view name) {
  return const_cast<Node*>(find_child(static_cast<const Node&>(folder), name));
}

}  // namespace herd::track
