// Recording a live tree into the store: the walk, the content of files the stat cache
// does not vouch for (stored by worker threads while the walk goes on), hardlink groups
// and one tree object per folder. A checkpoint records the tracked paths of a root; an
// image capture records a whole root (src/image/capture.h). Both then make a snapshot.
//
// Nothing is published here: the caller syncs `store` (the workers' stores are synced
// by the pool before record_tree returns) before a ref points at the tree.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "track/accounts.h"
#include "track/node.h"
#include "track/spec.h"
#include "track/stat_cache.h"
#include "util/result.h"

namespace herd::track {

struct RecordOptions {
  const TrackSpec* spec = nullptr;  // paths and excludes (with whole_root: only excludes)
  bool whole_root = false;          // record the root folder itself and everything beneath it
  bool one_file_system = false;     // do not descend into other file systems (rsync -x)
  // Trusted content hashes and xattrs (the caller checked it belongs to a tree whose
  // objects are all reachable); nullptr = read every file.
  const StatCache* cache = nullptr;
  int threads = 0;                  // content workers; 0 = one per core, at most 4
  // A folder never recorded (the store itself when it lies beneath the root).
  bool skip_folder = false;
  uint64_t skip_dev = 0, skip_ino = 0;
  // Fault injection: "file" before each file's content is stored, then "walked".
  std::function<void(const char* step)> on_step;
};

struct Recorded {
  Node root;          // the recorded tree (pruned), root folder named ""
  store::Hash tree;   // its root tree
  uint64_t entries = 0, cache_hits = 0, files_read = 0, bytes_read = 0, new_bytes = 0;
  bool all_from_cache = false;  // every non-folder entry came whole from the cache
  uint64_t visited = 0;         // non-folder entries
  std::vector<std::string> notes;
};

// Walks the root beneath `root_fd` and stores what it records. Fails naming the entry.
Result<Recorded> record_tree(store::ObjectStore& store, int root_fd, const Accounts& accounts,
                             const RecordOptions& options);

// The stat cache records of a recorded tree: every stable entry whose content is known.
std::vector<StatRecord> stat_records(const Node& root);

}  // namespace herd::track
