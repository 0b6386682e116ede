#include "store/refs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "util/atomic_file.h"

namespace herd::store {
namespace {

constexpr size_t kMaxRefName = 1024;
// A part is a file name, and its temporary file ".<part>.herd-XXXXXX" must fit NAME_MAX.
constexpr size_t kMaxRefPart = 200;

std::string errno_text(int e) { return std::strerror(e); }

bool ref_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

std::string describe(const std::optional<Hash>& value) { return value ? value->hex() : "absent"; }

// An exclusive flock on refs/.lock, released when destroyed.
class RefsLock {
 public:
  static Result<RefsLock> take(const std::string& root) {
    std::string path = root + "/refs/.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return failure("{}: cannot open the refs lock: {}", path, errno_text(errno));
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return failure("{}: cannot lock: {}", path, errno_text(saved));
    }
    return RefsLock(fd);
  }
  RefsLock(RefsLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RefsLock& operator=(RefsLock&&) = delete;
  ~RefsLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
  }

 private:
  explicit RefsLock(int fd) : fd_(fd) {}
  int fd_;
};

Status fsync_folder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failure("{}: cannot open folder: {}", folder, errno_text(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: fsync: {}", folder, errno_text(saved));
  return {};
}

// Reads the ref file at `path`: nullopt when absent (or a folder of refs).
Result<std::optional<Hash>> read_ref_file(const std::string& name, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<Hash>();
    return failure("ref {}: cannot read {}: {}", name, path, errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return std::optional<Hash>();
  }
  char buffer[66];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  int saved = errno;
  ::close(fd);
  if (n < 0) return failure("ref {}: cannot read {}: {}", name, path, errno_text(saved));
  std::string_view text(buffer, static_cast<size_t>(n));
  auto hash = text.size() == 65 && text.back() == '\n' ? Hash::parse(text.substr(0, 64)) : std::nullopt;
  if (!hash || hash->hex() != text.substr(0, 64)) return failure("ref {}: {} does not hold a hash", name, path);
  return std::optional<Hash>(*hash);
}

Status check_name(std::string_view name) {
  if (!valid_ref_name(name))
    return bad_input("bad ref name {:?}: use '/'-separated parts of letters, digits, '.', '_' and '-', not starting with '.'", name);
  return {};
}

// Makes the folders above refs/<name>, fsyncing each new one into its parent.
Status make_parents(const std::string& root, const std::string& name) {
  for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
    std::string folder = root + "/refs/" + name.substr(0, slash);
    if (::mkdir(folder.c_str(), 0755) == 0) {
      HERD_CHECK(fsync_folder(folder.substr(0, folder.rfind('/'))));
      continue;
    }
    if (errno != EEXIST) return failure("ref {}: cannot create folder {}: {}", name, folder, errno_text(errno));
    struct stat st {};
    if (::lstat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return failure("ref {}: {} is a ref, so it cannot also be a folder of refs", name, name.substr(0, slash));
  }
  return {};
}

// Collects refs/ below `folder` (relative name `prefix`), skipping dot files.
Status walk(const std::string& root, const std::string& relative,
            std::vector<std::pair<std::string, Hash>>& out) {
  std::string folder = root + "/refs" + (relative.empty() ? "" : "/" + relative);
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) return failure("{}: cannot list refs: {}", folder, errno_text(errno));
  std::vector<std::pair<std::string, bool>> children;  // name, is a folder
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;  // ".", "..", ".lock", temporary files
    std::string name = relative.empty() ? e->d_name : relative + "/" + e->d_name;
    struct stat st {};
    if (::lstat((folder + "/" + e->d_name).c_str(), &st) != 0) continue;  // removed meanwhile
    children.emplace_back(name, S_ISDIR(st.st_mode));
  }
  ::closedir(dir);
  for (const auto& [name, is_folder] : children) {
    if (is_folder) {
      HERD_CHECK(walk(root, name, out));
      continue;
    }
    if (!valid_ref_name(name)) continue;  // not a ref by definition
    auto value = read_ref_file(name, root + "/refs/" + name);
    if (!value) return value.error();
    if (*value) out.emplace_back(name, **value);
  }
  return {};
}

}  // namespace

bool valid_ref_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxRefName) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part.size() > kMaxRefPart || part[0] == '.') return false;
    if (!std::all_of(part.begin(), part.end(), ref_char)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Result<std::optional<Hash>> Refs::read(const std::string& name) const {
  HERD_CHECK(check_name(name));
  return read_ref_file(name, root_ + "/refs/" + name);
}

Status Refs::compare_and_swap(const std::string& name, const std::optional<Hash>& expected, const Hash& value) {
  HERD_CHECK(check_name(name));
  auto lock = RefsLock::take(root_);
  if (!lock) return lock.error();
  std::string path = root_ + "/refs/" + name;
  auto current = read_ref_file(name, path);
  if (!current) return current.error();
  if (*current != expected)
    return failure("ref conflict: {} is {}, expected {}", name, describe(*current), describe(expected));
  HERD_CHECK(make_parents(root_, name));
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return failure("ref {}: is a folder of other refs, so it cannot be a ref", name);
  if (auto written = write_file_atomically(path, value.hex() + "\n", 0644); !written)
    return written.error().with_context("ref " + name);
  return {};
}

Status Refs::remove(const std::string& name, const Hash& expected) {
  HERD_CHECK(check_name(name));
  auto lock = RefsLock::take(root_);
  if (!lock) return lock.error();
  std::string path = root_ + "/refs/" + name;
  auto current = read_ref_file(name, path);
  if (!current) return current.error();
  if (*current != expected) return failure("ref conflict: {} is {}, expected {}", name, describe(*current), expected.hex());
  if (::unlink(path.c_str()) != 0) return failure("ref {}: cannot remove {}: {}", name, path, errno_text(errno));
  // Folders left empty go too, deepest first; the first that is not empty stops it.
  std::string folder = path.substr(0, path.rfind('/'));
  std::string top = root_ + "/refs";
  HERD_CHECK(fsync_folder(folder));
  while (folder != top && ::rmdir(folder.c_str()) == 0) {
    folder = folder.substr(0, folder.rfind('/'));
    HERD_CHECK(fsync_folder(folder));
  }
  return {};
}

Result<std::vector<std::pair<std::string, Hash>>> Refs::list(const std::string& prefix) const {
  std::vector<std::pair<std::string, Hash>> all;
  // Only the folder the prefix names is walked ("images/base/" walks refs/images/base, not
  // every node's checkpoint): its part up to the last '/', when each of its components
  // could be a ref folder's name. A folder that is not there holds no refs.
  std::string folder = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/'));
  if (!folder.empty() && valid_ref_name(folder)) {
    struct stat st {};
    if (::lstat((root_ + "/refs/" + folder).c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR)
        return failure("{}/refs/{}: cannot list refs: {}", root_, folder, errno_text(errno));
      return all;
    }
    if (!S_ISDIR(st.st_mode)) return all;
    HERD_CHECK(walk(root_, folder, all));
  } else {
    HERD_CHECK(walk(root_, "", all));
  }
  std::vector<std::pair<std::string, Hash>> out;
  for (auto& ref : all)
    if (ref.first.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(ref));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::pair<std::string, Hash>>> Refs::list_locked() const {
  auto lock = RefsLock::take(root_);
  if (!lock) return lock.error();
  return list();
}

}  // namespace herd::store
