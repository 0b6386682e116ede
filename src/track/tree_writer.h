// Writing a walked tree into the store: one tree object per folder, bottom-up, each
// checked with check_tree() before it is encoded.
#pragma once

#include "store/object_store.h"
#include "track/node.h"
#include "util/result.h"

namespace herd::track {

// Stores the tree of every folder beneath `root` (root included) and sets each folder's
// entry.content and content_known. Every present file must have its content known.
// Not-present nodes are skipped. Returns the root tree's hash. `path` names `root` in errors.
Result<store::Hash> write_trees(store::ObjectStore& store, Node& root, const std::string& path = "/");

// Computes, without storing anything, the tree hash of every folder beneath `root` (root
// included) whose entries are all known (files hashed, subfolders computed), and sets
// its entry.content and content_known. Comparisons then skip equal subtrees. Returns
// whether `root` got its hash.
bool hash_trees(Node& root);

}  // namespace herd::track
