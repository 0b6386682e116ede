// A scratch root and store for track tests: helpers to make entries beneath the root
// with chosen modes, owners and times, and to read checkpoints back as path -> entry maps.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "store/object_store.h"
#include "store/refs.h"
#include "temp_dir.h"
#include "track/checkpoint.h"
#include "track/history.h"
#include "track/path.h"
#include "track/site.h"
#include "track/stored_trees.h"
#include "util/atomic_file.h"

namespace herd::track::testing {

// A time safely in the past (2020-01-01), so stat cache entries are not racily clean.
inline constexpr int64_t kOld = 1577836800LL * 1'000'000'000;

inline bool running_as_root() { return ::geteuid() == 0; }

class TrackFixture : public ::testing::Test {
 protected:
  TrackFixture() {
    site_.root = root_.path();
    site_.store = scratch_.path() + "/store";
    site_.config = scratch_.path() + "/track.conf";
    site_.host = "node1";
    set_spec("track /etc\ntrack /opt\n");
  }

  void set_spec(const std::string& text) { ASSERT_TRUE(write_file_atomically(site_.config, text)); }

  // The host path of `path` beneath the root ("/etc/hosts" -> "<root>/etc/hosts").
  std::string at(const std::string& path) const { return root_.path() + path; }

  void set_mtime(const std::string& path, int64_t ns = kOld) {
    struct timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)}};
    ASSERT_EQ(::utimensat(AT_FDCWD, at(path).c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
  }

  void make_folder(const std::string& path, unsigned mode = 0755) {
    std::filesystem::create_directories(at(path));
    ASSERT_EQ(::chmod(at(path).c_str(), mode), 0);
  }

  // Writes a file (making its folders), with `mode` and an old mtime.
  void write(const std::string& path, const std::string& content, unsigned mode = 0644) {
    std::filesystem::create_directories(std::filesystem::path(at(path)).parent_path());
    ASSERT_TRUE(write_file_atomically(at(path), content, mode));
    ASSERT_EQ(::chmod(at(path).c_str(), mode), 0);
    set_mtime(path);
  }

  std::string read(const std::string& path) {
    auto text = read_file(at(path));
    return text ? *text : "<unreadable: " + text.error().message + ">";
  }

  bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(at(path).c_str(), &st) == 0;
  }

  struct stat lstat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(at(path).c_str(), &st), 0) << path;
    return st;
  }

  // Whether user xattrs work on the scratch file system.
  bool xattrs_supported() {
    std::string probe = scratch_.file("probe");
    (void)write_file_atomically(probe, "");
    return ::setxattr(probe.c_str(), "user.herd", "1", 1, 0) == 0;
  }

  CheckpointResult checkpoint(const std::string& message = "", int threads = 1) {
    CheckpointOptions options;
    options.message = message;
    options.threads = threads;
    options.author = "tester@node1";
    auto result = track::checkpoint(site_, options);
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : CheckpointResult{};
  }

  store::ObjectStore store() {
    auto s = store::ObjectStore::open(site_.store);
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }

  CheckpointInfo latest() {
    auto s = store();
    store::Refs refs(site_.store);
    auto info = latest_checkpoint(s, refs, site_.ref());
    EXPECT_TRUE(info && *info);
    return **info;
  }

  // Every entry of tree `tree` by path.
  std::map<std::string, store::TreeEntry> entries(const store::Hash& tree) {
    auto s = store();
    StoredTrees trees(s);
    std::map<std::string, store::TreeEntry> out;
    auto root = trees.root(tree);
    EXPECT_TRUE(root);
    auto visit = [&](auto& self, Node& folder, const std::string& path) -> void {
      EXPECT_TRUE(trees.load(folder));
      for (Node& child : folder.children) {
        std::string p = join_path(path, child.entry.name);
        out[p] = child.entry;
        if (child.is_folder()) self(self, child, p);
      }
    };
    visit(visit, *root, "/");
    return out;
  }

  herd::testing::TempDir root_, scratch_;
  Site site_;
};

}  // namespace herd::track::testing
