// Extended attributes (ACLs are the system.posix_acl_access/default xattrs) of entries
// beneath a root. Entries that cannot be opened without side effects (symlinks, fifos,
// devices, sockets) are reached as /proc/self/fd/<dirfd>/<name> with the l*xattr calls,
// which never follow the final symlink; the folder fd pins where the name is looked up.
// A file system without xattr support reads as "no xattrs".
#pragma once

#include <map>
#include <string>

#include "util/result.h"

namespace herd::track {

using Xattrs = std::map<std::string, std::string>;

// Reads every xattr of the open file or folder `fd` into `out` (replacing it).
// `what` names the entry in errors.
Status read_xattrs_fd(int fd, Xattrs& out, const std::string& what);
// The same for entry `name` of folder `dirfd`, not following a symlink.
Status read_xattrs_at(int dirfd, const char* name, Xattrs& out, const std::string& what);

// Makes the xattrs of `fd` exactly `want`: sets every one in `want` that differs and
// removes the others, except that attributes in the "security." namespace (owned by the
// kernel's security modules) are only ever set, never removed.
Status apply_xattrs_fd(int fd, const Xattrs& want, const std::string& what);
// The same for entry `name` of folder `dirfd`, not following a symlink.
Status apply_xattrs_at(int dirfd, const char* name, const Xattrs& want, const std::string& what);

}  // namespace herd::track
