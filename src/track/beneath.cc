#include "track/beneath.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <vector>

#include "track/path.h"

namespace herd::track {

Result<UniqueFd> open_root(const std::string& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return bad_input("root {}: {}", root, std::strerror(errno));
  return UniqueFd(fd);
}

int open_folder_at(int dirfd, const char* name) {
  return ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

UniqueFd open_folder_beneath(int root_fd, std::string_view path, int& error) {
  UniqueFd current(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!current) {
    error = errno;
    return {};
  }
  std::string name;
  for (std::string_view part : path_components(path)) {
    name.assign(part);
    int fd = open_folder_at(current.get(), name.c_str());
    if (fd < 0) {
      error = errno;
      return {};
    }
    current.reset(fd);
  }
  error = 0;
  return current;
}

Result<UniqueFd> open_file_beneath(int root_fd, std::string_view path) {
  int error = 0;
  UniqueFd folder = open_folder_beneath(root_fd, parent_path(path), error);
  if (!folder) return failure("{}: {}", path, std::strerror(error));
  std::string name(base_name(path));
  int fd = ::openat(folder.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return failure("{}: {}", path, std::strerror(errno));
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return failure("{}: {}", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return failure("{}: not a regular file", path);
  return file;
}

Result<std::optional<std::string>> read_file_beneath(int root_fd, std::string_view path) {
  int error = 0;
  UniqueFd folder = open_folder_beneath(root_fd, parent_path(path), error);
  // Missing, or reachable only through a symlink: not there for us.
  auto absent = [](int e) { return e == ENOENT || e == ENOTDIR || e == ELOOP; };
  if (!folder) {
    if (absent(error)) return std::optional<std::string>();
    return failure("{}: {}", path, std::strerror(error));
  }
  std::string name(base_name(path));
  int fd = ::openat(folder.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (absent(errno)) return std::optional<std::string>();
    return failure("{}: {}", path, std::strerror(errno));
  }
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return failure("{}: {}", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return failure("{}: not a regular file", path);
  auto text = read_all(fd, std::string(path));
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Result<std::string> read_all(int fd, const std::string& what) {
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: read: {}", what, std::strerror(errno));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

Status write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: write: {}", what, std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace herd::track

namespace herd::track {

Status remove_at(int dirfd, const std::string& name, const std::string& what) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return failure("{}: {}", what, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    UniqueFd fd(open_folder_at(dirfd, name.c_str()));
    if (!fd) return failure("{}: {}", what, std::strerror(errno));
    // Collect names first: removing while reading a folder may skip entries.
    std::vector<std::string> names;
    alignas(8) char chunk[32768];
    for (;;) {
      ssize_t n = ::getdents64(fd.get(), chunk, sizeof chunk);
      if (n < 0) return failure("{}: read folder: {}", what, std::strerror(errno));
      if (n == 0) break;
      for (ssize_t pos = 0; pos < n;) {
        auto* d = reinterpret_cast<struct dirent64*>(chunk + pos);
        pos += d->d_reclen;
        std::string_view child = d->d_name;
        if (child != "." && child != "..") names.emplace_back(child);
      }
    }
    for (const std::string& child : names) HERD_CHECK(remove_at(fd.get(), child, what + "/" + child));
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
      return failure("{}: remove folder: {}", what, std::strerror(errno));
    return {};
  }
  if (::unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) return failure("{}: remove: {}", what, std::strerror(errno));
  return {};
}

}  // namespace herd::track
