// The plan of a deploy (deploy.h, pass 1): for every folder that needs work, what to do
// with each of its entries. Internal to src/image/deploy*.cc.
//
// Invariants: folders[0] is the root ("/"); every other FolderPlan is reached from its
// parent's `folder` op exactly once; ops are sorted by name; a name appears at most once
// per folder; every name was checked with valid_entry_name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "image/deploy.h"
#include "image/preserve.h"
#include "store/chunks.h"
#include "store/object_stream.h"
#include "store/tree.h"
#include "track/stat_cache.h"

namespace herd::image {

enum class EntryOp {
  write,     // stage the target entry (file, symlink, device, fifo, socket), rename at commit
  link,      // a member of a hardlink group: linked to `link_to` at the end of the commit
  metadata,  // the entry stays; only its metadata changes
  remove,    // the entry goes
  folder,    // a subfolder with its own plan
};

struct PlannedOp {
  EntryOp op = EntryOp::write;
  std::string name;
  store::TreeEntry entry;               // the target entry (remove: empty)
  std::optional<store::TreeEntry> old;  // the deployed entry, when there is one
  bool exists = false;                  // something is at this name now
  bool live_is_folder = false;          // ...a folder (replacing it means removing it)
  DeployAction::Kind kind = DeployAction::Kind::create;
  std::string detail;
  size_t folder = 0;        // op == folder: index into Plan::folders
  std::string link_to;      // op == link: the path of the member it links to
  // Filled in while staging and committing.
  std::string temp;         // the staged temporary's name in the folder
  uint64_t old_dev = 0, old_ino = 0;  // what was there (to drop its stat cache record)
};

struct FolderPlan {
  std::string path;           // canonical
  store::TreeEntry entry;     // the target folder entry (the root's is empty: left alone)
  bool create = false;        // nothing is there: the folder is staged whole under `temp`
  bool replace = false;       // a non-folder is there: removed at commit, then `temp` renamed in
  bool set_metadata = false;  // the folder's own metadata differs
  // A folder the target does not have that holds preserved or protected paths: only
  // what it holds besides them is removed; it keeps its own metadata.
  bool prune = false;
  std::vector<PlannedOp> ops;
  std::vector<std::string> leftovers;  // temporaries of an earlier, killed deploy
  std::string temp;
  // The live folder's mtime differs from the target's (seen on a first deploy or a verify;
  // not an action of its own): its metadata is set at commit.
  bool touched = false;
};

struct Plan {
  std::vector<FolderPlan> folders;
  std::vector<DeployAction> actions;  // in path order
  uint64_t files_to_write = 0, bytes_to_write = 0;
  // Large files to write: their chunk lists (content hash -> chunks), fetched by the plan.
  std::unordered_map<store::Hash, std::vector<store::Chunk>> chunk_lists;
  std::vector<std::string> notes;
  std::vector<std::string> repaired;  // verify: paths that drifted
  // verify: stat cache records of files read and found as the target has them.
  std::vector<track::StatRecord> verified;
};

// Reads trees and chunk lists: the root's trees store first, then what this deploy has
// fetched (kept in memory until `keep` is set, so a dry run writes nothing).
class TreeReader {
 public:
  TreeReader(store::ObjectStore* local, store::ObjectSource& source) : local_(local), source_(source) {}
  // Fetches every hash not held yet in one stream (verified), and keeps them.
  Status fetch(std::vector<store::Hash> hashes);
  bool has(const store::Hash& hash) const;
  Result<store::Tree> tree(const store::Hash& hash) const;
  Result<std::vector<store::Chunk>> chunks(const store::Hash& hash) const;
  // Writes what was fetched into `store` (the root's trees store) and syncs it.
  Status keep(store::ObjectStore& store);
  uint64_t objects_fetched = 0, bytes_fetched = 0;

 private:
  Result<store::Object> get(const store::Hash& hash) const;
  store::ObjectStore* local_;
  store::ObjectSource& source_;
  std::unordered_map<store::Hash, store::Object> fetched_;
};

struct PlanInput {
  int root_fd = -1;
  std::string root;  // for messages
  std::optional<store::Hash> old_tree;  // the deployed tree, whose trees `reader` holds
  store::Hash new_tree;
  const PathRules* rules = nullptr;
  const track::StatCache* cache = nullptr;  // vouches for live files (verify), may be null
  bool verify = false;
  // Folders the deploy itself made just before planning (the state folder's parents): the
  // image's metadata goes on them even where they are preserved, as if they were new.
  std::vector<std::string> made_now;
};

// Makes the plan. Fails naming the entry for bad names, unreadable trees, a live folder
// that cannot be read.
Result<Plan> make_plan(const PlanInput& input, TreeReader& reader);

}  // namespace herd::image
