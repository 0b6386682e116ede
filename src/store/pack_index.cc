#include "store/pack_index.h"

#include <algorithm>
#include <cstring>

#include "store/binary.h"
#include "store/object_file.h"

namespace herd::store {
namespace {

constexpr char kIndexMagic[4] = {'H', 'I', 'D', 'X'};
constexpr uint32_t kIndexVersion = 1;

}  // namespace

std::string_view pack_header() {
  static constexpr char header[kPackHeaderSize] = {'H', 'P', 'C', 'K', 1, 0, 0, 0};
  return {header, kPackHeaderSize};
}

std::string encode_pack_index(std::vector<PackEntry> entries, uint64_t pack_size) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.hash < b.hash; });
  std::string out;
  out.reserve(kPackIndexHeaderSize + entries.size() * kPackIndexEntrySize + kPackIndexTrailerSize);
  out.append(kIndexMagic, 4);
  ByteWriter w(out);
  w.u32(kIndexVersion);
  w.u64(entries.size());
  w.u64(pack_size);
  for (const PackEntry& e : entries) {
    w.hash(e.hash);
    w.u64(e.offset);
    w.u64(e.length);
  }
  w.hash(sha256(out));
  return out;
}

Result<PackIndex> decode_pack_index(std::string_view bytes) {
  if (bytes.size() < kPackIndexHeaderSize + kPackIndexTrailerSize)
    return failure("index is {} bytes, shorter than its header and trailer", bytes.size());
  if (std::memcmp(bytes.data(), kIndexMagic, 4) != 0) return failure("bad index magic");
  std::string_view body = bytes.substr(0, bytes.size() - kPackIndexTrailerSize);
  Hash trailer;
  std::memcpy(trailer.bytes.data(), bytes.data() + body.size(), trailer.bytes.size());
  if (sha256(body) != trailer) return failure("index checksum mismatch (the index is damaged)");
  ByteReader r(body.substr(4));
  uint32_t version = 0;
  uint64_t count = 0;
  PackIndex index;
  r.u32(version, "version");
  r.u64(count, "count");
  r.u64(index.pack_size, "pack size");
  if (!r.ok()) return failure("{}", r.problem());
  if (version != kIndexVersion) return failure("unknown index version {}", version);
  if (count != r.remaining() / kPackIndexEntrySize || r.remaining() % kPackIndexEntrySize != 0)
    return failure("index claims {} entries but holds {} bytes of entries", count, r.remaining());
  if (index.pack_size < kPackHeaderSize) return failure("pack size {} is shorter than the pack header", index.pack_size);
  index.entries.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    PackEntry& e = index.entries[i];
    r.hash(e.hash, "hash");
    r.u64(e.offset, "offset");
    r.u64(e.length, "length");
    if (!r.ok()) return failure("{}", r.problem());
    if (i > 0 && !(index.entries[i - 1].hash < e.hash)) return failure("entry {} is out of order or repeated", i);
    if (e.length < kObjectHeaderSize || e.offset < kPackHeaderSize || e.offset > index.pack_size ||
        e.length > index.pack_size - e.offset)
      return failure("entry {} ({}) lies outside the pack: offset {}, length {}, pack size {}", i, e.hash.hex(), e.offset,
                     e.length, index.pack_size);
  }
  return index;
}

const PackEntry* find_entry(const PackIndex& index, const Hash& hash) {
  auto it = std::lower_bound(index.entries.begin(), index.entries.end(), hash,
                             [](const PackEntry& e, const Hash& h) { return e.hash < h; });
  return it != index.entries.end() && it->hash == hash ? &*it : nullptr;
}

}  // namespace herd::store
