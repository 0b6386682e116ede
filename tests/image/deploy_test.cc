// The deploy engine (image/deploy.h): exact first deploys, incremental updates that move
// only what changed, preserved, protected and excluded paths, verify, dry runs, and the
// failures that must leave the root as it was: a corrupt object, a full disk, a symlink
// planted in the target.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "image/capture_spec.h"
#include "image/deploy_state.h"
#include "image_fixture.h"
#include "store/file_content.h"

namespace herd::image::testing {
namespace {

std::vector<std::string> capture_excludes() {
  auto out = default_capture_excludes();
  out.push_back("/var/lib/herd/image");
  return out;
}

class DeployTest : public ImageFixture {};

TEST_F(DeployTest, AFirstDeployIsTheGoldenRootExactly) {
  make_rich_golden();
  auto r = capture("base");
  auto result = must(deploy_to(node(), r));
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(fingerprint(node(), capture_excludes()), fingerprint(golden(), capture_excludes()))
      << "every entry, mode, owner, mtime, xattr, link and device as on the golden client";
  // Holes stay holes; hardlinks stay one inode; the capability and ACL are there.
  struct stat st {};
  ASSERT_EQ(::stat(in(node(), "/var/log/lastlog").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 64 << 20);
  EXPECT_LE(st.st_blocks * 512, 64 * 1024);
  struct stat a {}, b {};
  ASSERT_EQ(::stat(in(node(), "/usr/lib/big.so").c_str(), &a), 0);
  ASSERT_EQ(::stat(in(node(), "/usr/lib/big-link.so").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  if (has_caps_) {
    EXPECT_GT(::getxattr(in(node(), "/usr/bin/tool").c_str(), "security.capability", nullptr, 0), 0);
  }
  if (acls_) {
    EXPECT_GT(::getxattr(in(node(), "/etc/shadow").c_str(), "system.posix_acl_access", nullptr, 0), 0);
  }
  if (running_as_root()) {
    ASSERT_EQ(::stat(in(node(), "/usr/bin/sudo").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 04755u) << "setuid survives the chown";
  }
  // The state records what was deployed.
  auto state = must(DeployState::open(node()));
  auto recorded = must(state.load());
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->tree, r.snapshot.tree);
  EXPECT_EQ(recorded->revision, 1u);
  EXPECT_TRUE(leftovers(node()).empty());
}

TEST_F(DeployTest, AnUpdateMovesOnlyWhatChanged) {
  make_rich_golden();
  for (int i = 0; i < 50; ++i) write(golden() + "/etc/conf.d/file" + std::to_string(i), "setting " + std::to_string(i) + "\n");
  auto r1 = capture("base");
  must(deploy_to(node(), r1));
  struct stat untouched_before {};
  ASSERT_EQ(::stat(in(node(), "/etc/conf.d/file7").c_str(), &untouched_before), 0);

  write(golden() + "/etc/conf.d/file3", "setting changed\n");
  ASSERT_EQ(::unlink((golden() + "/etc/conf.d/file4").c_str()), 0);
  write(golden() + "/etc/conf.d/new", "new\n");
  ASSERT_EQ(::chmod((golden() + "/etc/conf.d/file5").c_str(), 0600), 0);
  // 4 KiB changed in the middle of a 3 MiB binary, in place (it stays hardlinked).
  {
    int fd = ::open((golden() + "/usr/lib/big.so").c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, random_bytes(4096, 99).data(), 4096, 1 << 20), 4096);
    ::close(fd);
    set_mtime(golden() + "/usr/lib/big.so");
  }
  set_mtime(golden() + "/etc/conf.d");
  auto r2 = capture("base");

  CountingSource source(*store_);
  auto result = must(deploy_to(node(), r2, {}, &source));
  EXPECT_EQ(fingerprint(node(), capture_excludes()), fingerprint(golden(), capture_excludes()));
  EXPECT_EQ(result.created, 1u);
  EXPECT_EQ(result.removed, 1u);
  EXPECT_EQ(result.metadata, 1u);
  EXPECT_EQ(result.updated, 2u) << "file3 and big.so; big-link.so is linked to big.so";
  EXPECT_EQ(result.linked + result.replaced, 1u);
  struct stat a {}, b {};
  ASSERT_EQ(::stat(in(node(), "/usr/lib/big.so").c_str(), &a), 0);
  ASSERT_EQ(::stat(in(node(), "/usr/lib/big-link.so").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino) << "still one inode";
  // Only the changed chunks of big.so travelled; the rest was read back from the old file.
  EXPECT_GE(result.bytes_reused, (3u << 20) - 200 * 1024);
  EXPECT_LT(source.objects, 60u) << "trees on the changed paths, two blobs, a chunk list and a few chunks";
  struct stat untouched_after {};
  ASSERT_EQ(::stat(in(node(), "/etc/conf.d/file7").c_str(), &untouched_after), 0);
  EXPECT_EQ(untouched_after.st_ino, untouched_before.st_ino) << "an unchanged file is not rewritten";
  EXPECT_EQ(must(must(DeployState::open(node())).load())->revision, 2u);
}

TEST_F(DeployTest, ANoChangeUpdateAsksForNothing) {
  make_rich_golden();
  auto r = capture("base");
  must(deploy_to(node(), r));
  CountingSource source(*store_);
  auto result = must(deploy_to(node(), r, {}, &source));
  EXPECT_FALSE(result.changed);
  EXPECT_EQ(source.streams, 0u);
}

TEST_F(DeployTest, VerifyPutsBackWhatDriftedAndReadsNothingWhenNothingDid) {
  make_rich_golden();
  auto r = capture("base");
  must(deploy_to(node(), r));
  DeployOptions verify;
  verify.verify = true;
  auto clean = must(deploy_to(node(), r, verify));
  EXPECT_FALSE(clean.changed);
  EXPECT_TRUE(clean.repaired.empty());

  write(in(node(), "/etc/motd"), "defaced\n");
  ASSERT_EQ(::chmod(in(node(), "/usr/bin/tool").c_str(), 0777), 0);
  ASSERT_EQ(::unlink(in(node(), "/usr/lib/libbig.so").c_str()), 0);
  write(in(node(), "/usr/bin/dropped-in"), "not in the image\n");
  std::filesystem::remove_all(in(node(), "/srv/empty"));
  auto repaired = must(deploy_to(node(), r, verify));
  EXPECT_TRUE(repaired.changed);
  std::set<std::string> paths(repaired.repaired.begin(), repaired.repaired.end());
  for (const char* p : {"/etc/motd", "/usr/bin/tool", "/usr/lib/libbig.so", "/usr/bin/dropped-in", "/srv/empty"})
    EXPECT_TRUE(paths.count(p)) << p;
  EXPECT_EQ(fingerprint(node(), capture_excludes()), fingerprint(golden(), capture_excludes()));
  if (has_caps_) {
    EXPECT_GT(::getxattr(in(node(), "/usr/bin/tool").c_str(), "security.capability", nullptr, 0), 0);
  }
}

TEST_F(DeployTest, PreservedPathsAreCreatedWhenMissingAndNeverChanged) {
  write(golden() + "/etc/fstab", "from the image\n");
  write(golden() + "/etc/motd", "image\n");
  write(golden() + "/home/alice/.profile", "image profile\n");
  auto r1 = capture("base", "", {}, ImageSettings{"", "", {"/etc/motd"}, {}});
  must(deploy_to(node(), r1));
  EXPECT_EQ(read(in(node(), "/etc/fstab")), "from the image\n") << "created when missing";
  write(in(node(), "/etc/fstab"), "the node's own\n");
  write(in(node(), "/home/alice/notes"), "alice's\n");
  write(golden() + "/etc/fstab", "image v2\n");
  write(golden() + "/etc/motd", "image v2\n");
  write(golden() + "/home/bob/.profile", "bob\n");
  auto r2 = capture("base", "", {}, ImageSettings{"", "", {"/etc/motd"}, {}});
  DeployOptions verify;
  verify.verify = true;
  must(deploy_to(node(), r2, verify));
  EXPECT_EQ(read(in(node(), "/etc/fstab")), "the node's own\n");
  EXPECT_EQ(read(in(node(), "/etc/motd")), "image\n") << "the image's own preserve list";
  EXPECT_EQ(read(in(node(), "/home/alice/notes")), "alice's\n");
  EXPECT_EQ(read(in(node(), "/home/bob/.profile")), "bob\n") << "missing inside a preserved folder: created";
}

TEST_F(DeployTest, TheStateAndExcludedPathsSurviveAnImageWithoutTheirFolders) {
  write(golden() + "/etc/motd", "image\n");
  auto r = capture("base");
  must(deploy_to(node(), r));
  write(in(node(), "/etc/ssh/ssh_host_ed25519_key"), "the node's key\n");
  write(in(node(), "/proc/cpuinfo"), "not really\n");
  write(in(node(), "/var/lib/herd/agent/agent.json"), "{}\n");
  write(in(node(), "/var/cache/junk"), "junk\n");
  DeployOptions verify;
  verify.verify = true;
  must(deploy_to(node(), r, verify));
  EXPECT_EQ(read(in(node(), "/etc/ssh/ssh_host_ed25519_key")), "the node's key\n");
  EXPECT_EQ(read(in(node(), "/proc/cpuinfo")), "not really\n");
  EXPECT_EQ(read(in(node(), "/var/lib/herd/agent/agent.json")), "{}\n");
  EXPECT_TRUE(must(must(DeployState::open(node())).load()).has_value());
  EXPECT_FALSE(std::filesystem::exists(in(node(), "/var/cache"))) << "what is neither kept nor in the image goes";
}

TEST_F(DeployTest, ADryRunChangesNothing) {
  make_rich_golden();
  auto r1 = capture("base");
  must(deploy_to(node(), r1));
  write(golden() + "/etc/motd", "changed\n");
  auto r2 = capture("base");
  auto before = fingerprint(node());
  DeployOptions dry;
  dry.dry_run = true;
  std::vector<DeployAction> actions;
  dry.on_action = [&](const DeployAction& a) { actions.push_back(a); };
  auto result = must(deploy_to(node(), r2, dry));
  EXPECT_TRUE(result.changed);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].path, "/etc/motd");
  EXPECT_EQ(fingerprint(node()), before);
}

TEST_F(DeployTest, ACorruptObjectIsRefusedNamedAndNothingIsApplied) {
  make_rich_golden();
  auto r1 = capture("base");
  must(deploy_to(node(), r1));
  write(golden() + "/etc/motd", "first change\n");
  write(golden() + "/usr/bin/zzz-last", "the corrupt one\n");
  auto r2 = capture("base");
  auto before = fingerprint(node());
  CountingSource source(*store_);
  source.corrupt = store::object_hash(store::ObjectType::blob, "the corrupt one\n");
  auto result = deploy_to(node(), r2, {}, &source);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find(source.corrupt->hex()), std::string::npos) << result.error().message;
  EXPECT_EQ(fingerprint(node()), before) << "motd was staged, not applied";
  EXPECT_TRUE(leftovers(node()).empty());
  EXPECT_EQ(must(must(DeployState::open(node())).load())->revision, 1u);
}

TEST_F(DeployTest, ASymlinkPlantedInTheTargetNeverLeadsOutside) {
  write(golden() + "/etc/motd", "image\n");
  write(golden() + "/etc/issue", "issue\n");
  auto r = capture("base");
  std::string outside = dir_.path() + "/outside";
  std::filesystem::create_directories(outside);
  write(outside + "/issue", "outside's own\n");
  std::filesystem::create_directories(node());
  ASSERT_EQ(::symlink(outside.c_str(), in(node(), "/etc").c_str()), 0);
  must(deploy_to(node(), r));
  EXPECT_EQ(read(outside + "/issue"), "outside's own\n");
  EXPECT_FALSE(std::filesystem::exists(outside + "/motd"));
  struct stat st {};
  ASSERT_EQ(::lstat(in(node(), "/etc").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode)) << "the symlink was replaced by the image's folder";
  // A symlink where a file goes is replaced, never written through.
  ASSERT_EQ(::unlink(in(node(), "/etc/issue").c_str()), 0);
  ASSERT_EQ(::symlink((outside + "/issue").c_str(), in(node(), "/etc/issue").c_str()), 0);
  DeployOptions verify;
  verify.verify = true;
  must(deploy_to(node(), r, verify));
  EXPECT_EQ(read(outside + "/issue"), "outside's own\n");
  EXPECT_EQ(read(in(node(), "/etc/issue")), "issue\n");
}

// A full disk: the deploy fails with the error, the root and its recorded revision stay
// as they were, and no temporary file is left. The root is a 4 MiB tmpfs mounted in this
// test's own mount namespace.
TEST_F(DeployTest, AFullDiskFailsCleanly) {
  ASSERT_TRUE(running_as_root()) << "mounting a small file system needs root (CI runs as root)";
  ASSERT_EQ(::unshare(CLONE_NEWNS), 0);
  ASSERT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
  std::string small = dir_.path() + "/small";
  std::filesystem::create_directories(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=4m"), 0);
  write(golden() + "/etc/motd", "image\n");
  auto r1 = capture("base");
  must(deploy_to(small, r1));
  write(golden() + "/etc/motd", "image v2\n");
  write(golden() + "/srv/huge.bin", random_bytes(6 << 20, 5));
  auto r2 = capture("base");
  auto before = fingerprint(small);
  auto result = deploy_to(small, r2);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("No space left"), std::string::npos) << result.error().message;
  EXPECT_EQ(fingerprint(small), before);
  EXPECT_TRUE(leftovers(small).empty());
  EXPECT_EQ(must(must(DeployState::open(small)).load())->revision, 1u);
  EXPECT_EQ(read(small + "/etc/motd"), "image\n") << "the node still works: its files are whole";
  ::umount2(small.c_str(), MNT_DETACH);
}

TEST_F(DeployTest, TypeChangesInBothDirections) {
  write(golden() + "/a/file", "x\n");
  write(golden() + "/b", "b was a file\n");
  ASSERT_EQ(::symlink("a", (golden() + "/c").c_str()), 0);
  auto r1 = capture("base");
  must(deploy_to(node(), r1));
  std::filesystem::remove_all(golden() + "/a");
  write(golden() + "/a", "a is a file now\n");
  ASSERT_EQ(::unlink((golden() + "/b").c_str()), 0);
  write(golden() + "/b/inside", "b is a folder now\n");
  ASSERT_EQ(::unlink((golden() + "/c").c_str()), 0);
  folder(golden() + "/c");
  auto r2 = capture("base");
  must(deploy_to(node(), r2));
  auto excludes = capture_excludes();
  excludes.push_back("/var");  // the golden has none; the node has its deploy state there
  EXPECT_EQ(fingerprint(node(), excludes), fingerprint(golden(), excludes));
  must(deploy_to(node(), r1));
  EXPECT_EQ(read(in(node(), "/a/file")), "x\n");
  EXPECT_EQ(read(in(node(), "/b")), "b was a file\n");
}

TEST_F(DeployTest, AnExactCheckoutKeepsNothingElse) {
  write(golden() + "/etc/fstab", "image fstab\n");
  auto r = capture("base");
  write(in(node(), "/etc/fstab"), "old\n");
  write(in(node(), "/var/lib/herd/image/deployed.json"), "{}");
  DeployOptions exact;
  exact.exact = true;
  exact.record = false;
  exact.verify = true;
  must(deploy_to(node(), r, exact));
  EXPECT_EQ(read(in(node(), "/etc/fstab")), "image fstab\n");
  EXPECT_FALSE(std::filesystem::exists(in(node(), "/var")));
}

}  // namespace
}  // namespace herd::image::testing
