// Disk layouts: the grammar, size arithmetic, per-node sizes and every error naming
// FILE:LINE (src/image/disk/layout.h).
#include "image/disk/layout.h"

#include <gtest/gtest.h>

namespace herd::image::disk {
namespace {

Layout parse_ok(const std::string& text, const Attributes* attributes = nullptr, const std::string& node = "n") {
  auto r = parse_layout(text, "l.txt", attributes, node);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Layout{};
}

// The error message of a layout that must not parse.
std::string parse_error(const std::string& text, const Attributes* attributes = nullptr) {
  auto r = parse_layout(text, "l.txt", attributes, "compute-0-1");
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  return r.error().message;
}

constexpr const char* kCompute =
    "# compute nodes\n"
    "disk sda gpt\n"
    "part bios_grub 1MiB\n"
    "part /boot/efi 512MiB vfat umask=0077\n"
    "part /       8GiB  ext4 noatime,errors=remount-ro   # the system\n"
    "part swap    2GiB\n"
    "part /home   ${attr.home_size:-20%} xfs\n"
    "part /scr    rest  xfs  noatime\n";

TEST(Layout, ParsesTheComputeExample) {
  auto l = parse_ok(kCompute);
  ASSERT_EQ(l.disks.size(), 1u);
  const auto& d = l.disks[0];
  EXPECT_EQ(d.name, "sda");
  EXPECT_EQ(d.label, Label::gpt);
  ASSERT_EQ(d.partitions.size(), 6u);
  EXPECT_EQ(d.partitions[0].volume.target.kind, Target::Kind::bios_grub);
  EXPECT_EQ(d.partitions[1].volume.fs, FsType::vfat);
  EXPECT_EQ(d.partitions[1].volume.options, "umask=0077");
  EXPECT_EQ(d.partitions[2].volume.target.name, "/");
  EXPECT_EQ(d.partitions[2].size.value, 8u * 1024);
  EXPECT_EQ(d.partitions[2].volume.options, "noatime,errors=remount-ro");
  EXPECT_EQ(d.partitions[2].volume.line, 5);
  EXPECT_EQ(d.partitions[3].volume.fs, FsType::swap);
  EXPECT_EQ(d.partitions[4].size.kind, Size::Kind::percent);
  EXPECT_EQ(d.partitions[4].size.attribute, "home_size");
  EXPECT_EQ(d.partitions[4].volume.options, "defaults");
  EXPECT_EQ(d.partitions[5].size.kind, Size::Kind::rest);
  EXPECT_EQ(l.boot, Boot::both);
  EXPECT_FALSE(l.boot_written);
  EXPECT_EQ(l.filesystems().size(), 5u);  // not bios_grub
  ASSERT_NE(l.mounted_at("/scr"), nullptr);
  EXPECT_EQ(l.mounted_at("/scr")->fs, FsType::xfs);
  EXPECT_EQ(l.mounted_at("/nowhere"), nullptr);
}

TEST(Layout, DefaultLayoutBootsBothWays) {
  auto l = parse_ok(kDefaultLayout);
  EXPECT_EQ(l.boot, Boot::both);
  EXPECT_NE(l.mounted_at("/"), nullptr);
  EXPECT_NE(l.mounted_at("/boot/efi"), nullptr);
}

TEST(Layout, BootDefaultsToWhatIsPossible) {
  EXPECT_EQ(parse_ok("disk a msdos\npart / rest ext4\n").boot, Boot::bios);
  EXPECT_EQ(parse_ok("disk a gpt\npart /boot/efi 100MiB vfat\npart / rest ext4\n").boot, Boot::uefi);
  EXPECT_EQ(parse_ok("disk a gpt\npart / rest ext4\n").boot, Boot::none);
  EXPECT_EQ(parse_ok("disk a msdos\npart / rest ext4\nboot none\n").boot, Boot::none);
  EXPECT_EQ(parse_ok("boot bios\ndisk a gpt\npart bios_grub 1MiB\npart / rest ext4\n").boot, Boot::bios);
}

TEST(Layout, RaidAndLvm) {
  auto l = parse_ok(
      "disk a gpt\n"
      "part bios_grub 1MiB\n"
      "part raid:md0 1GiB\n"
      "part lvm:vg0 rest\n"
      "disk b gpt\n"
      "part bios_grub 1MiB\n"
      "part raid:md0 1GiB\n"
      "part lvm:vg0 rest\n"
      "raid md0 /boot ext4\n"
      "lv vg0/root / 20GiB ext4\n"
      "lv vg0/swap swap 4GiB\n"
      "lv vg0/scratch /scr rest xfs\n");
  ASSERT_EQ(l.raids.size(), 1u);
  EXPECT_EQ(l.raids[0].volume.target.name, "/boot");
  ASSERT_EQ(l.volumes.size(), 3u);
  EXPECT_EQ(l.volumes[0].group, "vg0");
  EXPECT_EQ(l.volumes[0].name, "root");
  EXPECT_EQ(l.volumes[1].volume.fs, FsType::swap);
  EXPECT_EQ(l.groups(), std::vector<std::string>{"vg0"});
  EXPECT_EQ(l.boot, Boot::bios);
}

TEST(Layout, LvmOnRaid) {
  auto l = parse_ok(
      "disk a msdos\npart /boot 1GiB ext4\npart raid:md1 rest\n"
      "disk b msdos\npart /data 1GiB xfs\npart raid:md1 rest\n"
      "raid md1 lvm:sys\n"
      "lv sys/root / 50% ext4\n");
  EXPECT_EQ(l.groups(), std::vector<std::string>{"sys"});
}

TEST(Size, Words) {
  auto s = parse_size("512MiB", "x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->value, 512u);
  EXPECT_EQ(parse_size("3GiB", "x")->value, 3072u);
  EXPECT_EQ(parse_size("2TiB", "x")->value, 2u * 1024 * 1024);
  EXPECT_EQ(parse_size("100%", "x")->kind, Size::Kind::percent);
  EXPECT_EQ(parse_size("rest", "x")->kind, Size::Kind::rest);
  for (const char* bad : {"", "0MiB", "1.5GiB", "12", "5GB", "5 GiB", "-1MiB", "101%", "0%", "MiB", "999999999999999TiB",
                          "1099511627777MiB", "${attr.x}"}) {
    auto r = parse_size(bad, "size");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("bad size"), std::string::npos);
    }
  }
}

TEST(Placement, UsableSpace) {
  const uint64_t two_gib = uint64_t{2} << 30;
  EXPECT_EQ(usable_mib(two_gib, Label::msdos), 2047u);  // all but the first MiB
  EXPECT_EQ(usable_mib(two_gib, Label::gpt), 2046u);    // and the last MiB holds the backup table
  EXPECT_EQ(usable_mib(1 << 20, Label::gpt), 0u);
  EXPECT_EQ(usable_mib(0, Label::msdos), 0u);
}

TEST(Placement, FixedPercentAndRest) {
  auto l = parse_ok("disk a gpt\npart bios_grub 1MiB\npart / 1GiB ext4\npart /home 10% xfs\npart /scr rest xfs\n");
  const uint64_t two_gib = uint64_t{2} << 30;
  auto p = place_partitions(l.disks[0], two_gib, "disk.img");
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].start, 2048u);
  EXPECT_EQ((*p)[0].sectors, 2048u);
  EXPECT_EQ((*p)[1].start, 4096u);
  EXPECT_EQ((*p)[1].mib(), 1024u);
  EXPECT_EQ((*p)[2].mib(), 204u);  // 10% of 2046 MiB, rounded down
  EXPECT_EQ((*p)[3].mib(), 2046u - 1 - 1024 - 204);
  EXPECT_EQ((*p)[3].start + (*p)[3].sectors, 2048u + 2046u * 2048);  // ends where the usable space ends
  for (size_t i = 1; i < p->size(); ++i) EXPECT_EQ((*p)[i].start, (*p)[i - 1].start + (*p)[i - 1].sectors);
}

TEST(Placement, DoesNotFit) {
  auto l = parse_ok("disk a gpt\npart / 2GiB ext4\n");
  auto p = place_partitions(l.disks[0], uint64_t{2} << 30, "disk.img");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::bad_input);
  EXPECT_NE(p.error().message.find("needs 2048 MiB but the disk has 2046 MiB usable"), std::string::npos)
      << p.error().message;
  EXPECT_NE(p.error().message.find("disk.img"), std::string::npos);
  // A rest with nothing left is refused too.
  auto full = parse_ok("disk a msdos\npart / 2047MiB ext4\npart /scr rest xfs\n");
  EXPECT_FALSE(place_partitions(full.disks[0], uint64_t{2} << 30, "d").ok());
  auto tiny = parse_ok("disk a msdos\npart / 1% ext4\n");
  EXPECT_FALSE(place_partitions(tiny.disks[0], uint64_t{50} << 20, "d").ok());
}

// The seed story: on nodes with bigger disks /scr grew and /home shrank, by attribute.
TEST(Layout, PerNodeSizesFromAttributes) {
  const char* text =
      "disk sda gpt\npart bios_grub 1MiB\npart / 1GiB ext4\n"
      "part /home ${attr.home_size:-512MiB} xfs\npart /scr ${attr.scr_size:-rest} xfs\n";
  Attributes old_node;  // no attributes: the defaults
  auto a = parse_ok(text, &old_node);
  EXPECT_EQ(a.mounted_at("/home") != nullptr, true);
  EXPECT_EQ(a.disks[0].partitions[2].size.value, 512u);
  EXPECT_EQ(a.disks[0].partitions[3].size.kind, Size::Kind::rest);
  Attributes big = {{"home_size", "256MiB"}, {"scr_size", "700MiB"}};
  auto b = parse_ok(text, &big);
  EXPECT_EQ(b.disks[0].partitions[2].size.value, 256u);
  EXPECT_EQ(b.disks[0].partitions[2].size.attribute, "home_size");
  EXPECT_EQ(b.disks[0].partitions[3].size.value, 700u);
  auto pa = place_partitions(a.disks[0], uint64_t{2} << 30, "d");
  auto pb = place_partitions(b.disks[0], uint64_t{2} << 30, "d");
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_GT((*pa)[2].mib(), (*pb)[2].mib());   // /home shrank
  EXPECT_EQ((*pa)[3].mib(), 2046u - 1 - 1024 - 512);
  EXPECT_EQ((*pb)[3].mib(), 700u);
  EXPECT_GT((*pb)[3].mib(), (*pa)[3].mib());  // /scr grew
}

TEST(Layout, AttributeErrors) {
  const char* no_default = "disk sda msdos\npart / ${attr.root_size} ext4\n";
  Attributes none;
  auto missing = parse_error(no_default, &none);
  EXPECT_NE(missing.find("l.txt:2:"), std::string::npos) << missing;
  EXPECT_NE(missing.find("compute-0-1 has no attribute root_size"), std::string::npos) << missing;
  Attributes bad = {{"root_size", "lots"}};
  auto not_size = parse_error(no_default, &bad);
  EXPECT_NE(not_size.find("attribute root_size of node compute-0-1 is 'lots', not a size"), std::string::npos)
      << not_size;
  // Checked without a node: a reference without a default stands for 1MiB.
  auto checked = parse_ok(no_default);
  EXPECT_EQ(checked.disks[0].partitions[0].size.value, 1u);
  EXPECT_NE(parse_error("disk a msdos\npart / ${attr.x:-big} ext4\n").find("the default 'big'"), std::string::npos);
  EXPECT_NE(parse_error("disk a msdos\npart / ${env.x} ext4\n").find("only ${attr.NAME}"), std::string::npos);
  EXPECT_NE(parse_error("disk a msdos\npart / ${attr.x ext4\n").find("bad reference"), std::string::npos);
  EXPECT_NE(parse_error("disk a msdos\npart / ${attr.a/b:-1GiB} ext4\n").find("bad attribute name"), std::string::npos);
}

struct BadLayout {
  const char* text;
  const char* message;  // part of the error, which starts with "l.txt:LINE:" when a line is at fault
};

TEST(Layout, ErrorsNameFileLineAndWhat) {
  const BadLayout cases[] = {
      {"", "l.txt: no disk"},
      {"# only a comment\n", "l.txt: no disk"},
      {"disk a gpt\nformat / ext4\n", "l.txt:2: unknown statement 'format'"},
      {"part / 1GiB ext4\n", "l.txt:1: 'part' before any 'disk'"},
      {"disk a\n", "l.txt:1: expected 'disk NAME gpt|msdos'"},
      {"disk a mbr\n", "l.txt:1: unknown partition table 'mbr'"},
      {"disk a/b gpt\n", "l.txt:1: bad disk name"},
      {"disk a gpt\ndisk a gpt\n", "l.txt:2: disk 'a' is defined twice (first on line 1)"},
      {"disk a gpt\npart /\n", "l.txt:2: expected 'part TARGET SIZE"},
      {"disk a gpt\npart / 1GiB\n", "l.txt:2: / needs a file system"},
      {"disk a gpt\npart / 1GiB btrfs\n", "l.txt:2: unknown file system 'btrfs'"},
      {"disk a gpt\npart / 1Gb ext4\n", "l.txt:2: bad size '1Gb'"},
      {"disk a gpt\npart home 1GiB ext4\n", "l.txt:2: bad target 'home'"},
      {"disk a gpt\npart /a/../b 1GiB ext4\n", "l.txt:2: bad mount point '/a/../b'"},
      {"disk a gpt\npart /a/ 1GiB ext4\n", "l.txt:2: bad mount point '/a/'"},
      {"disk a gpt\npart //a 1GiB ext4\n", "l.txt:2: bad mount point '//a'"},
      {"disk a gpt\npart / 1GiB ext4 no;atime\n", "l.txt:2: bad mount options 'no;atime'"},
      {"disk a gpt\npart / 1GiB ext4 defaults extra\n", "l.txt:2: unexpected 'extra'"},
      {"disk a gpt\npart / 1GiB ext4\npart / 1GiB xfs\n", "l.txt:3: / is mounted twice (first on line 2)"},
      {"disk a gpt\npart /home 1GiB ext4\n", "l.txt: no partition or volume is mounted at /"},
      {"disk a gpt\npart /boot/efi 1GiB ext4\npart / rest ext4\n", "l.txt:2: /boot/efi must be vfat"},
      {"disk a gpt\npart / 1GiB vfat\n", "l.txt:2: / cannot be vfat"},
      {"disk a gpt\npart swap 1GiB xfs\npart / rest ext4\n", "l.txt:2: swap space cannot hold xfs"},
      {"disk a gpt\npart /s 1GiB swap\n", "l.txt:2: /s: swap is not mounted"},
      {"disk a msdos\npart bios_grub 1MiB\n", "l.txt:2: bios_grub is a partition of a gpt disk only"},
      {"disk a msdos\npart /a 1GiB ext4\npart /b 1GiB ext4\npart /c 1GiB ext4\npart /d 1GiB ext4\npart / 1GiB ext4\n",
       "l.txt:6: disk a is msdos: at most 4 partitions"},
      {"disk a gpt\npart / rest ext4\npart /scr rest xfs\n", "l.txt:1: disk a has 2 'rest' sizes"},
      {"disk a gpt\npart / 60% ext4\npart /scr 50% xfs\n", "l.txt:1: the % sizes of disk a add up to 110%"},
      {"disk a gpt\ndisk b gpt\npart / 1GiB ext4\n", "l.txt:1: disk a has no partitions"},
      {"disk a gpt\npart raid:md0 1GiB\npart / rest ext4\n", "l.txt:2: RAID set md0 is not defined"},
      {"disk a gpt\npart raid:md0 1GiB\ndisk b gpt\npart / rest ext4\nraid md0 /data xfs\n",
       "l.txt:5: RAID set md0 has 1 member(s)"},
      {"disk a gpt\npart raid:md0 1GiB\npart raid:md0 1GiB\npart / rest ext4\nraid md0 /data xfs\n",
       "l.txt:3: RAID set md0 has two members on disk a"},
      {"disk a gpt\npart / rest ext4\nraid md0 raid:md1\n", "l.txt:3: 'raid:md1': a RAID set is made of partitions only"},
      {"disk a gpt\npart raid:md0 1GiB ext4\n", "l.txt:2: raid:md0 holds no file system of its own"},
      {"disk a gpt\npart / rest ext4\nlv vg0/data /data 1GiB xfs\n", "l.txt:3: volume group vg0 has no physical volume"},
      {"disk a gpt\npart lvm:vg0 rest\nlv data /data 1GiB xfs\n", "l.txt:3: expected VG/NAME"},
      {"disk a gpt\npart lvm:vg0 rest\nlv vg0/r / 1GiB ext4\nlv vg0/r /x 1GiB ext4\n", "l.txt:4: vg0/r is defined twice"},
      {"disk a gpt\npart lvm:vg0 rest\nlv vg0/r / rest ext4\nlv vg0/s /s rest ext4\n",
       "l.txt:3: volume group vg0 has 2 'rest' sizes"},
      {"disk a gpt\npart / rest ext4\nboot bios\n", "l.txt:3: boot bios needs a bios_grub partition on the first disk"},
      {"disk a gpt\npart bios_grub 1MiB\npart / rest ext4\nboot both\n",
       "l.txt:4: boot both needs a vfat partition mounted at /boot/efi"},
      {"disk a gpt\npart / rest ext4\nboot grub\n", "l.txt:3: unknown boot 'grub'"},
      {"disk a gpt\npart / rest ext4\nboot none\nboot none\n", "l.txt:4: a second 'boot' line"},
      {"disk a gpt\npart / rest ext4\n\x01\n", "l.txt:3: unknown statement"},
  };
  for (const auto& c : cases) {
    auto message = parse_error(c.text);
    EXPECT_EQ(message.rfind(c.message, 0) == 0 || message.find(c.message) != std::string::npos, true)
        << "layout:\n" << c.text << "\nerror: " << message << "\nwanted: " << c.message;
  }
}

TEST(Layout, NulByteIsAnError) {
  std::string text("disk a gpt\npart / rest ext4\nx\0y\n", 30);
  auto r = parse_layout(text, "l.txt", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "l.txt:3: a NUL byte");
}

}  // namespace
}  // namespace herd::image::disk
