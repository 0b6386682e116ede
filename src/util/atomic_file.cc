#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace herd {
namespace {

Status write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: write: {}", path, std::strerror(errno));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status fsync_folder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failure("{}: open folder: {}", folder, std::strerror(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: fsync folder: {}", folder, std::strerror(saved));
  return {};
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view content, unsigned mode) {
  std::filesystem::path target(path);
  std::string folder = target.has_parent_path() ? target.parent_path().string() : ".";
  std::string temp = folder + "/." + target.filename().string() + ".herd-XXXXXX";

  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return failure("{}: cannot create a temporary file: {}", path, std::strerror(errno));

  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  auto cleanup = [&](Error e) {
    ::close(fd);
    ::unlink(temp.c_str());
    return e;
  };
  if (exists) {
    if (::fchmod(fd, existing.st_mode & 07777) != 0) return cleanup(failure("{}: chmod: {}", temp, std::strerror(errno)));
    if (::fchown(fd, existing.st_uid, existing.st_gid) != 0 && errno != EPERM)
      return cleanup(failure("{}: chown: {}", temp, std::strerror(errno)));
  } else if (::fchmod(fd, mode) != 0) {
    return cleanup(failure("{}: chmod: {}", temp, std::strerror(errno)));
  }
  if (auto s = write_all(fd, content, temp); !s) return cleanup(s.error());
  if (::fsync(fd) != 0) return cleanup(failure("{}: fsync: {}", temp, std::strerror(errno)));
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return failure("{}: close: {}", temp, std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    return failure("{}: rename: {}", path, std::strerror(saved));
  }
  return fsync_folder(folder);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return failure("{}: read error", path);
  return out.str();
}

}  // namespace herd
