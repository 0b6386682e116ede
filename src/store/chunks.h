// The payload of a `chunks` object: a large file's chunks (blob hashes and sizes) in
// order. Encoding (docs/store-format.md): version byte 1, total size (u64), count (u32),
// then per chunk a 32-byte hash and a u32 size, all little-endian.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/file_content.h"

namespace herd::store {

// `chunks` must be non-empty with every size in 1..2^32-1.
std::string encode_chunks(const std::vector<Chunk>& chunks);
// Fails (bad_input) naming `what` when the bytes are not exactly one valid encoding:
// unknown version, no chunks, a zero size, sizes not summing to the total, trailing bytes.
Result<std::vector<Chunk>> decode_chunks(std::string_view bytes, const std::string& what);

}  // namespace herd::store
