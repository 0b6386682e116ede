#include "track/tree_writer.h"

#include "store/tree.h"
#include "track/path.h"

namespace herd::track {

Result<store::Hash> write_trees(store::ObjectStore& store, Node& root, const std::string& path) {
  store::Tree tree;
  tree.entries.reserve(root.children.size());
  for (Node& child : root.children) {
    if (!child.present) continue;
    if (child.is_folder()) {
      auto hash = write_trees(store, child, join_path(path, child.entry.name));
      if (!hash) return hash.error();
    } else if (child.is_file() && !child.content_known) {
      return failure("{}: content was not recorded", join_path(path, child.entry.name));
    }
    tree.entries.push_back(child.entry);
  }
  HERD_CHECK(store::check_tree(tree, path));
  // put() even when the tree exists: it freshens the object so gc keeps it (store-format.md).
  auto hash = store.put(store::ObjectType::tree, store::encode_tree(tree));
  if (!hash) return hash.error();
  root.entry.content = *hash;
  root.content_known = true;
  return *hash;
}

bool hash_trees(Node& root) {
  bool known = true;
  store::Tree tree;
  tree.entries.reserve(root.children.size());
  for (Node& child : root.children) {
    if (!child.present) continue;
    if (child.is_folder()) known = hash_trees(child) && known;
    if (child.is_file() && !child.content_known) known = false;
    if (known) tree.entries.push_back(child.entry);
  }
  if (!known || !store::check_tree(tree, "live tree")) return false;
  root.entry.content = store::object_hash(store::ObjectType::tree, store::encode_tree(tree));
  root.content_known = true;
  return true;
}

}  // namespace herd::track
