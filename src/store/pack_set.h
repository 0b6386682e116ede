// The published packs of one store as a reader sees them: each pack's index held in
// memory (sorted, binary-searched) and its pack file opened on first use and kept open, so
// a pack that gc deletes while a reader uses it stays readable through the open
// descriptor. At most kMaxOpenPacks pack files are open per PackSet (past that, the others
// are closed and reopened when needed; a pack gc deleted meanwhile is then gone, and the
// reader looks at the folder again: gc publishes the objects it keeps before it deletes).
// Internal to src/store.
//
// A pack is visible once its index is under objects/packs/ (the index is published after
// the pack, so an index present means the pack is complete). Packs are loaded lazily:
// the first lookup scans the folder, later lookups rescan it only when it changed (another
// process published or removed a pack). Thread-safe: copies of an ObjectStore and threads
// sharing one may use one PackSet at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/pack_index.h"

namespace herd::store {

// A pack gc may be about to remove is protected by its mtime; a reader that relies on one
// of its objects sets it to now at most this often (see gc.h).
inline constexpr int64_t kFreshenIntervalSeconds = 10;

inline constexpr size_t kMaxOpenPacks = 256;

// An open pack file, read-only; closed when its last user lets go.
struct PackFile {
  int fd = -1;
  explicit PackFile(int f) : fd(f) {}
  PackFile(const PackFile&) = delete;
  PackFile& operator=(const PackFile&) = delete;
  ~PackFile();
};

// One published pack. Immutable once loaded except for the cached file and `freshened_ns`.
struct Pack {
  std::string name;        // "pack-<32 hex>"
  std::string pack_path;   // objects/packs/<name>.pack
  std::string index_path;  // objects/packs/<name>.idx
  PackIndex index;
  mutable std::atomic<int64_t> freshened_ns{0};  // when this process last set its mtime
  mutable std::mutex file_mutex;
  mutable std::shared_ptr<PackFile> file;  // open, or null (not yet, or closed to save descriptors)
};

// Where one copy of an object lives.
struct PackedObject {
  std::shared_ptr<const Pack> pack;
  PackEntry entry;
};

class PackSet;

// Reads one object's file bytes from its pack into `out` (reused). The error names the
// object, the pack file and the offset (a truncated pack shows here). `*gone` is set when
// the pack file no longer exists (gc removed it): the caller should rescan.
Status read_packed(const PackSet& set, const PackedObject& where, std::string& out, bool* gone = nullptr);

// Checks `folder`/`name`.pack exists and reads and checks `name`.idx. Errors name the file.
Result<std::shared_ptr<Pack>> load_pack(const std::string& folder, const std::string& name);

// The pack names (without extension) in `folder` that have an index, and those that do not.
struct PackNames {
  std::vector<std::string> indexed, unindexed, orphan_indexes;
};
PackNames list_pack_names(const std::string& folder);

class PackSet {
 public:
  explicit PackSet(std::string store_root);

  const std::string& folder() const { return folder_; }
  // The first loaded copy of `hash`, without looking at the folder again.
  std::optional<PackedObject> find_loaded(const Hash& hash) const;
  // Every loaded copy of `hash` (usually one; two after a repack or a race between writers).
  std::vector<PackedObject> find_all(const Hash& hash) const;
  // Loads packs published since the last scan and forgets packs whose index is gone, if
  // the folder changed since (one stat when it did not). `force`: scan regardless.
  void rescan(bool force = false);
  // Every loaded pack.
  std::vector<std::shared_ptr<const Pack>> packs() const;
  // Indexes that could not be loaded in the last scan: name and reason (fsck reports them).
  std::map<std::string, std::string> bad_indexes() const;
  // A pack this process has just published.
  void add(std::shared_ptr<const Pack> pack);
  // Sets the pack's mtime to now unless this process did within kFreshenIntervalSeconds.
  // False when the pack file is gone (gc removed it): the caller must not rely on it.
  bool freshen(const Pack& pack) const;
  // Forgets a pack (its file went away).
  void drop(const std::string& name);
  // The pack's open file, opening it if needed; null when it cannot be opened (`error`
  // says why; ENOENT in `*gone`: gc removed it).
  std::shared_ptr<PackFile> open(const Pack& pack, std::string* error = nullptr, bool* gone = nullptr) const;

  // The store format version as last seen (the writer upgrades 1 to 2 before publishing).
  std::atomic<int> format_version{0};

 private:
  std::string folder_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Pack>> packs_;
  std::map<std::string, std::string> bad_;
  bool scanned_ = false;
  mutable std::atomic<size_t> open_files_{0};
  int64_t seen_mtime_ns_ = 0, seen_ctime_ns_ = 0, scanned_at_ns_ = 0;
};

}  // namespace herd::store
