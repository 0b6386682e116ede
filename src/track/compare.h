// `herd track status` and `herd track diff`: comparing checkpoints with each other and
// with the live tree, files and packages. Reading the live tree writes nothing: file
// content is taken from the stat cache where it vouches for it, else small files are
// hashed as the store would name them and larger ones are compared byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"
#include "track/accounts.h"
#include "track/history.h"
#include "track/packages/package.h"
#include "track/site.h"
#include "track/spec.h"
#include "track/tree_diff.h"
#include "track/unique_fd.h"

namespace herd::track {

struct Comparison {
  std::string before, after;  // short checkpoint ids, or "live"
  std::vector<Change> changes;
  // Package changes; empty when either side has no package list.
  std::vector<PackageChange> packages;
  bool packages_compared = false;
  std::vector<std::string> notes;  // e.g. why packages were not compared
};

// Texts larger than this are not line-diffed ("files differ").
inline constexpr uint64_t kMaxDiffBytes = 8 << 20;

class Comparer {
 public:
  // Opens the store (which must exist), the root and its spec.
  static Result<Comparer> open(const Site& site);

  const Site& site() const { return site_; }
  const store::ObjectStore& store() const { return store_; }
  const store::Refs& refs() const { return refs_; }

  // A checkpoint by name (checkpoint_ref.h).
  Result<CheckpointInfo> resolve(std::string_view name) const;
  // What changed from `before` to `after`; nullopt on either side = the live tree.
  Result<Comparison> compare(const std::optional<CheckpointInfo>& before, const std::optional<CheckpointInfo>& after);
  // For a modified or added/removed file (or symlink): a unified diff of the two sides'
  // content (a_name/b_name in the "---"/"+++" lines), "Binary files ... differ" when either
  // is binary, "" when there is nothing to show. Checkpoint sides read the store; live
  // sides read the file beneath the root.
  Result<std::string> content_diff(const Change& change, bool before_live, bool after_live) const;

 private:
  Comparer(Site site, store::ObjectStore store, UniqueFd root_fd, TrackSpec spec, Accounts accounts)
      : site_(std::move(site)), store_(std::move(store)), refs_(site_.store), root_fd_(std::move(root_fd)),
        spec_(std::move(spec)), accounts_(std::move(accounts)) {}
  Result<Node> live_tree();
  Result<std::optional<PackageList>> packages_of(const std::optional<CheckpointInfo>& side) const;
  Result<std::string> side_content(const store::TreeEntry& entry, const std::string& path, bool live) const;

  Site site_;
  store::ObjectStore store_;
  store::Refs refs_;
  UniqueFd root_fd_;
  TrackSpec spec_;
  Accounts accounts_;
  std::optional<Node> live_;  // walked once
};

}  // namespace herd::track
