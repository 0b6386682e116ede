// GRUB images patched by hand (src/image/disk/boot_loader.h): the offsets grub-bios-setup
// writes, checked against GRUB's own boot.img and a core.img made by grub-mkimage.
#include "image/disk/boot_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "image/disk/disk_tools.h"
#include "util/atomic_file.h"

namespace herd::image::disk {
namespace {

uint64_t le(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

TEST(BootLoader, BootImagePointsAtCore) {
  auto boot = read_file("/usr/lib/grub/i386-pc/boot.img");
  ASSERT_TRUE(boot.ok()) << boot.error().message;
  auto original = *boot;
  ASSERT_TRUE(patch_boot_image(*boot, 2048).ok());
  EXPECT_EQ(le(*boot, 0x5c, 8), 2048u);
  EXPECT_EQ(static_cast<unsigned char>((*boot)[0x64]), 0xffu);
  EXPECT_EQ(static_cast<unsigned char>((*boot)[0x66]), 0x90u);
  EXPECT_EQ(static_cast<unsigned char>((*boot)[0x67]), 0x90u);
  // The signature and everything past the code are untouched.
  EXPECT_EQ(boot->substr(0x1b8), original.substr(0x1b8));
  EXPECT_EQ(le(*boot, 0x1fe, 2), 0xaa55u);
  std::string short_image(100, '\0');
  EXPECT_FALSE(patch_boot_image(short_image, 1).ok());
}

TEST(BootLoader, CoreImageBlocklist) {
  GrubSetup setup;
  setup.boot_uuid = "0123-abcd";
  auto cfg = early_config(setup);
  EXPECT_NE(cfg.find("--fs-uuid --set=root 0123-abcd"), std::string::npos);
  EXPECT_NE(cfg.find("set prefix=($root)/boot/grub"), std::string::npos);
  // A real core image: diskboot's default blocklist sits at the end of its first sector.
  char path[] = "/tmp/herd-core-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  auto made = run_tool({"grub-mkimage", "-O", "i386-pc", "-o", path, "-p", "/boot/grub", "biosdisk", "part_gpt", "ext2"});
  auto read = read_file(path);
  ::unlink(path);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_TRUE(read.ok()) << read.error().message;
  std::string core = *read;
  ASSERT_GT(core.size(), 1024u);
  EXPECT_EQ(le(core, 0x1f4 + 10, 2), 0x820u);  // diskboot.img's default segment: the layout we patch
  ASSERT_TRUE(patch_core_image(core, 2048).ok());
  EXPECT_EQ(core.size() % 512, 0u);
  EXPECT_EQ(le(core, 0x1f4, 8), 2049u);
  EXPECT_EQ(le(core, 0x1f4 + 8, 2), core.size() / 512 - 1);
  EXPECT_EQ(le(core, 0x1f4 + 10, 2), 0x820u);
  std::string tiny(10, '\0');
  EXPECT_FALSE(patch_core_image(tiny, 1).ok());
}

TEST(BootLoader, GrubConfig) {
  GrubSetup setup;
  setup.title = "compute:3";
  setup.boot_uuid = "b-uuid";
  setup.root_uuid = "r-uuid";
  setup.kernel = "vmlinuz-6.1.0-9-amd64";
  setup.initrd = "initrd.img-6.1.0-9-amd64";
  setup.cmdline = "console=ttyS0";
  auto text = grub_config(setup);
  EXPECT_NE(text.find("menuentry 'compute:3'"), std::string::npos);
  EXPECT_NE(text.find("linux /boot/vmlinuz-6.1.0-9-amd64 root=UUID=r-uuid ro console=ttyS0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("initrd /boot/initrd.img-6.1.0-9-amd64\n"), std::string::npos);
  setup.boot_is_separate = true;
  setup.initrd.clear();
  setup.cmdline.clear();
  text = grub_config(setup);
  EXPECT_NE(text.find("linux /vmlinuz-6.1.0-9-amd64 root=UUID=r-uuid ro\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("initrd"), std::string::npos);
  EXPECT_NE(early_config(setup).find("set prefix=($root)/grub"), std::string::npos);
}

}  // namespace
}  // namespace herd::image::disk
