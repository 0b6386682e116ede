// Reading checkpoint trees back from the store as Nodes, one folder at a time.
#pragma once

#include <optional>
#include <string_view>

#include "store/object_store.h"
#include "track/node.h"
#include "util/result.h"

namespace herd::track {

class StoredTrees {
 public:
  // `store` must outlive this object.
  explicit StoredTrees(const store::ObjectStore& store) : store_(store) {}
  // The root folder of tree `tree`, with its children loaded.
  Result<Node> root(const store::Hash& tree) const;
  // Loads the children of a lazy folder `node` from the tree its entry names; other
  // nodes (loaded already, live, not folders) are left alone.
  // Every entry name is checked again with valid_entry_name (the decoder checks too; a
  // name with '/' or ".." must never reach a path).
  Status load(Node& node) const;
  // The entry at canonical `path` in tree `tree` (the root itself for "/"); nullopt when
  // there is none. Folders on the way are loaded.
  Result<std::optional<Node>> find(const store::Hash& tree, std::string_view path) const;

 private:
  const store::ObjectStore& store_;
};

}  // namespace herd::track
