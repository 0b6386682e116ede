// Content-defined chunking by a gear rolling hash, FastCDC style with normalized chunk
// sizes (docs/store-format.md, "Large files"). The constants are part of the store
// format: changing them keeps old snapshots readable but stops new ones sharing chunks
// with them. Internal to src/store; chunk_boundaries() in file_content.h is the public face.
#pragma once

#include <cstddef>
#include <cstdint>

namespace herd::store {

inline constexpr size_t kMinChunk = 4 * 1024;
inline constexpr size_t kNormalChunk = 16 * 1024;
inline constexpr size_t kMaxChunk = 64 * 1024;

// The length of the chunk starting at `data`, given the `size` bytes available there.
// Requires size >= kMaxChunk unless those bytes are all that remain of the content: the
// result is then the same as with the whole content. Returns a value in 1..size (or 0
// for size 0), at most kMaxChunk, and at least kMinChunk unless size is smaller.
size_t next_chunk(const uint8_t* data, size_t size);

}  // namespace herd::store
