// Installing a revision onto blank disks: what `herd image install` does (docs/image.md,
// "Disk layouts and installs").
//
//   1. check:     the layout is parsed with the node's attributes and placed on the disks;
//                 a layout that does not fit, a missing kernel when the layout boots, a
//                 --keep-data disk whose table differs from the layout: bad_input, and
//                 nothing is written.
//   2. partition: sfdisk writes the table (not with keep_data, which reuses it as it is).
//   3. attach:    every partition gets its own loop device (an offset and size limit),
//                 for disk image files and block devices alike: no partition scan, no udev
//                 wait, and the same code on this machine (where scanning makes no
//                 /dev/loopNpM) and on a node. RAID1 sets are created (mdadm, metadata 1.0,
//                 so the superblock is at the end and a member reads like a plain file
//                 system) and LVM volume groups and logical volumes made on top.
//   4. format:    mkfs for every file system and swap, except the kept ones (keep_data
//                 keeps every one not mounted at /, /boot or /boot/efi and not swap; their
//                 file system type must match the layout).
//   5. deploy:    in a private mount namespace the file systems are mounted beneath a
//                 temporary folder and the effective tree is deployed there as an update
//                 would (with state, so the node's first `herd image update` is
//                 incremental). A new file system mounted at a preserved path (/home) is
//                 an existing folder to that deploy, so its part of the tree is written
//                 into it separately, exactly. vfat is not mounted (this kernel may have
//                 no FAT driver): the ESP gets only the boot loader, written with mtools,
//                 and the image's content beneath a vfat mount point is left out. Kept
//                 file systems are mounted but excluded: their files stay as they were.
//   6. configure: /etc/fstab by UUID (blkid), /etc/hostname for a node.
//   7. boot:      GRUB for BIOS and/or UEFI (see boot_loader.h), /boot/grub/grub.cfg.
// Every mount, volume group, RAID set and loop device made is undone on every exit path,
// in reverse order (Teardown). A kill -9 (of the install and the programs it runs) leaves
// no mount (they are in the install's own mount namespace) and no loop device (attached
// with autoclear, see attach_loop), only the empty folder /tmp/herd-install-PID-XXXXXX;
// RAID sets and volume groups it had started stay assembled (mdadm --stop, vgchange -an).
// The rerun of the same install starts again from the partitioning and converges.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image/catalog.h"
#include "image/deploy.h"
#include "image/disk/layout.h"
#include "store/object_store.h"
#include "util/result.h"

namespace herd::image::disk {

struct InstallOptions {
  std::vector<std::string> devices;  // one per layout disk, in order: block devices or files
  std::string node;                  // "" = no node (no hostname is written)
  Attributes attributes;             // the node's, for ${attr.NAME} sizes
  bool keep_data = false;
  // The tree to deploy: the image's tree with the node's overrides merged (the effective
  // tree, image/overrides/node_overrides.h); a default-constructed hash means the image's
  // own tree.
  store::Hash effective_tree;
  std::function<void(const std::string&)> progress;                 // one line a step
  std::function<void(const image::DeployProgress&)> deploy_progress;
};

struct InstalledVolume {
  std::string target;     // "/", "/home", "swap", ...
  std::string fs;         // ext4, xfs, vfat, swap
  std::string uuid;
  std::string device;     // what it was made on during the install (a loop device, /dev/md/...)
  bool kept = false;      // --keep-data reused it
  uint64_t mib = 0;
};

struct InstallReport {
  std::string image;
  uint64_t revision = 0;
  std::string layout_source;  // "revision" or "default"
  std::string boot;           // bios, uefi, both, none
  std::string kernel;         // "/boot/vmlinuz-..." or ""
  std::vector<InstalledVolume> volumes;
  uint64_t files_written = 0, bytes_written = 0;
};

// Installs revision `r` (its objects are in `store`) onto the devices, partitioned by the
// revision's layout (kDefaultLayout when it has none). Needs root.
Result<InstallReport> install_image(store::ObjectStore& store, const Revision& r, const InstallOptions& options);

// The newest kernel of a stored tree: "vmlinuz-VERSION" in /boot, "" when there is none.
Result<std::string> find_kernel(const store::ObjectStore& store, const store::Hash& tree);

}  // namespace herd::image::disk
