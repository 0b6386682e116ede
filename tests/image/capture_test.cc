// Capture (image/capture.h): what is left out by default, other file systems, the
// incremental second capture, and the package list.
#include <sched.h>
#include <sys/mount.h>

#include <gtest/gtest.h>

#include "image/tree_packages.h"
#include "image_fixture.h"
#include "track/stat_cache.h"

namespace herd::image::testing {
namespace {

class CaptureTest : public ImageFixture {};

std::set<std::string> paths_of(const store::ObjectStore& store, const store::Hash& tree) {
  std::set<std::string> out;
  track::StoredTrees trees(store);
  auto walk = [&](auto& self, track::Node& node, const std::string& path) -> void {
    if (!trees.load(node)) return;
    for (auto& child : node.children) {
      std::string p = path == "/" ? "/" + child.entry.name : path + "/" + child.entry.name;
      out.insert(p);
      if (child.is_folder()) self(self, child, p);
    }
  };
  auto root = trees.root(tree);
  if (root) walk(walk, *root, "/");
  return out;
}

TEST_F(CaptureTest, TheDefaultExcludesLeaveOutWhatEachNodeHasOfItsOwn) {
  std::string g = golden();
  for (const char* p : {"/proc/1/status", "/sys/kernel/x", "/dev/pts/0", "/run/lock/x", "/tmp/scratch", "/var/tmp/t",
                        "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_rsa_key.pub", "/etc/machine-id", "/etc/hostname",
                        "/var/lib/dbus/machine-id", "/etc/udev/rules.d/70-persistent-net.rules", "/etc/lvm/cache/.cache",
                        "/var/lib/nfs/rmtab", "/lost+found/123", "/srv/lost+found/9", "/var/lib/herd/agent/agent.json",
                        "/var/lib/herd/image/deployed.json", "/etc/ssh/sshd_config", "/etc/udev/rules.d/99-local.rules",
                        "/var/lib/herd/herd.db", "/srv/data/.herd-image-123-abc", "/opt/keep/me"})
    write(g + p, "x\n");
  auto r = capture("base", "", {"/opt/keep/*"});
  auto paths = paths_of(*store_, r.snapshot.tree);
  for (const char* kept : {"/proc", "/sys", "/dev", "/run", "/tmp", "/var/tmp", "/etc/ssh/sshd_config",
                           "/etc/udev/rules.d/99-local.rules", "/var/lib/herd/herd.db", "/opt/keep"})
    EXPECT_TRUE(paths.count(kept)) << kept;
  for (const char* left : {"/proc/1", "/sys/kernel", "/dev/pts", "/run/lock", "/tmp/scratch", "/var/tmp/t",
                           "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_rsa_key.pub", "/etc/machine-id",
                           "/etc/hostname", "/var/lib/dbus/machine-id", "/etc/udev/rules.d/70-persistent-net.rules",
                           "/etc/lvm/cache/.cache", "/var/lib/nfs/rmtab", "/lost+found", "/srv/lost+found",
                           "/var/lib/herd/agent", "/var/lib/herd/image", "/srv/data/.herd-image-123-abc", "/opt/keep/me"})
    EXPECT_FALSE(paths.count(left)) << left;
}

TEST_F(CaptureTest, OtherFileSystemsAreMountPointsOnly) {
  ASSERT_TRUE(running_as_root()) << "mounting needs root (CI runs as root)";
  ASSERT_EQ(::unshare(CLONE_NEWNS), 0);
  ASSERT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
  write(golden() + "/etc/motd", "hi\n");
  folder(golden() + "/mnt/nfs");
  ASSERT_EQ(::mount("tmpfs", (golden() + "/mnt/nfs").c_str(), "tmpfs", 0, "size=1m"), 0);
  write(golden() + "/mnt/nfs/home-of-someone", "not the image's\n");
  auto r = capture("base");
  auto paths = paths_of(*store_, r.snapshot.tree);
  EXPECT_TRUE(paths.count("/mnt/nfs"));
  EXPECT_FALSE(paths.count("/mnt/nfs/home-of-someone"));
  ::umount2((golden() + "/mnt/nfs").c_str(), MNT_DETACH);
}

TEST_F(CaptureTest, ASecondCaptureReadsOnlyWhatChanged) {
  for (int i = 0; i < 30; ++i) write(golden() + "/etc/f" + std::to_string(i), std::string(5000, 'a' + i % 26));
  CaptureOptions options;
  options.stat_cache = dir_.path() + "/statcache";
  auto first = must(capture_root(*store_, golden(), options));
  EXPECT_EQ(first.files_read, 30u);
  write(golden() + "/etc/f3", "changed\n");
  options.trusted_tree = first.tree;
  auto second = must(capture_root(*store_, golden(), options));
  EXPECT_EQ(second.files_read, 1u);
  EXPECT_EQ(second.cache_hits, 29u);
  EXPECT_NE(second.tree, first.tree);
  // A cache for another tree is not trusted.
  options.trusted_tree = store::object_hash(store::ObjectType::tree, "other");
  auto third = must(capture_root(*store_, golden(), options));
  EXPECT_EQ(third.files_read, 30u);
  EXPECT_EQ(third.tree, second.tree);
}

TEST_F(CaptureTest, ThePackageListComesFromTheRootsDpkgDatabase) {
  write(golden() + "/var/lib/dpkg/status",
        "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: all\n\n"
        "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2+deb12u3\nArchitecture: amd64\n");
  auto captured = must(capture_root(*store_, golden(), {}));
  ASSERT_TRUE(captured.packages);
  EXPECT_EQ(captured.package_backend, "dpkg");
  EXPECT_EQ(captured.package_count, 2u);
  auto from_tree = must(tree_packages(*store_, captured.tree));
  ASSERT_TRUE(from_tree);
  EXPECT_EQ(from_tree->packages.size(), 2u);
  EXPECT_EQ(from_tree->packages[1].name, "openssh-server");
}

}  // namespace
}  // namespace herd::image::testing
