#include "track/xattrs.h"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace herd::track {
namespace {

// One way of reaching an entry's xattrs: by fd or by a path that l*xattr does not follow.
struct Target {
  int fd = -1;
  std::string path;  // used when fd < 0

  ssize_t list(char* buffer, size_t size) const {
    return fd >= 0 ? ::flistxattr(fd, buffer, size) : ::llistxattr(path.c_str(), buffer, size);
  }
  ssize_t get(const char* name, void* value, size_t size) const {
    return fd >= 0 ? ::fgetxattr(fd, name, value, size) : ::lgetxattr(path.c_str(), name, value, size);
  }
  int set(const char* name, const std::string& value) const {
    return fd >= 0 ? ::fsetxattr(fd, name, value.data(), value.size(), 0)
                   : ::lsetxattr(path.c_str(), name, value.data(), value.size(), 0);
  }
  int remove(const char* name) const { return fd >= 0 ? ::fremovexattr(fd, name) : ::lremovexattr(path.c_str(), name); }
};

Target at(int dirfd, const char* name) { return Target{-1, "/proc/self/fd/" + std::to_string(dirfd) + "/" + name}; }

bool unsupported(int error) { return error == ENOTSUP || error == ENOSYS; }

Status read_names(const Target& target, std::vector<char>& names, const std::string& what) {
  char small[1024];
  ssize_t n = target.list(small, sizeof small);
  if (n >= 0) {
    names.assign(small, small + n);
    return {};
  }
  if (unsupported(errno)) {
    names.clear();
    return {};
  }
  if (errno != ERANGE) return failure("{}: list xattrs: {}", what, std::strerror(errno));
  for (int attempt = 0; attempt < 8; ++attempt) {
    ssize_t size = target.list(nullptr, 0);
    if (size < 0) return failure("{}: list xattrs: {}", what, std::strerror(errno));
    names.resize(static_cast<size_t>(size));
    n = target.list(names.data(), names.size());
    if (n >= 0) {
      names.resize(static_cast<size_t>(n));
      return {};
    }
    if (errno != ERANGE) return failure("{}: list xattrs: {}", what, std::strerror(errno));
  }
  return failure("{}: list xattrs: keeps changing", what);
}

Status read(const Target& target, Xattrs& out, const std::string& what) {
  out.clear();
  std::vector<char> names;
  HERD_CHECK(read_names(target, names, what));
  for (size_t pos = 0; pos < names.size();) {
    const char* name = names.data() + pos;
    size_t length = ::strnlen(name, names.size() - pos);
    pos += length + 1;
    if (length == 0) continue;
    std::string value;
    for (int attempt = 0;; ++attempt) {
      ssize_t size = target.get(name, nullptr, 0);
      if (size < 0) {
        if (errno == ENODATA) break;  // removed meanwhile
        return failure("{}: get xattr {}: {}", what, name, std::strerror(errno));
      }
      value.resize(static_cast<size_t>(size));
      ssize_t n = target.get(name, value.data(), value.size());
      if (n >= 0) {
        value.resize(static_cast<size_t>(n));
        out.emplace(name, std::move(value));
        break;
      }
      if (errno == ENODATA) break;
      if (errno != ERANGE || attempt > 8) return failure("{}: get xattr {}: {}", what, name, std::strerror(errno));
    }
  }
  return {};
}

Status apply(const Target& target, const Xattrs& want, const std::string& what) {
  Xattrs have;
  HERD_CHECK(read(target, have, what));
  for (const auto& [name, value] : have) {
    if (want.count(name) || name.rfind("security.", 0) == 0) continue;
    if (target.remove(name.c_str()) != 0 && errno != ENODATA)
      return failure("{}: remove xattr {}: {}", what, name, std::strerror(errno));
  }
  for (const auto& [name, value] : want) {
    auto it = have.find(name);
    if (it != have.end() && it->second == value) continue;
    if (target.set(name.c_str(), value) != 0)
      return failure("{}: set xattr {}: {}", what, name, std::strerror(errno));
  }
  return {};
}

}  // namespace

Status read_xattrs_fd(int fd, Xattrs& out, const std::string& what) { return read(Target{fd, {}}, out, what); }

Status read_xattrs_at(int dirfd, const char* name, Xattrs& out, const std::string& what) {
  return read(at(dirfd, name), out, what);
}

Status apply_xattrs_fd(int fd, const Xattrs& want, const std::string& what) { return apply(Target{fd, {}}, want, what); }

Status apply_xattrs_at(int dirfd, const char* name, const Xattrs& want, const std::string& what) {
  return apply(at(dirfd, name), want, what);
}

}  // namespace herd::track
