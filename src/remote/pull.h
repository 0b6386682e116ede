// Pulling a node's checkpoints from the frontend into a local store: disaster recovery
// on a freshly installed machine, and `herd track pull`.
//
//   1. read the server's ref R = checkpoints/<node> (absent: a failure, nothing to pull);
//   2. fetch every object of R's closure the local store lacks, each verified by
//      insert_encoded before it is staged; checkpoints already in the local history, and
//      subtrees equal to their parent's, are not walked (new_objects.h). A folder's new
//      entries (and a large file's chunks) come in one request (RemoteStore::fetch_many:
//      POST /objects/fetch); snapshots and metadata one each (GET /objects/HASH);
//   3. sync() the local store: every object durable and published;
//   4. compare-and-swap the local ref to R, when it is absent or an ancestor of R
//      (fast-forward). A local ref that already contains R is left alone; one that has
//      diverged from R is a failure unless `replace_diverged`.
// Killed before 4, the local ref is unchanged and the fetched objects are garbage or
// found present by the next pull.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "remote/remote_store.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "util/result.h"

namespace herd::remote {

struct PullProgress {
  uint64_t objects_fetched = 0, bytes_fetched = 0;
};

struct PullOptions {
  bool replace_diverged = false;  // set the local ref to R even when local checkpoints are lost
  std::function<void(const PullProgress&)> on_progress;  // every few objects
};

struct PullResult {
  std::string ref;
  store::Hash remote;                  // R
  std::optional<store::Hash> before;   // the local ref before
  std::optional<store::Hash> after;    // the local ref after
  uint64_t checkpoints = 0;            // checkpoints new to the local history
  uint64_t objects_fetched = 0;
  uint64_t bytes_fetched = 0;          // object file bytes
  uint64_t objects_present = 0;        // listed but already in the local store
  bool ref_updated = false;
};

Result<PullResult> pull_checkpoints(store::ObjectStore& local, store::Refs& local_refs, const std::string& ref,
                                    RemoteStore& remote, const PullOptions& options = {});

}  // namespace herd::remote
