// What a root has deployed (docs/image.md, "The node's state"), kept beneath the root it
// describes so a chroot or `--root DIR` has its own:
//
//   ROOT/var/lib/herd/image/deployed.json  the deployed revision, written last, atomically
//   ROOT/var/lib/herd/image/trees/         a store holding the deployed tree's folders and
//                                          chunk lists (never file content): the next update
//                                          compares against it without asking the server
//   ROOT/var/lib/herd/image/statcache      what lstat said about each deployed file
//
// The folder is created beneath the root one component at a time without following
// symlinks (an image can never redirect it), and never before something is written.
// Invariant: deployed.json names a tree whose trees and chunk lists the trees/ store holds
// (they are synced before deployed.json is replaced).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/hash.h"
#include "store/object_store.h"
#include "util/result.h"

namespace herd::image {

// The state folder's path beneath a root.
inline constexpr const char* kStatePath = "/var/lib/herd/image";

struct DeployedState {
  std::string image;
  uint64_t revision = 0;
  store::Hash snapshot;    // the revision's snapshot
  store::Hash image_tree;  // its tree
  store::Hash tree;        // what was deployed: the image tree with the node's overrides
  int64_t time_ns = 0;
  std::string source;      // where it came from: a server URL or a store folder
  std::vector<std::string> preserve, exclude, overrides;
};

// deployed.json's text, and back (bad text is bad_input naming `what`; fuzzed).
std::string encode_deployed_state(const DeployedState& state);
Result<DeployedState> decode_deployed_state(std::string_view text, const std::string& what);

class DeployState {
 public:
  // The state of the root at `root` (a folder). `dir` = "" for ROOT/var/lib/herd/image,
  // else an absolute folder outside the root (image work folders keep theirs beside them).
  static Result<DeployState> open(const std::string& root, const std::string& dir = "");

  const std::string& dir() const { return dir_; }
  // nullopt when nothing was deployed yet.
  Result<std::optional<DeployedState>> load() const;
  // Replaces deployed.json atomically (temp, fsync, rename, fsync the folder).
  Status save(const DeployedState& state);
  // The trees store, created with the folder on first use.
  Result<store::ObjectStore*> trees();
  // The trees store if it exists, else nullptr (a dry run creates nothing).
  Result<store::ObjectStore*> trees_if_present();
  std::string stat_cache() const { return dir_ + "/statcache"; }
  // Makes the state folder (beneath the root, never through a symlink).
  // Makes the state folder (and the folders it lives in) beneath the root. `created`, when
  // given, gets the path beneath the root of each folder made now ("/var/lib/herd", ...).
  Status ensure_dir(std::vector<std::string>* created = nullptr);

 private:
  DeployState(std::string root, std::string dir, bool beneath_root)
      : root_(std::move(root)), dir_(std::move(dir)), beneath_root_(beneath_root) {}
  std::string root_, dir_;
  bool beneath_root_ = true;
  std::shared_ptr<store::ObjectStore> trees_;
};

}  // namespace herd::image
