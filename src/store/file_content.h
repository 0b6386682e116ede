// File content in the store. Small files are one blob. Larger files are cut by
// content-defined chunking (a gear rolling hash; minimum 4 KiB, average about 16 KiB,
// maximum 64 KiB) into blobs listed by a `chunks` object, so an edit inside a big file
// changes only the chunks around it. The content hash in a tree entry is the blob's or
// the chunks object's name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace herd::store {

// Files up to this size are stored as a single blob.
inline constexpr uint64_t kSingleBlobLimit = 64 * 1024;

struct Chunk {
  Hash hash;
  uint64_t size = 0;
};

// Cut points of `data` by content-defined chunking: returns chunk lengths summing to
// data.size(). Deterministic; the same bytes give the same cuts wherever they appear.
std::vector<size_t> chunk_boundaries(std::string_view data);

struct StoredContent {
  Hash hash;              // what a tree entry records
  uint64_t size = 0;
  uint64_t new_bytes = 0; // bytes of objects that were not in the store before
};

// Stores the content of the open file `fd` (read from its current offset to the end).
// `path` names it in errors.
Result<StoredContent> store_file(ObjectStore& store, int fd, const std::string& path);
// The content hash (and size) store_file would give the file, storing nothing: to check
// a live file against a tree entry without a store holding its content. new_bytes is 0.
Result<StoredContent> hash_file(int fd, const std::string& path);
// Stores in-memory content the same way.
Result<StoredContent> store_bytes(ObjectStore& store, std::string_view data);

// Writes the content named `hash` (a blob or a chunks object) to `sink` piece by piece,
// verifying every object. Returns the total size.
Result<uint64_t> read_content(const ObjectStore& store, const Hash& hash,
                              const std::function<Status(std::string_view)>& sink);
// The whole content in memory (for diffs of small text files).
Result<std::string> read_content(const ObjectStore& store, const Hash& hash);
// Whether the bytes readable from `fd` (from its current offset to its end) are exactly
// the content named `hash`, read piece by piece and stopping at the first difference.
// `name` names the file in errors (a read error, or an object missing or corrupt).
Result<bool> content_equals_fd(const ObjectStore& store, const Hash& hash, int fd, const std::string& name);

// Every object `hash` (blob or chunks) refers to, itself included: for reachability.
Result<std::vector<Hash>> content_objects(const ObjectStore& store, const Hash& hash);

}  // namespace herd::store
