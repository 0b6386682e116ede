#include "store/tree.h"

#include "store/binary.h"

namespace herd::store {
namespace {

constexpr uint8_t kTreeVersion = 1;
constexpr size_t kMaxName = 255;         // NAME_MAX
constexpr size_t kMaxOwnerName = 255;
constexpr size_t kMaxXattrName = 255;    // XATTR_NAME_MAX
constexpr size_t kMaxXattrValue = 65536; // XATTR_SIZE_MAX
constexpr size_t kMaxLinkTarget = 4095;  // PATH_MAX - 1
// The smallest encoded entry: every field present, every string empty.
constexpr size_t kMinEntryBytes = 4 + 1 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 8 + 4 + 32;

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// The first rule `e` breaks, or "" (docs/store-format.md, "Trees").
std::string entry_problem(const TreeEntry& e) {
  if (!valid_entry_name(e.name)) return "bad name";
  auto t = static_cast<uint8_t>(e.type);
  if (t < 1 || t > 7) return fmt::format("unknown type {}", t);
  if (e.mode > 07777) return fmt::format("mode {:o} has bits beyond 07777", e.mode);
  if (e.user.size() > kMaxOwnerName || has_nul(e.user)) return "bad user name";
  if (e.group.size() > kMaxOwnerName || has_nul(e.group)) return "bad group name";
  for (const auto& [key, value] : e.xattrs) {
    if (key.empty() || key.size() > kMaxXattrName || has_nul(key)) return "bad xattr name";
    if (value.size() > kMaxXattrValue) return fmt::format("xattr {} value is over {} bytes", key, kMaxXattrValue);
  }
  bool has_content = e.type == EntryType::file || e.type == EntryType::folder;
  if (has_content && e.content.is_zero()) return fmt::format("{} without content hash", entry_type_name(e.type));
  if (!has_content && !e.content.is_zero()) return fmt::format("{} with a content hash", entry_type_name(e.type));
  if (e.type == EntryType::symlink) {
    if (e.link_target.empty() || e.link_target.size() > kMaxLinkTarget || has_nul(e.link_target)) return "bad symlink target";
    if (e.size != e.link_target.size()) return fmt::format("symlink size {} is not its target's length {}", e.size, e.link_target.size());
  } else {
    if (!e.link_target.empty()) return fmt::format("{} with a symlink target", entry_type_name(e.type));
    if (e.type != EntryType::file && e.size != 0) return fmt::format("{} with size {}", entry_type_name(e.type), e.size);
  }
  bool device = e.type == EntryType::char_device || e.type == EntryType::block_device;
  if (!device && e.rdev != 0) return fmt::format("{} with a device number", entry_type_name(e.type));
  if (e.type == EntryType::folder && e.hardlink_group != 0) return "folder in a hardlink group";
  return "";
}

}  // namespace

const char* entry_type_name(EntryType type) {
  switch (type) {
    case EntryType::file: return "file";
    case EntryType::folder: return "folder";
    case EntryType::symlink: return "symlink";
    case EntryType::char_device: return "char-device";
    case EntryType::block_device: return "block-device";
    case EntryType::fifo: return "fifo";
    case EntryType::socket: return "socket";
  }
  return "unknown";
}

bool valid_entry_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxName && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

Status check_tree(const Tree& tree, const std::string& what) {
  for (size_t i = 0; i < tree.entries.size(); ++i) {
    const TreeEntry& e = tree.entries[i];
    if (std::string problem = entry_problem(e); !problem.empty())
      return bad_input("{}: entry {} {:?}: {}", what, i, e.name, problem);
    if (i > 0 && !(tree.entries[i - 1].name < e.name))
      return bad_input("{}: entry {} {:?}: names are not strictly increasing (after {:?})", what, i, e.name, tree.entries[i - 1].name);
  }
  return {};
}

std::string encode_tree(const Tree& tree) {
  std::string out;
  out.reserve(5 + tree.entries.size() * (kMinEntryBytes + 16));
  ByteWriter w(out);
  w.u8(kTreeVersion);
  w.u32(static_cast<uint32_t>(tree.entries.size()));
  for (const TreeEntry& e : tree.entries) {
    w.str(e.name);
    w.u8(static_cast<uint8_t>(e.type));
    w.u32(e.mode);
    w.u32(e.uid);
    w.u32(e.gid);
    w.str(e.user);
    w.str(e.group);
    w.i64(e.mtime_ns);
    w.u64(e.size);
    w.u32(static_cast<uint32_t>(e.xattrs.size()));
    for (const auto& [key, value] : e.xattrs) {
      w.str(key);
      w.str(value);
    }
    w.str(e.link_target);
    w.u64(e.rdev);
    w.u32(e.hardlink_group);
    w.hash(e.content);
  }
  return out;
}

Result<Tree> decode_tree(std::string_view bytes, const std::string& what) {
  ByteReader r(bytes);
  auto bad = [&] { return bad_input("{}: bad tree: {}", what, r.problem()); };
  uint8_t version;
  uint32_t count;
  if (!r.u8(version, "version")) return bad();
  if (version != kTreeVersion) {
    r.fail(fmt::format("unknown version {}", version));
    return bad();
  }
  if (!r.u32(count, "entry count")) return bad();
  if (count > r.remaining() / kMinEntryBytes) {
    r.fail(fmt::format("{} entries cannot fit in {} bytes", count, r.remaining()));
    return bad();
  }
  Tree tree;
  tree.entries.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    TreeEntry& e = tree.entries[i];
    uint8_t type;
    uint32_t xattr_count;
    std::string field = fmt::format("entry {} ", i);
    auto f = [&](std::string_view name) { return field + std::string(name); };
    if (!r.str(e.name, kMaxName, f("name")) || !r.u8(type, f("type")) || !r.u32(e.mode, f("mode")) ||
        !r.u32(e.uid, f("uid")) || !r.u32(e.gid, f("gid")) || !r.str(e.user, kMaxOwnerName, f("user")) ||
        !r.str(e.group, kMaxOwnerName, f("group")) || !r.i64(e.mtime_ns, f("mtime")) || !r.u64(e.size, f("size")) ||
        !r.u32(xattr_count, f("xattr count")))
      return bad();
    e.type = static_cast<EntryType>(type);
    std::string previous_key;
    for (uint32_t x = 0; x < xattr_count; ++x) {
      std::string key, value;
      if (!r.str(key, kMaxXattrName, f("xattr name")) || !r.str(value, kMaxXattrValue, f("xattr value"))) return bad();
      if (x > 0 && !(previous_key < key)) {
        r.fail(fmt::format("entry {} {:?}: xattr names are not strictly increasing ({:?} after {:?})", i, e.name, key, previous_key));
        return bad();
      }
      previous_key = key;
      e.xattrs.emplace(std::move(key), std::move(value));
    }
    if (!r.str(e.link_target, kMaxLinkTarget, f("symlink target")) || !r.u64(e.rdev, f("rdev")) ||
        !r.u32(e.hardlink_group, f("hardlink group")) || !r.hash(e.content, f("content")))
      return bad();
    if (std::string problem = entry_problem(e); !problem.empty()) {
      r.fail(fmt::format("entry {} {:?}: {}", i, e.name, problem));
      return bad();
    }
    if (i > 0 && !(tree.entries[i - 1].name < e.name)) {
      r.fail(fmt::format("entry {} {:?}: names are not strictly increasing (after {:?})", i, e.name, tree.entries[i - 1].name));
      return bad();
    }
  }
  if (!r.at_end()) {
    r.fail(fmt::format("{} bytes after the last entry", r.remaining()));
    return bad();
  }
  return tree;
}

}  // namespace herd::store
