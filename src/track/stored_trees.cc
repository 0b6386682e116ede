#include "track/stored_trees.h"

#include "store/tree.h"
#include "track/path.h"

namespace herd::track {

using store::EntryType;

Result<Node> StoredTrees::root(const store::Hash& tree) const {
  Node node;
  node.entry.type = EntryType::folder;
  node.entry.content = tree;
  node.content_known = true;
  node.lazy = true;
  HERD_CHECK(load(node));
  return node;
}

Status StoredTrees::load(Node& node) const {
  if (!node.lazy) return {};
  auto bytes = store_.get(node.entry.content, store::ObjectType::tree);
  if (!bytes) return bytes.error();
  auto tree = store::decode_tree(*bytes, node.entry.content.hex());
  if (!tree) return tree.error();
  node.children.reserve(tree->entries.size());
  for (auto& entry : tree->entries) {
    if (!store::valid_entry_name(entry.name))
      return failure("tree {}: bad entry name '{}'", node.entry.content.hex(), entry.name);
    Node child;
    child.entry = std::move(entry);
    child.content_known = true;
    child.lazy = child.is_folder();
    node.children.push_back(std::move(child));
  }
  node.lazy = false;
  return {};
}

Result<std::optional<Node>> StoredTrees::find(const store::Hash& tree, std::string_view path) const {
  auto root_node = root(tree);
  if (!root_node) return root_node.error();
  Node current = std::move(*root_node);
  for (std::string_view part : path_components(path)) {
    HERD_CHECK(load(current));
    Node* child = find_child(current, part);
    if (!child) return std::optional<Node>();
    Node next = std::move(*child);
    current = std::move(next);
  }
  return std::optional<Node>(std::move(current));
}

}  // namespace herd::track
