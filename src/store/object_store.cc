#include "store/object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <zstd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <unordered_set>

#include "store/object_file.h"
#include "store/pack_set.h"
#include "store/pack_writer.h"
#include "store/repack.h"
#include "util/atomic_file.h"

namespace herd::store {

namespace {

// A staging pack is published by put() itself past these bounds (docs/store-format.md):
// they bound a pack's size, the writer's memory and how long staged bytes wait in tmp/.
constexpr size_t kMaxStagedObjects = 1u << 20;
constexpr uint64_t kMaxStagedBytes = 256ull << 20;
constexpr auto kMaxStagedAge = std::chrono::minutes(10);
// Per-thread read buffers larger than this are released after use.
constexpr size_t kKeptBuffer = 16 << 20;

std::string errno_text(int e) { return std::strerror(e); }

std::string random_hex(int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(hex[device() & 15]);
  return out;
}

Status make_folder(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return failure("{}: cannot create folder: {}", path, errno_text(errno));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return failure("{}: exists and is not a folder", path);
  return {};
}

// Reads a whole file into `out` (reused). Returns errno on failure, 0 on success.
int read_whole(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return e;
  }
  // A header, then at most a zstd bound of the largest payload: anything larger is
  // corrupt, and reading only that much keeps a huge file from exhausting memory.
  size_t limit = kObjectHeaderSize + ZSTD_COMPRESSBOUND(kMaxPayloadSize) + 1;
  size_t want = std::min(static_cast<size_t>(st.st_size), limit);
  out.resize(want);
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::read(fd, out.data() + got, want - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  ::close(fd);
  return 0;
}

Sha256& thread_hasher() {
  thread_local Sha256 hasher;
  return hasher;
}

}  // namespace

namespace detail {

// A writer's staged objects: one staging pack tmp/w-<pid>-<rand>/pack-<id>.pack written
// without fsync, not yet under objects/packs/ (pack_writer.h).
struct Session {
  pid_t pid = ::getpid();  // first: `folder` is named after it
  std::string root;
  std::string folder;
  bool folder_made = false;
  std::unique_ptr<PackWriter> pack;  // made at the first put
  std::chrono::steady_clock::time_point first_staged{};

  explicit Session(std::string store_root)
      : root(std::move(store_root)), folder(root + "/tmp/w-" + std::to_string(pid) + "-" + random_hex(8)) {}
  bool staging() const { return pack && pid == ::getpid() && pack->count() > 0; }
  const PackEntry* find(const Hash& h) const { return pack && pid == ::getpid() ? pack->find(h) : nullptr; }

  // Never synced: nobody was promised these objects. A forked child leaves its parent's
  // files alone.
  ~Session() {
    if (pid != ::getpid()) return;
    if (pack) pack->discard();
    if (folder_made) ::rmdir(folder.c_str());
  }
};

}  // namespace detail

const char* object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::blob: return "blob";
    case ObjectType::chunks: return "chunks";
    case ObjectType::tree: return "tree";
    case ObjectType::snapshot: return "snapshot";
  }
  return "unknown";
}

Hash object_hash(ObjectType type, std::string_view payload) {
  Sha256& h = thread_hasher();
  char code = static_cast<char>(type);
  h.update(std::string_view(&code, 1));
  h.update(payload);
  return h.finish();
}

std::string default_store_root() {
  const char* env = std::getenv("HERD_STORE");
  return env && *env ? env : "/var/lib/herd/store";
}

namespace {

// The version in root/format, or an error naming the store.
Result<int> read_format_version(const std::string& root) {
  std::string format_path = root + "/format";
  std::string text;
  if (int e = read_whole(format_path, text); e != 0) {
    if (e == ENOENT) return failure("{}: not a herd store (no format file; run herd store init)", root);
    return failure("{}: cannot read: {}", format_path, errno_text(e));
  }
  // "herd-store N\n"
  constexpr std::string_view prefix = "herd-store ";
  if (text.substr(0, prefix.size()) != prefix || text.size() < prefix.size() + 2 || text.back() != '\n')
    return failure("{}: not a herd store format file", format_path);
  std::string number = text.substr(prefix.size(), text.size() - prefix.size() - 1);
  char* end = nullptr;
  long version = std::strtol(number.c_str(), &end, 10);
  if (number.empty() || *end != '\0' || version < 1) return failure("{}: bad format version '{}'", format_path, number);
  if (version > kStoreFormatVersion)
    return failure("{}: store format version {} is newer than this herd knows ({})", root, version, kStoreFormatVersion);
  return static_cast<int>(version);
}

}  // namespace

Result<ObjectStore> ObjectStore::open(const std::string& root) {
  auto version = read_format_version(root);
  if (!version) return version.error();
  ObjectStore store(root);
  store.session_ = std::make_shared<detail::Session>(root);
  store.packs_ = std::make_shared<PackSet>(root);
  store.packs_->format_version = *version;
  return store;
}

Result<ObjectStore> ObjectStore::init(const std::string& root) {
  std::string format_path = root + "/format";
  if (::access(format_path.c_str(), F_OK) == 0) return open(root);
  // A folder with other things in it is not ours to fill; a partial init (a crash before
  // `format` was written) is finished.
  if (DIR* dir = ::opendir(root.c_str())) {
    std::string stranger;
    while (dirent* e = ::readdir(dir)) {
      std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == "objects" || name == "refs" || name == "tmp") continue;
      stranger = name;
      break;
    }
    ::closedir(dir);
    if (!stranger.empty()) return bad_input("{}: folder is not empty (has '{}') and is not a herd store", root, stranger);
  } else if (errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return failure("{}: cannot create folder: {}", root, ec.message());
  } else {
    return failure("{}: cannot open folder: {}", root, errno_text(errno));
  }
  for (const char* sub : {"/objects", "/objects/packs", "/refs", "/tmp"}) HERD_CHECK(make_folder(root + sub));
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) HERD_CHECK(make_folder(root + "/objects/" + hex[i >> 4] + hex[i & 15]));
  HERD_CHECK(fsync_path(root + "/objects"));
  HERD_CHECK(fsync_path(root));
  // Written last: a folder with a format file has the whole layout.
  HERD_CHECK(write_file_atomically(format_path, fmt::format("herd-store {}\n", kStoreFormatVersion)));
  return open(root);
}

std::string ObjectStore::object_path(const Hash& hash) const {
  std::string hex = hash.hex();
  std::string path;
  path.reserve(root_.size() + 9 + 64 + 1);
  path.append(root_).append("/objects/").append(hex, 0, 2).append("/").append(hex, 2, 62);
  return path;
}

Result<Hash> ObjectStore::put(ObjectType type, std::string_view payload) {
  auto result = insert(type, payload);
  if (!result) return result.error();
  return result->hash;
}

Result<PutResult> ObjectStore::insert(ObjectType type, std::string_view payload) {
  if (payload.size() > kMaxPayloadSize)
    return bad_input("cannot store a {} of {} bytes: objects hold at most {}", object_type_name(type), payload.size(), kMaxPayloadSize);
  Hash hash = object_hash(type, payload);
  if (has_staged_or_freshened(hash)) return PutResult{hash, false};
  EncodedObject file = encode_object_file(type, payload);
  auto result = stage(hash, file.header, file.body);
  release_object_file_buffer();  // `file` is not used after this
  return result;
}

Result<PutResult> ObjectStore::insert_encoded(const Hash& hash, std::string_view file) {
  auto object = decode_object_file(file, hash);
  if (!object) return bad_input("object {}: the bytes given are not that object: {}", hash.hex(), object.error().message);
  if (has_staged_or_freshened(hash)) return PutResult{hash, false};
  return stage(hash, file.substr(0, kObjectHeaderSize), file.substr(kObjectHeaderSize));
}

Result<PutResult> ObjectStore::stage(const Hash& hash, std::string_view header, std::string_view body) {
  if (!session_ || session_->pid != ::getpid()) session_ = std::make_shared<detail::Session>(root_);
  detail::Session& s = *session_;
  // The session folder is new, or gc removed it while it was idle and empty.
  if (!s.pack || s.pack->count() == 0) {
    if (::mkdir(s.folder.c_str(), 0755) != 0 && errno != EEXIST)
      return failure("object {}: cannot create staging folder {}: {}", hash.hex(), s.folder, errno_text(errno));
    s.folder_made = true;
    if (!s.pack) s.pack = std::make_unique<PackWriter>(s.folder);
  }
  if (s.pack->count() == 0) s.first_staged = std::chrono::steady_clock::now();
  HERD_CHECK(s.pack->append(hash, header, body));
  if (s.pack->count() >= kMaxStagedObjects || s.pack->size() >= kMaxStagedBytes ||
      std::chrono::steady_clock::now() - s.first_staged >= kMaxStagedAge)
    HERD_CHECK(sync());
  return PutResult{hash, true};
}

Status ObjectStore::upgrade_format() {
  if (packs_->format_version >= 2) return {};
  auto version = read_format_version(root_);
  if (!version) return version.error();
  // Atomic (rename of a synced file): a crash leaves format 1 or 2, and a format 1 store
  // has no packs yet, so either is right.
  if (*version < 2) HERD_CHECK(write_file_atomically(root_ + "/format", "herd-store 2\n"));
  packs_->format_version = 2;
  return {};
}

Status ObjectStore::sync() {
  if (!session_ || !session_->staging()) return {};
  detail::Session& s = *session_;
  HERD_CHECK(upgrade_format());
  // Durable first, then named: see pack_writer.h. A failure leaves the objects staged.
  auto pack = s.pack->publish(packs_->folder());
  if (!pack) return pack.error();
  packs_->add(std::move(*pack));
  return {};
}

bool ObjectStore::has(const Hash& hash) const { return has_staged_or_freshened(hash); }

bool ObjectStore::has_staged_or_freshened(const Hash& hash) const {
  if (session_ && session_->find(hash)) return true;
  // Packs published or removed by other processes since the last look (one stat when
  // there are none): a pack gc removed must not count.
  packs_->rescan();
  // Present already: freshen the pack's or the file's mtime so a concurrent gc keeps it
  // (see gc.h). A pack whose file is gone does not count.
  for (const PackedObject& copy : packs_->find_all(hash)) {
    if (packs_->freshen(*copy.pack)) return true;
    packs_->drop(copy.pack->name);
  }
  std::string loose = object_path(hash);
  if (::utimensat(AT_FDCWD, loose.c_str(), nullptr, 0) == 0) return true;
  return errno != ENOENT && ::access(loose.c_str(), F_OK) == 0;
}

Result<Object> ObjectStore::read_verified(const Hash& hash, std::string& file) const {
  std::optional<Error> first_error;
  auto note = [&](Error e) {
    if (!first_error) first_error = std::move(e);
  };
  if (session_) {
    if (const PackEntry* staged = session_->find(hash)) {
      if (auto s = session_->pack->read(*staged, file); !s) {
        note(s.error());
      } else {
        auto object = decode_object_file(file, hash);
        if (object) return object;
        note(failure("object {} ({} at offset {}) is corrupt: {}", hash.hex(), session_->pack->pack_path(), staged->offset,
                     object.error().message));
      }
    }
  }
  bool any = first_error.has_value();
  for (int pass = 0; pass < 2; ++pass) {
    bool pack_went = false;
    for (const PackedObject& copy : packs_->find_all(hash)) {
      bool gone = false;
      if (auto s = read_packed(*packs_, copy, file, &gone); !s) {
        if (gone) {  // gc removed the pack after publishing what it kept
          packs_->drop(copy.pack->name);
          pack_went = true;
          continue;
        }
        any = true;
        note(s.error());
        continue;
      }
      any = true;
      auto object = decode_object_file(file, hash);
      if (object) return object;
      note(failure("object {} ({} at offset {}) is corrupt: {}", hash.hex(), copy.pack->pack_path, copy.entry.offset,
                   object.error().message));
    }
    if (pass == 1) break;
    std::string path = object_path(hash);
    int e = read_whole(path, file);
    if (e == 0) {
      auto object = decode_object_file(file, hash);
      if (object) return object;
      note(failure("object {} ({}) is corrupt: {}", hash.hex(), path, object.error().message));
      any = true;
    } else if (e != ENOENT) {
      note(failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(e)));
      any = true;
    }
    if (any) break;
    packs_->rescan(pack_went);  // another process may have published (or repacked) it
  }
  if (first_error) return *first_error;
  return failure("object {} is missing ({}, nor in any pack)", hash.hex(), object_path(hash));
}

Result<std::string> ObjectStore::read_encoded(const Hash& hash) const {
  std::string file;
  auto object = read_verified(hash, file);
  if (!object) return object.error();
  return file;
}

Result<Object> ObjectStore::get(const Hash& hash) const {
  thread_local std::string file;
  auto object = read_verified(hash, file);
  if (file.capacity() > kKeptBuffer) std::string().swap(file);  // one huge object must not pin memory
  return object;
}

Result<std::string> ObjectStore::get(const Hash& hash, ObjectType type) const {
  auto object = get(hash);
  if (!object) return object.error();
  if (object->type != type)
    return failure("object {} is a {}, expected a {}", hash.hex(), object_type_name(object->type), object_type_name(type));
  return std::move(object->payload);
}

Result<ObjectType> ObjectStore::peek_type(const Hash& hash) const {
  char header[kObjectHeaderSize];
  auto parse = [&](ssize_t n, const std::string& where) -> Result<ObjectType> {
    auto parsed = parse_object_header(std::string_view(header, n > 0 ? static_cast<size_t>(n) : 0));
    if (!parsed) return failure("object {} ({}) is corrupt: {}", hash.hex(), where, parsed.error().message);
    return parsed->type;
  };
  if (session_) {
    if (const PackEntry* staged = session_->find(hash)) {
      std::string file;
      if (session_->pack->read(*staged, file)) {
        std::memcpy(header, file.data(), std::min(file.size(), sizeof header));
        return parse(static_cast<ssize_t>(std::min(file.size(), sizeof header)), session_->pack->pack_path());
      }
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    bool pack_went = false;
    for (const PackedObject& copy : packs_->find_all(hash)) {
      std::string why;
      bool gone = false;
      auto pack_file = packs_->open(*copy.pack, &why, &gone);
      if (!pack_file) {
        if (!gone) return failure("object {}: {}", hash.hex(), why);
        packs_->drop(copy.pack->name);
        pack_went = true;
        continue;
      }
      ssize_t n = ::pread(pack_file->fd, header, sizeof header, static_cast<off_t>(copy.entry.offset));
      if (n < 0) return failure("object {}: cannot read {}: {}", hash.hex(), copy.pack->pack_path, errno_text(errno));
      return parse(n, fmt::format("{} at offset {}", copy.pack->pack_path, copy.entry.offset));
    }
    if (pass == 1) break;
    std::string path = object_path(hash);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ssize_t n = ::pread(fd, header, sizeof header, 0);
      int saved = errno;
      ::close(fd);
      if (n < 0) return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(saved));
      return parse(n, path);
    }
    if (errno != ENOENT) return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(errno));
    packs_->rescan(pack_went);
  }
  return failure("object {} is missing ({}, nor in any pack)", hash.hex(), object_path(hash));
}

Result<std::vector<Hash>> list_loose_objects(const std::string& root) {
  static constexpr char hex[] = "0123456789abcdef";
  std::vector<Hash> out;
  for (int i = 0; i < 256; ++i) {
    char prefix[3] = {hex[i >> 4], hex[i & 15], '\0'};
    std::string folder = root + "/objects/" + prefix;
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) {
      if (errno == ENOENT) continue;
      return failure("{}: cannot list: {}", folder, errno_text(errno));
    }
    std::string name = prefix;
    while (dirent* e = ::readdir(dir)) {
      if (std::strlen(e->d_name) != 62) continue;
      name.resize(2);
      name += e->d_name;
      // Lowercase only: the file name is exactly what object_path() makes.
      if (auto h = Hash::parse(name); h && h->hex() == name) out.push_back(*h);
    }
    ::closedir(dir);
  }
  return out;
}

Result<std::vector<Hash>> ObjectStore::list() const {
  auto out = list_loose_objects(root_);
  if (!out) return out.error();
  packs_->rescan(true);
  std::unordered_set<Hash> seen(out->begin(), out->end());
  for (const auto& pack : packs_->packs())
    for (const PackEntry& e : pack->index.entries)
      if (seen.insert(e.hash).second) out->push_back(e.hash);
  return out;
}

Status ObjectStore::remove(const Hash& hash) {
  if (session_ && session_->find(hash)) session_->pack->forget(hash);
  std::string path = object_path(hash);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return failure("object {}: cannot remove {}: {}", hash.hex(), path, errno_text(errno));
  packs_->rescan(true);
  for (const PackedObject& copy : packs_->find_all(hash)) {
    auto dropped = rewrite_pack(*this, copy.pack, [&](const PackEntry& e) { return e.hash != hash; }, std::nullopt);
    if (!dropped) return failure("object {}: cannot remove it from {}: {}", hash.hex(), copy.pack->pack_path, dropped.error().message);
  }
  return {};
}

}  // namespace herd::store
