// A sequence of object files on the wire, the body of POST /api/v1/objects (upload) and
// of the reply to POST /api/v1/objects/fetch (docs/server.md): records
//   hash (32 bytes) || length (u64 little-endian) || object file (length bytes)
// where the object file is exactly what ObjectStore::read_encoded returns.
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

// Splits a batch body back into (hash, object file) views into `body`. A truncated record
// or a length past the end is bad_input naming the record's offset.
Result<std::vector<std::pair<Hash, std::string_view>>> decode_object_batch(std::string_view body);

}  // namespace herd::store
