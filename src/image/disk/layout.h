// Disk layouts (docs/image.md, "Disk layouts and installs"; examples in
// docs/image-layout.md): the text a revision keeps in its `layout` setting, parsed into
// disks, partitions, RAID1 sets and LVM logical volumes, and placed on real disks.
//
// Grammar, one statement a line; `#` starts a comment; words are separated by blanks:
//
//   disk NAME gpt|msdos                 a disk; the partitions after it are on it. The
//                                       disks are given to `install --disk` in this order.
//   part TARGET SIZE [FS [OPTIONS]]     a partition of the last disk
//   raid NAME TARGET [FS [OPTIONS]]     a RAID1 set (mdadm, metadata 1.0) over the partitions
//                                       whose TARGET is raid:NAME (two or more, on
//                                       different disks)
//   lv VG/NAME TARGET SIZE [FS [OPTIONS]]
//                                       an LVM logical volume in volume group VG, whose
//                                       physical volumes are the partitions (or RAID sets)
//                                       with TARGET lvm:VG
//   boot bios|uefi|both|none            which boot loaders the install writes (default: every
//                                       one the layout allows; see below)
//
//   TARGET   /PATH        a mount point (absolute, no "." or ".." parts); FS is required
//            swap         swap space; FS is swap or omitted
//            bios_grub    gpt only: where GRUB's BIOS core image goes (no FS; 1MiB is plenty)
//            raid:NAME    a member of RAID set NAME (no FS)
//            lvm:VG       a physical volume of volume group VG (no FS)
//   SIZE     N MiB|GiB|TiB   (N a whole number: 512MiB, 8GiB)
//            N%              of the disk's usable space (of the volume group's for an lv)
//            rest            what the fixed and % sizes leave (at most one a disk or group)
//            ${attr.NAME} or ${attr.NAME:-SIZE}
//                            the node's attribute NAME (its value must be a SIZE), else the
//                            default; a node without the attribute and no default is an error
//   FS       ext4 | xfs | vfat | swap
//   OPTIONS  mount options, comma separated, as fstab takes them (default "defaults")
//
// Rules, checked by parse_layout (bad_input naming FILE:LINE and what is wrong):
//   at least one disk and exactly one "/"; mount points unique; /boot/efi is vfat; a msdos
//   disk has at most 4 partitions; every raid:NAME and lvm:VG used is defined and every
//   RAID set and volume group has members; % sizes of a disk or group add up to at most
//   100. Boot: bios needs a bios_grub partition on the first disk when it is gpt (a msdos
//   first disk embeds GRUB after the MBR); uefi needs /boot/efi. Without a boot line the
//   layout boots both ways when it can, one way when only one is possible, else none.
//
// Placement: partitions are aligned to 1 MiB and start at 1 MiB; a gpt disk keeps its last
// 33 sectors for the backup table. Sizes are in whole MiB; a % size is rounded down.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::image::disk {

enum class Label { gpt, msdos };
enum class FsType { none, ext4, xfs, vfat, swap };
enum class Boot { bios, uefi, both, none };

const char* label_name(Label label);
const char* fs_name(FsType fs);
const char* boot_name(Boot boot);

struct Size {
  enum class Kind { mib, percent, rest };
  Kind kind = Kind::mib;
  uint64_t value = 0;     // MiB, or percent (1..100); 0 for rest
  std::string text;       // as written after substitution: "8GiB", "10%", "rest"
  std::string attribute;  // the attribute it came from, "" when literal
};

// What a partition, RAID set or logical volume is used for.
struct Target {
  enum class Kind { mount, swap, bios_grub, raid, lvm };
  Kind kind = Kind::mount;
  std::string name;  // the mount point, the RAID set or the volume group; "" otherwise
  std::string text() const;  // "/home", "swap", "bios_grub", "raid:md0", "lvm:vg0"
};

// Something that holds (or is part of) a file system, with where it is mounted.
struct Volume {
  Target target;
  FsType fs = FsType::none;
  std::string options = "defaults";  // mount options
  int line = 0;                      // where it was written
  bool has_filesystem() const { return fs != FsType::none; }
  bool mounted() const { return target.kind == Target::Kind::mount; }
};

struct Partition {
  Volume volume;
  Size size;
};

struct Disk {
  std::string name;
  Label label = Label::gpt;
  std::vector<Partition> partitions;
  int line = 0;
};

struct RaidSet {
  std::string name;  // the array is /dev/md/NAME
  Volume volume;
};

struct LogicalVolume {
  std::string group, name;
  Size size;
  Volume volume;
};

struct Layout {
  std::string file;  // what errors call it
  std::vector<Disk> disks;
  std::vector<RaidSet> raids;
  std::vector<LogicalVolume> volumes;
  Boot boot = Boot::none;  // as written, or what the layout allows
  bool boot_written = false;

  // The volume group names, in the order they first appear.
  std::vector<std::string> groups() const;
  // Every volume with a file system or swap, in line order.
  std::vector<const Volume*> filesystems() const;
  // The volume mounted at `path`, or nullptr.
  const Volume* mounted_at(std::string_view path) const;
};

// A node's attributes by name (values only), for ${attr.NAME} sizes.
using Attributes = std::map<std::string, std::string>;

// Parses and checks a layout. `attributes` are the node's (install); nullptr when checking
// a layout without a node (`herd image set --layout`): a reference is then its default,
// or 1MiB when it has none. `node` names the node in errors. Fuzzed.
Result<Layout> parse_layout(std::string_view text, const std::string& file, const Attributes* attributes,
                            const std::string& node = "");

// The layout an install uses when the revision has none: a gpt disk that boots both ways.
extern const char* const kDefaultLayout;

// A SIZE word ("512MiB", "10%", "rest"); bad_input naming `what` when it is not one.
Result<Size> parse_size(std::string_view word, const std::string& what);

// Where a partition goes on a disk, in 512-byte sectors (partition_placement.cc).
struct Placement {
  uint64_t start = 0, sectors = 0;
  uint64_t mib() const { return sectors / 2048; }
};

// The usable MiB of a disk of `bytes` with `label` (from 1 MiB to the end, less the gpt
// backup table, rounded down to whole MiB).
uint64_t usable_mib(uint64_t bytes, Label label);
// Places the disk's partitions on a disk of `bytes` bytes: fixed sizes, then %, then the
// rest. bad_input when they do not fit, naming the disk, `device`, and the sizes.
Result<std::vector<Placement>> place_partitions(const Disk& disk, uint64_t bytes, const std::string& device);

}  // namespace herd::image::disk
