#include "image/disk/layout.h"

#include <algorithm>
#include <set>

#include "util/text.h"

namespace herd::image::disk {

const char* label_name(Label label) { return label == Label::gpt ? "gpt" : "msdos"; }

const char* fs_name(FsType fs) {
  switch (fs) {
    case FsType::ext4: return "ext4";
    case FsType::xfs: return "xfs";
    case FsType::vfat: return "vfat";
    case FsType::swap: return "swap";
    case FsType::none: break;
  }
  return "none";
}

const char* boot_name(Boot boot) {
  switch (boot) {
    case Boot::bios: return "bios";
    case Boot::uefi: return "uefi";
    case Boot::both: return "both";
    case Boot::none: break;
  }
  return "none";
}

std::string Target::text() const {
  switch (kind) {
    case Kind::mount: return name;
    case Kind::swap: return "swap";
    case Kind::bios_grub: return "bios_grub";
    case Kind::raid: return "raid:" + name;
    case Kind::lvm: return "lvm:" + name;
  }
  return name;
}

const char* const kDefaultLayout =
    "# herd's default layout: boots with BIOS and UEFI, one root file system.\n"
    "disk system gpt\n"
    "part bios_grub 1MiB\n"
    "part /boot/efi 256MiB vfat umask=0077\n"
    "part / rest ext4 errors=remount-ro\n";

std::vector<std::string> Layout::groups() const {
  std::vector<std::string> out;
  auto add = [&](const Volume& v) {
    if (v.target.kind == Target::Kind::lvm && std::find(out.begin(), out.end(), v.target.name) == out.end())
      out.push_back(v.target.name);
  };
  for (const auto& d : disks)
    for (const auto& p : d.partitions) add(p.volume);
  for (const auto& r : raids) add(r.volume);
  return out;
}

std::vector<const Volume*> Layout::filesystems() const {
  std::vector<const Volume*> out;
  for (const auto& d : disks)
    for (const auto& p : d.partitions)
      if (p.volume.has_filesystem()) out.push_back(&p.volume);
  for (const auto& r : raids)
    if (r.volume.has_filesystem()) out.push_back(&r.volume);
  for (const auto& l : volumes)
    if (l.volume.has_filesystem()) out.push_back(&l.volume);
  std::sort(out.begin(), out.end(), [](const Volume* a, const Volume* b) { return a->line < b->line; });
  return out;
}

const Volume* Layout::mounted_at(std::string_view path) const {
  for (const auto* v : filesystems())
    if (v->mounted() && v->target.name == path) return v;
  return nullptr;
}

namespace {

constexpr uint64_t kMaxMib = uint64_t{1} << 40;  // 1 EiB: beyond any disk, far from overflow

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name_char(name[0]) && name[0] != '.' && name[0] != '-' &&
         std::all_of(name.begin(), name.end(), name_char);
}

bool valid_mount_point(std::string_view path) {
  if (path.empty() || path[0] != '/' || path.size() > 255) return false;
  if (path == "/") return true;
  if (path.back() == '/') return false;
  for (const auto& part : split(path.substr(1), '/'))
    if (part.empty() || part == "." || part == ".." ||
        !std::all_of(part.begin(), part.end(), [](char c) { return name_char(c) || c == '+' || c == '@'; }))
      return false;
  return true;
}

bool valid_options(std::string_view options) {
  if (options.empty() || options.size() > 255 || options.front() == ',' || options.back() == ',') return false;
  return std::all_of(options.begin(), options.end(),
                     [](char c) { return name_char(c) || c == ',' || c == '=' || c == ':' || c == '/' || c == '+'; });
}

std::optional<FsType> parse_fs(std::string_view word) {
  if (word == "ext4") return FsType::ext4;
  if (word == "xfs") return FsType::xfs;
  if (word == "vfat") return FsType::vfat;
  if (word == "swap") return FsType::swap;
  return std::nullopt;
}

std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// One layout being parsed: where errors point and which attributes sizes may use.
class Parser {
 public:
  Parser(const std::string& file, const Attributes* attributes, const std::string& node)
      : file_(file), attributes_(attributes), node_(node) {
    layout_.file = file;
  }

  Result<Layout> run(std::string_view text) {
    auto lines = split(text, '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
      line_ = static_cast<int>(i + 1);
      if (lines[i].find('\0') != std::string::npos) return error("a NUL byte");
      auto words = words_of(lines[i]);
      if (words.empty()) continue;
      HERD_CHECK(statement(words));
    }
    line_ = 0;
    HERD_CHECK(check());
    return std::move(layout_);
  }

 private:
  template <typename... Args>
  Error error(fmt::format_string<Args...> f, Args&&... args) const {
    auto what = fmt::format(f, std::forward<Args>(args)...);
    if (line_ == 0) return bad_input("{}: {}", file_, what);
    return bad_input("{}:{}: {}", file_, line_, what);
  }

  Status statement(const std::vector<std::string>& w) {
    const auto& verb = w[0];
    if (verb == "disk") return disk(w);
    if (verb == "part") return part(w);
    if (verb == "raid") return raid(w);
    if (verb == "lv") return lv(w);
    if (verb == "boot") return boot(w);
    return error("unknown statement '{}' (expected disk, part, raid, lv or boot)", verb);
  }

  Status disk(const std::vector<std::string>& w) {
    if (w.size() != 3) return error("expected 'disk NAME gpt|msdos'");
    if (!valid_name(w[1])) return error("bad disk name '{}' (letters, digits, '_', '-', '.')", w[1]);
    for (const auto& d : layout_.disks)
      if (d.name == w[1]) return error("disk '{}' is defined twice (first on line {})", w[1], d.line);
    Disk d;
    d.name = w[1];
    d.line = line_;
    if (w[2] == "gpt") d.label = Label::gpt;
    else if (w[2] == "msdos") d.label = Label::msdos;
    else return error("unknown partition table '{}' of disk {} (expected gpt or msdos)", w[2], w[1]);
    layout_.disks.push_back(std::move(d));
    return {};
  }

  // TARGET [FS [OPTIONS]] from word `at` on; `sized` says whether a SIZE came before FS.
  Result<Volume> volume(const std::vector<std::string>& w, size_t target_at, size_t fs_at, bool allow_members,
                        bool allow_bios_grub) {
    Volume v;
    v.line = line_;
    const auto& t = w[target_at];
    if (t == "swap") {
      v.target.kind = Target::Kind::swap;
    } else if (t == "bios_grub") {
      if (!allow_bios_grub) return error("bios_grub is a partition of a gpt disk only");
      v.target.kind = Target::Kind::bios_grub;
    } else if (starts_with(t, "raid:") || starts_with(t, "lvm:")) {
      bool raid = starts_with(t, "raid:");
      v.target.kind = raid ? Target::Kind::raid : Target::Kind::lvm;
      v.target.name = t.substr(t.find(':') + 1);
      if (!valid_name(v.target.name)) return error("bad {} name in '{}'", raid ? "RAID set" : "volume group", t);
      if (raid && !allow_members) return error("'{}': a RAID set is made of partitions only", t);
    } else if (!t.empty() && t[0] == '/') {
      if (!valid_mount_point(t)) return error("bad mount point '{}' (absolute, no '.', '..' or empty parts)", t);
      v.target.kind = Target::Kind::mount;
      v.target.name = t;
    } else {
      return error("bad target '{}' (expected a mount point, swap, bios_grub, raid:NAME or lvm:VG)", t);
    }
    if (w.size() > fs_at) {
      auto fs = parse_fs(w[fs_at]);
      if (!fs) return error("unknown file system '{}' (expected ext4, xfs, vfat or swap)", w[fs_at]);
      v.fs = *fs;
    }
    if (w.size() > fs_at + 1) {
      if (!valid_options(w[fs_at + 1])) return error("bad mount options '{}'", w[fs_at + 1]);
      v.options = w[fs_at + 1];
    }
    if (w.size() > fs_at + 2) return error("unexpected '{}' after the mount options", w[fs_at + 2]);
    switch (v.target.kind) {
      case Target::Kind::mount:
        if (v.fs == FsType::none) return error("{} needs a file system (ext4, xfs or vfat)", t);
        if (v.fs == FsType::swap) return error("{}: swap is not mounted; write 'swap' as the target", t);
        if (t == "/boot/efi" && v.fs != FsType::vfat) return error("/boot/efi must be vfat (UEFI reads only FAT)");
        if (t == "/" && v.fs == FsType::vfat) return error("/ cannot be vfat");
        break;
      case Target::Kind::swap:
        if (v.fs != FsType::none && v.fs != FsType::swap) return error("swap space cannot hold {}", fs_name(v.fs));
        v.fs = FsType::swap;
        if (w.size() > fs_at + 1) return error("swap takes no mount options");
        break;
      default:
        if (v.fs != FsType::none) return error("{} holds no file system of its own", t);
    }
    return v;
  }

  Result<Size> size(const std::string& word) {
    std::string text = word;
    std::string attribute;
    if (starts_with(word, "${")) {
      if (word.back() != '}') return error("bad reference '{}' (expected ${{attr.NAME}} or ${{attr.NAME:-SIZE}})", word);
      auto inner = std::string_view(word).substr(2, word.size() - 3);
      if (!starts_with(inner, "attr.")) return error("bad reference '{}': only ${{attr.NAME}} is known", word);
      inner.remove_prefix(5);
      std::optional<std::string> fallback;
      if (auto at = inner.find(":-"); at != std::string_view::npos) {
        fallback = std::string(inner.substr(at + 2));
        inner = inner.substr(0, at);
      }
      attribute = std::string(inner);
      if (!valid_name(attribute)) return error("bad attribute name in '{}'", word);
      if (fallback) {
        auto checked = parse_size(*fallback, "");
        if (!checked || starts_with(*fallback, "${"))
          return error("the default '{}' of {} is not a size (512MiB, 8GiB, 10%, rest)", *fallback, word);
      }
      if (attributes_ == nullptr) {
        text = fallback.value_or("1MiB");
      } else if (auto it = attributes_->find(attribute); it != attributes_->end()) {
        text = std::string(trim(it->second));
        auto checked = parse_size(text, "");
        if (!checked)
          return error("attribute {} of node {} is '{}', not a size (512MiB, 8GiB, 10%, rest)", attribute, node_,
                       it->second);
      } else if (fallback) {
        text = *fallback;
      } else {
        return error("node {} has no attribute {} and {} has no default", node_.empty() ? "(none)" : node_,
                     attribute, word);
      }
    }
    auto s = parse_size(text, "");
    if (!s) return error("bad size '{}' (expected N MiB, GiB or TiB, N%, or rest)", text);
    s->attribute = attribute;
    return s;
  }

  Status part(const std::vector<std::string>& w) {
    if (layout_.disks.empty()) return error("'part' before any 'disk'");
    if (w.size() < 3) return error("expected 'part TARGET SIZE [FS [OPTIONS]]'");
    auto& d = layout_.disks.back();
    auto v = volume(w, 1, 3, true, d.label == Label::gpt);
    if (!v) return v.error();
    auto s = size(w[2]);
    if (!s) return s.error();
    if (d.label == Label::msdos && d.partitions.size() == 4)
      return error("disk {} is msdos: at most 4 partitions (use gpt)", d.name);
    d.partitions.push_back(Partition{std::move(*v), std::move(*s)});
    return {};
  }

  Status raid(const std::vector<std::string>& w) {
    if (w.size() < 3) return error("expected 'raid NAME TARGET [FS [OPTIONS]]'");
    if (!valid_name(w[1])) return error("bad RAID set name '{}'", w[1]);
    for (const auto& r : layout_.raids)
      if (r.name == w[1]) return error("RAID set '{}' is defined twice (first on line {})", w[1], r.volume.line);
    auto v = volume(w, 2, 3, false, false);
    if (!v) return v.error();
    layout_.raids.push_back(RaidSet{w[1], std::move(*v)});
    return {};
  }

  Status lv(const std::vector<std::string>& w) {
    if (w.size() < 4) return error("expected 'lv VG/NAME TARGET SIZE [FS [OPTIONS]]'");
    auto slash = w[1].find('/');
    if (slash == std::string::npos) return error("expected VG/NAME, not '{}'", w[1]);
    LogicalVolume l;
    l.group = w[1].substr(0, slash);
    l.name = w[1].substr(slash + 1);
    if (!valid_name(l.group) || !valid_name(l.name)) return error("bad logical volume '{}'", w[1]);
    for (const auto& o : layout_.volumes)
      if (o.group == l.group && o.name == l.name) return error("{} is defined twice (first on line {})", w[1], o.volume.line);
    auto v = volume(w, 2, 4, false, false);
    if (!v) return v.error();
    if (v->target.kind == Target::Kind::lvm) return error("{}: a logical volume cannot be a physical volume", w[1]);
    auto s = size(w[3]);
    if (!s) return s.error();
    l.volume = std::move(*v);
    l.size = std::move(*s);
    layout_.volumes.push_back(std::move(l));
    return {};
  }

  Status boot(const std::vector<std::string>& w) {
    if (w.size() != 2) return error("expected 'boot bios|uefi|both|none'");
    if (layout_.boot_written) return error("a second 'boot' line");
    if (w[1] == "bios") layout_.boot = Boot::bios;
    else if (w[1] == "uefi") layout_.boot = Boot::uefi;
    else if (w[1] == "both") layout_.boot = Boot::both;
    else if (w[1] == "none") layout_.boot = Boot::none;
    else return error("unknown boot '{}' (expected bios, uefi, both or none)", w[1]);
    layout_.boot_written = true;
    boot_line_ = line_;
    return {};
  }

  // Checks sizes within one disk or group: at most one rest, % adding up to at most 100.
  Status check_sizes(const std::vector<const Size*>& sizes, const std::string& what, int line) {
    int rests = 0;
    uint64_t percent = 0, mib = 0;
    for (const auto* s : sizes) {
      if (s->kind == Size::Kind::rest) ++rests;
      if (s->kind == Size::Kind::percent) percent += s->value;
      if (s->kind == Size::Kind::mib) mib += s->value;
    }
    line_ = line;
    if (rests > 1) return error("{} has {} 'rest' sizes; at most one", what, rests);
    if (percent > 100) return error("the % sizes of {} add up to {}%", what, percent);
    if (mib > kMaxMib) return error("{} needs more than 1 EiB", what);
    line_ = 0;
    return {};
  }

  Status check() {
    if (layout_.disks.empty()) return error("no disk (a layout starts with 'disk NAME gpt|msdos')");
    std::map<std::string, int> mounts;
    int roots = 0;
    for (const auto* v : layout_.filesystems()) {
      if (!v->mounted()) continue;
      line_ = v->line;
      if (auto it = mounts.find(v->target.name); it != mounts.end())
        return error("{} is mounted twice (first on line {})", v->target.name, it->second);
      mounts[v->target.name] = v->line;
      if (v->target.name == "/") ++roots;
    }
    line_ = 0;
    if (roots == 0) return error("no partition or volume is mounted at /");
    for (const auto& d : layout_.disks) {
      line_ = d.line;
      if (d.partitions.empty()) return error("disk {} has no partitions", d.name);
      std::vector<const Size*> sizes;
      for (const auto& p : d.partitions) sizes.push_back(&p.size);
      HERD_CHECK(check_sizes(sizes, "disk " + d.name, d.line));
    }
    // RAID sets: two or more members on different disks, each used once; LVM groups.
    std::map<std::string, std::vector<std::string>> raid_disks;
    std::map<std::string, int> group_members;
    for (const auto& d : layout_.disks)
      for (const auto& p : d.partitions) {
        const auto& t = p.volume.target;
        if (t.kind == Target::Kind::raid) {
          line_ = p.volume.line;
          auto it = std::find_if(layout_.raids.begin(), layout_.raids.end(), [&](const RaidSet& r) { return r.name == t.name; });
          if (it == layout_.raids.end()) return error("RAID set {} is not defined (add 'raid {} TARGET FS')", t.name, t.name);
          auto& on = raid_disks[t.name];
          if (std::find(on.begin(), on.end(), d.name) != on.end())
            return error("RAID set {} has two members on disk {}; mirror across disks", t.name, d.name);
          on.push_back(d.name);
        }
        if (t.kind == Target::Kind::lvm) ++group_members[t.name];
      }
    for (const auto& r : layout_.raids) {
      line_ = r.volume.line;
      if (raid_disks[r.name].size() < 2)
        return error("RAID set {} has {} member(s); RAID1 needs two or more (part raid:{} SIZE on each disk)", r.name,
                     raid_disks[r.name].size(), r.name);
      if (r.volume.target.kind == Target::Kind::lvm) ++group_members[r.volume.target.name];
    }
    for (const auto& group : layout_.groups()) {
      std::vector<const Size*> sizes;
      int line = 0;
      for (const auto& l : layout_.volumes)
        if (l.group == group) {
          sizes.push_back(&l.size);
          if (line == 0) line = l.volume.line;
        }
      if (line == 0) continue;  // a group with no volumes yet: allowed (space kept for later)
      HERD_CHECK(check_sizes(sizes, "volume group " + group, line));
    }
    for (const auto& l : layout_.volumes) {
      line_ = l.volume.line;
      if (group_members[l.group] == 0)
        return error("volume group {} has no physical volume (part lvm:{} SIZE)", l.group, l.group);
    }
    // Boot loaders.
    const auto& first = layout_.disks.front();
    bool bios_possible = first.label == Label::msdos ||
                         std::any_of(first.partitions.begin(), first.partitions.end(), [](const Partition& p) {
                           return p.volume.target.kind == Target::Kind::bios_grub;
                         });
    const Volume* esp = layout_.mounted_at("/boot/efi");
    bool uefi_possible = esp != nullptr &&
                         std::any_of(first.partitions.begin(), first.partitions.end(),
                                     [&](const Partition& p) { return &p.volume == esp; });
    line_ = boot_line_;
    if (!layout_.boot_written) {
      layout_.boot = bios_possible && uefi_possible ? Boot::both
                     : bios_possible               ? Boot::bios
                     : uefi_possible               ? Boot::uefi
                                                   : Boot::none;
    } else {
      bool bios = layout_.boot == Boot::bios || layout_.boot == Boot::both;
      bool uefi = layout_.boot == Boot::uefi || layout_.boot == Boot::both;
      if (bios && !bios_possible)
        return error("boot {} needs a bios_grub partition on the first disk ({} is gpt)", boot_name(layout_.boot),
                     first.name);
      if (uefi && !uefi_possible)
        return error("boot {} needs a vfat partition mounted at /boot/efi on the first disk ({})",
                     boot_name(layout_.boot), first.name);
    }
    line_ = 0;
    return {};
  }

  const std::string& file_;
  const Attributes* attributes_;
  const std::string& node_;
  Layout layout_;
  int line_ = 0;
  int boot_line_ = 0;
};

}  // namespace

Result<Size> parse_size(std::string_view word, const std::string& what) {
  auto bad = [&] { return bad_input("{}bad size '{}' (expected N MiB, GiB or TiB, N%, or rest)", what.empty() ? "" : what + ": ", word); };
  Size s;
  s.text = std::string(word);
  if (word == "rest") {
    s.kind = Size::Kind::rest;
    return s;
  }
  size_t digits = 0;
  while (digits < word.size() && word[digits] >= '0' && word[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return bad();
  long long n = 0;
  if (!parse_int(word.substr(0, digits), n) || n <= 0) return bad();
  auto unit = word.substr(digits);
  auto value = static_cast<uint64_t>(n);
  if (unit == "%") {
    if (value > 100) return bad();
    s.kind = Size::Kind::percent;
    s.value = value;
    return s;
  }
  uint64_t factor = unit == "MiB" ? 1 : unit == "GiB" ? 1024 : unit == "TiB" ? 1024 * 1024 : 0;
  if (factor == 0 || value > kMaxMib / factor) return bad();
  s.kind = Size::Kind::mib;
  s.value = value * factor;
  return s;
}

Result<Layout> parse_layout(std::string_view text, const std::string& file, const Attributes* attributes,
                            const std::string& node) {
  return Parser(file, attributes, node).run(text);
}

}  // namespace herd::image::disk
