// The objects some new snapshots reach beyond what a receiver already has: the walk
// shared by push (local store -> server) and pull (server -> local store).
//
// The receiver is assumed to hold the whole closure of every *complete* snapshot (the
// server's current ref value, whose objects the server checked before accepting it; a
// local checkpoint, written by checkpoint() or a pull that synced before setting the
// ref). So the walk
//   - follows parents from the head and stops at complete snapshots;
//   - walks each new snapshot's tree beside its first parent's tree when that parent is
//     complete or was walked already, and skips every entry (file content or whole
//     subtree) whose hash equals the parent's entry of the same name and type.
// An incremental push or pull therefore reads only the folders on the paths to what
// changed. Objects that moved (same hash elsewhere) are still listed; the server's
// "missing" answer (push) or the local store (pull) filters them.
#pragma once

#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/object_store.h"
#include "util/result.h"

namespace herd::remote {

struct ObjectAccess {
  // Makes `hash` available for read() (pull: fetches it when the local store lacks it;
  // push: checks the local store has it) and returns its type. Called at most once per
  // hash in one walk, for every object the walk lists.
  std::function<Result<store::ObjectType>(const store::Hash&)> ensure;
  // Reads an object that ensure() made available, or one of a complete snapshot's closure.
  std::function<Result<store::Object>(const store::Hash&)> read;
  // Optional: told the hashes the walk is about to ensure() (a tree's new entries, a chunk
  // list's chunks), so that pull fetches them in one request instead of one each.
  std::function<Status(const std::vector<store::Hash>&)> prefetch;
};

struct SnapshotChain {
  std::vector<store::Hash> fresh;                 // new snapshots, parents before children
  std::unordered_set<store::Hash> complete_seen;  // complete snapshots the walk reached
  // A fresh snapshot without parents (an image capture) walked beside a complete
  // snapshot the receiver holds (its previous capture), as if that were its parent.
  std::unordered_map<store::Hash, store::Hash> bases;
};

// Snapshots reachable from `head` (itself included) that are not complete, each ensure()d.
// A parent chain that loops is a failure.
Result<SnapshotChain> find_new_snapshots(const store::Hash& head,
                                         const std::function<bool(const store::Hash&)>& is_complete,
                                         ObjectAccess& access);

// ensure()s every object the chain's fresh snapshots reach that the rules above do not
// skip: metadata objects, trees, file contents, the blobs of chunks objects. Objects are
// visited parents first (a tree before its entries).
Status walk_new_objects(const SnapshotChain& chain, ObjectAccess& access);

}  // namespace herd::remote
