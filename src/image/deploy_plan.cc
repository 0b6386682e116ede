#include "image/deploy_plan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

#include "store/file_content.h"
#include "track/beneath.h"
#include "track/path.h"
#include "track/tree_diff.h"
#include "track/unique_fd.h"
#include "track/xattrs.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::image {
namespace {

using store::EntryType;
using store::TreeEntry;
using Kind = DeployAction::Kind;
using track::UniqueFd;

constexpr std::string_view kTempPrefix = ".herd-image-";

const char* live_type_name(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR: return "folder";
    case S_IFLNK: return "symlink";
    case S_IFREG: return "file";
    case S_IFCHR: return "char device";
    case S_IFBLK: return "block device";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
  }
  return "entry";
}

mode_t live_type_of(EntryType type) {
  switch (type) {
    case EntryType::file: return S_IFREG;
    case EntryType::folder: return S_IFDIR;
    case EntryType::symlink: return S_IFLNK;
    case EntryType::char_device: return S_IFCHR;
    case EntryType::block_device: return S_IFBLK;
    case EntryType::fifo: return S_IFIFO;
    case EntryType::socket: return S_IFSOCK;
  }
  return 0;
}

std::string what_of(const TreeEntry& e) {
  std::string what = store::entry_type_name(e.type);
  if (e.type == EntryType::symlink) what += " -> " + e.link_target;
  if (e.type == EntryType::char_device || e.type == EntryType::block_device)
    what += fmt::format(" {}:{}", major(e.rdev), minor(e.rdev));
  return what;
}

// Same type and same content (file content, symlink target, device number): only the
// metadata can differ.
bool same_content(const TreeEntry& a, const TreeEntry& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case EntryType::file: return a.content == b.content && a.size == b.size;
    case EntryType::symlink: return a.link_target == b.link_target;
    case EntryType::char_device:
    case EntryType::block_device: return a.rdev == b.rdev;
    default: return true;
  }
}

// What differs in metadata between two entries of the same content, for the report.
std::vector<std::string> metadata_differences(const TreeEntry& from, const TreeEntry& to) {
  std::vector<std::string> out;
  if (to.type != EntryType::symlink && from.mode != to.mode)
    out.push_back(fmt::format("mode {} -> {}", track::mode_string(from.mode), track::mode_string(to.mode)));
  if (from.uid != to.uid || from.gid != to.gid)
    out.push_back(fmt::format("owner {}:{} -> {}:{}", from.uid, from.gid, to.uid, to.gid));
  if (from.xattrs != to.xattrs) out.push_back("xattrs");
  if (to.type != EntryType::folder && from.mtime_ns != to.mtime_ns) out.push_back("mtime");
  if (from.hardlink_group != to.hardlink_group && (from.hardlink_group == 0 || to.hardlink_group == 0))
    out.push_back(to.hardlink_group ? "now a hardlink" : "no longer a hardlink");
  return out;
}

// Xattrs equal apart from security.* ones the live entry has and the target lacks (never removed).
bool same_xattrs(const track::Xattrs& live, const track::Xattrs& want) {
  for (const auto& [name, value] : want) {
    auto it = live.find(name);
    if (it == live.end() || it->second != value) return false;
  }
  for (const auto& [name, value] : live)
    if (!want.count(name) && name.rfind("security.", 0) != 0) return false;
  return true;
}

// The names in folder `fd`, sorted.
Status list_names(int fd, const std::string& path, std::vector<std::string>& names) {
  names.clear();
  alignas(8) char chunk[32768];
  if (::lseek(fd, 0, SEEK_SET) != 0) return failure("{}: {}", path, std::strerror(errno));
  for (;;) {
    ssize_t n = ::getdents64(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure("{}: read folder: {}", path, std::strerror(errno));
    }
    if (n == 0) break;
    for (ssize_t pos = 0; pos < n;) {
      auto* d = reinterpret_cast<struct dirent64*>(chunk + pos);
      pos += d->d_reclen;
      std::string_view name = d->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return {};
}

// One folder waiting to be planned.
struct Item {
  size_t folder;                      // its FolderPlan
  std::optional<store::Hash> old_tree;
  store::Hash new_tree;
  PathRules::Flags flags;
  bool live = false;                  // exists live as a folder (false: it is being created)
};

class Planner {
 public:
  Planner(const PlanInput& in, TreeReader& reader) : in_(in), reader_(reader) {
    struct stat st {};
    if (::fstat(in.root_fd, &st) == 0) root_dev_ = st.st_dev;
  }

  Result<Plan> run() {
    FolderPlan root;
    root.path = "/";
    plan_.folders.push_back(std::move(root));
    std::vector<Item> level{Item{0, in_.old_tree, in_.new_tree, PathRules::Flags{}, true}};
    while (!level.empty()) {
      std::vector<store::Hash> need;
      for (const Item& item : level) need.push_back(item.new_tree);
      HERD_CHECK(reader_.fetch(std::move(need)));
      std::vector<Item> next;
      for (const Item& item : level) HERD_CHECK(plan_folder(item, next));
      level = std::move(next);
    }
    HERD_CHECK(resolve_hardlinks());
    HERD_CHECK(fetch_chunk_lists());
    std::sort(plan_.actions.begin(), plan_.actions.end(),
              [](const DeployAction& a, const DeployAction& b) { return a.path < b.path; });
    return std::move(plan_);
  }

 private:
  void report(Kind kind, const std::string& path, std::string detail) {
    plan_.actions.push_back(DeployAction{kind, path, std::move(detail)});
    if (in_.verify) plan_.repaired.push_back(path);
  }

  void count_write(const TreeEntry& e) {
    ++plan_.files_to_write;
    if (e.type == EntryType::file) plan_.bytes_to_write += e.size;
  }

  Status plan_folder(const Item& item, std::vector<Item>& next) {
    auto target = reader_.tree(item.new_tree);
    if (!target) return target.error().with_context(plan_.folders[item.folder].path);
    std::optional<store::Tree> old;
    if (item.old_tree) {
      auto o = reader_.tree(*item.old_tree);
      if (o) old = std::move(*o);
      else plan_.notes.push_back(fmt::format("{}: the deployed tree is not in the state ({}); compared with the live folder",
                                             plan_.folders[item.folder].path, o.error().message));
    }
    const std::string path = plan_.folders[item.folder].path;
    // The live folder, when it exists: for its listing, and the entries that need a look.
    UniqueFd dir;
    std::vector<std::string> live_names;
    if (item.live) {
      int error = 0;
      dir = track::open_folder_beneath(in_.root_fd, path, error);
      if (!dir) return failure("{}: {}", path, std::strerror(error));
      HERD_CHECK(list_names(dir.get(), path, live_names));
      for (const auto& name : live_names)
        if (starts_with(name, kTempPrefix)) plan_.folders[item.folder].leftovers.push_back(name);
    }
    // Without the deployed tree, the live folder is what there is to compare with.
    bool compare_live = in_.verify || (item.live && !old);

    std::vector<PlannedOp> ops;
    std::set<std::string> wanted;
    for (const TreeEntry& e : target->entries) {
      if (!store::valid_entry_name(e.name))
        return failure("tree {} has a bad entry name {:?} in {}: refusing to deploy it", item.new_tree.hex().substr(0, 12),
                       e.name, path);
      wanted.insert(e.name);
      std::string child = track::join_path(path, e.name);
      PathRules::Flags flags = in_.rules->classify(child, item.flags);
      if (flags.protect) continue;
      bool made_now = std::find(in_.made_now.begin(), in_.made_now.end(), child) != in_.made_now.end();
      bool preserved = flags.preserve && !in_.rules->is_override(child) && !made_now;
      const TreeEntry* o = nullptr;
      if (old) {
        auto it = std::lower_bound(old->entries.begin(), old->entries.end(), e.name,
                                   [](const TreeEntry& a, const std::string& n) { return a.name < n; });
        if (it != old->entries.end() && it->name == e.name) o = &*it;
      }
      // In a deployed folder, an entry unchanged since the last deploy needs no look at all
      // (unless it is preserved: a preserved entry that went missing is created again).
      bool unchanged = !compare_live && o &&
                       (e.type == EntryType::folder ? o->type == EntryType::folder && o->content == e.content : *o == e);
      if (unchanged && !preserved) continue;
      struct stat st {};
      bool exists = false;
      if (item.live) {
        if (::fstatat(dir.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
          exists = true;
        else if (errno != ENOENT)
          return failure("{}: {}", child, std::strerror(errno));
      }
      // Preserved: created when missing, never changed. A preserved folder that exists is
      // still entered (when its content changed) to create what is missing inside it.
      if (preserved && exists && !(e.type == EntryType::folder && S_ISDIR(st.st_mode) && !unchanged)) continue;
      if (unchanged) continue;
      if (e.type == EntryType::folder) {
        HERD_CHECK(plan_subfolder(dir.get(), e, o, child, flags, preserved, exists, st, ops, next));
        continue;
      }
      PlannedOp op;
      op.name = e.name;
      op.entry = e;
      if (o) op.old = *o;
      op.exists = exists;
      op.live_is_folder = exists && S_ISDIR(st.st_mode);
      if (exists && S_ISDIR(st.st_mode) && st.st_dev != root_dev_ && !in_.verify) {
        // Never replace another file system's mount point.
        plan_.notes.push_back(fmt::format("{}: a mount point of another file system; left alone", child));
        continue;
      }
      if (compare_live) {
        HERD_CHECK(compare_entry(dir.get(), child, e, exists, st, op));
        if (op.detail.empty()) continue;  // the same
      } else if (o && same_content(*o, e) && exists && (st.st_mode & S_IFMT) == live_type_of(e.type)) {
        op.op = EntryOp::metadata;
        op.kind = Kind::metadata;
        op.detail = join(metadata_differences(*o, e), ", ");
        if (op.detail.empty()) op.detail = "metadata";
        if ((e.hardlink_group == 0) != (o->hardlink_group == 0)) set_write(op, exists, st);
      } else {
        set_write(op, exists, st);
      }
      note_group(op, child);
      report(op.kind, child, op.detail);
      ops.push_back(std::move(op));
    }
    // What is there but not in the target.
    std::vector<std::string> removals;
    if (compare_live) {
      for (const auto& name : live_names)
        if (!wanted.count(name) && !starts_with(name, kTempPrefix)) removals.push_back(name);
    } else if (old) {
      for (const TreeEntry& o : old->entries)
        if (!wanted.count(o.name) && store::valid_entry_name(o.name)) removals.push_back(o.name);
    }
    for (const auto& name : removals) {
      std::string child = track::join_path(path, name);
      PathRules::Flags flags = in_.rules->classify(child, item.flags);
      if (flags.protect || flags.preserve || flags.exclude) continue;
      struct stat st {};
      if (!dir || ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode) && st.st_dev != root_dev_) continue;  // a mount point
      if (S_ISDIR(st.st_mode) && in_.rules->keeps_beneath(child)) {
        HERD_CHECK(plan_prune(dir.get(), name, child, flags, ops));
        continue;
      }
      PlannedOp op;
      op.op = EntryOp::remove;
      op.kind = Kind::remove;
      op.name = name;
      op.exists = true;
      op.live_is_folder = S_ISDIR(st.st_mode);
      op.detail = live_type_name(st.st_mode);
      report(Kind::remove, child, op.detail);
      ops.push_back(std::move(op));
    }
    std::sort(ops.begin(), ops.end(), [](const PlannedOp& a, const PlannedOp& b) { return a.name < b.name; });
    plan_.folders[item.folder].ops = std::move(ops);
    return {};
  }

  Status plan_subfolder(int dirfd, const TreeEntry& e, const TreeEntry* o, const std::string& child,
                        PathRules::Flags flags, bool preserved, bool exists, const struct stat& st,
                        std::vector<PlannedOp>& ops, std::vector<Item>& next) {
    FolderPlan folder;
    folder.path = child;
    folder.entry = e;
    bool live_folder = exists && S_ISDIR(st.st_mode);
    if (live_folder && st.st_dev != root_dev_) {
      plan_.notes.push_back(fmt::format("{}: a mount point of another file system; left alone", child));
      return {};
    }
    PlannedOp op;
    op.op = EntryOp::folder;
    op.name = e.name;
    op.entry = e;
    if (o) op.old = *o;
    op.exists = exists;
    op.live_is_folder = live_folder;
    if (!exists) {
      folder.create = true;
      op.kind = Kind::create;
      op.detail = "folder";
      report(Kind::create, child, "folder");
    } else if (!live_folder) {
      folder.create = true;
      folder.replace = true;
      op.kind = Kind::replace;
      op.detail = fmt::format("{} with folder", live_type_name(st.st_mode));
      report(Kind::replace, child, op.detail);
    } else if (!preserved) {
      // The folder stays: does its own metadata change?
      std::vector<std::string> diffs;
      if (in_.verify || !o) {
        track::Xattrs xattrs;
        HERD_CHECK(track::read_xattrs_at(dirfd, e.name.c_str(), xattrs, child));
        diffs = live_differences(st, xattrs, e);
      } else if (o->type == EntryType::folder) {
        diffs = metadata_differences(*o, e);
      }
      if (!diffs.empty()) {
        folder.set_metadata = true;
        op.kind = Kind::metadata;
        op.detail = join(diffs, ", ");
        report(Kind::metadata, child, op.detail);
      } else if ((in_.verify || !o) && timespec_ns(st.st_mtim) != e.mtime_ns) {
        folder.touched = true;
      }
    }
    op.folder = plan_.folders.size();
    std::optional<store::Hash> old_tree;
    if (o && o->type == EntryType::folder && live_folder) old_tree = o->content;
    next.push_back(Item{plan_.folders.size(), old_tree, e.content, flags, live_folder});
    plan_.folders.push_back(std::move(folder));
    ops.push_back(std::move(op));
    return {};
  }

  // Folder `name` of `dirfd` (at `path`) goes, but holds something that must stay: its
  // other entries are removed, one level at a time, down to what stays.
  Status plan_prune(int dirfd, const std::string& name, const std::string& path, PathRules::Flags flags,
                    std::vector<PlannedOp>& ops) {
    UniqueFd fd(track::open_folder_at(dirfd, name.c_str()));
    if (!fd) return failure("{}: {}", path, std::strerror(errno));
    FolderPlan folder;
    folder.path = path;
    folder.prune = true;
    std::vector<std::string> names;
    HERD_CHECK(list_names(fd.get(), path, names));
    for (const auto& child_name : names) {
      std::string child = track::join_path(path, child_name);
      PathRules::Flags child_flags = in_.rules->classify(child, flags);
      if (child_flags.protect || child_flags.preserve || child_flags.exclude) continue;
      struct stat st {};
      if (::fstatat(fd.get(), child_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode) && st.st_dev != root_dev_) continue;
      if (S_ISDIR(st.st_mode) && in_.rules->keeps_beneath(child)) {
        HERD_CHECK(plan_prune(fd.get(), child_name, child, child_flags, folder.ops));
        continue;
      }
      PlannedOp op;
      op.op = EntryOp::remove;
      op.kind = Kind::remove;
      op.name = child_name;
      op.exists = true;
      op.live_is_folder = S_ISDIR(st.st_mode);
      op.detail = live_type_name(st.st_mode);
      report(Kind::remove, child, op.detail);
      folder.ops.push_back(std::move(op));
    }
    PlannedOp op;
    op.op = EntryOp::folder;
    op.name = name;
    op.exists = true;
    op.live_is_folder = true;
    op.folder = plan_.folders.size();
    plan_.folders.push_back(std::move(folder));
    ops.push_back(std::move(op));
    return {};
  }

  void set_write(PlannedOp& op, bool exists, const struct stat& st) {
    op.op = EntryOp::write;
    if (!exists) {
      op.kind = Kind::create;
      op.detail = what_of(op.entry);
    } else if ((st.st_mode & S_IFMT) == live_type_of(op.entry.type)) {
      op.kind = Kind::update;
      op.detail = op.entry.type == EntryType::file ? "content" : what_of(op.entry);
    } else {
      op.kind = Kind::replace;
      op.detail = fmt::format("{} with {}", live_type_name(st.st_mode), what_of(op.entry));
    }
    count_write(op.entry);
  }

  std::vector<std::string> live_differences(const struct stat& st, const track::Xattrs& xattrs, const TreeEntry& e) {
    std::vector<std::string> out;
    if (e.type != EntryType::symlink && (st.st_mode & 07777) != e.mode)
      out.push_back(fmt::format("mode {} -> {}", track::mode_string(st.st_mode & 07777), track::mode_string(e.mode)));
    if (st.st_uid != e.uid || st.st_gid != e.gid)
      out.push_back(fmt::format("owner {}:{} -> {}:{}", st.st_uid, st.st_gid, e.uid, e.gid));
    if (!same_xattrs(xattrs, e.xattrs)) out.push_back("xattrs");
    if (e.type != EntryType::folder && timespec_ns(st.st_mtim) != e.mtime_ns) out.push_back("mtime");
    return out;
  }

  // Compares the live entry (`exists`, `st`) with target `e`; sets op to what repairs it,
  // or leaves op.detail empty when they are the same.
  Status compare_entry(int dirfd, const std::string& path, const TreeEntry& e, bool exists, const struct stat& st,
                       PlannedOp& op) {
    if (!exists || (st.st_mode & S_IFMT) != live_type_of(e.type)) {
      set_write(op, exists, st);
      return {};
    }
    bool content_same = true;
    bool verified_now = false;  // read and hashed just now: worth a stat cache record
    track::Xattrs xattrs;
    bool xattrs_known = false;
    if (e.type == EntryType::file) {
      if (static_cast<uint64_t>(st.st_size) != e.size) {
        content_same = false;
      } else {
        track::StatCache::Lookup hit;
        if (in_.cache) hit = in_.cache->lookup(st);
        if (hit.found && hit.content_trusted) {
          content_same = hit.content == e.content;
          if (hit.xattrs_trusted && in_.cache->xattrs(st, xattrs)) xattrs_known = true;
        } else {
          UniqueFd fd(::openat(dirfd, e.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
          if (!fd) return failure("{}: {}", path, std::strerror(errno));
          auto hashed = store::hash_file(fd.get(), path);
          if (!hashed) return hashed.error();
          content_same = hashed->hash == e.content;
          verified_now = content_same;
        }
      }
    } else if (e.type == EntryType::symlink) {
      char target[PATH_MAX + 1];
      ssize_t n = ::readlinkat(dirfd, e.name.c_str(), target, sizeof target);
      content_same = n >= 0 && std::string_view(target, static_cast<size_t>(n)) == e.link_target;
    } else if (e.type == EntryType::char_device || e.type == EntryType::block_device) {
      content_same = st.st_rdev == e.rdev;
    }
    if (!content_same) {
      set_write(op, exists, st);
      return {};
    }
    if (!xattrs_known) HERD_CHECK(track::read_xattrs_at(dirfd, e.name.c_str(), xattrs, path));
    auto diffs = live_differences(st, xattrs, e);
    if (verified_now && diffs.empty()) {
      track::StatRecord r;
      r.dev = st.st_dev;
      r.ino = st.st_ino;
      r.size = static_cast<uint64_t>(st.st_size);
      r.mtime_ns = timespec_ns(st.st_mtim);
      r.ctime_ns = timespec_ns(st.st_ctim);
      r.content = e.content;
      r.xattrs = xattrs;
      plan_.verified.push_back(std::move(r));
    }
    if (diffs.empty()) return {};
    op.op = EntryOp::metadata;
    op.kind = Kind::metadata;
    op.detail = join(diffs, ", ");
    return {};
  }

  // Hardlink groups: the plan's members of a group are linked to one of them.
  void note_group(const PlannedOp& op, const std::string& path) {
    if (op.entry.type != EntryType::file || !op.entry.hardlink_group) return;
    groups_[op.entry.hardlink_group].push_back(path);
  }

  Status resolve_hardlinks() {
    if (groups_.empty()) return {};
    std::unordered_map<std::string, std::pair<size_t, size_t>> where;  // path -> (folder, op)
    for (size_t f = 0; f < plan_.folders.size(); ++f)
      for (size_t i = 0; i < plan_.folders[f].ops.size(); ++i) {
        const PlannedOp& op = plan_.folders[f].ops[i];
        if (op.entry.type == EntryType::file && op.entry.hardlink_group && op.op != EntryOp::remove)
          where[track::join_path(plan_.folders[f].path, op.name)] = {f, i};
      }
    for (auto& [group, paths] : groups_) {
      std::sort(paths.begin(), paths.end());
      // The first member written is the one the others link to; members only changing
      // metadata share its inode already (and get the metadata through it).
      std::string leader;
      for (const auto& p : paths) {
        auto [f, i] = where.at(p);
        PlannedOp& op = plan_.folders[f].ops[i];
        if (op.op != EntryOp::write) continue;
        if (leader.empty()) {
          leader = p;
          continue;
        }
        op.op = EntryOp::link;
        op.kind = op.exists ? Kind::replace : Kind::link;
        op.detail = "hardlink to " + leader;
        op.link_to = leader;
        --plan_.files_to_write;
        plan_.bytes_to_write -= op.entry.size;
        for (auto& a : plan_.actions)
          if (a.path == p) a = DeployAction{op.kind, p, op.detail};
      }
    }
    return {};
  }

  // The chunk lists of the large files the stage writes (and of the files they replace,
  // whose chunks can be reused), fetched in one stream.
  Status fetch_chunk_lists() {
    std::vector<store::Hash> need;
    auto want = [&](const TreeEntry& e) {
      if (e.type == EntryType::file && e.size > store::kSingleBlobLimit) need.push_back(e.content);
    };
    for (const FolderPlan& f : plan_.folders)
      for (const PlannedOp& op : f.ops)
        if (op.op == EntryOp::write) {
          want(op.entry);
          if (op.old && op.old->type == EntryType::file && op.old->size > store::kSingleBlobLimit && reader_.has(op.old->content))
            need.push_back(op.old->content);
        }
    HERD_CHECK(reader_.fetch(need));
    for (const auto& h : need) {
      if (plan_.chunk_lists.count(h)) continue;
      auto chunks = reader_.chunks(h);
      if (!chunks) return chunks.error();
      plan_.chunk_lists.emplace(h, std::move(*chunks));
    }
    return {};
  }

  const PlanInput& in_;
  TreeReader& reader_;
  Plan plan_;
  uint64_t root_dev_ = 0;
  std::map<uint32_t, std::vector<std::string>> groups_;
};

}  // namespace

Status TreeReader::fetch(std::vector<store::Hash> hashes) {
  std::vector<store::Hash> missing;
  std::set<store::Hash> asked;
  for (const auto& h : hashes)
    if (!has(h) && asked.insert(h).second) missing.push_back(h);
  if (missing.empty()) return {};
  auto stream = source_.stream(missing);
  for (size_t i = 0; i < missing.size(); ++i) {
    auto got = stream->next();
    if (!got) return got.error();
    ++objects_fetched;
    bytes_fetched += got->wire_bytes;
    if (got->object.type != store::ObjectType::tree && got->object.type != store::ObjectType::chunks)
      return failure("{}: object {} is a {}, where a tree or chunk list was expected", source_.describe(),
                     got->hash.hex(), store::object_type_name(got->object.type));
    fetched_.emplace(got->hash, std::move(got->object));
  }
  return {};
}

bool TreeReader::has(const store::Hash& hash) const { return fetched_.count(hash) || (local_ && local_->has(hash)); }

Result<store::Object> TreeReader::get(const store::Hash& hash) const {
  if (auto it = fetched_.find(hash); it != fetched_.end()) return it->second;
  if (!local_) return failure("object {} is not in the deploy state", hash.hex());
  return local_->get(hash);
}

Result<store::Tree> TreeReader::tree(const store::Hash& hash) const {
  auto object = get(hash);
  if (!object) return object.error();
  if (object->type != store::ObjectType::tree)
    return failure("object {} is a {}, not a tree", hash.hex(), store::object_type_name(object->type));
  return store::decode_tree(object->payload, "tree " + hash.hex());
}

Result<std::vector<store::Chunk>> TreeReader::chunks(const store::Hash& hash) const {
  auto object = get(hash);
  if (!object) return object.error();
  if (object->type != store::ObjectType::chunks)
    return failure("object {} is a {}, not a chunk list", hash.hex(), store::object_type_name(object->type));
  return store::decode_chunks(object->payload, "chunks " + hash.hex());
}

Status TreeReader::keep(store::ObjectStore& store) {
  for (const auto& [hash, object] : fetched_) {
    auto put = store.put(object.type, object.payload);
    if (!put) return put.error();
  }
  return store.sync();
}

Result<Plan> make_plan(const PlanInput& input, TreeReader& reader) {
  Planner planner(input, reader);
  return planner.run();
}

}  // namespace herd::image
