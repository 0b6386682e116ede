// The object graph as refs reach it, walked breadth-first by type: a snapshot leads to
// its tree, its parents and its object-holding metadata values; a tree to its subtrees
// (folders) and file contents; a chunks object to its blobs. Shared by fsck (which knows
// every object already) and gc (which only marks). Internal to src/store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/object_store.h"

namespace herd::store {

// What the walker needs to know about an object before deciding whether to read it.
struct ObjectInfo {
  enum class State { ok, missing, corrupt } state = State::missing;
  ObjectType type = ObjectType::blob;
  std::optional<uint64_t> content_size;  // blob: payload size; chunks: total; if known
  std::string problem;                   // corrupt: why
};
using ObjectLookup = std::function<ObjectInfo(const Hash&)>;

struct Reachability {
  std::unordered_set<Hash> reachable;  // every object reached, present or not
  // Each problem names the object, what it is to its referrer, and the ref it came from:
  // missing, corrupt, of the wrong type, undecodable, or the wrong size.
  std::vector<std::string> problems;
};

// Walks from `refs`. `lookup` says what each reached object is; trees, chunks objects and
// snapshots that look fine are read with store.get() and decoded. Size checks (a file
// entry's size against its content, a chunk's against its blob) are made where `lookup`
// knows the sizes. The walk never stops early: everything reachable is marked even when
// some of it is broken.
Reachability walk_reachable(const ObjectStore& store, const std::vector<std::pair<std::string, Hash>>& refs,
                            const ObjectLookup& lookup);

}  // namespace herd::store
