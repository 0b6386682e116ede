#include "image/disk/disk_tools.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/subprocess.h"
#include "util/text.h"

namespace herd::image::disk {

Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& input) {
  auto out = run_process(argv, input);
  if (!out) return out.error();
  if (out->exit_code != 0) {
    auto text = std::string(trim(out->output));
    if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
    return failure("{} failed (exit {}): {}", join(argv, " "), out->exit_code, text);
  }
  return out->output;
}

void Teardown::undo_all() {
  while (!steps_.empty()) {
    auto step = std::move(steps_.back());
    steps_.pop_back();
    auto status = step.undo();
    if (!status) {
      ::sync();
      status = step.undo();
    }
    if (!status) errors_.push_back(step.what + ": " + status.error().message);
  }
}

bool is_block_device(const std::string& device) {
  struct stat st {};
  return ::stat(device.c_str(), &st) == 0 && S_ISBLK(st.st_mode);
}

Result<uint64_t> device_bytes(const std::string& device) {
  struct stat st {};
  if (::stat(device.c_str(), &st) != 0) return bad_input("{}: {}", device, std::strerror(errno));
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) return bad_input("{} is neither a block device nor a disk image file", device);
  int fd = ::open(device.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure("{}: {}", device, std::strerror(errno));
  uint64_t bytes = 0;
  int rc = ::ioctl(fd, BLKGETSIZE64, &bytes);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: BLKGETSIZE64: {}", device, std::strerror(saved));
  return bytes;
}

Result<std::string> attach_loop(const std::string& device, uint64_t offset, uint64_t size, Teardown& teardown) {
  // LOOP_CONFIGURE with LO_FLAGS_AUTOCLEAR, the device held open until the teardown: the
  // kernel detaches it on its last close, so even a kill -9 leaves no loop device behind
  // (losetup --find sets up the device first and the flag after, if at all).
  int backing = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (backing < 0) return failure("{}: {}", device, std::strerror(errno));
  int control = ::open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) {
    int saved = errno;
    ::close(backing);
    return failure("/dev/loop-control: {}", std::strerror(saved));
  }
  loop_config config {};
  config.fd = static_cast<uint32_t>(backing);
  config.info.lo_offset = offset;
  config.info.lo_sizelimit = size;
  config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
  std::strncpy(reinterpret_cast<char*>(config.info.lo_file_name), device.c_str(), LO_NAME_SIZE - 1);
  Result<std::string> out = failure("{}: no free loop device", device);
  for (int attempt = 0; attempt < 20; ++attempt) {
    int n = ::ioctl(control, LOOP_CTL_GET_FREE);
    if (n < 0) {
      out = failure("/dev/loop-control: LOOP_CTL_GET_FREE: {}", std::strerror(errno));
      break;
    }
    std::string loop = "/dev/loop" + std::to_string(n);
    int fd = ::open(loop.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      out = failure("{}: {}", loop, std::strerror(errno));
      break;
    }
    if (::ioctl(fd, LOOP_CONFIGURE, &config) == 0) {
      teardown.push("detach " + loop, [fd]() -> Status {
        ::close(fd);  // the last close detaches it (autoclear)
        return {};
      });
      out = loop;
      break;
    }
    int saved = errno;
    ::close(fd);
    if (saved != EBUSY) {
      out = failure("{}: attaching {} (offset {}, size {}): {}", loop, device, offset, size, std::strerror(saved));
      break;
    }
    // Another process took that device between GET_FREE and CONFIGURE: ask again.
  }
  ::close(control);
  ::close(backing);  // the loop device holds its own reference
  return out;
}

Result<std::string> probe_tag(const std::string& device, const std::string& tag) {
  auto out = run_process({"blkid", "--probe", "--output", "value", "--match-tag", tag, device});
  if (!out) return out.error();
  // blkid exits 2 when nothing is found: no such tag.
  if (out->exit_code == 2) return std::string();
  if (out->exit_code != 0) return failure("blkid {}: {}", device, trim(out->output));
  return std::string(trim(out->output));
}

Status write_at(const std::string& device, uint64_t offset, const std::string& data) {
  int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return failure("{}: {}", device, std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      return failure("{}: write at {}: {}", device, offset + done, std::strerror(saved));
    }
    done += static_cast<size_t>(n);
  }
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return failure("{}: fsync: {}", device, std::strerror(saved));
  return {};
}

Result<std::string> read_at(const std::string& device, uint64_t offset, size_t size) {
  int fd = ::open(device.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure("{}: {}", device, std::strerror(errno));
  std::string out(size, '\0');
  ssize_t n = ::pread(fd, out.data(), size, static_cast<off_t>(offset));
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(size)) return failure("{}: read at {}: {}", device, offset, n < 0 ? std::strerror(saved) : "short read");
  return out;
}

}  // namespace herd::image::disk
