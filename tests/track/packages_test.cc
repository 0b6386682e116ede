#include <gtest/gtest.h>

#include "track/beneath.h"
#include "track/packages/dpkg.h"
#include "track/packages/package.h"
#include "track/packages/rpm.h"
#include "temp_dir.h"

#include <filesystem>

namespace herd::track {
namespace {

constexpr const char* kStatus =
    "Package: bash\n"
    "Status: install ok installed\n"
    "Priority: required\n"
    "Architecture: amd64\n"
    "Version: 5.2.15-2+b2\n"
    "Description: GNU Bourne Again SHell\n"
    " Bash is an sh-compatible command language interpreter.\n"
    " .\n"
    " More text.\n"
    "\n"
    "Package: removed-but-configured\n"
    "Status: deinstall ok config-files\n"
    "Architecture: amd64\n"
    "Version: 1.0\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Architecture: i386\n"
    "Version: 2.36-9\n"
    "\n"
    "Package: libc6\n"
    "Status: install ok triggers-pending\n"
    "Architecture: amd64\n"
    "Version: 2.36-9\n"
    "\n"
    "Package: half\n"
    "Status: install reinstreq half-installed\n"
    "Architecture: all\n"
    "Version: 3\n";

TEST(Dpkg, ParsesInstalledPackagesOnly) {
  auto packages = parse_dpkg_status(kStatus, "status");
  ASSERT_TRUE(packages) << packages.error().message;
  std::vector<Package> want = {{"bash", "5.2.15-2+b2", "amd64"}, {"libc6", "2.36-9", "amd64"}, {"libc6", "2.36-9", "i386"}};
  EXPECT_EQ(*packages, want);
}

TEST(Dpkg, MalformedParagraphNamesTheLine) {
  auto packages = parse_dpkg_status("Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n\nnot a field\n", "st");
  ASSERT_FALSE(packages);
  EXPECT_EQ(packages.error().message, "st:6: expected 'Field: value'");
  packages = parse_dpkg_status("Package: a\nStatus: install ok installed\nArchitecture: all\n", "st");
  ASSERT_FALSE(packages);
  EXPECT_EQ(packages.error().message, "st:1: a has no Version");
}

TEST(Dpkg, ATabOrNulInAFieldIsRefusedNotStored) {
  // Such a package could not be written into the checkpoint's package list and read back.
  using namespace std::string_literals;
  for (std::string status : {"Package: a\tb\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"s,
                             "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\0x\n"s}) {
    auto packages = parse_dpkg_status(status, "st");
    ASSERT_FALSE(packages);
    EXPECT_EQ(packages.error().kind, ErrorKind::bad_input);
    EXPECT_NE(packages.error().message.find("st:1: package \"a"), std::string::npos) << packages.error().message;
  }
  auto rpm = parse_rpm_output("bash\t5.1\0\tx86_64\n"s);
  ASSERT_FALSE(rpm);
  EXPECT_EQ(rpm.error().message, "rpm -qa output line 1: expected name<TAB>version<TAB>arch, got \"bash\\t5.1\\x00\\tx86_64\"");
}

TEST(Dpkg, VersionOrder) {
  EXPECT_LT(dpkg_compare_versions("1.0", "1.1"), 0);
  EXPECT_LT(dpkg_compare_versions("1.0~rc1", "1.0"), 0);
  EXPECT_GT(dpkg_compare_versions("1:0.9", "2.0"), 0);
  EXPECT_LT(dpkg_compare_versions("1.0-1", "1.0-2"), 0);
  EXPECT_EQ(dpkg_compare_versions("1.0", "1.00"), 0);
  EXPECT_LT(dpkg_compare_versions("1.2.9", "1.2.10"), 0);
  EXPECT_GT(dpkg_compare_versions("1.0a", "1.0"), 0);
  EXPECT_LT(dpkg_compare_versions("1.0+b1", "1.0.1"), 0);
  EXPECT_LT(dpkg_compare_versions("2.36-9", "2.36-9+deb12u1"), 0);
}

TEST(Dpkg, DetectsAndListsBeneathARoot) {
  testing::TempDir root;
  std::filesystem::create_directories(root.file("var/lib/dpkg"));
  root.write("var/lib/dpkg/status", kStatus);
  auto fd = open_root(root.path());
  ASSERT_TRUE(fd);
  auto backend = detect_backend(fd->get());
  ASSERT_TRUE(backend);
  EXPECT_EQ(backend->name(), "dpkg");
  auto list = backend->list(root.path(), fd->get());
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 3u);
}

TEST(Dpkg, RestoreCommandsInstallVersionsAndRemoveExtras) {
  DpkgBackend dpkg;
  PackageList have{"dpkg", {{"curl", "7.0", "amd64"}, {"extra", "1", "all"}, {"vim", "9.1", "amd64"}}};
  PackageList want{"dpkg", {{"curl", "7.0", "amd64"}, {"nano", "7.2", "amd64"}, {"vim", "9.0", "amd64"}}};
  auto cmds = dpkg.restore_commands("/", have, want);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0], (std::vector<std::string>{"apt-get", "install", "-y", "--allow-downgrades", "nano=7.2", "vim=9.0"}));
  EXPECT_EQ(cmds[1], (std::vector<std::string>{"apt-get", "remove", "-y", "extra"}));
  auto chrooted = dpkg.restore_commands("/srv/img", have, want);
  EXPECT_EQ(chrooted[0][0], "chroot");
  EXPECT_EQ(chrooted[0][1], "/srv/img");
}

TEST(Rpm, ParsesQueryOutputAndComparesVersions) {
  std::vector<std::string> seen;
  RpmBackend rpm([&](const std::vector<std::string>& argv) -> Result<ProcessOutput> {
    seen = argv;
    return ProcessOutput{0, "bash\t5.1.8-6.el9\tx86_64\nkernel\t1:5.14.0-70.el9\tx86_64\ngpg-pubkey\tabc-def\t(none)\n"};
  });
  auto list = rpm.list("/img", -1);
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(seen[0], "rpm");
  EXPECT_EQ(seen[3], "/img");
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[2], (Package{"kernel", "1:5.14.0-70.el9", "x86_64"}));

  EXPECT_LT(rpm_compare_versions("5.1.8-6.el9", "5.1.8-7.el9"), 0);
  EXPECT_GT(rpm_compare_versions("1:1.0-1", "2.0-1"), 0);
  EXPECT_LT(rpm_compare_versions("1.0~rc1-1", "1.0-1"), 0);
  EXPECT_GT(rpm_compare_versions("1.0a-1", "1.0-1"), 0);
  EXPECT_LT(rpm_compare_segments("1.a", "1.1"), 0);
  EXPECT_EQ(rpm_compare_segments("1.01", "1.1"), 0);

  RpmBackend failing([](const std::vector<std::string>&) -> Result<ProcessOutput> { return ProcessOutput{1, "no db"}; });
  EXPECT_FALSE(failing.list("/", -1));
  RpmBackend garbage([](const std::vector<std::string>&) -> Result<ProcessOutput> { return ProcessOutput{0, "one field\n"}; });
  EXPECT_FALSE(garbage.list("/", -1));
}

TEST(Rpm, RestoreCommandsUseDnf) {
  RpmBackend rpm;
  PackageList have{"rpm", {{"a", "2.0-1", "x86_64"}, {"b", "1-1", "noarch"}}};
  PackageList want{"rpm", {{"a", "1.0-1", "x86_64"}, {"c", "3-1", "x86_64"}}};
  auto cmds = rpm.restore_commands("/img", have, want);
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[0], (std::vector<std::string>{"dnf", "-y", "--installroot=/img", "install", "c-3-1.x86_64"}));
  EXPECT_EQ(cmds[1], (std::vector<std::string>{"dnf", "-y", "--installroot=/img", "downgrade", "a-1.0-1.x86_64"}));
  EXPECT_EQ(cmds[2], (std::vector<std::string>{"dnf", "-y", "--installroot=/img", "remove", "b.noarch"}));
}

TEST(Packages, EncodingRoundTripsAndRejectsGarbage) {
  PackageList list{"dpkg", {{"a", "1", "all"}, {"b", "2:3-4", "amd64"}}};
  std::string text = encode_packages(list);
  EXPECT_EQ(text, "herd-packages 1 dpkg\na\t1\tall\nb\t2:3-4\tamd64\n");
  auto back = decode_packages(text, "t");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, list);
  EXPECT_FALSE(decode_packages("herd-packages 2 dpkg\n", "t"));
  EXPECT_FALSE(decode_packages("herd-packages 1 dpkg\nb\t1\tall\na\t1\tall\n", "t"));  // order
  EXPECT_FALSE(decode_packages("herd-packages 1 dpkg\na\t1\n", "t"));
}

TEST(Packages, DiffSaysUpgradedAndDowngraded) {
  DpkgBackend dpkg;
  PackageList before{"dpkg", {{"a", "1.0", "all"}, {"b", "2.0", "all"}, {"c", "1", "all"}}};
  PackageList after{"dpkg", {{"a", "1.1", "all"}, {"b", "1.9", "all"}, {"d", "4", "all"}}};
  auto changes = diff_packages(before, after, &dpkg);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].kind, PackageChange::Kind::upgraded);
  EXPECT_EQ(changes[0].before, "1.0");
  EXPECT_EQ(changes[0].after, "1.1");
  EXPECT_EQ(changes[1].kind, PackageChange::Kind::downgraded);
  EXPECT_EQ(changes[2].kind, PackageChange::Kind::removed);
  EXPECT_EQ(changes[3].kind, PackageChange::Kind::added);
}

}  // namespace
}  // namespace herd::track
