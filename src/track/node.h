// Node: one entry of a tree held in memory while it is walked, compared or written:
// the store's TreeEntry plus, for live entries, what lstat said about it.
//
// Invariants: `children` is sorted by entry.name with unique names and is only non-empty
// for folders; once a folder's children vector is built it is never resized, so a
// Node* to a child stays valid while the tree lives (the content pool relies on it).
#pragma once

#include <cstdint>
#include <vector>

#include "store/tree.h"

namespace herd::track {

struct Node {
  store::TreeEntry entry;
  std::vector<Node> children;

  // Live entries: identity and change time from lstat (0 for nodes read from the store).
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t ctime_ns = 0;
  uint32_t nlink = 0;

  // entry.content is valid: a file's content hash, a folder's tree hash (after encoding,
  // or for nodes read from the store). Live folders are not known until encoded.
  bool content_known = false;
  // The file did not change while it was read (unstable files are not cached).
  bool stable = true;
  // False when the entry vanished during the walk: it is left out of every tree.
  bool present = true;
  // A folder above a tracked path: only its tracked descendants are recorded.
  bool partial = false;
  // A folder read from the store whose children are not loaded yet (StoredTrees::load).
  // Live nodes are never lazy: their children are all there.
  bool lazy = false;

  bool is_folder() const { return entry.type == store::EntryType::folder; }
  bool is_file() const { return entry.type == store::EntryType::file; }
};

// The child called `name`, or nullptr (binary search: children are sorted).
const Node* find_child(const Node& folder, std::string_view name);
Node* find_child(Node& folder, std::string_view name);

}  // namespace herd::track
