#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "store/snapshot.h"
#include "store/tree.h"
#include "track/compare.h"
#include "track/restore.h"
#include "track/walker.h"
#include "track_fixture.h"

namespace herd::track {
namespace {

using store::EntryType;

class RestoreTest : public testing::TrackFixture {
 protected:
  Result<RestoreResult> restore(std::vector<std::string> paths = {}, bool dry_run = false,
                                const std::string& name = "latest") {
    auto c = Comparer::open(site_);
    if (!c) return c.error();
    auto checkpoint = c->resolve(name);
    if (!checkpoint) return checkpoint.error();
    RestoreOptions options;
    options.paths = std::move(paths);
    options.dry_run = dry_run;
    return restore_checkpoint(site_, *checkpoint, options);
  }

  // The live tree's differences from the latest checkpoint, as "path: kind" lines.
  std::vector<std::string> status() {
    auto c = Comparer::open(site_);
    EXPECT_TRUE(c);
    auto cmp = c->compare(latest(), std::nullopt);
    EXPECT_TRUE(cmp) << cmp.error().message;
    std::vector<std::string> out;
    for (const auto& change : cmp->changes) out.push_back(change.path + ": " + change_kind_name(change.kind));
    return out;
  }

  std::map<std::string, std::string> actions(const RestoreResult& r) {
    std::map<std::string, std::string> out;
    for (const auto& a : r.actions) out[a.path] = std::string(restore_action_name(a.kind)) + " " + a.detail;
    return out;
  }

  // A tree with one of everything.
  void make_rich_tree() {
    write("/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n");
    write("/etc/group", "root:x:0:\nstaff:x:1001:\n");
    write("/etc/hosts", "127.0.0.1 localhost\n");
    write("/etc/ssh/sshd_config", "PermitRootLogin no\n", 0600);
    write("/etc/ssh/moduli", std::string(150 * 1024, 'm'));
    write("/etc/sudo", "#!/bin/sh\n", 04755);
    ASSERT_EQ(::symlink("../hosts", at("/etc/ssh/hosts-link").c_str()), 0);
    ASSERT_EQ(::mkfifo(at("/etc/fifo").c_str(), 0640), 0);
    write("/opt/app/one", "shared\n");
    ASSERT_EQ(::link(at("/opt/app/one").c_str(), at("/opt/app/two").c_str()), 0);
    make_folder("/opt/empty", 0750);
    if (testing::running_as_root()) {
      ASSERT_EQ(::chown(at("/etc/ssh/sshd_config").c_str(), 1001, 1001), 0);
      ASSERT_EQ(::lchown(at("/etc/ssh/hosts-link").c_str(), 1001, 0), 0);
      ASSERT_EQ(::mknod(at("/etc/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
      ASSERT_EQ(::chmod(at("/etc/sudo").c_str(), 04755), 0);  // chown cleared nothing yet; be explicit
    }
    if (xattrs_supported()) {
      ASSERT_EQ(::setxattr(at("/etc/hosts").c_str(), "user.note", "kept", 4, 0), 0);
    }
    // An access ACL (user 1001 may read), where the file system has them.
    write("/etc/acl-file", "acl\n", 0644);
    std::string acl = posix_acl({{0x01, 6, ~0u}, {0x02, 4, 1001}, {0x04, 4, ~0u}, {0x10, 4, ~0u}, {0x20, 4, ~0u}});
    has_acl_ = ::setxattr(at("/etc/acl-file").c_str(), "system.posix_acl_access", acl.data(), acl.size(), 0) == 0;
    set_mtime("/etc/acl-file");
    for (const char* p : {"/etc/ssh/hosts-link", "/etc/fifo", "/etc/ssh", "/opt/app", "/opt/empty"}) set_mtime(p);
  }

  // The system.posix_acl_access value for (tag, perm, id) entries, sorted by tag.
  static std::string posix_acl(std::vector<std::tuple<uint16_t, uint16_t, uint32_t>> entries) {
    std::string out;
    auto put = [&](auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put(uint32_t{2});
    for (auto [tag, perm, id] : entries) {
      put(tag);
      put(perm);
      put(id);
    }
    return out;
  }
  bool has_acl_ = false;

  // Changes of every kind to the rich tree.
  void vandalize() {
    if (has_acl_) {
      ASSERT_EQ(::removexattr(at("/etc/acl-file").c_str(), "system.posix_acl_access"), 0);
    }
    write("/etc/hosts", "0.0.0.0 evil\n");
    ASSERT_EQ(::chmod(at("/etc/ssh/sshd_config").c_str(), 0666), 0);
    ASSERT_EQ(::unlink(at("/etc/ssh/moduli").c_str()), 0);
    std::filesystem::create_directories(at("/etc/ssh/moduli/inside"));  // a folder where a file was
    ASSERT_EQ(::unlink(at("/etc/ssh/hosts-link").c_str()), 0);
    ASSERT_EQ(::symlink("/elsewhere", at("/etc/ssh/hosts-link").c_str()), 0);
    ASSERT_EQ(::unlink(at("/etc/fifo").c_str()), 0);
    write("/etc/fifo", "a file now\n");
    ASSERT_EQ(::unlink(at("/opt/app/two").c_str()), 0);
    write("/opt/app/two", "shared\n");  // same content, no longer a hardlink
    std::filesystem::remove_all(at("/opt/empty"));
    write("/opt/empty", "file where a folder was\n");
    write("/etc/extra.conf", "not in the checkpoint\n");
    write("/etc/extra/deep/file", "nor this\n");
    ASSERT_EQ(::chmod(at("/etc/sudo").c_str(), 0755), 0);
    if (testing::running_as_root()) {
      ASSERT_EQ(::chown(at("/etc/hosts").c_str(), 5, 5), 0);
      ASSERT_EQ(::unlink(at("/etc/null").c_str()), 0);
    }
    if (xattrs_supported()) {
      ::removexattr(at("/etc/hosts").c_str(), "user.note");
      ASSERT_EQ(::setxattr(at("/etc/passwd").c_str(), "user.added", "x", 1, 0), 0);
    }
  }
};

TEST_F(RestoreTest, WholeRestorePutsEveryEntryBackExactly) {
  make_rich_tree();
  auto original = checkpoint("good");
  vandalize();
  EXPECT_FALSE(status().empty());
  auto r = restore();
  ASSERT_TRUE(r) << r.error().message;
  auto a = actions(*r);
  EXPECT_EQ(a["/etc/hosts"].substr(0, 6), "update");
  EXPECT_EQ(a["/etc/extra.conf"], "remove file");
  EXPECT_EQ(a["/etc/extra"], "remove folder");
  EXPECT_EQ(a["/etc/ssh/moduli"], "replace folder with file");
  EXPECT_EQ(a["/opt/empty"], "replace file with folder");
  EXPECT_EQ(a["/opt/app/two"], "replace hardlink to /opt/app/one");
  EXPECT_EQ(status(), std::vector<std::string>{});
  EXPECT_FALSE(exists("/etc/extra"));
  EXPECT_EQ(read("/etc/hosts"), "127.0.0.1 localhost\n");
  EXPECT_EQ(lstat_of("/opt/app/one").st_ino, lstat_of("/opt/app/two").st_ino);
  EXPECT_EQ(lstat_of("/etc/sudo").st_mode & 07777, 04755u);
  EXPECT_TRUE(S_ISFIFO(lstat_of("/etc/fifo").st_mode));
  if (has_acl_) {
    char value[256];
    EXPECT_GT(::getxattr(at("/etc/acl-file").c_str(), "system.posix_acl_access", value, sizeof value), 0);
  }
  if (testing::running_as_root()) {
    EXPECT_EQ(lstat_of("/etc/hosts").st_uid, 0u);
    EXPECT_EQ(lstat_of("/etc/ssh/hosts-link").st_uid, 1001u);
    EXPECT_EQ(lstat_of("/etc/null").st_rdev, makedev(1, 3));
  }
  // A new checkpoint of the restored tree is the very same tree, folder mtimes included.
  auto again = checkpoint("after restore");
  EXPECT_EQ(again.tree, original.tree);
  // Restoring again changes nothing.
  auto twice = restore();
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->actions.empty()) << ::testing::PrintToString(actions(*twice));
}

TEST_F(RestoreTest, DryRunSaysWhatButChangesNothing) {
  make_rich_tree();
  checkpoint();
  vandalize();
  auto before = status();
  auto r = restore({}, /*dry_run=*/true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->actions.empty());
  EXPECT_EQ(actions(*r)["/etc/extra"], "remove folder");
  EXPECT_EQ(status(), before);
  EXPECT_EQ(read("/etc/hosts"), "0.0.0.0 evil\n");
}

TEST_F(RestoreTest, ChosenPathsOnlyAndNoRemovals) {
  write("/etc/a", "a\n");
  write("/etc/b", "b\n");
  write("/etc/sub/c", "c\n");
  checkpoint();
  write("/etc/a", "A\n");
  write("/etc/b", "B\n");
  write("/etc/sub/c", "C\n");
  write("/etc/sub/extra", "x\n");
  auto r = restore({"/etc/a", "/etc/sub/"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read("/etc/a"), "a\n");
  EXPECT_EQ(read("/etc/b"), "B\n");
  EXPECT_EQ(read("/etc/sub/c"), "c\n");
  EXPECT_EQ(read("/etc/sub/extra"), "x\n") << "only a whole-tree restore removes";
  auto missing = restore({"/etc/nope"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  auto sneaky = restore({"/etc/../x"});
  ASSERT_FALSE(sneaky);
  EXPECT_EQ(sneaky.error().kind, ErrorKind::bad_input);
}

TEST_F(RestoreTest, MissingFoldersAboveARestoredPathAreCreatedWithTheirMetadata) {
  write("/opt/a/b/c", "deep\n");
  ASSERT_EQ(::chmod(at("/opt/a").c_str(), 0711), 0);
  set_mtime("/opt/a/b");
  set_mtime("/opt/a");
  checkpoint();
  std::filesystem::remove_all(at("/opt/a"));
  auto r = restore({"/opt/a/b/c"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(read("/opt/a/b/c"), "deep\n");
  EXPECT_EQ(lstat_of("/opt/a").st_mode & 07777, 0711u);
  EXPECT_EQ(timespec_ns(lstat_of("/opt/a").st_mtim), testing::kOld);
}

TEST_F(RestoreTest, ExcludedEntriesAreNeverRemoved) {
  set_spec("track /etc\nexclude *.swp\nexclude /etc/local\n");
  write("/etc/a", "a\n");
  checkpoint();
  write("/etc/.a.swp", "editor\n");
  write("/etc/local/state", "kept\n");
  write("/etc/b", "removed\n");
  auto r = restore();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(exists("/etc/.a.swp"));
  EXPECT_TRUE(exists("/etc/local/state"));
  EXPECT_FALSE(exists("/etc/b"));
}

TEST_F(RestoreTest, OwnersAreRestoredByNameWhenTheTargetKnowsIt) {
  if (!testing::running_as_root()) GTEST_SKIP() << "needs root to chown";
  write("/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/:/bin/sh\n");
  write("/etc/group", "root:x:0:\nstaff:x:1001:\n");
  write("/etc/owned", "o\n");
  write("/etc/orphan", "o\n");
  ASSERT_EQ(::chown(at("/etc/owned").c_str(), 1001, 1001), 0);
  ASSERT_EQ(::chown(at("/etc/orphan").c_str(), 3000, 3000), 0);
  checkpoint();
  // Same names, other numbers on the target now; restore only the two files.
  write("/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:2002:2002::/:/bin/sh\n");
  write("/etc/group", "root:x:0:\nstaff:x:2003:\n");
  ASSERT_EQ(::chown(at("/etc/owned").c_str(), 0, 0), 0);
  ASSERT_EQ(::chown(at("/etc/orphan").c_str(), 0, 0), 0);
  auto r = restore({"/etc/owned", "/etc/orphan"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(lstat_of("/etc/owned").st_uid, 2002u);
  EXPECT_EQ(lstat_of("/etc/owned").st_gid, 2003u);
  EXPECT_EQ(lstat_of("/etc/orphan").st_uid, 3000u);
}

// --- hostile targets: nothing may ever be written outside the root.

TEST_F(RestoreTest, SparseFilesKeepTheirHoles) {
  // /var/log/lastlog's case: 64 MiB apparent, 6 bytes of data.
  std::string data(64 << 20, '\0');
  data.replace(4096 * 3, 3, "abc");
  data.replace(data.size() - 3, 3, "xyz");
  write("/etc/lastlog", data);
  checkpoint("sparse");
  ASSERT_EQ(::unlink(at("/etc/lastlog").c_str()), 0);
  auto r = restore({"/etc/lastlog"});
  ASSERT_TRUE(r) << r.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(at("/etc/lastlog").c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), data.size());
  EXPECT_LE(static_cast<uint64_t>(st.st_blocks) * 512, 64u * 1024) << "the holes were written out as zeros";
  EXPECT_EQ(*read_file(at("/etc/lastlog")), data);
}

class HostileRestoreTest : public RestoreTest {
 protected:
  HostileRestoreTest() {
    outside_ = scratch_.path() + "/outside";
    std::filesystem::create_directories(outside_);
    (void)write_file_atomically(outside_ + "/target", "outside, untouched\n");
  }
  // Everything in the outside folder, as "name=content".
  std::set<std::string> outside() {
    std::set<std::string> out;
    for (auto& e : std::filesystem::recursive_directory_iterator(outside_)) {
      std::string name = e.path().string().substr(outside_.size());
      out.insert(e.is_regular_file() ? name + "=" + *read_file(e.path().string()) : name);
    }
    return out;
  }
  void plant(const std::string& path, const std::string& target) {
    std::filesystem::remove_all(at(path));
    ASSERT_EQ(::symlink(target.c_str(), at(path).c_str()), 0);
  }
  std::string outside_;
  const std::set<std::string> untouched_ = {"/target=outside, untouched\n"};
};

TEST_F(HostileRestoreTest, EtcReplacedByASymlinkToOutside) {
  write("/etc/hosts", "h\n");
  write("/etc/ssh/sshd_config", "s\n");
  checkpoint();
  plant("/etc", outside_);
  // Restoring a path beneath the planted symlink is refused...
  auto refused = restore({"/etc/hosts"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("/etc is a symlink in the target"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(outside(), untouched_);
  // ...and a whole-tree restore replaces the symlink by the folder, following nothing.
  auto r = restore();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(actions(*r)["/etc"], "replace symlink with folder");
  EXPECT_TRUE(S_ISDIR(lstat_of("/etc").st_mode));
  EXPECT_EQ(read("/etc/hosts"), "h\n");
  EXPECT_EQ(outside(), untouched_);
}

TEST_F(HostileRestoreTest, TrackedSubfolderReplacedByASymlink) {
  write("/etc/ssh/sshd_config", "s\n");
  checkpoint();
  plant("/etc/ssh", outside_);
  EXPECT_FALSE(restore({"/etc/ssh/sshd_config"}));
  EXPECT_EQ(outside(), untouched_);
  auto r = restore({"/etc/ssh"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(S_ISDIR(lstat_of("/etc/ssh").st_mode));
  EXPECT_EQ(read("/etc/ssh/sshd_config"), "s\n");
  EXPECT_EQ(outside(), untouched_);
}

TEST_F(HostileRestoreTest, FileReplacedByASymlinkIsReplacedNotFollowed) {
  write("/etc/hosts", "h\n");
  write("/etc/motd", "m\n");
  checkpoint();
  plant("/etc/hosts", outside_ + "/target");
  plant("/etc/extra", outside_);  // an extra entry: removed as a symlink, its target kept
  auto r = restore();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(S_ISREG(lstat_of("/etc/hosts").st_mode));
  EXPECT_EQ(read("/etc/hosts"), "h\n");
  EXPECT_FALSE(exists("/etc/extra"));
  EXPECT_EQ(outside(), untouched_);
}

TEST_F(HostileRestoreTest, TreeWithDotDotNamesIsRefused) {
  // The target root is a folder inside root_, so "../x" would land in root_ itself.
  site_.root = at("/target");
  std::filesystem::create_directories(site_.root + "/etc");
  auto store = store::ObjectStore::init(site_.store);
  ASSERT_TRUE(store);
  for (const char* bad : {"..", "../x", "a/b", "."}) {
    store::TreeEntry file;
    file.name = bad;
    file.type = EntryType::file;
    file.mode = 0644;
    file.content = *store->put(store::ObjectType::blob, "escaped\n");
    file.size = 8;
    store::Tree etc{{file}};
    auto etc_hash = store->put(store::ObjectType::tree, store::encode_tree(etc));  // bypasses check_tree
    ASSERT_TRUE(etc_hash);
    store::TreeEntry folder;
    folder.name = "etc";
    folder.type = EntryType::folder;
    folder.mode = 0755;
    folder.content = *etc_hash;
    auto root_hash = store->put(store::ObjectType::tree, store::encode_tree(store::Tree{{folder}}));
    ASSERT_TRUE(root_hash);
    store::Snapshot snapshot;
    snapshot.tree = *root_hash;
    snapshot.metadata["spec"] = "track /etc\n";
    auto id = store->put(store::ObjectType::snapshot, store::encode_snapshot(snapshot));
    ASSERT_TRUE(id);
    ASSERT_TRUE(store->sync());
    CheckpointInfo info{*id, snapshot};
    RestoreOptions options;
    auto r = restore_checkpoint(site_, info, options);
    EXPECT_FALSE(r) << bad;
    EXPECT_FALSE(exists("/x")) << bad;
    EXPECT_FALSE(exists("/target/x")) << bad;
    EXPECT_FALSE(exists("/target/etc/x")) << bad;
    EXPECT_FALSE(exists("/target/a")) << bad;
  }
}

}  // namespace
}  // namespace herd::track
