#include "image/disk/disk_install.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "image/disk/boot_loader.h"
#include "image/disk/disk_tools.h"
#include "image/disk/partition_table.h"
#include "image/preserve.h"
#include "store/object_stream.h"
#include "track/stored_trees.h"
#include "util/atomic_file.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace herd::image::disk {
namespace fs = std::filesystem;

namespace {

// --- volumes

bool system_volume(const Volume& v) {
  if (v.fs == FsType::swap) return true;
  return v.mounted() && (v.target.name == "/" || v.target.name == "/boot" || v.target.name == "/boot/efi");
}

// One file system (or swap) of the layout, with the device it lives on during the install.
struct MadeVolume {
  const Volume* volume = nullptr;
  std::string device;
  uint64_t mib = 0;
  bool kept = false;
  std::string uuid;
};

Status make_filesystem(const Volume& v, const std::string& device, uint64_t mib) {
  std::vector<std::string> argv;
  switch (v.fs) {
    case FsType::ext4: argv = {"mkfs.ext4", "-F", "-q", device}; break;
    case FsType::xfs: argv = {"mkfs.xfs", "-f", "-q", device}; break;
    case FsType::vfat:
      argv = mib >= 64 ? std::vector<std::string>{"mkfs.vfat", "-F", "32", device}
                       : std::vector<std::string>{"mkfs.vfat", device};
      break;
    case FsType::swap: argv = {"mkswap", "-f", device}; break;
    case FsType::none: return {};
  }
  auto r = run_tool(argv);
  if (!r) return r.error();
  return {};
}

Status run_status(const std::vector<std::string>& argv) {
  auto r = run_tool(argv);
  if (!r) return r.error();
  return {};
}

// A folder beneath `root` (made when missing), refusing symlinks on the way: an image can
// never redirect what the install writes outside the target.
Result<std::string> folder_beneath(const std::string& root, const std::string& path) {
  std::string at = root;
  for (const auto& part : split(path, '/')) {
    if (part.empty()) continue;
    if (part == "." || part == "..") return failure("bad path {}", path);
    at += "/" + part;
    struct stat st {};
    if (::lstat(at.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return failure("{} in the image is not a folder (a symlink?); the install will not write through it", at.substr(root.size()));
      continue;
    }
    if (errno != ENOENT || ::mkdir(at.c_str(), 0755) != 0) return failure("{}: {}", at, std::strerror(errno));
  }
  return at;
}

std::string fstab_text(const Revision& r, const std::vector<MadeVolume>& volumes) {
  std::string out = fmt::format(
      "# /etc/fstab: written by herd image install ({}). File systems by UUID.\n"
      "# <file system>                            <mount point>  <type>  <options>  <dump>  <pass>\n",
      r.text());
  std::vector<const MadeVolume*> sorted;
  for (const auto& v : volumes) sorted.push_back(&v);
  std::sort(sorted.begin(), sorted.end(), [](const MadeVolume* a, const MadeVolume* b) {
    bool as = a->volume->fs == FsType::swap, bs = b->volume->fs == FsType::swap;
    if (as != bs) return bs;
    return a->volume->target.name < b->volume->target.name;
  });
  for (const auto* v : sorted) {
    const auto& vol = *v->volume;
    if (vol.fs == FsType::swap) {
      out += fmt::format("UUID={}  none  swap  sw  0  0\n", v->uuid);
      continue;
    }
    int pass = vol.target.name == "/" ? 1 : 2;
    out += fmt::format("UUID={}  {}  {}  {}  0  {}\n", v->uuid, vol.target.name, fs_name(vol.fs), vol.options, pass);
  }
  return out;
}

// The loop device of each partition, the RAID sets and logical volumes on them.
struct Devices {
  std::map<const Volume*, std::string> path;  // every volume of the layout -> its device
  std::map<const Volume*, uint64_t> mib;
};

// Whether the rules preserve `path` (or a folder above it).
bool preserved(const PathRules& rules, const std::string& path) {
  PathRules::Flags flags;
  std::string at;
  for (const auto& part : split(path, '/')) {
    if (part.empty()) continue;
    at += "/" + part;
    flags = rules.classify(at, flags);
  }
  return flags.preserve;
}

// Writes the tree's folder at `path` (if it has one) into `dir`, a new, empty file system:
// exactly, without state (the whole tree's state is recorded beneath the root).
Status deploy_subtree(const store::ObjectStore& store, store::ObjectSource& source, const store::Hash& tree,
                      const std::string& path, const std::string& dir,
                      const std::function<void(const DeployProgress&)>& on_progress) {
  track::StoredTrees trees(store);
  auto found = trees.find(tree, path);
  if (!found) return found.error();
  if (!*found || !(*found)->is_folder()) return {};
  DeployedState part;
  part.tree = (*found)->entry.content;
  DeployOptions options;
  options.exact = true;
  options.record = false;
  options.on_progress = on_progress;
  auto r = deploy(dir, source, part, options);
  if (!r) return r.error().with_context(path);
  return {};
}

}  // namespace

Result<std::string> find_kernel(const store::ObjectStore& store, const store::Hash& tree) {
  track::StoredTrees trees(store);
  auto boot = trees.find(tree, "/boot");
  if (!boot) return boot.error();
  if (!*boot || !(*boot)->is_folder()) return std::string();
  auto node = std::move(**boot);
  HERD_CHECK(trees.load(node));
  std::string best;
  for (const auto& child : node.children) {
    const auto& name = child.entry.name;
    if (!starts_with(name, "vmlinuz-") || !child.is_file()) continue;
    if (best.empty() || ::strverscmp(name.c_str(), best.c_str()) > 0) best = name;
  }
  return best;
}

Result<InstallReport> install_image(store::ObjectStore& store, const Revision& r, const InstallOptions& options) {
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  InstallReport report;
  report.image = r.image;
  report.revision = r.number;
  auto settings = r.settings();
  report.layout_source = settings.layout.empty() ? "default" : "revision";
  const std::string layout_text = settings.layout.empty() ? kDefaultLayout : settings.layout;
  auto layout = parse_layout(layout_text, fmt::format("layout of {}", r.text()), &options.attributes, options.node);
  if (!layout) return layout.error();
  report.boot = boot_name(layout->boot);

  // 1. check: everything that can be wrong with the input, before anything is written.
  if (options.devices.size() != layout->disks.size())
    return bad_input("the layout of {} has {} disk(s) ({}); give as many --disk", r.text(), layout->disks.size(),
                     [&] {
                       std::vector<std::string> names;
                       for (const auto& d : layout->disks) names.push_back(d.name);
                       return join(names, ", ");
                     }());
  std::vector<std::vector<Placement>> placements;
  for (size_t i = 0; i < options.devices.size(); ++i) {
    auto bytes = device_bytes(options.devices[i]);
    if (!bytes) return bytes.error();
    auto places = place_partitions(layout->disks[i], *bytes, options.devices[i]);
    if (!places) return places.error();
    placements.push_back(std::move(*places));
  }
  store::Hash tree = options.effective_tree == store::Hash{} ? r.snapshot.tree : options.effective_tree;
  auto kernel = find_kernel(store, tree);
  if (!kernel) return kernel.error();
  if (layout->boot != Boot::none && kernel->empty())
    return bad_input(
        "{} has no kernel (/boot/vmlinuz-*) but its layout boots ({}): install one in the image "
        "(herd image exec {} -- apt-get install -y linux-image-amd64) or write 'boot none' in the layout",
        r.text(), boot_name(layout->boot), r.image);
  report.kernel = kernel->empty() ? "" : "/boot/" + *kernel;
  if (options.keep_data)
    for (size_t i = 0; i < options.devices.size(); ++i)
      HERD_CHECK(check_existing_table(options.devices[i], layout->disks[i], placements[i]));

  Teardown teardown;
  // lvm and dmsetup make their own device nodes: there may be no udev (containers, installers).
  ::setenv("DM_DISABLE_UDEV", "1", 1);

  // 2. partition.
  if (!options.keep_data)
    for (size_t i = 0; i < options.devices.size(); ++i) {
      progress(fmt::format("partitioning {} ({})", options.devices[i], label_name(layout->disks[i].label)));
      auto out = run_tool({"sfdisk", "--quiet", "--wipe", "always", "--wipe-partitions", "always", options.devices[i]},
                          sfdisk_script(layout->disks[i], placements[i]));
      if (!out) return out.error();
    }

  // 3. attach partitions, RAID sets, volume groups.
  Devices dev;
  for (size_t i = 0; i < options.devices.size(); ++i)
    for (size_t k = 0; k < placements[i].size(); ++k) {
      const auto& part = layout->disks[i].partitions[k];
      if (part.volume.target.kind == Target::Kind::bios_grub) continue;
      auto loop = attach_loop(options.devices[i], placements[i][k].start * 512, placements[i][k].sectors * 512, teardown);
      if (!loop) return loop.error();
      dev.path[&part.volume] = *loop;
      dev.mib[&part.volume] = placements[i][k].mib();
    }
  for (const auto& raid : layout->raids) {
    std::vector<std::string> members;
    uint64_t mib = 0;
    for (const auto& d : layout->disks)
      for (const auto& p : d.partitions)
        if (p.volume.target.kind == Target::Kind::raid && p.volume.target.name == raid.name) {
          members.push_back(dev.path[&p.volume]);
          mib = mib == 0 ? dev.mib[&p.volume] : std::min(mib, dev.mib[&p.volume]);
        }
    auto md = "/dev/md/" + raid.name;
    progress(fmt::format("RAID1 {} over {}", md, join(members, " ")));
    std::vector<std::string> argv = options.keep_data
        ? std::vector<std::string>{"mdadm", "--assemble", "--run", md}
        : std::vector<std::string>{"mdadm", "--create", md, "--run", "--level=1", "--metadata=1.0",
                                   "--raid-devices=" + std::to_string(members.size())};
    argv.insert(argv.end(), members.begin(), members.end());
    HERD_CHECK(run_status(argv));
    teardown.push("stop " + md, [md] { return run_status({"mdadm", "--stop", md}); });
    dev.path[&raid.volume] = md;
    dev.mib[&raid.volume] = mib;
  }
  for (const auto& group : layout->groups()) {
    std::vector<std::string> pvs;
    uint64_t mib = 0;
    auto add = [&](const Volume& v) {
      if (v.target.kind == Target::Kind::lvm && v.target.name == group) {
        pvs.push_back(dev.path[&v]);
        mib += dev.mib[&v];
      }
    };
    for (const auto& d : layout->disks)
      for (const auto& p : d.partitions) add(p.volume);
    for (const auto& raid : layout->raids) add(raid.volume);
    progress(fmt::format("LVM volume group {} on {}", group, join(pvs, " ")));
    if (!options.keep_data) {
      std::vector<std::string> pv = {"pvcreate", "-ff", "-y"}, vg = {"vgcreate", "-y", group};
      pv.insert(pv.end(), pvs.begin(), pvs.end());
      vg.insert(vg.end(), pvs.begin(), pvs.end());
      HERD_CHECK(run_status(pv));
      HERD_CHECK(run_status(vg));
      // Fixed and % volumes first, then the one that takes the rest of the group.
      for (int pass = 0; pass < 2; ++pass)
        for (const auto& lv : layout->volumes) {
          if (lv.group != group || (lv.size.kind == Size::Kind::rest) != (pass == 1)) continue;
          std::vector<std::string> argv = {"lvcreate", "-y", "-Wy", "-Zy", "-n", lv.name};
          if (lv.size.kind == Size::Kind::mib) argv.insert(argv.end(), {"-L", std::to_string(lv.size.value) + "m"});
          if (lv.size.kind == Size::Kind::percent) argv.insert(argv.end(), {"-l", std::to_string(lv.size.value) + "%VG"});
          if (lv.size.kind == Size::Kind::rest) argv.insert(argv.end(), {"-l", "100%FREE"});
          argv.push_back(group);
          HERD_CHECK(run_status(argv));
        }
    } else {
      HERD_CHECK(run_status({"vgchange", "-ay", group}));
    }
    teardown.push("deactivate " + group, [group] { return run_status({"vgchange", "-an", group}); });
    for (const auto& lv : layout->volumes)
      if (lv.group == group) {
        dev.path[&lv.volume] = "/dev/" + group + "/" + lv.name;
        dev.mib[&lv.volume] = lv.size.kind == Size::Kind::mib ? lv.size.value : mib;
      }
  }

  // 4. format (or, with keep_data, check what is kept).
  std::vector<MadeVolume> made;
  for (const auto* v : layout->filesystems()) {
    MadeVolume m{v, dev.path[v], dev.mib[v], options.keep_data && !system_volume(*v), ""};
    if (m.kept) {
      auto type = probe_tag(m.device, "TYPE");
      if (!type) return type.error();
      if (*type != fs_name(v->fs))
        return bad_input("--keep-data: {} ({}) holds '{}', the layout says {}; not formatting kept data", v->target.text(),
                         m.device, *type, fs_name(v->fs));
      progress(fmt::format("keeping {} ({})", v->target.text(), *type));
    } else {
      progress(fmt::format("making {} on {} for {}", fs_name(v->fs), m.device, v->target.text()));
      HERD_CHECK(make_filesystem(*v, m.device, m.mib));
    }
    auto uuid = probe_tag(m.device, "UUID");
    if (!uuid) return uuid.error();
    if (uuid->empty()) return failure("{} on {} has no UUID after mkfs", v->target.text(), m.device);
    m.uuid = *uuid;
    made.push_back(std::move(m));
  }

  // 5. mount and deploy. A private mount namespace, when this process can have one (one
  // thread): then even a kill -9 leaves no mount behind. Else the mounts are undone by
  // the teardown.
  if (::unshare(CLONE_NEWNS) == 0) (void)::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  // Named with the PID: all a kill -9 leaves is this empty folder, and the name says
  // whose it was.
  std::string pattern = fmt::format("/tmp/herd-install-{}-XXXXXX", ::getpid());
  if (::mkdtemp(pattern.data()) == nullptr) return failure("mkdtemp: {}", std::strerror(errno));
  const std::string root = pattern;
  teardown.push("remove " + root, [root]() -> Status {
    if (::rmdir(root.c_str()) != 0) return failure("rmdir {}: {}", root, std::strerror(errno));
    return {};
  });
  // vfat is never mounted (written with mtools below).
  std::vector<const MadeVolume*> mounts;
  for (const auto& m : made)
    if (m.volume->mounted() && m.volume->fs != FsType::vfat) mounts.push_back(&m);
  std::sort(mounts.begin(), mounts.end(),
            [](const MadeVolume* a, const MadeVolume* b) { return a->volume->target.name < b->volume->target.name; });
  for (const auto* m : mounts) {
    auto dir = folder_beneath(root, m->volume->target.name);
    if (!dir) return dir.error();
    HERD_CHECK(run_status({"mount", "-t", fs_name(m->volume->fs), m->device, *dir}));
    teardown.push("unmount " + *dir, [d = *dir] { return run_status({"umount", d}); });
  }

  DeployedState target;
  target.image = r.image;
  target.revision = r.number;
  target.snapshot = r.id;
  target.image_tree = r.snapshot.tree;
  target.tree = tree;
  target.source = "install";
  target.preserve = settings.preserve;
  target.exclude = settings.exclude;
  for (const auto& m : made)
    if (m.volume->mounted() && (m.kept || m.volume->fs == FsType::vfat)) target.exclude.push_back(m.volume->target.name);
  DeployOptions deploy_options;
  deploy_options.on_progress = options.deploy_progress;
  progress(fmt::format("deploying {}", r.text()));
  auto source = store::local_object_source(store);
  auto deployed = deploy(root, *source, target, deploy_options);
  if (!deployed) return deployed.error();
  // A new file system mounted at a preserved path (/home, /var/log) is a folder that
  // exists, so the deploy kept it as it was: empty. Its part of the tree goes in now.
  auto rules = PathRules::make(settings.preserve, {}, {});
  if (!rules) return rules.error();
  for (const auto* m : mounts) {
    const auto& path = m->volume->target.name;
    if (m->kept || path == "/" || !preserved(*rules, path)) continue;
    HERD_CHECK(deploy_subtree(store, *source, tree, path, root + path, options.deploy_progress));
  }
  report.files_written = deployed->files_written;
  report.bytes_written = deployed->bytes_written;

  // 6. configure.
  for (const auto& m : made)
    if (m.volume->mounted()) {
      auto dir = folder_beneath(root, m.volume->target.name);
      if (!dir) return dir.error();
    }
  auto etc = folder_beneath(root, "/etc");
  if (!etc) return etc.error();
  HERD_CHECK(write_file_atomically(*etc + "/fstab", fstab_text(r, made)));
  if (!options.node.empty()) HERD_CHECK(write_file_atomically(*etc + "/hostname", options.node + "\n"));

  // 7. boot loaders.
  if (layout->boot != Boot::none) {
    const Volume* boot_volume = layout->mounted_at("/boot");
    const Volume* root_volume = layout->mounted_at("/");
    auto uuid_of = [&](const Volume* v) {
      for (const auto& m : made)
        if (m.volume == v) return m.uuid;
      return std::string();
    };
    GrubSetup grub;
    grub.root_dir = root;
    grub.title = r.text();
    grub.boot_is_separate = boot_volume != nullptr;
    grub.boot_uuid = uuid_of(boot_volume ? boot_volume : root_volume);
    grub.root_uuid = uuid_of(root_volume);
    grub.kernel = *kernel;
    grub.cmdline = settings.cmdline;
    auto initrd = "initrd.img-" + kernel->substr(std::string("vmlinuz-").size());
    struct stat st {};
    if (::lstat((root + "/boot/" + initrd).c_str(), &st) == 0 && S_ISREG(st.st_mode)) grub.initrd = initrd;
    const Volume* holder = boot_volume ? boot_volume : root_volume;
    for (const auto& lv : layout->volumes)
      if (&lv.volume == holder) grub.modules.push_back("lvm");
    for (const auto& raid : layout->raids)
      if (&raid.volume == holder || (raid.volume.target.kind == Target::Kind::lvm && !grub.modules.empty()))
        grub.modules.push_back("mdraid1x");
    bool bios = layout->boot == Boot::bios || layout->boot == Boot::both;
    bool uefi = layout->boot == Boot::uefi || layout->boot == Boot::both;
    std::vector<std::string> platforms;
    if (bios) platforms.push_back("i386-pc");
    if (uefi) platforms.push_back("x86_64-efi");
    auto boot_dir = folder_beneath(root, "/boot/grub");
    if (!boot_dir) return boot_dir.error();
    HERD_CHECK(write_grub_files(grub, platforms));
    const auto& first = layout->disks.front();
    if (bios) {
      uint64_t core_sector = 1, core_sectors = placements[0].front().start - 1;
      for (size_t k = 0; k < first.partitions.size(); ++k)
        if (first.partitions[k].volume.target.kind == Target::Kind::bios_grub) {
          core_sector = placements[0][k].start;
          core_sectors = placements[0][k].sectors;
        }
      progress(fmt::format("GRUB for BIOS on {}", options.devices[0]));
      HERD_CHECK(install_bios_grub(grub, options.devices[0], core_sector, core_sectors));
    }
    if (uefi) {
      const Volume* esp = layout->mounted_at("/boot/efi");
      progress(fmt::format("GRUB for UEFI on {}", dev.path[esp]));
      HERD_CHECK(install_uefi_grub(grub, dev.path[esp]));
    }
  }

  for (const auto& m : made)
    report.volumes.push_back(InstalledVolume{m.volume->target.text(), fs_name(m.volume->fs), m.uuid, m.device, m.kept, m.mib});
  ::sync();
  teardown.undo_all();
  if (!teardown.errors().empty())
    return failure("{} is installed, but cleaning up failed: {}", r.text(), join(teardown.errors(), "; "));
  return report;
}

}  // namespace herd::image::disk
