// Opening things beneath a root without ever following a symlink: every component of a
// path is opened with openat(dirfd, name, O_NOFOLLOW | ...), so a symlink planted
// anywhere in the target (even "/etc" -> "/tmp/outside") makes the open fail with ELOOP or
// ENOTDIR instead of leading outside the root. Paths are canonical (path.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "track/unique_fd.h"
#include "util/result.h"

namespace herd::track {

// Opens the root folder itself (following symlinks: the root is the caller's choice).
Result<UniqueFd> open_root(const std::string& root);

// Opens folder `name` in `dirfd` for reading entries (O_DIRECTORY | O_NOFOLLOW).
// Returns -1 with errno set on failure.
int open_folder_at(int dirfd, const char* name);

// Opens the folder at `path` beneath `root_fd`. On failure returns an invalid fd and sets
// `error` to the errno of the component that failed (ENOENT, ENOTDIR, ELOOP, ...).
UniqueFd open_folder_beneath(int root_fd, std::string_view path, int& error);

// Opens the regular file at `path` beneath `root_fd` read-only. A missing file, a symlink
// or anything but a regular file is a failure naming `path`.
Result<UniqueFd> open_file_beneath(int root_fd, std::string_view path);

// The content of the regular file at `path` beneath `root_fd`; nullopt if it does not
// exist or can only be reached through a symlink (it or a folder above it).
Result<std::optional<std::string>> read_file_beneath(int root_fd, std::string_view path);

// Reads the whole open file from its current offset.
Result<std::string> read_all(int fd, const std::string& what);

// Writes all of `data` to `fd`.
Status write_all(int fd, std::string_view data, const std::string& what);

}  // namespace herd::track

namespace herd::track {

// Removes entry `name` of folder `dirfd` and, for a folder, everything in it, never
// following a symlink (a symlink is removed itself). A missing entry is fine.
Status remove_at(int dirfd, const std::string& name, const std::string& what);

}  // namespace herd::track
