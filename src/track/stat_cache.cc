#include "track/stat_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "track/beneath.h"
#include "track/unique_fd.h"
#include "util/time_text.h"

namespace herd::track {
namespace {

constexpr char kMagic[8] = {'H', 'E', 'R', 'D', 'S', 'T', 'C', '1'};
constexpr size_t kHeader = 48;
constexpr size_t kRecord = 80;
constexpr size_t kTrailer = 32;

// Integers are stored little-endian whatever the host.
template <typename T>
T little_endian(T v) {
  if constexpr (std::endian::native == std::endian::big) {
    if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
    else return static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
  }
  return v;
}

template <typename T>
T load_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return little_endian(v);
}

template <typename T>
void append_le(std::string& out, T v) {
  v = little_endian(v);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void encode_xattrs(const Xattrs& xattrs, std::string& heap) {
  for (const auto& [name, value] : xattrs) {
    append_le<uint32_t>(heap, static_cast<uint32_t>(name.size()));
    heap += name;
    append_le<uint32_t>(heap, static_cast<uint32_t>(value.size()));
    heap += value;
  }
}

// Times in the cache are compared against this: the cache file's mtime, truncated to a
// whole second (see the header).
int64_t trust_limit(int64_t written_ns) { return written_ns - written_ns % 1'000'000'000; }

}  // namespace

StatCache StatCache::load(const std::string& path) {
  StatCache cache;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno != ENOENT) cache.problem_ = fmt::format("{}: {}", path, std::strerror(errno));
    return cache;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    cache.problem_ = fmt::format("{}: {}", path, std::strerror(errno));
    return cache;
  }
  auto data = read_all(fd.get(), path);
  if (!data) {
    cache.problem_ = data.error().message;
    return cache;
  }
  return from_bytes(std::move(*data), timespec_ns(st.st_mtim), path);
}

StatCache StatCache::from_bytes(std::string data, int64_t written_ns, const std::string& where) {
  auto bad = [&](const char* why) {
    StatCache empty;
    empty.problem_ = fmt::format("{}: {}; ignored", where, why);
    return empty;
  };
  const std::string& d = data;
  if (d.size() < kHeader + kTrailer || std::memcmp(d.data(), kMagic, sizeof kMagic) != 0)
    return bad("not a stat cache");
  uint64_t count = load_le<uint32_t>(d.data() + 8);
  uint64_t heap = load_le<uint32_t>(d.data() + 12);
  if (kHeader + count * kRecord + heap + kTrailer != d.size()) return bad("sizes do not add up");
  store::Hash sum = store::sha256(std::string_view(d).substr(0, d.size() - kTrailer));
  if (std::memcmp(sum.bytes.data(), d.data() + d.size() - kTrailer, 32) != 0) return bad("checksum mismatch");

  StatCache cache;
  cache.data_ = std::move(data);
  cache.count_ = count;
  cache.records_ = cache.data_.data() + kHeader;
  cache.heap_ = std::string_view(cache.data_).substr(kHeader + count * kRecord, heap);
  std::memcpy(cache.tree_.bytes.data(), cache.data_.data() + 16, 32);
  cache.written_ns_ = written_ns;
  // Records must be sorted and their xattr ranges inside the heap; check once here so
  // lookups need not.
  for (size_t i = 0; i < count; ++i) {
    const char* r = cache.records_ + i * kRecord;
    uint64_t off = load_le<uint32_t>(r + 72), len = load_le<uint32_t>(r + 76);
    if (off + len > heap) return bad("xattr range outside the heap");
    if (i > 0) {
      const char* p = r - kRecord;
      auto key = std::pair(load_le<uint64_t>(r), load_le<uint64_t>(r + 8));
      auto prev = std::pair(load_le<uint64_t>(p), load_le<uint64_t>(p + 8));
      if (!(prev < key)) return bad("records out of order");
    }
  }
  return cache;
}

const char* StatCache::find(uint64_t dev, uint64_t ino) const {
  size_t lo = 0, hi = count_;
  auto key = std::pair(dev, ino);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char* r = records_ + mid * kRecord;
    auto k = std::pair(load_le<uint64_t>(r), load_le<uint64_t>(r + 8));
    if (k == key) return r;
    if (k < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return nullptr;
}

StatCache::Lookup StatCache::lookup(const struct stat& st) const {
  Lookup out;
  const char* r = find(st.st_dev, st.st_ino);
  if (!r) return out;
  int64_t mtime = timespec_ns(st.st_mtim), ctime = timespec_ns(st.st_ctim);
  if (load_le<uint64_t>(r + 16) != static_cast<uint64_t>(st.st_size) || load_le<int64_t>(r + 24) != mtime ||
      load_le<int64_t>(r + 32) != ctime)
    return out;
  out.found = true;
  int64_t limit = trust_limit(written_ns_);
  out.content_trusted = mtime < limit;
  out.xattrs_trusted = ctime < limit;
  std::memcpy(out.content.bytes.data(), r + 40, 32);
  return out;
}

Status StatCache::xattrs(const struct stat& st, Xattrs& out) const {
  out.clear();
  const char* r = find(st.st_dev, st.st_ino);
  if (!r) return failure("stat cache: no record for inode {}", st.st_ino);
  std::string_view x = heap_.substr(load_le<uint32_t>(r + 72), load_le<uint32_t>(r + 76));
  auto take = [&](std::string_view& field) {
    if (x.size() < 4) return false;
    uint32_t n = load_le<uint32_t>(x.data());
    if (x.size() - 4 < n) return false;
    field = x.substr(4, n);
    x.remove_prefix(4 + n);
    return true;
  };
  while (!x.empty()) {
    std::string_view name, value;
    if (!take(name) || !take(value)) return failure("stat cache: bad xattrs for inode {}", st.st_ino);
    out.emplace(std::string(name), std::string(value));
  }
  return {};
}

std::vector<StatRecord> StatCache::records() const {
  std::vector<StatRecord> out;
  out.reserve(count_);
  for (size_t i = 0; i < count_; ++i) {
    const char* r = records_ + i * kRecord;
    StatRecord rec;
    rec.dev = load_le<uint64_t>(r);
    rec.ino = load_le<uint64_t>(r + 8);
    rec.size = load_le<uint64_t>(r + 16);
    rec.mtime_ns = load_le<int64_t>(r + 24);
    rec.ctime_ns = load_le<int64_t>(r + 32);
    std::memcpy(rec.content.bytes.data(), r + 40, 32);
    struct stat st {};
    st.st_dev = rec.dev;
    st.st_ino = rec.ino;
    if (!xattrs(st, rec.xattrs)) rec.xattrs.clear();
    out.push_back(std::move(rec));
  }
  return out;
}

Status StatCache::write(const std::string& path, const store::Hash& tree, std::vector<StatRecord> records) {
  std::sort(records.begin(), records.end(),
            [](const StatRecord& a, const StatRecord& b) { return std::pair(a.dev, a.ino) < std::pair(b.dev, b.ino); });
  records.erase(std::unique(records.begin(), records.end(),
                            [](const StatRecord& a, const StatRecord& b) { return a.dev == b.dev && a.ino == b.ino; }),
                records.end());
  std::string heap;
  std::string out;
  out.reserve(kHeader + records.size() * kRecord + kTrailer);
  out.append(kMagic, sizeof kMagic);
  append_le<uint32_t>(out, static_cast<uint32_t>(records.size()));
  append_le<uint32_t>(out, 0);  // heap size, patched below
  out.append(reinterpret_cast<const char*>(tree.bytes.data()), 32);
  for (const StatRecord& r : records) {
    append_le<uint64_t>(out, r.dev);
    append_le<uint64_t>(out, r.ino);
    append_le<uint64_t>(out, r.size);
    append_le<int64_t>(out, r.mtime_ns);
    append_le<int64_t>(out, r.ctime_ns);
    out.append(reinterpret_cast<const char*>(r.content.bytes.data()), 32);
    size_t offset = heap.size();
    encode_xattrs(r.xattrs, heap);
    if (heap.size() > UINT32_MAX) return failure("{}: xattrs too large for a stat cache", path);
    append_le<uint32_t>(out, static_cast<uint32_t>(offset));
    append_le<uint32_t>(out, static_cast<uint32_t>(heap.size() - offset));
  }
  uint32_t heap_size = little_endian(static_cast<uint32_t>(heap.size()));
  std::memcpy(out.data() + 12, &heap_size, 4);
  out += heap;
  store::Hash sum = store::sha256(out);
  out.append(reinterpret_cast<const char*>(sum.bytes.data()), 32);

  std::error_code ec;
  std::filesystem::path target(path);
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) return failure("{}: {}", target.parent_path().string(), ec.message());
  std::string temp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return failure("{}: cannot create a temporary file: {}", path, std::strerror(errno));
  Status written = write_all(fd.get(), out, temp);
  fd.reset();
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) written = failure("{}: rename: {}", path, std::strerror(errno));
  if (!written) ::unlink(temp.c_str());
  return written;
}

std::string stat_cache_path(const std::string& store_root, const std::string& root, const std::string& host) {
  return fmt::format("{}/track/statcache/{}-{}", store_root, host, store::sha256(root).hex().substr(0, 16));
}

}  // namespace herd::track
