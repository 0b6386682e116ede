// `herd store fsck`: every pack index is checked (checksum, order, bounds) and every pack
// against its index; every copy of every object is read, verified against its name and decoded; every
// ref must name a snapshot; everything refs reach must be present, valid, of the type its
// referrer expects and of the size it claims (docs/store-format.md, "fsck").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"

namespace herd::store {

struct FsckOptions {
  // Delete objects (copies) that fail verification, so the next put() of the same content
  // stores it again (put() skips objects it finds); packs are rewritten without them.
  bool remove_corrupt = false;
};

struct FsckReport {
  uint64_t objects = 0;  // published objects examined (each once; every copy is verified)
  uint64_t blobs = 0, chunks = 0, trees = 0, snapshots = 0;  // the valid ones, by type
  uint64_t payload_bytes = 0;                                // of the valid blobs
  uint64_t refs = 0;
  uint64_t reachable = 0;   // objects refs reach (present or not)
  // In tmp/: staged by writers (live or killed) and gc leftovers; and packs without an
  // index (a writer killed while publishing).
  uint64_t temp_files = 0;
  // Each names the object or ref and, for a reference, who refers to it and from which
  // ref. Any problem fails fsck.
  std::vector<std::string> problems;
  // Corrupt objects that no ref reaches: they harm no snapshot; gc removes them.
  std::vector<std::string> garbage;
  std::vector<Hash> removed;  // with remove_corrupt

  bool ok() const { return problems.empty(); }
};

// Fails only when the store cannot be examined at all (objects cannot be listed);
// everything wrong inside it is in the report.
Result<FsckReport> fsck(ObjectStore& store, const Refs& refs, const FsckOptions& options = {});

}  // namespace herd::store
