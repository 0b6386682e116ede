#include "store/object_file.h"

#include <zstd.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace herd::store {
namespace {

constexpr char kMagic[4] = {'H', 'O', 'B', 'J'};
constexpr uint8_t kFileVersion = 1;

// zstd contexts are reused per thread: creating one costs more than compressing a
// small object.
struct ZstdContexts {
  ZSTD_CCtx* compress = ZSTD_createCCtx();
  ZSTD_DCtx* decompress = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(compress);
    ZSTD_freeDCtx(decompress);
  }
};
ZstdContexts& zstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

void put_header(char* out, ObjectType type, Encoding encoding, uint64_t size) {
  std::memcpy(out, kMagic, 4);
  out[4] = static_cast<char>(kFileVersion);
  out[5] = static_cast<char>(type);
  out[6] = static_cast<char>(encoding);
  out[7] = 0;
  for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<char>(size >> (8 * i) & 0xff);
}

bool known_type(uint8_t t) { return t >= 1 && t <= 4; }

// Whether the payload's bytes are so evenly spread (order-0 entropy above 7.9 bits per
// byte, as in compressed or encrypted data) that zstd cannot save 1/32: then it is stored
// raw without trying, which is ~20x cheaper than a failed zstd attempt. Data that
// repeats long runs of random-looking bytes is misjudged and stored raw: only space lost.
// Counts a sample of 16 evenly spaced runs of 256 bytes (4 KiB: random data still
// measures above 7.95 bits there).
bool looks_incompressible(std::string_view payload) {
  if (payload.size() < 1024) return false;
  uint32_t counts[256] = {};
  constexpr size_t kRuns = 16, kRun = 256;
  size_t sampled = 0;
  if (payload.size() <= kRuns * kRun) {
    for (unsigned char c : payload) ++counts[c];
    sampled = payload.size();
  } else {
    size_t step = (payload.size() - kRun) / (kRuns - 1);
    for (size_t r = 0; r < kRuns; ++r)
      for (unsigned char c : payload.substr(r * step, kRun)) ++counts[c];
    sampled = kRuns * kRun;
  }
  double n = static_cast<double>(sampled), bits = 0;
  for (uint32_t count : counts)
    if (count) {
      double p = count / n;
      bits -= p * std::log2(p);
    }
  return bits > 7.9;
}

}  // namespace

// Grown as needed (resize() zero-fills only the growth), released when unusually large.
static thread_local std::vector<char> encode_buffer;

EncodedObject encode_object_file(ObjectType type, std::string_view payload) {
  std::vector<char>& buffer = encode_buffer;
  if (!looks_incompressible(payload)) {
    size_t bound = ZSTD_compressBound(payload.size());
    if (buffer.size() < kObjectHeaderSize + bound) buffer.resize(kObjectHeaderSize + bound);
    char* body = buffer.data() + kObjectHeaderSize;
    size_t packed = ZSTD_compressCCtx(zstd().compress, body, bound, payload.data(), payload.size(), kCompressionLevel);
    if (!ZSTD_isError(packed) && packed < payload.size() && packed <= payload.size() - payload.size() / 32) {
      put_header(buffer.data(), type, Encoding::zstd, payload.size());
      return {{buffer.data(), kObjectHeaderSize}, {body, packed}};
    }
  }
  if (buffer.size() < kObjectHeaderSize) buffer.resize(kObjectHeaderSize);
  put_header(buffer.data(), type, Encoding::raw, payload.size());
  return {{buffer.data(), kObjectHeaderSize}, payload};
}

void release_object_file_buffer() {
  if (encode_buffer.size() > (16u << 20)) std::vector<char>().swap(encode_buffer);
}

Result<ObjectHeader> parse_object_header(std::string_view file) {
  if (file.size() < kObjectHeaderSize) return failure("file is {} bytes, shorter than the header", file.size());
  if (std::memcmp(file.data(), kMagic, 4) != 0) return failure("bad magic");
  auto byte = [&](size_t i) { return static_cast<uint8_t>(file[i]); };
  if (byte(4) != kFileVersion) return failure("unknown object file version {}", byte(4));
  if (!known_type(byte(5))) return failure("unknown object type {}", byte(5));
  if (byte(6) > 1) return failure("unknown encoding {}", byte(6));
  if (byte(7) != 0) return failure("reserved header byte is {}", byte(7));
  ObjectHeader h;
  h.type = static_cast<ObjectType>(byte(5));
  h.encoding = static_cast<Encoding>(byte(6));
  for (int i = 0; i < 8; ++i) h.size |= uint64_t{byte(8 + static_cast<size_t>(i))} << (8 * i);
  if (h.size > kMaxPayloadSize) return failure("header claims {} bytes, more than the {} allowed", h.size, kMaxPayloadSize);
  return h;
}

Result<Object> decode_object_file(std::string_view file, const Hash& expected) {
  auto header = parse_object_header(file);
  if (!header) return header.error();
  std::string_view body = file.substr(kObjectHeaderSize);
  Object object;
  object.type = header->type;
  if (header->encoding == Encoding::raw) {
    if (body.size() != header->size)
      return failure("raw body is {} bytes, header says {}", body.size(), header->size);
    object.payload.assign(body);
  } else {
    unsigned long long declared = ZSTD_getFrameContentSize(body.data(), body.size());
    if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN)
      return failure("zstd body has no valid frame header");
    if (declared != header->size) return failure("zstd frame holds {} bytes, header says {}", declared, header->size);
    size_t frame = ZSTD_findFrameCompressedSize(body.data(), body.size());
    if (ZSTD_isError(frame)) return failure("zstd frame is incomplete: {}", ZSTD_getErrorName(frame));
    if (frame != body.size()) return failure("{} bytes after the zstd frame", body.size() - frame);
    object.payload.resize(header->size);
    size_t got = ZSTD_decompressDCtx(zstd().decompress, object.payload.data(), object.payload.size(), body.data(), body.size());
    if (ZSTD_isError(got)) return failure("zstd: {}", ZSTD_getErrorName(got));
    if (got != header->size) return failure("zstd frame decompressed to {} bytes, header says {}", got, header->size);
  }
  Hash actual = object_hash(object.type, object.payload);
  if (actual != expected) return failure("content hashes to {}", actual.hex());
  return object;
}

}  // namespace herd::store
