// `herd store gc`: removes objects no ref reaches, safely while writers are active.
// An unreachable object survives while its file (a loose object) or its pack is younger
// than the grace period: a writer's put() and has() write or freshen (set the mtime of)
// every object of its session -- for a packed object, the whole pack, at most once per
// kFreshenIntervalSeconds -- and must point a ref at them within the grace period minus
// that interval. Refs are read under the refs lock. A loose object is moved aside, its age
// checked again, and only then deleted; a pack with unreachable objects is first rewritten
// with its reachable ones (the new pack is published before anything goes), then its index
// and the pack are moved aside, the pack's age is checked again, and only then are they
// deleted (repack.h). So a put() that freshens at the same moment either wins (gc puts the
// file back) or finds it gone and writes the object again.
// Then old packs smaller than kSmallPackBytes (every sync and every push makes one) are
// merged, up to kMergedPackBytes at a time, the same way: the new pack first.
// See docs/store-format.md, "gc".
#pragma once

#include <cstdint>

#include "store/object_store.h"
#include "store/refs.h"

namespace herd::store {

// Like git's gc.pruneExpire: longer than any writer's session (first put to ref update).
inline constexpr int64_t kDefaultGraceSeconds = 3600;

// Packs below this size are merged by gc once old; merged packs are at most about
// kMergedPackBytes (one bigger small pack may end a group).
inline constexpr uint64_t kSmallPackBytes = uint64_t{64} << 20;
inline constexpr uint64_t kMergedPackBytes = uint64_t{1} << 30;

struct GcOptions {
  int64_t grace_seconds = kDefaultGraceSeconds;  // 0: remove every unreachable object (no writers!)
  bool dry_run = false;                          // count, remove nothing
};

struct GcReport {
  uint64_t objects = 0;    // published objects examined (each once, however many copies)
  uint64_t reachable = 0;  // kept: a ref reaches them
  uint64_t young = 0;      // kept: unreachable but younger than the grace period (or in a young pack)
  uint64_t removed = 0;    // removed (dry run: would be), loose or from packs
  uint64_t removed_bytes = 0;
  uint64_t temp_removed = 0;  // old files of killed writers in tmp/, old packs without index
  uint64_t restored = 0;      // objects and packs a killed gc had moved aside, put back
  uint64_t packs_merged = 0;  // small old packs replaced by merged ones (dry run: would be)
  uint64_t packs_written = 0; // merged packs written (dry run: would be)
};

// Fails, removing nothing, when something refs reach is missing or corrupt (the objects
// below it are unknown; run fsck), or when refs cannot be read. Removal errors name the
// object and file.
Result<GcReport> gc(ObjectStore& store, const Refs& refs, const GcOptions& options = {});

}  // namespace herd::store
