// Capturing a root folder into the store as an image tree (docs/image.md, "Capture"):
// everything beneath the root with all its metadata, on the root's file system only
// (other mounts are kept as empty mount points), without the capture excludes, plus the
// root's package list. Works for a golden client's "/" (herd image upload), a chroot or
// debootstrap folder (capture --root), and an image's work folder (exec).
//
// Incremental: with a stat cache written after an earlier capture of the same root whose
// tree the store still holds (`trusted_tree`), unchanged files are not read.
// Nothing is named here: the caller syncs nothing more (the store is synced before
// capture_root returns) and makes a revision (catalog.h) or sets a ref. A capture killed
// at any point leaves only unreferenced objects.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "util/result.h"

namespace herd::image {

struct CaptureOptions {
  std::vector<std::string> excludes;  // added to the defaults (capture_spec.h)
  bool default_excludes = true;       // false: nothing but `excludes` is left out
  // The stat cache file for this root (stat_cache_path), "" for none; and the tree whose
  // objects the cache may vouch for (present and kept alive by a ref the caller holds).
  std::string stat_cache;
  std::optional<store::Hash> trusted_tree;
  int threads = 0;  // content workers; 0 = one per core, at most 4
  // Fault injection for the crash tests: "file" before each file's content is stored,
  // "walked", "trees", "synced".
  std::function<void(const char* step)> on_step;
};

// The metadata a revision records about its tree, whoever made it (capture, import):
// entries, bytes, and packages and package_backend when the tree has a package database.
std::map<std::string, std::string> tree_metadata(uint64_t entries, uint64_t bytes,
                                                 const std::optional<store::Hash>& packages,
                                                 const std::string& package_backend);

struct CaptureResult {
  store::Hash tree;
  uint64_t entries = 0, files = 0, bytes = 0;  // in the tree: entries, regular files, their bytes
  uint64_t cache_hits = 0, files_read = 0, bytes_read = 0, new_bytes = 0;
  std::optional<store::Hash> packages;  // the package list blob
  std::string package_backend;
  uint64_t package_count = 0;
  std::vector<std::string> notes;
  // The metadata a revision made from this capture records: packages, package_backend,
  // entries, bytes.
  std::map<std::string, std::string> metadata() const;
};

Result<CaptureResult> capture_root(store::ObjectStore& store, const std::string& root, const CaptureOptions& options);

}  // namespace herd::image
