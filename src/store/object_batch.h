// Objects and hashes on the wire (docs/server.md), read and written by both the server
// and the node:
//  - an object batch, the body of POST /api/v1/objects (upload) and of the reply to
//    POST /api/v1/objects/fetch: records
//      hash (32 bytes) || length (u64 little-endian) || object file (length bytes)
//    where the object file is exactly what ObjectStore::read_encoded returns;
//  - a hash list, the body of /objects/missing and /objects/fetch and the reply of
//    /objects/missing: 32-byte hashes back to back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

inline constexpr size_t kBatchRecordOverhead = 40;  // hash + length

class ObjectBatch {
 public:
  void add(const Hash& hash, std::string_view file);
  size_t count() const { return count_; }
  size_t size() const { return body_.size(); }
  bool empty() const { return count_ == 0; }
  const std::string& body() const { return body_; }
  std::string take_body() {
    count_ = 0;
    return std::move(body_);
  }
  void clear() {
    body_.clear();
    count_ = 0;
  }

 private:
  std::string body_;
  size_t count_ = 0;
};

// Splits a batch body back into (hash, object file) views into `body`; an empty body is
// no record. A truncated header or a length past the end is bad_input naming the
// record's index and byte offset (and its hash, when it has one).
Result<std::vector<std::pair<Hash, std::string_view>>> decode_object_batch(std::string_view body);

std::string encode_hash_list(const Hash* begin, const Hash* end);
// A body that is not a whole number of hashes is bad_input naming its size.
Result<std::vector<Hash>> decode_hash_list(std::string_view body);

}  // namespace herd::store
