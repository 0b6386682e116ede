#include "image/disk/disk_tools.h"

#include <fcntl.h>
#include <linux/fs.h>
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
  auto out = run_tool({"losetup", "--find", "--show", "--offset", std::to_string(offset), "--sizelimit",
                       std::to_string(size), device});
  if (!out) return out.error();
  auto loop = std::string(trim(*out));
  if (!starts_with(loop, "/dev/loop")) return failure("losetup printed '{}', not a loop device", loop);
  teardown.push("detach " + loop, [loop]() -> Status {
    auto r = run_tool({"losetup", "--detach", loop});
    if (!r) return r.error();
    return {};
  });
  return loop;
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
