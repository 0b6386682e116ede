#include "store/pack_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "store/object_file.h"
#include "util/time_text.h"

namespace herd::store {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: cannot write: {}", path, errno_text(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status fsync_fd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return failure("{}: fsync: {}", path, errno_text(errno));
  return {};
}

// Renames the pack, then the index, into `packs_folder` and fsyncs it (see pack_writer.h).
Status publish_files(const std::string& pack_from, const std::string& index_from, const std::string& packs_folder,
                     const std::string& name) {
  if (::mkdir(packs_folder.c_str(), 0755) != 0 && errno != EEXIST)
    return failure("{}: cannot create folder: {}", packs_folder, errno_text(errno));
  std::string pack_to = packs_folder + "/" + name + ".pack", index_to = packs_folder + "/" + name + ".idx";
  if (::rename(pack_from.c_str(), pack_to.c_str()) != 0)
    return failure("cannot publish {} as {}: {}", pack_from, pack_to, errno_text(errno));
  if (::rename(index_from.c_str(), index_to.c_str()) != 0) {
    int e = errno;
    ::rename(pack_to.c_str(), pack_from.c_str());  // back to staged, for a retry
    return failure("cannot publish {} as {}: {}", index_from, index_to, errno_text(e));
  }
  return fsync_path(packs_folder);
}

}  // namespace

std::string new_pack_name() {
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device device;
  std::string out = "pack-";
  for (int i = 0; i < 32; ++i) out.push_back(hex[device() & 15]);
  return out;
}

Status fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure("{}: cannot open: {}", path, errno_text(errno));
  Status s = fsync_fd(fd, path);
  ::close(fd);
  return s;
}

PackWriter::PackWriter(std::string staging_folder) : folder_(std::move(staging_folder)) {}

PackWriter::~PackWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status PackWriter::open_file() {
  name_ = new_pack_name();
  pack_path_ = folder_ + "/" + name_ + ".pack";
  index_path_ = folder_ + "/" + name_ + ".idx";
  fd_ = ::open(pack_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd_ < 0) return failure("{}: cannot create: {}", pack_path_, errno_text(errno));
  if (auto s = write_all(fd_, pack_header(), pack_path_); !s) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(pack_path_.c_str());
    return s;
  }
  size_ = kPackHeaderSize;
  return {};
}

Status PackWriter::append(const Hash& hash, std::string_view header, std::string_view body) {
  if (fd_ < 0) HERD_CHECK(open_file());
  uint64_t at = size_;
  size_t length = header.size() + body.size();
  size_t done = 0;
  while (done < length) {
    std::string_view a = header.substr(std::min(done, header.size()));
    std::string_view b = body.substr(done > header.size() ? done - header.size() : 0);
    iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
    ssize_t n = ::pwritev(fd_, iov, 2, static_cast<off_t>(at + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      (void)::ftruncate(fd_, static_cast<off_t>(at));
      return failure("object {}: cannot write to {}: {}", hash.hex(), pack_path_, errno_text(e));
    }
    done += static_cast<size_t>(n);
  }
  size_ = at + length;
  entries_.emplace(hash, PackEntry{hash, at, length});
  return {};
}

const PackEntry* PackWriter::find(const Hash& hash) const {
  auto it = entries_.find(hash);
  return it == entries_.end() ? nullptr : &it->second;
}

Status PackWriter::read(const PackEntry& e, std::string& out) const {
  out.resize(e.length);
  size_t got = 0;
  while (got < e.length) {
    ssize_t n = ::pread(fd_, out.data() + got, e.length - got, static_cast<off_t>(e.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure("object {}: cannot read staged {} at offset {}", e.hash.hex(), pack_path_, e.offset);
    got += static_cast<size_t>(n);
  }
  return {};
}

Result<std::shared_ptr<Pack>> PackWriter::publish(const std::string& packs_folder) {
  if (fd_ < 0 || entries_.empty()) return failure("nothing staged to publish");
  std::vector<PackEntry> list;
  list.reserve(entries_.size());
  for (const auto& [h, e] : entries_) list.push_back(e);
  std::string index = encode_pack_index(std::move(list), size_);
  {
    ::unlink(index_path_.c_str());  // a failed earlier attempt
    int ifd = ::open(index_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
    if (ifd < 0) return failure("{}: cannot create: {}", index_path_, errno_text(errno));
    Status s = write_all(ifd, index, index_path_);
    if (s) s = fsync_fd(ifd, index_path_);
    ::close(ifd);
    if (!s) return s.error();
  }
  HERD_CHECK(fsync_fd(fd_, pack_path_));
  HERD_CHECK(publish_files(pack_path_, index_path_, packs_folder, name_));
  auto pack = std::make_shared<Pack>();
  pack->name = name_;
  pack->pack_path = packs_folder + "/" + name_ + ".pack";
  pack->index_path = packs_folder + "/" + name_ + ".idx";
  pack->file = std::make_shared<PackFile>(fd_);
  auto decoded = decode_pack_index(index);
  if (!decoded) return failure("{}: {}", pack->index_path, decoded.error().message);  // cannot happen
  pack->index = std::move(*decoded);
  pack->freshened_ns = now_ns();
  fd_ = -1;
  entries_.clear();
  size_ = 0;
  return pack;
}

void PackWriter::discard() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(pack_path_.c_str());
  ::unlink(index_path_.c_str());
  entries_.clear();
  size_ = 0;
}

Result<std::shared_ptr<Pack>> write_pack(const PackSet& set, const std::string& staging_folder,
                                         const std::vector<PackedObject>& objects) {
  PackWriter writer(staging_folder);
  std::string bytes;
  for (const PackedObject& o : objects) {
    if (writer.find(o.entry.hash)) continue;
    if (auto s = read_packed(set, o, bytes); !s) {
      writer.discard();
      return s.error();
    }
    if (auto s = writer.append(o.entry.hash, bytes, {}); !s) {
      writer.discard();
      return s.error();
    }
  }
  auto published = writer.publish(set.folder());
  if (!published) writer.discard();
  return published;
}

}  // namespace herd::store
