// Dropping objects from a published pack: gc (unreachable objects of an old pack) and
// remove() / fsck --remove-corrupt (one object, or the damaged ones); and merging small
// packs into one (gc). A pack cannot be edited in place, so it is replaced. Internal to
// src/store.
//
// Order, so that every object that is kept stays readable at every moment and a crash
// anywhere loses nothing kept:
//   1. the kept objects are copied into a new pack, published like a writer's
//      (pack_writer.h): durable, pack renamed in, then its index;
//   2. (for each old pack) the old index, then the old pack, are renamed into tmp/gc-<pid>-<rand>/ (a process
//      that freshens the old pack from now on finds it gone and stores its object again);
//   3. with a grace period: if the old pack's mtime is now within it (a writer freshened it
//      before step 2), the pack and then the index are put back and nothing is dropped;
//   4. otherwise the old index is deleted, then the old pack.
// Readers that opened the old pack keep reading it through their descriptor. A gc killed
// after step 2 left the files in tmp/gc-*/; the next gc puts back the pack, then the index
// if its pack is back (see gc.cc). An old pack without index is invisible and removed by
// gc after the grace period.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "store/object_store.h"
#include "store/pack_set.h"

namespace herd::store {

struct RewriteResult {
  bool young = false;  // the pack was freshened meanwhile and is left as it was
  uint64_t dropped = 0;        // entries no longer in any pack (0 when young)
  uint64_t dropped_bytes = 0;  // their file bytes
};

// Replaces `pack` by one holding the entries `keep` accepts (none: the pack is deleted).
// `grace_ns`: step 3 above (gc); nullopt: drop regardless (remove()). A pack already
// removed by someone else is no error. Errors name the pack.
Result<RewriteResult> rewrite_pack(const ObjectStore& store, const std::shared_ptr<const Pack>& pack,
                                   const std::function<bool(const PackEntry&)>& keep, std::optional<int64_t> grace_ns);

struct MergeResult {
  uint64_t merged = 0;  // old packs now gone, their objects in the new pack
  uint64_t young = 0;   // old packs freshened meanwhile and put back (their objects are in both)
};

// Replaces `packs` (at least two; fewer: nothing is done) by one pack holding all their
// objects, each once, in the order above. `grace_ns` as for rewrite_pack.
Result<MergeResult> merge_packs(const ObjectStore& store, const std::vector<std::shared_ptr<const Pack>>& packs,
                                std::optional<int64_t> grace_ns);

}  // namespace herd::store
