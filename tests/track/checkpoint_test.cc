#include <sys/sysmacros.h>

#include <gtest/gtest.h>

#include "store/file_content.h"
#include "track/checkpoint_ref.h"
#include "track/packages/package.h"
#include "track/stat_cache.h"
#include "track/walker.h"
#include "track_fixture.h"

namespace herd::track {
namespace {

using store::EntryType;
using testing::kOld;

class CheckpointTest : public testing::TrackFixture {};

TEST_F(CheckpointTest, RecordsEveryKindOfEntry) {
  write("/etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n");
  write("/etc/group", "root:x:0:\nstaff:x:1001:\n");
  write("/etc/hosts", "127.0.0.1 localhost\n");
  write("/etc/ssh/sshd_config", "PermitRootLogin no\n", 0600);
  ASSERT_EQ(::chmod(at("/etc/ssh").c_str(), 0700), 0);
  ASSERT_EQ(::symlink("../hosts", at("/etc/ssh/hosts-link").c_str()), 0);
  ASSERT_EQ(::mkfifo(at("/etc/fifo").c_str(), 0640), 0);
  write("/opt/app/big.bin", std::string(300 * 1024, 'x') + "tail", 0755);
  ASSERT_EQ(::link(at("/etc/hosts").c_str(), at("/opt/app/hosts-hardlink").c_str()), 0);
  bool root = testing::running_as_root();
  if (root) {
    ASSERT_EQ(::chown(at("/etc/ssh/sshd_config").c_str(), 1001, 1001), 0);
    ASSERT_EQ(::chown(at("/opt/app/big.bin").c_str(), 4242, 4343), 0);
    ASSERT_EQ(::mknod(at("/etc/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  }
  bool xattrs = xattrs_supported();
  if (xattrs) {
    ASSERT_EQ(::setxattr(at("/etc/hosts").c_str(), "user.note", "kept", 4, 0), 0);
  }

  auto r = checkpoint("first");
  EXPECT_FALSE(r.parent);
  auto e = entries(r.tree);
  ASSERT_TRUE(e.count("/etc/hosts"));
  EXPECT_EQ(e["/etc"].type, EntryType::folder);
  EXPECT_EQ(e["/etc/ssh"].mode, 0700u);
  const auto& config = e["/etc/ssh/sshd_config"];
  EXPECT_EQ(config.type, EntryType::file);
  EXPECT_EQ(config.mode, 0600u);
  EXPECT_EQ(config.size, 19u);
  EXPECT_EQ(config.mtime_ns, kOld);
  EXPECT_EQ(config.content, store::object_hash(store::ObjectType::blob, "PermitRootLogin no\n"));
  if (root) {
    EXPECT_EQ(config.uid, 1001u);
    EXPECT_EQ(config.user, "alice");
    EXPECT_EQ(config.group, "staff");
    EXPECT_EQ(e["/opt/app/big.bin"].uid, 4242u);
    EXPECT_EQ(e["/opt/app/big.bin"].user, "");  // no such name under the root
    EXPECT_EQ(e["/etc/null"].type, EntryType::char_device);
    EXPECT_EQ(e["/etc/null"].rdev, makedev(1, 3));
  }
  EXPECT_EQ(e["/etc/hosts"].user, "root");
  EXPECT_EQ(e["/etc/ssh/hosts-link"].type, EntryType::symlink);
  EXPECT_EQ(e["/etc/ssh/hosts-link"].link_target, "../hosts");
  EXPECT_EQ(e["/etc/ssh/hosts-link"].size, 8u);
  EXPECT_EQ(e["/etc/fifo"].type, EntryType::fifo);
  EXPECT_EQ(e["/etc/fifo"].mode, 0640u);
  EXPECT_EQ(e["/opt/app/big.bin"].size, 300u * 1024 + 4);
  EXPECT_EQ(e["/opt/app/big.bin"].mode, 0755u);
  EXPECT_NE(e["/etc/hosts"].hardlink_group, 0u);
  EXPECT_EQ(e["/etc/hosts"].hardlink_group, e["/opt/app/hosts-hardlink"].hardlink_group);
  EXPECT_EQ(e["/etc/hosts"].content, e["/opt/app/hosts-hardlink"].content);
  EXPECT_EQ(e["/etc/passwd"].hardlink_group, 0u);
  if (xattrs) {
    EXPECT_EQ(e["/etc/hosts"].xattrs.at("user.note"), "kept");
  }
  // The big file is chunked and reads back whole.
  auto s = store();
  auto big = store::read_content(s, e["/opt/app/big.bin"].content);
  ASSERT_TRUE(big);
  EXPECT_EQ(*big, std::string(300 * 1024, 'x') + "tail");

  auto info = latest();
  EXPECT_EQ(info.id, r.id);
  EXPECT_EQ(info.snapshot.message, "first");
  EXPECT_EQ(info.snapshot.author, "tester@node1");
  EXPECT_EQ(info.snapshot.metadata.at("host"), "node1");
  EXPECT_EQ(info.snapshot.metadata.at("spec"), "track /etc\ntrack /opt\n");
  EXPECT_EQ(r.changes, r.entries);
}

TEST_F(CheckpointTest, UnchangedTreeIsCheckpointedWithoutReadingContent) {
  for (int i = 0; i < 50; ++i) write(fmt::format("/etc/d{}/f{}.conf", i % 5, i), fmt::format("value {}\n", i));
  write("/opt/large.bin", std::string(200 * 1024, 'L'));
  ASSERT_EQ(::symlink("d0", at("/etc/link").c_str()), 0);
  auto first = checkpoint();
  EXPECT_EQ(first.files_read, 51u);
  EXPECT_EQ(first.cache_hits, 0u);

  auto second = checkpoint("again");
  EXPECT_EQ(second.files_read, 0u) << "an unchanged tree must not be read";
  EXPECT_EQ(second.cache_hits, 51u);
  EXPECT_EQ(second.tree, first.tree);
  EXPECT_EQ(second.changes, 0u);
  EXPECT_EQ(*second.parent, first.id);

  // One changed file is the only one read.
  write("/etc/d3/f3.conf", "changed\n");
  auto third = checkpoint();
  EXPECT_EQ(third.files_read, 1u);
  EXPECT_EQ(third.changes, 1u);
  EXPECT_NE(third.tree, first.tree);
}

TEST_F(CheckpointTest, SameSizeSameMtimeEditIsSeenThroughCtime) {
  write("/etc/motd", "hello\n");
  auto first = checkpoint();
  // Rewrite in place with the same size and put the old mtime back: only ctime changed.
  ASSERT_TRUE(write_file_atomically(at("/etc/motd"), "HELLO\n"));
  set_mtime("/etc/motd");
  auto second = checkpoint();
  EXPECT_EQ(second.files_read, 1u);
  auto e = entries(second.tree);
  EXPECT_EQ(e["/etc/motd"].content, store::object_hash(store::ObjectType::blob, "HELLO\n"));
  EXPECT_EQ(second.changes, 1u);
}

TEST_F(CheckpointTest, FilesNotOlderThanTheCacheAreReadAgain) {
  // An mtime at or after the cache's own write time could hide a later same-tick edit
  // (racily clean): such entries are never trusted. Far in the future is the sure case.
  write("/etc/old", "old\n");
  write("/etc/future", "future\n");
  set_mtime("/etc/future", (time(nullptr) + 3600) * 1'000'000'000LL);
  checkpoint();
  auto second = checkpoint();
  EXPECT_EQ(second.files_read, 1u);
  EXPECT_EQ(second.cache_hits, 1u);
}

TEST_F(CheckpointTest, ChmodAndXattrChangesAreRecorded) {
  write("/etc/secret", "s\n", 0644);
  checkpoint();
  ASSERT_EQ(::chmod(at("/etc/secret").c_str(), 0600), 0);
  bool xattrs = xattrs_supported();
  if (xattrs) {
    ASSERT_EQ(::setxattr(at("/etc/secret").c_str(), "user.tag", "v", 1, 0), 0);
  }
  auto second = checkpoint();
  auto e = entries(second.tree);
  EXPECT_EQ(e["/etc/secret"].mode, 0600u);
  if (xattrs) {
    EXPECT_EQ(e["/etc/secret"].xattrs.at("user.tag"), "v");
  }
  EXPECT_EQ(second.changes, 1u);
}

TEST_F(CheckpointTest, ExcludedEntriesTheStoreAndSymlinkedAncestorsAreSkipped) {
  set_spec("track /etc\ntrack /var/spool/cron\ntrack /srv\nexclude *.swp\nexclude /etc/cache\n");
  write("/etc/a.conf", "a\n");
  write("/etc/.a.conf.swp", "junk");
  write("/etc/cache/big", "cached");
  write("/etc/cache2/kept", "kept");
  std::filesystem::create_directories(at("/elsewhere/cron"));
  std::filesystem::create_directories(at("/var"));
  ASSERT_EQ(::symlink("../elsewhere", at("/var/spool").c_str()), 0);
  // A store beneath a tracked path is never recorded (it would record itself).
  site_.store = at("/srv/store");
  write("/srv/app.conf", "x\n");
  auto r = checkpoint();
  auto e = entries(r.tree);
  EXPECT_TRUE(e.count("/etc/a.conf"));
  EXPECT_FALSE(e.count("/etc/.a.conf.swp"));
  EXPECT_FALSE(e.count("/etc/cache"));
  EXPECT_TRUE(e.count("/etc/cache2/kept"));
  EXPECT_TRUE(e.count("/srv/app.conf"));
  EXPECT_FALSE(e.count("/srv/store"));
  EXPECT_FALSE(e.count("/var"));
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("/var/spool is not a folder") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST_F(CheckpointTest, PackagesAreRecordedWithTheCheckpoint) {
  write("/var/lib/dpkg/status",
        "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n");
  auto r = checkpoint();
  EXPECT_EQ(r.package_backend, "dpkg");
  EXPECT_EQ(r.packages, 1u);
  auto info = latest();
  auto hash = store::Hash::parse(info.snapshot.metadata.at("packages"));
  ASSERT_TRUE(hash);
  auto s = store();
  auto text = s.get(*hash, store::ObjectType::blob);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "herd-packages 1 dpkg\nbash\t5.2\tamd64\n");
}

TEST_F(CheckpointTest, APackageManagerThatFailsOnlyCostsThePackageList) {
  write("/var/lib/dpkg/status", "Package: broken\nStatus: install ok installed\n");  // no Version
  write("/etc/a", "a\n");
  auto r = checkpoint();
  EXPECT_EQ(r.package_backend, "");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("packages not recorded: "), std::string::npos);
  EXPECT_FALSE(latest().snapshot.metadata.count("packages"));
  EXPECT_TRUE(entries(r.tree).count("/etc/a"));
}

TEST_F(CheckpointTest, CacheForAnotherTreeIsNotTrusted) {
  write("/etc/a", "real\n");
  auto first = checkpoint();
  // A cache that claims /etc/a has other content, written for some other tree.
  struct stat st = lstat_of("/etc/a");
  StatRecord lie;
  lie.dev = st.st_dev;
  lie.ino = st.st_ino;
  lie.size = st.st_size;
  lie.mtime_ns = timespec_ns(st.st_mtim);
  lie.ctime_ns = timespec_ns(st.st_ctim);
  lie.content = store::object_hash(store::ObjectType::blob, "lie!\n");
  store::Hash other;
  other.bytes[0] = 1;
  ASSERT_TRUE(StatCache::write(site_.stat_cache(), other, {lie}));
  auto second = checkpoint();
  EXPECT_EQ(second.tree, first.tree);
  EXPECT_EQ(second.files_read, 1u);
}

TEST_F(CheckpointTest, WorkerThreadsRecordTheSameTree) {
  for (int i = 0; i < 40; ++i) write(fmt::format("/opt/f{}", i), std::string(1000 * (i + 1), char('a' + i % 26)));
  write("/opt/big", std::string(2 << 20, 'b'));
  auto one = checkpoint("", 1);
  // A second host name gives a fresh history and cache: everything is read again.
  site_.host = "node2";
  auto three = checkpoint("", 3);
  EXPECT_EQ(three.files_read, 41u);
  EXPECT_EQ(one.tree, three.tree);
}

TEST_F(CheckpointTest, CheckpointNamesResolve) {
  write("/etc/a", "1\n");
  auto c1 = checkpoint("one");
  write("/etc/a", "2\n");
  auto c2 = checkpoint("two");
  write("/etc/a", "3\n");
  auto c3 = checkpoint("three");
  auto s = store();
  store::Refs refs(site_.store);
  auto name = [&](std::string_view n) { return resolve_checkpoint(s, refs, site_.ref(), n); };
  EXPECT_EQ(name("latest")->id, c3.id);
  EXPECT_EQ(name("latest~0")->id, c3.id);
  EXPECT_EQ(name("latest~2")->id, c1.id);
  EXPECT_EQ(name(c2.id.hex().substr(0, 8))->id, c2.id);
  EXPECT_EQ(name(c2.id.hex())->id, c2.id);
  for (std::string_view bad : {"latest~3", "latest~x", "abc", "zzzz", "0000000000", "latest~-1"}) {
    auto r = name(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input) << bad;
  }
  auto history = load_history(s, refs, site_.ref());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].snapshot.message, "three");
  EXPECT_EQ((*history)[2].snapshot.message, "one");
}

TEST_F(CheckpointTest, SitesResolveDefaults) {
  write("/etc/hostname", "compute-0-1\n");
  SiteOptions options;
  options.root = root_.path() + "/";
  options.store = site_.store;
  auto site = resolve_site(options);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_EQ(site->root, root_.path());
  EXPECT_EQ(site->host, "compute-0-1");
  EXPECT_EQ(site->config, root_.path() + "/etc/herd/track.conf");
  EXPECT_EQ(site->ref(), "checkpoints/compute-0-1");
  options.node = "../evil";
  EXPECT_FALSE(resolve_site(options));
  options.node = "";
  options.root = root_.path() + "/etc/hostname";
  EXPECT_FALSE(resolve_site(options));
}

}  // namespace
}  // namespace herd::track
