// The walker: reads the live tree beneath a root as the spec selects it, into Nodes.
// Everything is opened relative to folder fds with O_NOFOLLOW (beneath.h), so the walk
// never leaves the root. Folders above a tracked path are recorded as partial folders
// holding only the tracked paths. Names in a folder are read with getdents64 and sorted
// byte-wise, so the same tree always gives the same Nodes.
//
// The walker fills in metadata and symlink targets itself and hands every non-folder
// entry to an EntryVisitor (xattrs and content, which the checkpoint takes from the stat
// cache or reads, and which status only hashes).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "track/accounts.h"
#include "track/node.h"
#include "track/spec.h"
#include "util/result.h"
#include "util/time_text.h"  // timespec_ns

namespace herd::track {

class EntryVisitor {
 public:
  virtual ~EntryVisitor() = default;
  // Called for each non-folder entry once its metadata is set, while `dirfd` (its folder)
  // is open. Must set node.entry.xattrs and, for a file, its content (now or later;
  // see Node::content_known). `path` is the entry's canonical path. An error ends the walk.
  virtual Status visit(int dirfd, const char* name, const std::string& path, const struct stat& st, Node& node) = 0;
};

struct WalkOptions {
  const TrackSpec* spec = nullptr;
  const Accounts* accounts = nullptr;
  EntryVisitor* visitor = nullptr;
  // Walk the root folder itself and everything beneath it (an image) instead of the
  // spec's tracked paths; the spec's excludes still apply. The root node is then whole,
  // not partial.
  bool whole_root = false;
  // Do not descend into a folder on another file system than the root's (a mount point:
  // /proc, /boot/efi, an NFS home): record the folder itself, empty, as rsync -x does.
  bool one_file_system = false;
  // A folder that is never recorded, e.g. the store when it lies beneath the root.
  bool skip_folder = false;
  uint64_t skip_dev = 0, skip_ino = 0;
};

struct WalkResult {
  Node root;                       // the root folder: partial, name ""
  std::vector<std::string> notes;  // tracked paths that were skipped, and why
  uint64_t entries = 0;            // entries recorded
};

// Walks every tracked path of options.spec beneath `root_fd` into `out` (which the caller
// owns: a visitor may still be filling in nodes after an error, so `out` must outlive
// that work). Entries that vanish during the walk are marked not present (call prune()
// once content is resolved). A folder that cannot be read is an error naming it.
Status walk_root(int root_fd, const WalkOptions& options, WalkResult& out);

// Drops entries that are not present and partial folders left without children.
void prune(Node& root);

// Sets type, mode, owner (ids and names), mtime and size (files; symlinks get theirs from
// the target) and rdev of `entry` from `st`. Leaves name, xattrs and content alone.
void fill_metadata(const struct stat& st, const Accounts& accounts, store::TreeEntry& entry);

}  // namespace herd::track
