// The primitives of the chunks, tree and snapshot encodings (docs/store-format.md):
// fixed-width little-endian integers, 32-byte hashes, and strings prefixed by their
// length as a 4-byte integer. Internal to src/store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "store/hash.h"

namespace herd::store {

// Appends to a string it does not own; `out` must outlive the writer.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { fixed(v, 4); }
  void u64(uint64_t v) { fixed(v, 8); }
  void i64(int64_t v) { fixed(static_cast<uint64_t>(v), 8); }
  void hash(const Hash& h) { out_.append(reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size()); }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  void fixed(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>(v >> (8 * i) & 0xff));
  }
  std::string& out_;
};

// Reads from bytes it does not own. Every read returns false once anything failed; the
// first failure is kept in problem() ("truncated at byte N reading FIELD", or what fail()
// was given, with the byte offset).
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool u8(uint8_t& v, std::string_view field) {
    uint64_t x;
    if (!fixed(x, 1, field)) return false;
    v = static_cast<uint8_t>(x);
    return true;
  }
  bool u32(uint32_t& v, std::string_view field) {
    uint64_t x;
    if (!fixed(x, 4, field)) return false;
    v = static_cast<uint32_t>(x);
    return true;
  }
  bool u64(uint64_t& v, std::string_view field) { return fixed(v, 8, field); }
  bool i64(int64_t& v, std::string_view field) {
    uint64_t x;
    if (!fixed(x, 8, field)) return false;
    v = static_cast<int64_t>(x);
    return true;
  }
  bool hash(Hash& h, std::string_view field) {
    if (!need(h.bytes.size(), field)) return false;
    for (size_t i = 0; i < h.bytes.size(); ++i) h.bytes[i] = static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += h.bytes.size();
    return true;
  }
  // A length-prefixed string of at most `max` bytes.
  bool str(std::string& s, size_t max, std::string_view field) {
    uint32_t size;
    size_t start = pos_;
    if (!u32(size, field)) return false;
    if (size > max) {
      pos_ = start;
      return fail(fmt::format("{} is {} bytes long, at most {} allowed", field, size, max));
    }
    if (!need(size, field)) return false;
    s.assign(data_.substr(pos_, size));
    pos_ += size;
    return true;
  }

  // Records a problem found by the caller at the current offset; returns false.
  bool fail(std::string problem) {
    if (problem_.empty()) problem_ = fmt::format("{} (at byte {})", problem, pos_);
    return false;
  }
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  bool need(size_t n, std::string_view field) {
    if (!problem_.empty()) return false;
    if (remaining() < n) {
      problem_ = fmt::format("truncated at byte {} reading {}", pos_, field);
      return false;
    }
    return true;
  }
  bool fixed(uint64_t& v, int bytes, std::string_view field) {
    if (!need(static_cast<size_t>(bytes), field)) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
    pos_ += static_cast<size_t>(bytes);
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::string problem_;
};

}  // namespace herd::store
