#include "track/apply_metadata.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "track/xattrs.h"

namespace herd::track {
namespace {

struct timespec mtime_of(const store::TreeEntry& e) {
  struct timespec t = {e.mtime_ns / 1'000'000'000, e.mtime_ns % 1'000'000'000};
  if (t.tv_nsec < 0) t.tv_sec -= 1, t.tv_nsec += 1'000'000'000;
  return t;
}

}  // namespace

Status apply_metadata_fd(int fd, const store::TreeEntry& e, Owner owner, const std::string& path, bool fresh) {
  if (::fchown(fd, owner.uid, owner.gid) != 0) return failure("{}: chown: {}", path, std::strerror(errno));
  if (fresh) {
    for (const auto& [name, value] : e.xattrs)
      if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) != 0)
        return failure("{}: set xattr {}: {}", path, name, std::strerror(errno));
  } else {
    HERD_CHECK(apply_xattrs_fd(fd, e.xattrs, path));
  }
  if (::fchmod(fd, e.mode) != 0) return failure("{}: chmod: {}", path, std::strerror(errno));
  // fchmod after a capability: chmod does not clear security.capability (only chown does).
  struct timespec times[2] = {{0, UTIME_OMIT}, mtime_of(e)};
  if (::futimens(fd, times) != 0) return failure("{}: set mtime: {}", path, std::strerror(errno));
  return {};
}

Status apply_metadata_at(int dirfd, const char* name, const store::TreeEntry& e, Owner owner,
                         const std::string& path) {
  if (::fchownat(dirfd, name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0)
    return failure("{}: chown: {}", path, std::strerror(errno));
  HERD_CHECK(apply_xattrs_at(dirfd, name, e.xattrs, path));
  if (e.type != store::EntryType::symlink && ::fchmodat(dirfd, name, e.mode, AT_SYMLINK_NOFOLLOW) != 0)
    return failure("{}: chmod: {}", path, std::strerror(errno));
  struct timespec times[2] = {{0, UTIME_OMIT}, mtime_of(e)};
  if (::utimensat(dirfd, name, times, AT_SYMLINK_NOFOLLOW) != 0)
    return failure("{}: set mtime: {}", path, std::strerror(errno));
  return {};
}

}  // namespace herd::track
