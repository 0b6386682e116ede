#include "store/file_content.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/chunker.h"
#include "store/chunks.h"

namespace herd::store {
namespace {

// store_file reads this much at a time: big enough for few read() calls, small enough
// that memory does not grow with the file.
constexpr size_t kReadBuffer = 1 << 20;
static_assert(kReadBuffer >= 2 * kMaxChunk && kReadBuffer > kSingleBlobLimit);

// Where content goes: into a store, or only hashed (hash_file).
using PutObject = std::function<Result<PutResult>(ObjectType, std::string_view)>;

PutObject into(ObjectStore& store) {
  return [&store](ObjectType type, std::string_view payload) { return store.insert(type, payload); };
}

Result<PutResult> hash_only(ObjectType type, std::string_view payload) {
  return PutResult{object_hash(type, payload), false};
}

// Accumulates a large file's chunks as they are stored.
class ChunkedWriter {
 public:
  explicit ChunkedWriter(const PutObject& put) : put_(put) {}

  Status add(std::string_view chunk) {
    auto put = put_(ObjectType::blob, chunk);
    if (!put) return put.error();
    chunks_.push_back({put->hash, chunk.size()});
    result_.size += chunk.size();
    if (put->added) result_.new_bytes += chunk.size();
    return {};
  }

  Result<StoredContent> finish() {
    std::string list = encode_chunks(chunks_);
    auto put = put_(ObjectType::chunks, list);
    if (!put) return put.error();
    result_.hash = put->hash;
    if (put->added) result_.new_bytes += list.size();
    return result_;
  }

 private:
  const PutObject& put_;
  std::vector<Chunk> chunks_;
  StoredContent result_;
};

Result<StoredContent> store_single_blob(const PutObject& put_object, std::string_view data) {
  auto put = put_object(ObjectType::blob, data);
  if (!put) return put.error();
  return StoredContent{put->hash, data.size(), put->added ? data.size() : 0};
}

// Reads from fd into buffer[end, capacity) until full or end of file; returns the new end,
// and sets `eof` when read() said so.
Result<size_t> fill(int fd, std::vector<char>& buffer, size_t end, bool& eof, const std::string& path) {
  while (end < buffer.size()) {
    ssize_t n = ::read(fd, buffer.data() + end, buffer.size() - end);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: read: {}", path, std::strerror(errno));
    }
    if (n == 0) {
      eof = true;
      break;
    }
    end += static_cast<size_t>(n);
  }
  return end;
}

// store_file and hash_file: the file's content, read once, through `put`.
Result<StoredContent> chunk_file(const PutObject& put, int fd, const std::string& path) {
  thread_local std::vector<char> buffer(kReadBuffer);
  bool eof = false;
  auto end = fill(fd, buffer, 0, eof, path);
  if (!end) return end.error();
  if (eof && *end <= kSingleBlobLimit) {
    auto stored = store_single_blob(put, std::string_view(buffer.data(), *end));
    if (!stored) return stored.error().with_context(path);
    return stored;
  }

  // Invariant: buffer[start, end) holds the file's bytes not yet stored; next_chunk() is
  // only called with at least kMaxChunk of them, or all that remain.
  ChunkedWriter writer(put);
  size_t start = 0, stop = *end;
  for (;;) {
    while (stop - start >= kMaxChunk || (eof && stop > start)) {
      size_t n = next_chunk(reinterpret_cast<const uint8_t*>(buffer.data() + start), stop - start);
      if (auto added = writer.add(std::string_view(buffer.data() + start, n)); !added)
        return added.error().with_context(path);
      start += n;
    }
    if (eof) break;
    std::memmove(buffer.data(), buffer.data() + start, stop - start);
    stop -= start;
    start = 0;
    auto more = fill(fd, buffer, stop, eof, path);
    if (!more) return more.error();
    stop = *more;
  }
  auto stored = writer.finish();
  if (!stored) return stored.error().with_context(path);
  return stored;
}

}  // namespace

Result<StoredContent> store_file(ObjectStore& store, int fd, const std::string& path) {
  return chunk_file(into(store), fd, path);
}

Result<StoredContent> hash_file(int fd, const std::string& path) { return chunk_file(hash_only, fd, path); }

Result<StoredContent> store_bytes(ObjectStore& store, std::string_view data) {
  PutObject put = into(store);
  if (data.size() <= kSingleBlobLimit) return store_single_blob(put, data);
  ChunkedWriter writer(put);
  for (size_t length : chunk_boundaries(data)) {
    HERD_CHECK(writer.add(data.substr(0, length)));
    data.remove_prefix(length);
  }
  return writer.finish();
}

Result<uint64_t> read_content(const ObjectStore& store, const Hash& hash,
                              const std::function<Status(std::string_view)>& sink) {
  auto object = store.get(hash);
  if (!object) return object.error();
  if (object->type == ObjectType::blob) {
    HERD_CHECK(sink(object->payload));
    return object->payload.size();
  }
  if (object->type != ObjectType::chunks)
    return failure("object {} is a {}, not file content", hash.hex(), object_type_name(object->type));
  auto chunks = decode_chunks(object->payload, "chunks " + hash.hex());
  if (!chunks) return chunks.error();
  uint64_t total = 0;
  for (size_t i = 0; i < chunks->size(); ++i) {
    const Chunk& c = (*chunks)[i];
    auto blob = store.get(c.hash, ObjectType::blob);
    if (!blob) return blob.error().with_context(fmt::format("chunks {} chunk {}", hash.hex(), i));
    if (blob->size() != c.size)
      return failure("chunks {} chunk {}: blob {} has {} bytes, the list says {}", hash.hex(), i, c.hash.hex(), blob->size(), c.size);
    HERD_CHECK(sink(*blob));
    total += c.size;
  }
  return total;
}

Result<std::string> read_content(const ObjectStore& store, const Hash& hash) {
  std::string out;
  auto size = read_content(store, hash, [&out](std::string_view piece) -> Status {
    out.append(piece);
    return {};
  });
  if (!size) return size.error();
  return out;
}

Result<std::vector<Hash>> content_objects(const ObjectStore& store, const Hash& hash) {
  // A blob is not read: only its header says what it is.
  auto type = store.peek_type(hash);
  if (!type) return type.error();
  if (*type == ObjectType::blob) return std::vector<Hash>{hash};
  auto payload = store.get(hash, ObjectType::chunks);
  if (!payload) return payload.error();
  auto chunks = decode_chunks(*payload, "chunks " + hash.hex());
  if (!chunks) return chunks.error();
  std::vector<Hash> out{hash};
  for (const auto& c : *chunks) out.push_back(c.hash);
  return out;
}

Result<bool> content_equals_fd(const ObjectStore& store, const Hash& hash, int fd, const std::string& name) {
  bool same = true;
  char buffer[65536];
  auto read = read_content(store, hash, [&](std::string_view piece) -> Status {
    while (same && !piece.empty()) {
      ssize_t n = ::read(fd, buffer, std::min(piece.size(), sizeof buffer));
      if (n < 0) {
        if (errno == EINTR) continue;
        return failure("{}: read: {}", name, std::strerror(errno));
      }
      if (n == 0 || std::memcmp(buffer, piece.data(), static_cast<size_t>(n)) != 0) same = false;
      piece.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  });
  if (!read) return read.error();
  if (same && ::read(fd, buffer, 1) != 0) same = false;  // the file is longer
  return same;
}

}  // namespace herd::store
