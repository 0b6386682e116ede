// One path across many nodes' checkpoints: what each node has there, grouped into
// versions (`herd track compare`).
//
// Two nodes have the same version of a path when both lack it (absent), or both have an
// entry of the same type, content (a file's content hash, a symlink's target, a device's
// numbers), permission bits and owner (names where recorded, else ids). Mtimes, xattrs
// and hardlink groups are not part of a version: copies of one config file made at
// different times are the same file.
//
// Cost: only the tree objects along the path are read, and each distinct tree once per
// level (nodes whose root trees are equal share every lookup), so 10,000 nodes with one
// /etc each read about 2 trees a node for /etc/hosts and nothing for identical nodes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "store/tree.h"
#include "track/fleet.h"
#include "util/result.h"

namespace herd::track {

struct FileVersion {
  enum class State { present, absent, no_checkpoint, unreadable };
  State state = State::absent;
  store::TreeEntry entry;  // present: the entry (its name is the path's last component)
  std::string error;       // unreadable: why, naming the node
};
const char* file_state_name(FileVersion::State state);  // "present", "absent", "no checkpoint", "unreadable"

// The text two entries share exactly when they are the same version (see above).
std::string version_key(const store::TreeEntry& entry);

struct FileGroup {
  FileVersion version;             // of the first node (unreadable: the first node's error)
  std::vector<std::string> nodes;  // in the order the nodes were given
};

struct FileComparison {
  std::string path;
  // Present and absent versions first, largest group first (ties: present before absent,
  // then by version key); then nodes without a checkpoint, then unreadable ones (each
  // unreadable node is a group of its own: their errors differ).
  std::vector<FileGroup> groups;
  // The group the others are compared with: the largest group that has the file
  // (-1 when no node has it).
  int reference = -1;
  // Every node has a checkpoint and all have the same version (all may lack the path).
  bool agree() const;
};

// What each node's checkpoint has at canonical `path` (path.h). A tree object that cannot
// be read makes the nodes reaching it unreadable; the call itself fails only on bad input.
Result<FileComparison> compare_path(const store::ObjectStore& store, const std::vector<NodeCheckpoint>& nodes,
                                    std::string_view path);

}  // namespace herd::track
