// Reading one tar archive (plain or compressed; a whole root, or one image layer) with
// libarchive into an ImportTree, storing each file's content as it streams past: nothing
// is extracted to disk. Metadata is taken as an extraction as root would set it and a
// capture would then record it: type, permission bits, numeric owner, mtime (ns), symlink
// target, device numbers, xattrs (pax SCHILY.xattr / LIBARCHIVE.xattr, including
// security.capability), ACLs (as the system.posix_acl_* xattrs, posix_acl.h), sparse
// files (holes read as zeros) and hardlinks (one inode).
#pragma once

#include <archive.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "image/import/import_tree.h"
#include "store/object_store.h"
#include "util/result.h"

namespace herd::image::import {

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveFree>;

// A reader for tar archives (ustar, pax, GNU, v7) behind any compression libarchive
// knows (gzip, xz, bzip2, zstd, lz4, ...). Not yet opened.
ArchivePtr new_tar_reader();

struct ReadOptions {
  std::string what;     // names the archive in errors: "debian.tar", "layer 2 (sha256:...)"
  bool layer = false;   // an image layer: whiteouts apply, hardlinks may name lower layers
};

struct ReadStats {
  uint64_t members = 0, new_bytes = 0;
  std::vector<std::string> notes;
};

// Reads every member of the opened archive `a` into `tree`. Inode numbers for new
// entries are taken from `next_inode`. A corrupt or truncated archive, or a hostile
// member (member_path.h, ImportTree::parent_folder), is bad input naming `what` and the
// member; store errors are failures.
Status read_archive(struct archive* a, store::ObjectStore& store, ImportTree& tree, uint64_t& next_inode,
                    const ReadOptions& options, ReadStats& stats);

}  // namespace herd::image::import
