// The object store: immutable objects named by the SHA-256 of their type and payload,
// kept zstd-compressed (raw when that does not pay), and verified against their name on
// every read. New objects go into pack files under objects/packs/ (store format 2);
// objects stored one file each under objects/<2 hex>/<62 hex> (format 1) stay readable.
// The on-disk format is in docs/store-format.md; that document is the reference.
//
// Durability: put() appends a new object to this writer's staging pack in tmp/ without
// fsync; sync() writes the pack's index, fsyncs both, and renames the pack and then its
// index into objects/packs/ (pack_writer.h). So an index under objects/packs/ always names
// a pack whose whole content was on disk first, and a crash leaves torn files only in tmp/.
// Call sync() before a ref points at new objects; objects still staged when the last copy
// of an ObjectStore goes are deleted.
//
// Thread-safety: one ObjectStore may be used by one thread. Copies share its staged
// objects (sync() on any copy publishes them all), so an ObjectStore and its copies
// count as one: give each thread its own open(). Several processes may use one store
// folder at once (objects are published by atomic renames of content-named files; refs
// use their own lock, see refs.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

enum class ObjectType : uint8_t {
  blob = 1,      // file content, or one chunk of a large file
  chunks = 2,    // a large file: its chunks' hashes and sizes, in order (see file_content.h)
  tree = 3,      // a folder: sorted entries (see tree.h)
  snapshot = 4,  // a checkpoint or image revision (see snapshot.h)
};
const char* object_type_name(ObjectType type);

struct Object {
  ObjectType type = ObjectType::blob;
  std::string payload;
};

// The name an object of `type` with `payload` gets (what put() returns), computed
// without storing it.
Hash object_hash(ObjectType type, std::string_view payload);

// The store format version this herd writes and the newest it reads (the `format` file).
// 1: loose objects only; 2: packs as well (a format 1 store is upgraded when it gets its
// first pack).
inline constexpr int kStoreFormatVersion = 2;
// The largest payload an object may have; put() refuses larger ones, get() reports a
// header claiming more as corrupt.
inline constexpr uint64_t kMaxPayloadSize = 256ull << 20;

// What insert() did.
struct PutResult {
  Hash hash;
  bool added = false;  // false: the store (or this writer's staged set) had it already
};

// The store folder herd uses when not told otherwise: $HERD_STORE, else /var/lib/herd/store.
std::string default_store_root();

namespace detail {
struct Session;  // a writer's staged objects (object_store.cc)
}
class PackSet;  // the published packs (pack_set.h)
struct PackedObject;

class ObjectStore {
 public:
  // Opens the store at `root` (a folder made by init). Fails naming the folder if it is
  // not a herd store or its format version is newer than this herd knows.
  static Result<ObjectStore> open(const std::string& root);
  // Creates the folder layout (idempotent) and opens it.
  static Result<ObjectStore> init(const std::string& root);

  const std::string& root() const { return root_; }

  // Stores an object; storing one that exists already is a cheap no-op. Returns its name.
  // A new object is staged: visible to this store and its copies at once, durable and
  // visible to other processes after sync(). Fails naming the object and file.
  Result<Hash> put(ObjectType type, std::string_view payload);
  // put(), also saying whether the object was new.
  Result<PutResult> insert(ObjectType type, std::string_view payload);
  // Makes every staged object durable and publishes it under objects/ (see above); a
  // no-op when nothing is staged. On failure the objects stay staged and sync() may be
  // retried. put() calls it by itself when many objects (or old ones) are staged.
  Status sync();
  // Whether the object is present (not verified). Like put(), freshens the object's file or
  // pack (see gc.h), so a caller may rely on what has() found for the grace period.
  bool has(const Hash& hash) const;
  // Reads, decompresses and verifies an object. A missing object and a corrupt one
  // (hash mismatch, bad compression, bad header) are failures naming the hash and file.
  Result<Object> get(const Hash& hash) const;
  // Reads an object that must be of `type`.
  Result<std::string> get(const Hash& hash, ObjectType type) const;
  // The object's file bytes exactly as stored (16-byte header + raw or zstd body), after
  // verifying them against `hash`: what the server sends and a client stores as is.
  Result<std::string> read_encoded(const Hash& hash) const;
  // Stores an object given as its file bytes (what read_encoded returns, e.g. from another
  // store): decoded and verified against `hash` first, then staged unchanged like put().
  // Bytes that are not the object `hash` are bad_input naming it; nothing is stored.
  Result<PutResult> insert_encoded(const Hash& hash, std::string_view file);
  // Every published object, loose or packed, each once, in no particular order (staged
  // ones are not listed).
  Result<std::vector<Hash>> list() const;
  // Removes one object (for gc and fsck --remove-corrupt); a missing one is fine. A packed
  // object is removed by rewriting each pack that holds it without it (see gc.h).
  Status remove(const Hash& hash);
  // The file the object would have as a loose (format 1) object; new objects are packed.
  std::string object_path(const Hash& hash) const;
  // Internal to src/store (gc, fsck): the published packs as this store sees them.
  PackSet& pack_set() const { return *packs_; }
  // The object's type from its header, unverified (gc uses it to tell a file's blob from
  // its chunks without reading the blob). Fails naming the hash and file.
  Result<ObjectType> peek_type(const Hash& hash) const;

 private:
  explicit ObjectStore(std::string root) : root_(std::move(root)) {}
  // Stages `file` (the header and body of object `hash`) unless the store has it.
  Result<PutResult> stage(const Hash& hash, std::string_view header, std::string_view body);
  // Whether `hash` is staged by this writer or published (then the mtime of its file or
  // pack is refreshed, see gc.h).
  bool has_staged_or_freshened(const Hash& hash) const;
  // Reads object `hash`'s file bytes into `file` and verifies them, trying every copy
  // (staged, packed, loose) until one verifies; the error names the hash and file.
  Result<Object> read_verified(const Hash& hash, std::string& file) const;
  // Writes format 2 into a format 1 store, before its first pack is published.
  Status upgrade_format();
  std::string root_;
  // Shared by copies; its destructor deletes objects still staged (never synced).
  std::shared_ptr<detail::Session> session_;
  // Shared by copies: the packs loaded so far.
  std::shared_ptr<PackSet> packs_;
};

}  // namespace herd::store
