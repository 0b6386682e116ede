#include "store/object_batch.h"

#include <cstring>

namespace herd::store {

void ObjectBatch::add(const Hash& hash, std::string_view file) {
  body_.append(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
  uint64_t length = file.size();
  for (int i = 0; i < 8; ++i) body_.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  body_.append(file);
  ++count_;
}

Result<std::vector<std::pair<Hash, std::string_view>>> decode_object_batch(std::string_view body) {
  std::vector<std::pair<Hash, std::string_view>> out;
  size_t offset = 0;
  for (size_t index = 0; offset < body.size(); ++index) {
    if (body.size() - offset < kBatchRecordOverhead)
      return bad_input("record {} at byte {}: truncated header ({} of {} bytes)", index, offset, body.size() - offset,
                       kBatchRecordOverhead);
    Hash hash;
    std::memcpy(hash.bytes.data(), body.data() + offset, 32);
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= uint64_t(static_cast<unsigned char>(body[offset + 32 + i])) << (8 * i);
    offset += kBatchRecordOverhead;
    if (length > body.size() - offset)
      return bad_input("record {} ({}): length {} runs past the end of the body ({} bytes left)", index, hash.hex(),
                       length, body.size() - offset);
    out.emplace_back(hash, body.substr(offset, length));
    offset += length;
  }
  return out;
}

std::string encode_hash_list(const Hash* begin, const Hash* end) {
  std::string out;
  out.reserve(32 * size_t(end - begin));
  for (const Hash* h = begin; h != end; ++h) out.append(reinterpret_cast<const char*>(h->bytes.data()), 32);
  return out;
}

Result<std::vector<Hash>> decode_hash_list(std::string_view body) {
  if (body.size() % 32 != 0) return bad_input("{} bytes is not a list of hashes", body.size());
  std::vector<Hash> out(body.size() / 32);
  for (size_t i = 0; i < out.size(); ++i) std::memcpy(out[i].bytes.data(), body.data() + 32 * i, 32);
  return out;
}

}  // namespace herd::store
