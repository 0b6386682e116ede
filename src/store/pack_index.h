// Pack files and their indexes (docs/store-format.md, "Packs"): the bytes on disk, with
// no I/O. A pack is an 8-byte header ("HPCK", version 1, 3 zero bytes) followed by object
// files exactly as they would be stored loose; its index lists the objects in it, sorted
// by hash, and ends with the SHA-256 of everything before it. Internal to src/store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

inline constexpr size_t kPackHeaderSize = 8;
inline constexpr size_t kPackIndexHeaderSize = 24;
inline constexpr size_t kPackIndexEntrySize = 48;
inline constexpr size_t kPackIndexTrailerSize = 32;

// One object in a pack: its file bytes are pack[offset, offset + length).
struct PackEntry {
  Hash hash;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct PackIndex {
  uint64_t pack_size = 0;          // the pack file's size when it was published
  std::vector<PackEntry> entries;  // strictly increasing by hash
};

// The pack file's first 8 bytes.
std::string_view pack_header();

// The index file's bytes. Sorts `entries` by hash; they must be distinct and lie within
// pack_size.
std::string encode_pack_index(std::vector<PackEntry> entries, uint64_t pack_size);

// Parses and checks an index: magic, version, size, trailer checksum, entries strictly
// increasing and within the pack. The error is the reason only (the caller names the file).
Result<PackIndex> decode_pack_index(std::string_view bytes);

// The entry for `hash`, or nullptr.
const PackEntry* find_entry(const PackIndex& index, const Hash& hash);

}  // namespace herd::store
