// The tree an import builds in memory: one ImportNode per entry, with the store's
// metadata and (for files) the content hash of content already stored. An archive is
// read into one ImportTree; an image's layers are each read into their own and merged,
// bottom first, with their whiteouts (OCI image spec, "Applying changesets").
//
// Invariants: every node beneath a folder is reachable only through folders (a member
// beneath a symlink or a file of the archive is refused, never followed), names are
// valid entry names (member_path.h), and a file node's content is in the store.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "store/tree.h"
#include "track/accounts.h"
#include "track/node.h"
#include "track/spec.h"
#include "util/result.h"

namespace herd::image::import {

struct ImportNode {
  store::TreeEntry entry;  // name, type, metadata; for files the content
  // Folders only; std::map keeps pointers to children valid while others are added.
  std::map<std::string, ImportNode> children;
  uint64_t inode = 0;     // non-folders: entries with the same inode are hardlinks
  bool declared = false;  // a folder with its own member (else implied by paths beneath it)
  bool link_pending = false;  // a hardlink to a lower layer's entry, resolved by merge_layer
  // Layer trees only: this folder's lower contents are hidden (".wh..wh..opq"), and the
  // names of lower entries removed from it (".wh.NAME").
  bool opaque = false;
  std::set<std::string> whiteouts;

  bool is_folder() const { return entry.type == store::EntryType::folder; }
};

// A hardlink member whose target an earlier layer holds.
struct PendingLink {
  std::vector<std::string> path, target;
  std::string member;  // for errors: "layer 2 (sha256:...): member a/b"
};

class ImportTree {
 public:
  ImportTree();

  ImportNode& root() { return root_; }
  // The node at `parts`, or nullptr (the root for none).
  ImportNode* find(const std::vector<std::string>& parts);
  // The folder that holds `parts` (all but the last component), creating implied
  // folders (0755, root, mtime 0). A parent that is a symlink or not a folder is bad
  // input naming `member`: nothing is imported through a symlink.
  Result<ImportNode*> parent_folder(const std::vector<std::string>& parts, std::string_view member);
  // Puts `node` at `parts` (not empty). A folder over a folder takes the new metadata and
  // keeps the children (tar lists a folder again, or after its contents); anything else
  // replaces what was there.
  Status put(const std::vector<std::string>& parts, ImportNode node, std::string_view member);

  std::vector<PendingLink> pending_links;

 private:
  ImportNode root_;
};

// Applies `layer` over `image`: opaque folders and whiteouts remove lower entries, then
// the layer's entries replace or join them, then hardlinks to lower entries are resolved.
// A member beneath something a lower layer has as a symlink or file is bad input naming
// it (`what` names the layer).
Status merge_layer(ImportTree& image, ImportTree&& layer, const std::string& what);

struct FinishedTree {
  track::Node root;
  uint64_t entries = 0, files = 0, bytes = 0;
};

// The tree a capture would record of `image` extracted: entries `spec` excludes are left
// out, owner names come from `accounts` (the image's own tables, as capture_root does),
// hardlink groups are numbered in walk order. Every file's content is known.
FinishedTree finish_tree(const ImportNode& image, const track::TrackSpec& spec, const track::Accounts& accounts);

}  // namespace herd::image::import
