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
  while (offset < body.size()) {
    if (body.size() - offset < kBatchRecordOverhead)
      return bad_input("object batch: record at offset {} is truncated", offset);
    Hash hash;
    std::memcpy(hash.bytes.data(), body.data() + offset, 32);
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= uint64_t(static_cast<unsigned char>(body[offset + 32 + i])) << (8 * i);
    offset += kBatchRecordOverhead;
    if (length > body.size() - offset)
      return bad_input("object batch: record {} at offset {} claims {} bytes past the end", hash.hex(),
                       offset - kBatchRecordOverhead, length);
    out.emplace_back(hash, body.substr(offset, length));
    offset += length;
  }
  return out;
}

}  // namespace herd::store
