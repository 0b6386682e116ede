#include "image/import/archive_reader.h"

#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "image/import/content_writer.h"
#include "image/import/member_path.h"
#include "image/import/posix_acl.h"

namespace herd::image::import {
namespace {

std::string archive_problem(struct archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown libarchive error";
}

Result<store::EntryType> entry_type(struct archive_entry* e, std::string_view member, const std::string& what) {
  switch (archive_entry_filetype(e)) {
    case AE_IFREG: return store::EntryType::file;
    case AE_IFDIR: return store::EntryType::folder;
    case AE_IFLNK: return store::EntryType::symlink;
    case AE_IFCHR: return store::EntryType::char_device;
    case AE_IFBLK: return store::EntryType::block_device;
    case AE_IFIFO: return store::EntryType::fifo;
    case AE_IFSOCK: return store::EntryType::socket;
    default: return bad_input("{}: member {:?} has an unknown file type", what, member);
  }
}

// The ACL of one type as libarchive's ACL API gives it (the owner, group and other entries
// of an access ACL are made by libarchive from the permission bits).
std::vector<AclEntry> acl_entries(struct archive_entry* e, int type) {
  std::vector<AclEntry> out;
  if (archive_entry_acl_reset(e, type) <= 0) return out;
  int got_type, permset, tag, id;
  const char* name;
  while (archive_entry_acl_next(e, type, &got_type, &permset, &tag, &id, &name) == ARCHIVE_OK) {
    AclEntry a;
    a.perm = static_cast<uint16_t>(permset & 7);
    a.id = static_cast<uint32_t>(id);
    switch (tag) {
      case ARCHIVE_ENTRY_ACL_USER_OBJ: a.tag = acl_user_obj; break;
      case ARCHIVE_ENTRY_ACL_USER: a.tag = acl_user; break;
      case ARCHIVE_ENTRY_ACL_GROUP_OBJ: a.tag = acl_group_obj; break;
      case ARCHIVE_ENTRY_ACL_GROUP: a.tag = acl_group; break;
      case ARCHIVE_ENTRY_ACL_MASK: a.tag = acl_mask; break;
      case ARCHIVE_ENTRY_ACL_OTHER: a.tag = acl_other; break;
      default: continue;
    }
    out.push_back(a);
  }
  return out;
}

// xattrs and ACLs. A raw system.posix_acl_* xattr in the archive wins over its ACL text.
void read_xattrs(struct archive_entry* e, store::TreeEntry& entry, std::string_view member, ReadStats& stats,
                 const std::string& what) {
  archive_entry_xattr_reset(e);
  const char* name;
  const void* value;
  size_t size;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
    if (name && *name) entry.xattrs[name] = std::string(static_cast<const char*>(value), size);
  int types = archive_entry_acl_types(e);
  if (types & ARCHIVE_ENTRY_ACL_TYPE_NFS4)
    stats.notes.push_back(fmt::format("{}: member {:?}: NFSv4 ACL left out (Linux file systems keep POSIX ACLs)", what, member));
  if (types & ARCHIVE_ENTRY_ACL_TYPE_ACCESS) {
    auto access = acl_entries(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS);
    if (!acl_is_minimal(access) && !entry.xattrs.count("system.posix_acl_access")) {
      // With a mask, the permission bits' group class is the mask (as the kernel shows it).
      for (const auto& a : access)
        if (a.tag == acl_mask) entry.mode = (entry.mode & ~070u) | (static_cast<uint32_t>(a.perm) << 3);
      entry.xattrs["system.posix_acl_access"] = encode_posix_acl(access);
    }
  }
  if (types & ARCHIVE_ENTRY_ACL_TYPE_DEFAULT) {
    auto defaults = acl_entries(e, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT);
    if (!defaults.empty() && entry.type == store::EntryType::folder && !entry.xattrs.count("system.posix_acl_default"))
      entry.xattrs["system.posix_acl_default"] = encode_posix_acl(defaults);
  }
}

Result<store::StoredContent> store_member(struct archive* a, store::ObjectStore& store, uint64_t size,
                                          const std::string& name) {
  ContentWriter writer(store, size, name);
  uint64_t at = 0;
  for (;;) {
    const void* buffer;
    size_t length;
    la_int64_t offset;
    int r = archive_read_data_block(a, &buffer, &length, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return bad_input("{}: {}", name, archive_problem(a));
    if (offset < 0 || static_cast<uint64_t>(offset) < at) return bad_input("{}: data blocks out of order", name);
    HERD_CHECK(writer.add_zeros(static_cast<uint64_t>(offset) - at));  // a hole of a sparse file
    HERD_CHECK(writer.add(std::string_view(static_cast<const char*>(buffer), length)));
    at = static_cast<uint64_t>(offset) + length;
  }
  if (at > size) return bad_input("{}: {} bytes of data, but the header says {}", name, at, size);
  HERD_CHECK(writer.add_zeros(size - at));  // a sparse file ending in a hole
  return writer.finish();
}

}  // namespace

ArchivePtr new_tar_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  return a;
}

Status read_archive(struct archive* a, store::ObjectStore& store, ImportTree& tree, uint64_t& next_inode,
                    const ReadOptions& options, ReadStats& stats) {
  const std::string& what = options.what;
  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      if (stats.members == 0) return bad_input("{}: not a readable tar archive: {}", what, archive_problem(a));
      return bad_input("{}: corrupt after {} members: {}", what, stats.members, archive_problem(a));
    }
    if (r == ARCHIVE_WARN) stats.notes.push_back(fmt::format("{}: {}", what, archive_problem(a)));
    ++stats.members;
    const char* raw = archive_entry_pathname(e);
    if (!raw) return bad_input("{}: member {} has no name", what, stats.members);
    std::string member = raw;
    auto parts = member_components(member, what);
    if (!parts) return parts.error();
    if (options.layer && !parts->empty()) {
      std::string target;
      auto whiteout = classify_whiteout(parts->back(), target);
      if (!whiteout) return whiteout.error().with_context(fmt::format("{}: member {:?}", what, member));
      if (*whiteout != Whiteout::none) {
        auto parent = tree.parent_folder(*parts, member);
        if (!parent) return parent.error().with_context(what);
        if (*whiteout == Whiteout::remove) (*parent)->whiteouts.insert(target);
        if (*whiteout == Whiteout::opaque) (*parent)->opaque = true;
        continue;
      }
    }

    ImportNode node;
    node.declared = true;
    store::TreeEntry& entry = node.entry;
    if (const char* link = archive_entry_hardlink(e)) {
      auto target = member_components(link, what);
      if (!target) return target.error();
      if (parts->empty() || target->empty()) return bad_input("{}: member {:?}: a hardlink of the root", what, member);
      ImportNode* found = tree.find(*target);
      if (found && !found->is_folder() && !found->link_pending) {
        node = *found;
      } else if (!found && options.layer) {
        node.link_pending = true;
        tree.pending_links.push_back({*parts, *target, fmt::format("{}: member {:?}", what, member)});
      } else {
        return bad_input("{}: member {:?} is a hardlink to {:?}, which is not a file earlier in the archive", what,
                         member, link);
      }
      auto put = tree.put(*parts, std::move(node), member);
      if (!put) return put.error().with_context(what);
      continue;
    }

    auto type = entry_type(e, member, what);
    if (!type) return type.error();
    entry.type = *type;
    entry.mode = static_cast<uint32_t>(archive_entry_perm(e)) & 07777;
    entry.uid = static_cast<uint32_t>(archive_entry_uid(e));
    entry.gid = static_cast<uint32_t>(archive_entry_gid(e));
    entry.mtime_ns = static_cast<int64_t>(archive_entry_mtime(e)) * 1'000'000'000 + archive_entry_mtime_nsec(e);
    read_xattrs(e, entry, member, stats, what);
    if (entry.type == store::EntryType::symlink) {
      const char* target = archive_entry_symlink(e);
      if (!target || !*target) return bad_input("{}: member {:?} is a symlink without a target", what, member);
      entry.link_target = target;
      entry.size = entry.link_target.size();
    }
    if (entry.type == store::EntryType::char_device || entry.type == store::EntryType::block_device)
      entry.rdev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
    if (entry.type == store::EntryType::file) {
      la_int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
      if (size < 0) return bad_input("{}: member {:?} has a negative size", what, member);
      auto stored = store_member(a, store, static_cast<uint64_t>(size), fmt::format("{}: member {:?}", what, member));
      if (!stored) return stored.error();
      entry.content = stored->hash;
      entry.size = stored->size;
      stats.new_bytes += stored->new_bytes;
    }
    if (parts->empty()) {
      // "./" itself: the root folder's metadata (not part of any tree, kept for completeness).
      if (entry.type != store::EntryType::folder) return bad_input("{}: member {:?} names the root but is not a folder", what, member);
      tree.root().entry = entry;
      tree.root().declared = true;
      continue;
    }
    if (entry.type != store::EntryType::folder) node.inode = next_inode++;
    auto put = tree.put(*parts, std::move(node), member);
    if (!put) return put.error().with_context(what);
  }
  return {};
}

}  // namespace herd::image::import
