// Giving an entry beneath a root the metadata a tree entry records: owner, xattrs (ACLs,
// capabilities, SELinux labels), permission bits and mtime, in that order — chown clears
// setuid/setgid bits and file capabilities, so the mode and the security.capability
// xattr must come after it. Used by `herd track restore` and by image deploys.
// Failures name `path` and the call that failed.
#pragma once

#include <cstdint>
#include <string>

#include "store/tree.h"
#include "util/result.h"

namespace herd::track {

// The owner to give an entry: ids chosen by the caller (by name in the target root's
// accounts for restore, the recorded numbers for images).
struct Owner {
  uint32_t uid = 0, gid = 0;
};

// An open file or folder. `fresh`: the fd is a file this process just created (no
// xattrs to remove), which saves reading its xattrs.
Status apply_metadata_fd(int fd, const store::TreeEntry& entry, Owner owner, const std::string& path,
                         bool fresh = false);
// Entry `name` of folder `dirfd`, not following it (symlinks, devices, fifos, sockets).
// A symlink has no mode of its own.
Status apply_metadata_at(int dirfd, const char* name, const store::TreeEntry& entry, Owner owner,
                         const std::string& path);

}  // namespace herd::track
