// GRUB for an installed disk, written by hand rather than by grub-install.
//
// Why not grub-install: it finds the disk to embed into and the prefix device by probing
// the mounted /boot/grub (grub-probe), and a partition attached as its own loop device
// (how installs attach partitions, disk_install.h) is not a partition of any disk it can
// see: it would embed into the wrong device or write a prefix of (hostdisk//dev/loopN).
// So the install does what grub-install + grub-bios-setup do, with an early config
// that finds /boot/grub by file system UUID, independent of disk numbering:
//
//   BIOS: grub-mkimage -O i386-pc makes core.img (diskboot.img + kernel + modules);
//         its first sector's blocklist is set to the sectors after it, and it is written
//         to the bios_grub partition (gpt) or the gap after the MBR (msdos). boot.img,
//         patched with core.img's first sector (offset 0x5c) and the boot drive check
//         turned off (offset 0x66, as grub-bios-setup does for hard disks), is written to
//         the first 440 bytes of the disk, leaving the disk signature and the table alone.
//   UEFI: grub-mkimage -O x86_64-efi makes EFI/BOOT/BOOTX64.EFI (the removable-media
//         path, so no NVRAM entry is needed), copied onto the ESP with mtools.
//   Both: the platform's modules are copied to /boot/grub/<platform>/ and grub.cfg is
//         written with one entry: the newest kernel and its initrd, root=UUID=.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace herd::image::disk {

struct GrubSetup {
  std::string root_dir;       // the mounted target root
  std::string title;          // the menu entry: "IMAGE:REV"
  std::string boot_uuid;      // the file system holding /boot
  bool boot_is_separate = false;  // /boot is its own file system (paths are then relative to it)
  std::string root_uuid;      // the file system mounted at /
  std::string kernel;         // "vmlinuz-VERSION" in /boot
  std::string initrd;         // "initrd.img-VERSION" in /boot, or ""
  std::string cmdline;        // the revision's kernel command line
  std::vector<std::string> modules;  // extra core modules: lvm, mdraid1x when /boot needs them
};

// Copies the modules and writes /boot/grub/grub.cfg beneath root_dir (platforms: "i386-pc",
// "x86_64-efi").
Status write_grub_files(const GrubSetup& setup, const std::vector<std::string>& platforms);

// BIOS: core.img at sector `core_sector` of `disk` (at most `core_sectors` long), boot.img
// in its MBR.
Status install_bios_grub(const GrubSetup& setup, const std::string& disk, uint64_t core_sector, uint64_t core_sectors);

// UEFI: EFI/BOOT/BOOTX64.EFI on the vfat file system on `esp_device`.
Status install_uefi_grub(const GrubSetup& setup, const std::string& esp_device);

// The early config embedded in both images: finds the /boot file system by UUID.
std::string early_config(const GrubSetup& setup);
// grub.cfg's text.
std::string grub_config(const GrubSetup& setup);
// Sets core.img's first blocklist (the sectors after its first, loaded at 0x820:0) for an
// image written at `core_sector`; pads it to whole sectors. bad_input when it is not a
// diskboot image.
Status patch_core_image(std::string& core, uint64_t core_sector);
// boot.img patched to load core.img from `core_sector`.
Status patch_boot_image(std::string& boot, uint64_t core_sector);

}  // namespace herd::image::disk
