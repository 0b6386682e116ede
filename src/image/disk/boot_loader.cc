#include "image/disk/boot_loader.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "image/disk/disk_tools.h"
#include "util/atomic_file.h"

namespace herd::image::disk {
namespace fs = std::filesystem;

namespace {

constexpr const char* kGrubLib = "/usr/lib/grub";
constexpr size_t kKernelSectorOffset = 0x5c;  // GRUB_BOOT_MACHINE_KERNEL_SECTOR
constexpr size_t kBootDriveOffset = 0x64;     // GRUB_BOOT_MACHINE_BOOT_DRIVE
constexpr size_t kDriveCheckOffset = 0x66;    // GRUB_BOOT_MACHINE_DRIVE_CHECK
constexpr size_t kMbrCodeBytes = 0x1b8;       // boot code ends where the disk signature starts
constexpr size_t kBlocklistOffset = 0x200 - 12;  // diskboot.img's first grub_boot_blocklist
constexpr uint16_t kCoreSegment = 0x820;         // GRUB_BOOT_I386_PC_KERNEL_SEG + 0x20

void put_le(std::string& s, size_t at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + static_cast<size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
}

Result<std::string> slurp(const std::string& path) {
  auto r = read_file(path);
  if (!r) return failure("{} (is GRUB installed? grub-pc-bin, grub-efi-amd64-bin)", r.error().message);
  return r;
}

// A temporary folder removed when this goes out of scope.
struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/herd-grub-XXXXXX";
    if (::mkdtemp(pattern) != nullptr) path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

std::vector<std::string> core_modules(const GrubSetup& setup, bool bios) {
  std::vector<std::string> m = {"part_gpt", "part_msdos", "ext2", "xfs", "search", "search_fs_uuid", "configfile"};
  if (bios) m.insert(m.begin(), "biosdisk");
  else m.push_back("fat");
  m.insert(m.end(), setup.modules.begin(), setup.modules.end());
  return m;
}

Result<std::string> make_image(const GrubSetup& setup, const std::string& format, const std::string& platform,
                               bool bios) {
  TempDir tmp;
  if (tmp.path.empty()) return failure("mkdtemp: cannot make a temporary folder");
  auto cfg = tmp.path + "/early.cfg";
  auto out = tmp.path + "/image";
  HERD_CHECK(write_file_atomically(cfg, early_config(setup)));
  std::vector<std::string> argv = {"grub-mkimage", "-O", format, "-d", std::string(kGrubLib) + "/" + platform,
                                   "-o", out, "-c", cfg, "-p", setup.boot_is_separate ? "/grub" : "/boot/grub"};
  for (const auto& m : core_modules(setup, bios)) argv.push_back(m);
  auto r = run_tool(argv);
  if (!r) return r.error();
  return slurp(out);
}

}  // namespace

std::string early_config(const GrubSetup& setup) {
  return fmt::format(
      "search --no-floppy --fs-uuid --set=root {}\n"
      "set prefix=($root){}\n",
      setup.boot_uuid, setup.boot_is_separate ? "/grub" : "/boot/grub");
}

std::string grub_config(const GrubSetup& setup) {
  std::string dir = setup.boot_is_separate ? "" : "/boot";
  std::string out = fmt::format(
      "# Written by herd image install for {}. An install writes it again; the image's own\n"
      "# update-grub may replace it.\n"
      "set default=0\n"
      "set timeout=1\n"
      "serial --unit=0 --speed=115200\n"
      "terminal_input console serial\n"
      "terminal_output console serial\n"
      "insmod part_gpt\ninsmod part_msdos\ninsmod ext2\ninsmod xfs\n",
      setup.title);
  for (const auto& m : setup.modules) out += "insmod " + m + "\n";
  out += fmt::format("search --no-floppy --fs-uuid --set=root {}\n", setup.boot_uuid);
  out += fmt::format("menuentry '{}' {{\n", setup.title);
  out += fmt::format("  linux {}/{} root=UUID={} ro{}{}\n", dir, setup.kernel, setup.root_uuid,
                     setup.cmdline.empty() ? "" : " ", setup.cmdline);
  if (!setup.initrd.empty()) out += fmt::format("  initrd {}/{}\n", dir, setup.initrd);
  out += "}\n";
  return out;
}

Status write_grub_files(const GrubSetup& setup, const std::vector<std::string>& platforms) {
  auto grub = setup.root_dir + "/boot/grub";
  std::error_code ec;
  fs::create_directories(grub, ec);
  if (ec) return failure("{}: {}", grub, ec.message());
  for (const auto& platform : platforms) {
    auto from = std::string(kGrubLib) + "/" + platform;
    auto to = grub + "/" + platform;
    fs::create_directories(to, ec);
    if (ec) return failure("{}: {}", to, ec.message());
    for (const auto& entry : fs::directory_iterator(from, ec)) {
      auto ext = entry.path().extension().string();
      if (ext != ".mod" && ext != ".lst") continue;
      fs::copy_file(entry.path(), to + "/" + entry.path().filename().string(), fs::copy_options::overwrite_existing, ec);
      if (ec) return failure("copy {} to {}: {}", entry.path().string(), to, ec.message());
    }
    if (ec) return failure("{}: {}", from, ec.message());
  }
  return write_file_atomically(grub + "/grub.cfg", grub_config(setup));
}

Status patch_core_image(std::string& core, uint64_t core_sector) {
  if (core.size() < 1024) return bad_input("core.img is {} bytes: not a GRUB i386-pc core image", core.size());
  if (core.size() % 512 != 0) core.resize((core.size() / 512 + 1) * 512, '\0');
  uint64_t sectors = core.size() / 512;
  put_le(core, kBlocklistOffset, core_sector + 1, 8);
  put_le(core, kBlocklistOffset + 8, sectors - 1, 2);
  put_le(core, kBlocklistOffset + 10, kCoreSegment, 2);
  return {};
}

Status patch_boot_image(std::string& boot, uint64_t core_sector) {
  if (boot.size() != 512) return bad_input("boot.img is {} bytes, not 512", boot.size());
  put_le(boot, kKernelSectorOffset, core_sector, 8);
  boot[kBootDriveOffset] = static_cast<char>(0xff);  // use the drive the BIOS booted from
  boot[kDriveCheckOffset] = static_cast<char>(0x90);  // nop nop: trust DL, hard disks only
  boot[kDriveCheckOffset + 1] = static_cast<char>(0x90);
  return {};
}

Status install_bios_grub(const GrubSetup& setup, const std::string& disk, uint64_t core_sector, uint64_t core_sectors) {
  auto core = make_image(setup, "i386-pc", "i386-pc", true);
  if (!core) return core.error();
  HERD_CHECK(patch_core_image(*core, core_sector));
  if (core->size() / 512 > core_sectors)
    return failure("GRUB's core image is {} KiB but the space for it on {} is {} KiB", core->size() / 1024, disk,
                   core_sectors / 2);
  auto boot = slurp(std::string(kGrubLib) + "/i386-pc/boot.img");
  if (!boot) return boot.error();
  HERD_CHECK(patch_boot_image(*boot, core_sector));
  HERD_CHECK(write_at(disk, core_sector * 512, *core));
  return write_at(disk, 0, boot->substr(0, kMbrCodeBytes));
}

Status install_uefi_grub(const GrubSetup& setup, const std::string& esp_device) {
  auto efi = make_image(setup, "x86_64-efi", "x86_64-efi", false);
  if (!efi) return efi.error();
  TempDir tmp;
  if (tmp.path.empty()) return failure("mkdtemp: cannot make a temporary folder");
  auto file = tmp.path + "/BOOTX64.EFI";
  HERD_CHECK(write_file_atomically(file, *efi));
  // MTOOLS_SKIP_CHECK: the FAT was just made by mkfs.vfat; mtools' geometry checks are for floppies.
  ::setenv("MTOOLS_SKIP_CHECK", "1", 1);
  auto made = run_tool({"mmd", "-D", "s", "-i", esp_device, "::/EFI", "::/EFI/BOOT"});
  if (!made) return made.error();
  auto copied = run_tool({"mcopy", "-o", "-i", esp_device, file, "::/EFI/BOOT/BOOTX64.EFI"});
  if (!copied) return copied.error();
  return {};
}

}  // namespace herd::image::disk
