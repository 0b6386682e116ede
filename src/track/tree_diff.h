// Comparing two trees of Nodes: a checkpoint against another or against the live tree.
// Folders read from the store are loaded only where the two sides differ: equal subtree
// hashes mean equal subtrees (the hash covers every entry's metadata), so comparing two
// checkpoints of a mostly unchanged tree reads only the trees along the changed paths.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "track/node.h"
#include "track/stored_trees.h"
#include "util/result.h"

namespace herd::track {

struct Change {
  enum class Kind { added, removed, modified, metadata };
  Kind kind = Kind::modified;
  std::string path;
  store::TreeEntry before, after;    // the side that has no entry is left empty
  std::vector<std::string> details;  // "mode 0644 -> 0600", "owner root:root -> alice:root", ...
};
const char* change_kind_name(Change::Kind kind);

struct DiffOptions {
  const StoredTrees* trees = nullptr;
  // Called for two files of equal size when at least one content hash is unknown (a live
  // file that was not hashed): whether the contents are equal.
  std::function<Result<bool>(const std::string& path, const Node& before, const Node& after)> same_content;
};

// Every difference from `before` to `after` (both root folders), in path order. An added
// or removed folder is listed with everything beneath it. Folder mtimes are not compared
// (adding a file changes its folder's mtime; the file is the news), and a file whose
// content changed gets no mtime detail.
Result<std::vector<Change>> diff_trees(Node& before, Node& after, const DiffOptions& options);

// "0644"
std::string mode_string(uint32_t mode);
// "user:group" with names where known, else ids.
std::string owner_string(const store::TreeEntry& entry);

}  // namespace herd::track
