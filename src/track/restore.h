// `herd track restore`: put files back exactly as a checkpoint recorded them: content,
// type, mode, owner (by name when the target root's /etc/passwd or /etc/group knows the
// name, else by id), mtime, xattrs, symlink targets, hardlinks, devices and fifos.
//
// Safety invariants:
//   - Nothing is ever written outside the target root. Every folder is opened from the
//     root fd one component at a time with openat(O_NOFOLLOW | O_DIRECTORY), and every
//     change is made with an *at() call relative to such a folder fd that does not follow
//     a final symlink (renameat, unlinkat, mkdirat, symlinkat, mknodat, linkat without
//     AT_SYMLINK_FOLLOW, fchownat/fchmodat/utimensat with AT_SYMLINK_NOFOLLOW), or through
//     an fd opened with O_NOFOLLOW. A symlink planted in the target is replaced (when the
//     checkpoint says something else is there) or refused (when it stands where a folder
//     above the restored path should be), never followed.
//   - Entry names are checked again here (valid_entry_name): a tree naming "../x" or
//     "a/b" fails the restore before anything is written for that entry.
//   - Each file is replaced atomically: a temporary file ".herd-restore-*" in the same
//     folder, written, given its metadata and fsynced, then renamed over the old one; the
//     folder is fsynced after. kill -9 leaves every file old or new, plus at most one
//     temporary file per folder being written (a whole-tree restore removes those).
//   - Entries present now but not in the checkpoint are removed only by a whole-tree
//     restore (no paths given), only beneath the checkpoint's tracked paths, and never
//     when the checkpoint's spec excludes them (they were never recorded).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "track/accounts.h"
#include "track/history.h"
#include "track/site.h"
#include "track/spec.h"
#include "track/stat_cache.h"
#include "util/result.h"

namespace herd::track {

struct RestoreAction {
  enum class Kind { create, update, replace, metadata, link, remove };
  Kind kind = Kind::create;
  std::string path;
  std::string detail;  // "file", "content", "symlink with folder", "mode 0600 -> 0644", ...
};
const char* restore_action_name(RestoreAction::Kind kind);

struct RestoreOptions {
  // Canonical paths to restore; empty = every tracked path of the checkpoint (whole tree).
  std::vector<std::string> paths;
  bool dry_run = false;  // say what would be done, change nothing
  // Told about each action just before it is done (or would be, in a dry run).
  std::function<void(const RestoreAction&)> on_action;
  // Fault injection for the crash tests: called with "temp-written" and the path once a
  // file's temporary copy is complete and fsynced, just before it is renamed into place.
  std::function<void(const char* step, const std::string& path)> on_step;
  // Optional: the root's stat cache. A file it vouches for (same stat, trusted content
  // hash equal to the recorded one) is known unchanged without being read.
  const StatCache* cache = nullptr;
  // A folder never touched, e.g. the store when it lies beneath the root.
  bool skip_folder = false;
  uint64_t skip_dev = 0, skip_ino = 0;
};

struct RestoreResult {
  std::vector<RestoreAction> actions;
  std::vector<std::string> notes;  // tracked paths the checkpoint does not have, ...
};

// Restores tree `tree` beneath `root_fd`. `spec` says which paths are tracked (for a whole
// tree restore) and which are excluded; `accounts` are the target root's. A path not in
// the checkpoint is bad_input.
Result<RestoreResult> restore_tree(const store::ObjectStore& store, int root_fd, const store::Hash& tree,
                                   const TrackSpec& spec, const Accounts& accounts, const RestoreOptions& options);

// Restores `checkpoint` to the site's root, with the spec recorded in the checkpoint
// (or the site's when the checkpoint has none). `options.paths` may be any absolute
// paths; they are normalized here.
Result<RestoreResult> restore_checkpoint(const Site& site, const CheckpointInfo& checkpoint, RestoreOptions options);

}  // namespace herd::track
