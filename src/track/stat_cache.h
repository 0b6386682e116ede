// The stat cache: for every non-folder entry of the last checkpoint of one root, what
// lstat said (device, inode, size, mtime, ctime) and what was recorded (content hash,
// xattrs), so that a checkpoint of an unchanged tree reads no file content.
//
// File format (little-endian, one file per root and host, read and written whole):
//   0   magic "HERDSTC1"
//   8   u32 record count N, u32 xattr heap size H
//   16  32-byte hash of the root tree of the checkpoint the cache was written after
//   48  N records of 80 bytes, sorted by (dev, ino), unique:
//       u64 dev, u64 ino, u64 size, i64 mtime_ns, i64 ctime_ns, 32-byte content hash,
//       u32 xattr offset, u32 xattr length (into the heap)
//   48+80N  heap: per record, xattrs as (u32 name length, name, u32 value length, value)*
//   end-32  SHA-256 of everything before it
// A short, foreign or corrupt file (bad magic, sizes or checksum) loads as an empty cache.
//
// Trust rules (the racily-clean problem, as in git): an entry is only used when device,
// inode, size, mtime and ctime all match. Its content hash is trusted only if its mtime is
// older than the cache file's own mtime truncated to whole seconds (a file written in the
// same clock tick as the cache could change again without changing its timestamps; the
// truncation covers file systems with one-second timestamps). Its xattrs are trusted only
// if its ctime is older by the same rule (setting an xattr, chmod and chown change only
// ctime). Content hashes are only trusted blindly when the cache's tree is the parent
// checkpoint's tree (then every hash in it is reachable); otherwise the caller checks that
// the object is in the store.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "track/xattrs.h"
#include "util/result.h"

namespace herd::track {

struct StatRecord {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  store::Hash content;  // zero for symlinks, devices, fifos, sockets
  Xattrs xattrs;
};

class StatCache {
 public:
  // Loads `path`. Never fails: a missing or unusable file gives an empty cache and
  // `problem()` says why (empty when the file was fine or simply missing).
  static StatCache load(const std::string& path);
  // The same from the file's bytes and mtime; `where` names it in problem(). Fuzzed
  // (fuzz_stat_cache).
  static StatCache from_bytes(std::string data, int64_t written_ns, const std::string& where);
  // Writes `records` (any order; duplicates by (dev, ino) keep the first) as a cache for
  // checkpoint tree `tree`, replacing `path` atomically (temp file + rename; no fsync: a
  // torn file fails its checksum and costs one full read, nothing else).
  static Status write(const std::string& path, const store::Hash& tree, std::vector<StatRecord> records);

  size_t size() const { return count_; }
  const std::string& problem() const { return problem_; }
  const store::Hash& tree() const { return tree_; }
  // The cache file's mtime, in ns.
  int64_t written_ns() const { return written_ns_; }

  struct Lookup {
    bool found = false;            // a record with the same dev, ino, size, mtime, ctime
    bool content_trusted = false;  // ...and its mtime is safely older than the cache
    bool xattrs_trusted = false;   // ...and its ctime is safely older than the cache
    store::Hash content;
  };
  Lookup lookup(const struct stat& st) const;
  // The cached xattrs of a found record (call only when xattrs_trusted).
  Status xattrs(const struct stat& st, Xattrs& out) const;
  // Every record, sorted by (dev, ino): to write a cache that keeps most of this one.
  std::vector<StatRecord> records() const;

 private:
  const char* find(uint64_t dev, uint64_t ino) const;

  std::string data_;       // the whole file
  size_t count_ = 0;
  const char* records_ = nullptr;
  std::string_view heap_;
  store::Hash tree_;
  int64_t written_ns_ = 0;
  std::string problem_;
};

// Where the stat cache of `root` as node `host` lives in the store folder.
std::string stat_cache_path(const std::string& store_root, const std::string& root, const std::string& host);

}  // namespace herd::track
