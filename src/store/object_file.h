// One object's file: a 16-byte header (magic "HOBJ", version 1, type, encoding,
// reserved 0, payload size as u64 little-endian) and the payload, raw or as one zstd frame
// (docs/store-format.md, "Object files"). Internal to src/store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"

namespace herd::store {

inline constexpr size_t kObjectHeaderSize = 16;
// zstd level 1: on 8-16 KiB pieces of text it compresses about as well as level 3 (ratio
// 2.50 against 2.52 on bench/track's text) at 1.7 times the speed.
inline constexpr int kCompressionLevel = 1;

enum class Encoding : uint8_t { raw = 0, zstd = 1 };

struct ObjectHeader {
  ObjectType type = ObjectType::blob;
  Encoding encoding = Encoding::raw;
  uint64_t size = 0;  // payload bytes
};

// An object file as two pieces to write one after the other.
struct EncodedObject {
  std::string_view header;
  std::string_view body;  // the payload itself when raw
  size_t size() const { return header.size() + body.size(); }
};

// The header and body of `payload`'s file, zstd-compressed when that saves at least 1/32.
// The views point into a per-thread buffer (valid until the next call on this thread or
// release_object_file_buffer()) and into `payload`.
EncodedObject encode_object_file(ObjectType type, std::string_view payload);
// Frees that buffer if an unusually large object grew it.
void release_object_file_buffer();

// Parses and checks the 16-byte header; the error is the reason only ("bad magic", ...).
Result<ObjectHeader> parse_object_header(std::string_view file);

// Decodes a whole object file and checks it is the object `expected`: the error is the
// reason only (the caller names the object and file).
Result<Object> decode_object_file(std::string_view file, const Hash& expected);

// Every loose object file under root/objects/<2 hex>/ (format 1 objects), by name.
Result<std::vector<Hash>> list_loose_objects(const std::string& root);

}  // namespace herd::store
