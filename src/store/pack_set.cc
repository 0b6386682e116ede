#include "store/pack_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/atomic_file.h"
#include "util/time_text.h"

namespace herd::store {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A folder's mtime only moves in coarse clock ticks (a jiffy, at most 10 ms): a scan
// within this long of the last change may have missed a second change in the same tick,
// so it does not count as settled.
constexpr int64_t kSettleNs = 100'000'000;

}  // namespace

PackFile::~PackFile() {
  if (fd >= 0) ::close(fd);
}

Status read_packed(const PackSet& set, const PackedObject& where, std::string& out, bool* gone) {
  const Pack& pack = *where.pack;
  const PackEntry& e = where.entry;
  std::string why;
  auto file = set.open(pack, &why, gone);
  if (!file) return failure("object {}: {}", e.hash.hex(), why);
  out.resize(e.length);
  size_t got = 0;
  while (got < e.length) {
    ssize_t n = ::pread(file->fd, out.data() + got, e.length - got, static_cast<off_t>(e.offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("object {}: cannot read {} at offset {}: {}", e.hash.hex(), pack.pack_path, e.offset, std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != e.length)
    return failure("object {} ({} at offset {}) is corrupt: the pack is truncated ({} of its {} bytes there)", e.hash.hex(),
                   pack.pack_path, e.offset, got, e.length);
  return {};
}

Result<std::shared_ptr<Pack>> load_pack(const std::string& folder, const std::string& name) {
  auto pack = std::make_shared<Pack>();
  pack->name = name;
  pack->pack_path = folder + "/" + name + ".pack";
  pack->index_path = folder + "/" + name + ".idx";
  // The pack first: an index whose pack is gone belongs to a pack being removed.
  if (::access(pack->pack_path.c_str(), F_OK) != 0) return failure("{}: cannot open: {}", pack->pack_path, std::strerror(errno));
  auto bytes = read_file(pack->index_path);
  if (!bytes) return bytes.error();
  auto index = decode_pack_index(*bytes);
  if (!index) return failure("pack index {} is corrupt: {}", pack->index_path, index.error().message);
  pack->index = std::move(*index);
  return pack;
}

PackNames list_pack_names(const std::string& folder) {
  PackNames out;
  std::vector<std::string> packs, indexes;
  if (DIR* dir = ::opendir(folder.c_str())) {
    while (dirent* e = ::readdir(dir)) {
      std::string_view n = e->d_name;
      if (n.rfind("pack-", 0) != 0) continue;
      if (ends_with(n, ".pack")) packs.emplace_back(n.substr(0, n.size() - 5));
      if (ends_with(n, ".idx")) indexes.emplace_back(n.substr(0, n.size() - 4));
    }
    ::closedir(dir);
  }
  std::sort(packs.begin(), packs.end());
  std::sort(indexes.begin(), indexes.end());
  for (const auto& p : packs)
    (std::binary_search(indexes.begin(), indexes.end(), p) ? out.indexed : out.unindexed).push_back(p);
  for (const auto& i : indexes)
    if (!std::binary_search(packs.begin(), packs.end(), i)) out.orphan_indexes.push_back(i);
  return out;
}

PackSet::PackSet(std::string store_root) : folder_(std::move(store_root) + "/objects/packs") {}

std::optional<PackedObject> PackSet::find_loaded(const Hash& hash) const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, pack] : packs_)
    if (const PackEntry* e = find_entry(pack->index, hash)) return PackedObject{pack, *e};
  return std::nullopt;
}

std::vector<PackedObject> PackSet::find_all(const Hash& hash) const {
  std::lock_guard lock(mutex_);
  std::vector<PackedObject> out;
  for (const auto& [name, pack] : packs_)
    if (const PackEntry* e = find_entry(pack->index, hash)) out.push_back(PackedObject{pack, *e});
  return out;
}

void PackSet::rescan(bool force) {
  std::lock_guard lock(mutex_);
  struct stat st {};
  if (::stat(folder_.c_str(), &st) != 0) {
    packs_.clear();  // no packs folder: a format 1 store
    scanned_ = true;
    return;
  }
  int64_t mtime = timespec_ns(st.st_mtim), ctime = timespec_ns(st.st_ctim);
  if (!force && scanned_ && mtime == seen_mtime_ns_ && ctime == seen_ctime_ns_ && scanned_at_ns_ - mtime > kSettleNs) return;
  scanned_at_ns_ = now_ns();
  seen_mtime_ns_ = mtime;
  seen_ctime_ns_ = ctime;
  scanned_ = true;
  PackNames names = list_pack_names(folder_);
  std::map<std::string, std::shared_ptr<const Pack>> next;
  std::map<std::string, std::string> bad;
  for (const std::string& name : names.indexed) {
    if (auto it = packs_.find(name); it != packs_.end()) {
      next.emplace(name, it->second);
      continue;
    }
    auto pack = load_pack(folder_, name);
    if (pack)
      next.emplace(name, std::move(*pack));
    else
      bad.emplace(name, pack.error().message);
  }
  packs_ = std::move(next);
  bad_ = std::move(bad);
}

std::vector<std::shared_ptr<const Pack>> PackSet::packs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const Pack>> out;
  for (const auto& [name, pack] : packs_) out.push_back(pack);
  return out;
}

std::map<std::string, std::string> PackSet::bad_indexes() const {
  std::lock_guard lock(mutex_);
  return bad_;
}

void PackSet::add(std::shared_ptr<const Pack> pack) {
  std::lock_guard lock(mutex_);
  packs_[pack->name] = std::move(pack);
}

void PackSet::drop(const std::string& name) {
  std::lock_guard lock(mutex_);
  packs_.erase(name);
}

std::shared_ptr<PackFile> PackSet::open(const Pack& pack, std::string* error, bool* gone) const {
  {
    std::lock_guard lock(pack.file_mutex);
    if (pack.file) return pack.file;
  }
  int fd = ::open(pack.pack_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (gone) *gone = errno == ENOENT;
    if (error) *error = fmt::format("cannot open {}: {}", pack.pack_path, std::strerror(errno));
    return nullptr;
  }
  auto file = std::make_shared<PackFile>(fd);
  if (open_files_.fetch_add(1) + 1 > kMaxOpenPacks) {
    // Too many descriptors: let the others go (readers using one keep it until done).
    for (const auto& other : packs()) {
      std::lock_guard lock(other->file_mutex);
      if (other->file && other.get() != &pack) {
        other->file.reset();
        open_files_.fetch_sub(1);
      }
    }
  }
  std::lock_guard lock(pack.file_mutex);
  if (pack.file) {
    open_files_.fetch_sub(1);  // another thread opened it meanwhile
    return pack.file;
  }
  pack.file = file;
  return file;
}

bool PackSet::freshen(const Pack& pack) const {
  int64_t now = now_ns();
  if (now - pack.freshened_ns.load(std::memory_order_relaxed) < kFreshenIntervalSeconds * 1'000'000'000) return true;
  if (::utimensat(AT_FDCWD, pack.pack_path.c_str(), nullptr, 0) != 0) {
    if (errno == ENOENT) return false;
    // Not ours to change (a read-only store): reading is still fine.
    return ::access(pack.pack_path.c_str(), F_OK) == 0;
  }
  pack.freshened_ns.store(now, std::memory_order_relaxed);
  return true;
}

}  // namespace herd::store
