// The checkpoints of one host: the ref checkpoints/<host> names the newest, each
// snapshot's first parent the one before.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "util/result.h"

namespace herd::track {

struct CheckpointInfo {
  store::Hash id;
  store::Snapshot snapshot;
};

// Reads and decodes snapshot `id`.
Result<store::Snapshot> load_snapshot(const store::ObjectStore& store, const store::Hash& id);

// The newest checkpoint of `ref`, or nullopt when there is none yet.
Result<std::optional<CheckpointInfo>> latest_checkpoint(const store::ObjectStore& store, const store::Refs& refs,
                                                        const std::string& ref);

// The checkpoints of `ref`, newest first, at most `limit` (0 = all). A parent chain that
// loops is a failure.
Result<std::vector<CheckpointInfo>> load_history(const store::ObjectStore& store, const store::Refs& refs,
                                                 const std::string& ref, size_t limit = 0);

}  // namespace herd::track
