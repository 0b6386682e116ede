// A writer's staging pack: new objects are appended to tmp/w-<pid>-<rand>/pack-<id>.pack
// (no fsync) with an in-memory index, and publish() makes the pack durable and moves it
// under objects/packs/. Internal to src/store.
//
// Durability order of publish() (docs/store-format.md, "Writing objects"):
//   1. write the index beside the pack in tmp/; fsync the pack, then the index;
//   2. rename the pack into objects/packs/, then the index; fsync objects/packs/.
// So an index under objects/packs/ always names a pack whose whole content was on disk
// first. A crash before step 2 leaves both files in tmp/ (gc removes them after the grace
// period); between the two renames, a pack without an index, which readers ignore and gc
// removes after the grace period; after, a complete pack.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/pack_set.h"

namespace herd::store {

class PackWriter {
 public:
  // `staging_folder` is the writer's folder in tmp/ (made by the caller).
  explicit PackWriter(std::string staging_folder);
  ~PackWriter();  // closes; the files stay unless discard() was called
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  // Appends one object file (header, then body). On failure nothing is staged (the pack
  // is cut back to its previous size). Errors name the object and the pack.
  Status append(const Hash& hash, std::string_view header, std::string_view body);
  // The staged copy of `hash`, or nullptr.
  const PackEntry* find(const Hash& hash) const;
  // Drops `hash` from the index to be written (its bytes stay in the pack, unlisted).
  void forget(const Hash& hash) { entries_.erase(hash); }
  // Reads a staged object's file bytes into `out`.
  Status read(const PackEntry& entry, std::string& out) const;
  size_t count() const { return entries_.size(); }
  uint64_t size() const { return size_; }
  const std::string& pack_path() const { return pack_path_; }

  // Publishes the pack into `packs_folder` as described above and returns it, loaded
  // (the descriptor moves to the returned Pack; this writer is then empty). On failure
  // the objects stay staged and publish() may be retried.
  Result<std::shared_ptr<Pack>> publish(const std::string& packs_folder);
  // Deletes the staging files (objects never promised to anyone).
  void discard();

 private:
  Status open_file();
  std::string folder_, name_, pack_path_, index_path_;
  int fd_ = -1;
  uint64_t size_ = 0;  // bytes written, header included
  std::unordered_map<Hash, PackEntry> entries_;
};

// Writes a new pack holding `objects` (copied byte for byte from their packs) and
// publishes it into the set's folder through `staging_folder`, with the same durability
// order. Used by gc and fsck --remove-corrupt to drop objects from a pack.
Result<std::shared_ptr<Pack>> write_pack(const PackSet& set, const std::string& staging_folder,
                                         const std::vector<PackedObject>& objects);

// A fresh pack name: "pack-" and 32 random hex digits.
std::string new_pack_name();

// fsync of a file or folder by path. Errors name it.
Status fsync_path(const std::string& path);

}  // namespace herd::store
