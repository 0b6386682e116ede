// Snapshots: a root tree with its history and description. Checkpoints of a node and
// revisions of an image are snapshots; `metadata` carries what each needs (e.g.
// "packages" = the hash of the package list blob, "host" = the node's name).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

struct Snapshot {
  Hash tree;
  std::vector<Hash> parents;
  int64_t time_ns = 0;  // wall clock, UTC
  std::string author;   // e.g. "root@compute-0-0"
  std::string message;
  std::map<std::string, std::string> metadata;
  bool operator==(const Snapshot&) const = default;
};

// Whether the metadata value under `key` is the hash of an object this snapshot keeps
// alive (gc keeps it, fsck checks it): the key "packages" and every key ending in
// "_object". The value is 64 hex digits, or empty for none.
bool metadata_key_holds_object(std::string_view key);

// The encoding is in docs/store-format.md. `snapshot` must satisfy check_snapshot().
std::string encode_snapshot(const Snapshot& snapshot);
// What decode_snapshot() enforces: a non-zero tree, non-zero unique parents, metadata
// keys 1-255 bytes without NUL. Fails naming `what` and the first problem.
Status check_snapshot(const Snapshot& snapshot, const std::string& what);
// Bad bytes are a bad_input failure naming `what` and the first problem.
Result<Snapshot> decode_snapshot(std::string_view bytes, const std::string& what);

}  // namespace herd::store
