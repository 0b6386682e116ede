#include "store/chunks.h"

#include "store/binary.h"

namespace herd::store {
namespace {
constexpr uint8_t kChunksVersion = 1;
constexpr size_t kChunkRecordSize = 32 + 4;
}  // namespace

std::string encode_chunks(const std::vector<Chunk>& chunks) {
  std::string out;
  out.reserve(1 + 8 + 4 + chunks.size() * kChunkRecordSize);
  ByteWriter w(out);
  uint64_t total = 0;
  for (const auto& c : chunks) total += c.size;
  w.u8(kChunksVersion);
  w.u64(total);
  w.u32(static_cast<uint32_t>(chunks.size()));
  for (const auto& c : chunks) {
    w.hash(c.hash);
    w.u32(static_cast<uint32_t>(c.size));
  }
  return out;
}

Result<std::vector<Chunk>> decode_chunks(std::string_view bytes, const std::string& what) {
  ByteReader r(bytes);
  auto bad = [&] { return bad_input("{}: bad chunks list: {}", what, r.problem()); };
  uint8_t version;
  uint64_t total;
  uint32_t count;
  if (!r.u8(version, "version")) return bad();
  if (version != kChunksVersion) {
    r.fail(fmt::format("unknown version {}", version));
    return bad();
  }
  if (!r.u64(total, "total size") || !r.u32(count, "chunk count")) return bad();
  if (count == 0) {
    r.fail("no chunks");
    return bad();
  }
  if (r.remaining() != uint64_t{count} * kChunkRecordSize) {
    r.fail(fmt::format("{} chunks need {} bytes, {} remain", count, uint64_t{count} * kChunkRecordSize, r.remaining()));
    return bad();
  }
  std::vector<Chunk> chunks(count);
  uint64_t sum = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t size;
    if (!r.hash(chunks[i].hash, "chunk hash") || !r.u32(size, "chunk size")) return bad();
    if (size == 0) {
      r.fail(fmt::format("chunk {} has size 0", i));
      return bad();
    }
    chunks[i].size = size;
    sum += size;  // at most 2^32 chunks of < 2^32 bytes: no overflow
  }
  if (sum != total) {
    r.fail(fmt::format("chunk sizes sum to {}, total says {}", sum, total));
    return bad();
  }
  return chunks;
}

}  // namespace herd::store
