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
#include "util/atomic_file.h"

namespace herd::store {

namespace {

// Staged objects are published by put() itself past these bounds (docs/store-format.md).
constexpr size_t kMaxStagedObjects = 16384;
constexpr uint64_t kMaxStagedBytes = 512ull << 20;
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

// Writes `a` then `b` to fd.
bool write_pieces(int fd, std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
    ssize_t n = ::writev(fd, iov, 2);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t done = static_cast<size_t>(n);
    size_t from_a = std::min(done, a.size());
    a.remove_prefix(from_a);
    b.remove_prefix(done - from_a);
  }
  return true;
}

Status sync_filesystem(const std::string& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failure("store {}: cannot open: {}", root, errno_text(errno));
  int rc = ::syncfs(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("store {}: syncfs: {}", root, errno_text(saved));
  return {};
}

Status fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure("{}: cannot open: {}", path, errno_text(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: fsync: {}", path, errno_text(saved));
  return {};
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

// A writer's staged objects: files tmp/w-<pid>-<rand>/<hex> written without fsync, not
// yet under objects/. Invariant: every hash in `staged` has a complete file in `folder`
// (unless gc removed it, which sync() reports).
struct Session {
  pid_t pid = ::getpid();  // first: `folder` is named after it
  std::string root;
  std::string folder;
  bool folder_made = false;
  std::unordered_set<Hash> staged;
  uint64_t staged_bytes = 0;
  std::chrono::steady_clock::time_point first_staged{};

  explicit Session(std::string store_root)
      : root(std::move(store_root)), folder(root + "/tmp/w-" + std::to_string(pid) + "-" + random_hex(8)) {}
  std::string path(const Hash& h) const { return folder + "/" + h.hex(); }

  // Never synced: nobody was promised these objects. A forked child leaves its parent's
  // files alone.
  ~Session() {
    if (pid != ::getpid()) return;
    for (const auto& h : staged) ::unlink(path(h).c_str());
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

Result<ObjectStore> ObjectStore::open(const std::string& root) {
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
  ObjectStore store(root);
  store.session_ = std::make_shared<detail::Session>(root);
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
  for (const char* sub : {"/objects", "/refs", "/tmp"}) HERD_CHECK(make_folder(root + sub));
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
  std::string staged_path = s.path(hash);
  int fd = -1;
  for (int attempt = 0; attempt < 3 && fd < 0; ++attempt) {
    fd = ::open(staged_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd >= 0) break;
    if (errno == ENOENT) {  // the session folder is new, or gc removed it while idle
      if (::mkdir(s.folder.c_str(), 0755) != 0 && errno != EEXIST)
        return failure("object {}: cannot create staging folder {}: {}", hash.hex(), s.folder, errno_text(errno));
      s.folder_made = true;
    } else if (errno == EEXIST) {  // a leftover of a failed write
      ::unlink(staged_path.c_str());
    } else {
      return failure("object {}: cannot create {}: {}", hash.hex(), staged_path, errno_text(errno));
    }
  }
  if (fd < 0) return failure("object {}: cannot create {}: {}", hash.hex(), staged_path, errno_text(errno));
  bool written = write_pieces(fd, header, body);
  int saved = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    saved = errno;
  }
  size_t file_size = header.size() + body.size();
  if (!written) {
    ::unlink(staged_path.c_str());
    return failure("object {}: cannot write {}: {}", hash.hex(), staged_path, errno_text(saved));
  }
  if (s.staged.empty()) s.first_staged = std::chrono::steady_clock::now();
  s.staged.insert(hash);
  s.staged_bytes += file_size;
  if (s.staged.size() >= kMaxStagedObjects || s.staged_bytes >= kMaxStagedBytes ||
      std::chrono::steady_clock::now() - s.first_staged >= kMaxStagedAge)
    HERD_CHECK(sync());
  return PutResult{hash, true};
}

Status ObjectStore::sync() {
  if (!session_ || session_->pid != ::getpid() || session_->staged.empty()) return {};
  detail::Session& s = *session_;
  // 1. Every staged file's content reaches the disk before any of them gets its name.
  HERD_CHECK(sync_filesystem(root_));
  // 2. Publish. A failure leaves the rest staged for a retry.
  std::optional<Error> first_error;
  for (auto it = s.staged.begin(); it != s.staged.end();) {
    std::string from = s.path(*it), to = object_path(*it);
    int rc = ::rename(from.c_str(), to.c_str());
    if (rc != 0 && errno == ENOENT && ::access(from.c_str(), F_OK) == 0) {
      // The fan-out folder is missing (made by init, but someone removed it).
      std::string fan_out = to.substr(0, to.rfind('/'));
      if (::mkdir(fan_out.c_str(), 0755) == 0 || errno == EEXIST) rc = ::rename(from.c_str(), to.c_str());
    }
    if (rc == 0) {
      it = s.staged.erase(it);
      continue;
    }
    int e = errno;
    if (e == ENOENT) {
      // Only gc removes staged files, and only ones older than its grace period.
      if (!first_error)
        first_error = failure("object {}: staged file {} vanished before it was published (removed by gc?)", it->hex(), from);
      it = s.staged.erase(it);
      continue;
    }
    if (!first_error) first_error = failure("object {}: cannot publish {} as {}: {}", it->hex(), from, to, errno_text(e));
    ++it;
  }
  // 3. The new names reach the disk before the caller points a ref at them.
  HERD_CHECK(sync_filesystem(root_));
  if (s.staged.empty()) s.staged_bytes = 0;
  if (first_error) return *first_error;
  return {};
}

bool ObjectStore::has(const Hash& hash) const {
  if (session_ && session_->staged.count(hash)) return true;
  return ::access(object_path(hash).c_str(), F_OK) == 0;
}

bool ObjectStore::has_staged_or_freshened(const Hash& hash) {
  if (session_ && session_->pid == ::getpid() && session_->staged.count(hash)) return true;
  // Present already: freshen its mtime so a concurrent gc keeps it (see gc.h).
  std::string final_path = object_path(hash);
  if (::utimensat(AT_FDCWD, final_path.c_str(), nullptr, 0) == 0) return true;
  return errno != ENOENT && ::access(final_path.c_str(), F_OK) == 0;
}

Result<std::string> ObjectStore::read_encoded(const Hash& hash) const {
  std::string file;
  std::string path = object_path(hash);
  int e = ENOENT;
  if (session_ && session_->staged.count(hash)) e = read_whole(session_->path(hash), file);
  if (e == ENOENT) e = read_whole(path, file);
  if (e == ENOENT) return failure("object {} is missing ({})", hash.hex(), path);
  if (e != 0) return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(e));
  auto object = decode_object_file(file, hash);
  if (!object) return failure("object {} ({}) is corrupt: {}", hash.hex(), path, object.error().message);
  return file;
}

Result<Object> ObjectStore::get(const Hash& hash) const {
  thread_local std::string file;
  std::string path = object_path(hash);
  int e = ENOENT;
  if (session_ && session_->staged.count(hash)) e = read_whole(session_->path(hash), file);
  if (e == ENOENT) e = read_whole(path, file);  // not staged, or published meanwhile
  if (e == ENOENT) return failure("object {} is missing ({})", hash.hex(), path);
  if (e != 0) return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(e));
  auto object = decode_object_file(file, hash);
  if (file.capacity() > kKeptBuffer) std::string().swap(file);  // one huge object must not pin memory
  if (!object) return failure("object {} ({}) is corrupt: {}", hash.hex(), path, object.error().message);
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
  std::string path = object_path(hash);
  if (session_ && session_->staged.count(hash)) path = session_->path(hash);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && path != object_path(hash)) fd = ::open((path = object_path(hash)).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return failure("object {} is missing ({})", hash.hex(), path);
    return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(errno));
  }
  char header[kObjectHeaderSize];
  ssize_t n = ::pread(fd, header, sizeof header, 0);
  int saved = errno;
  ::close(fd);
  if (n < 0) return failure("object {}: cannot read {}: {}", hash.hex(), path, errno_text(saved));
  auto parsed = parse_object_header(std::string_view(header, static_cast<size_t>(n)));
  if (!parsed) return failure("object {} ({}) is corrupt: {}", hash.hex(), path, parsed.error().message);
  return parsed->type;
}

Result<std::vector<Hash>> ObjectStore::list() const {
  static constexpr char hex[] = "0123456789abcdef";
  std::vector<Hash> out;
  for (int i = 0; i < 256; ++i) {
    char prefix[3] = {hex[i >> 4], hex[i & 15], '\0'};
    std::string folder = root_ + "/objects/" + prefix;
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

Status ObjectStore::remove(const Hash& hash) {
  if (session_ && session_->pid == ::getpid() && session_->staged.erase(hash)) ::unlink(session_->path(hash).c_str());
  std::string path = object_path(hash);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return failure("object {}: cannot remove {}: {}", hash.hex(), path, errno_text(errno));
  return {};
}

}  // namespace herd::store
