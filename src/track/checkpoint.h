// `herd track checkpoint`: record the tracked files of a root and its package set as a
// snapshot, the next in the host's history.
//
// Order of work (each step's outcome is safe to lose to kill -9):
//   1. walk the root (walker.h); content of files the stat cache does not vouch for is
//      stored by the content pool while the walk goes on;
//   2. hardlink groups, one tree object per folder, the package list blob;
//   3. the snapshot object (parent = the ref's current value);
//   4. sync() every store writer: all objects durable and published;
//   5. compare-and-swap the ref from the parent to the new snapshot (the commit point);
//   6. write the stat cache for the new tree.
// Killed before 5: the ref still names the previous checkpoint, and the staged objects of
// this run are garbage gc removes. Killed between 5 and 6: the old cache no longer
// matches the parent's tree, so the next checkpoint ignores it and reads every file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/hash.h"
#include "track/site.h"
#include "util/result.h"

namespace herd::track {

struct CheckpointOptions {
  std::string message;
  std::string author;   // "" = <user running herd>@<host>
  int threads = 0;      // content workers; 0 = one per core, at most 4; 1 = none (inline)
  int64_t time_ns = 0;  // 0 = now
  // Fault injection for the crash tests: called with each step's name as it is reached:
  // "file" before each file's content is stored, then "walked", "trees", "snapshot",
  // "synced", "committed" (the ref points at the new checkpoint) and "cached".
  std::function<void(const char* step)> on_step;
};

struct CheckpointResult {
  store::Hash id;    // the new snapshot
  store::Hash tree;  // its root tree
  std::optional<store::Hash> parent;
  uint64_t entries = 0;     // entries recorded (folders included)
  uint64_t changes = 0;     // entries added, removed or changed since the parent (all if none)
  uint64_t cache_hits = 0;  // files whose content the stat cache vouched for
  uint64_t files_read = 0;  // files whose content was read
  uint64_t bytes_read = 0;
  uint64_t new_bytes = 0;   // bytes of objects the store did not have
  std::string package_backend;  // "" = none found, or it failed (see notes)
  uint64_t packages = 0;
  std::vector<std::string> notes;  // skipped paths, why the stat cache was not used, ...
};

Result<CheckpointResult> checkpoint(const Site& site, const CheckpointOptions& options);

}  // namespace herd::track
