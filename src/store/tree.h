// Trees: one folder's entries, sorted by name, with every piece of metadata needed to put
// a whole OS tree back exactly (golden images as well as /etc): type, mode, owner (ids and
// names), mtime, size, xattrs (ACLs are the system.posix_acl_* xattrs), symlink target,
// device numbers, hardlink group, and the content hash (file) or subtree hash (folder).
// The binary encoding is in docs/store-format.md. Decoding validates everything: an
// entry name is never empty, ".", "..", nor contains '/' or NUL; names are strictly
// increasing; types and fields are consistent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

enum class EntryType : uint8_t { file = 1, folder = 2, symlink = 3, char_device = 4, block_device = 5, fifo = 6, socket = 7 };
const char* entry_type_name(EntryType type);

struct TreeEntry {
  std::string name;
  EntryType type = EntryType::file;
  uint32_t mode = 0;          // permission bits incl. setuid/setgid/sticky (07777)
  uint32_t uid = 0, gid = 0;
  std::string user, group;    // names at capture time ("" = unknown); restore prefers names
  int64_t mtime_ns = 0;
  uint64_t size = 0;          // file: content size; symlink: target length; else 0
  std::map<std::string, std::string> xattrs;
  std::string link_target;    // symlink only
  uint64_t rdev = 0;          // devices only
  uint32_t hardlink_group = 0;  // 0 = none; entries of one tree walk sharing an inode share a group
  Hash content;               // file: content (file_content.h); folder: its tree; else zero

  bool operator==(const TreeEntry&) const = default;
};

struct Tree {
  std::vector<TreeEntry> entries;  // sorted by name, unique
  bool operator==(const Tree&) const = default;
};

// Whether `name` may be an entry name (see above; also at most 255 bytes).
bool valid_entry_name(std::string_view name);

// What decode_tree() enforces on decoded entries, for writers to check before encoding:
// fails (bad_input) naming `what`, the entry and the first rule it breaks.
Status check_tree(const Tree& tree, const std::string& what);

// The encoding is in docs/store-format.md. `tree` must satisfy check_tree().
std::string encode_tree(const Tree& tree);
// Bad bytes are a failure naming `what` (e.g. the tree's hash) and the first problem.
Result<Tree> decode_tree(std::string_view bytes, const std::string& what);

}  // namespace herd::store
