#include "track/restore.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <random>

#include "store/file_content.h"
#include "store/tree.h"
#include "track/apply_metadata.h"
#include "track/beneath.h"
#include "track/path.h"
#include "track/stored_trees.h"
#include "track/tree_diff.h"
#include "track/unique_fd.h"
#include "track/walker.h"
#include "track/xattrs.h"
#include "util/sparse_writer.h"
#include "util/text.h"

namespace herd::track {
namespace {

using store::EntryType;
using Kind = RestoreAction::Kind;

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

mode_t mknod_type(EntryType type) {
  switch (type) {
    case EntryType::char_device: return S_IFCHR;
    case EntryType::block_device: return S_IFBLK;
    case EntryType::fifo: return S_IFIFO;
    case EntryType::socket: return S_IFSOCK;
    default: return 0;
  }
}

std::string temp_name() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  return fmt::format(".herd-restore-{}-{:x}", ::getpid(), salt ^ (++counter * 0x9E3779B97F4A7C15ull));
}

// Xattrs equal apart from security.* ones the target has and the checkpoint lacks (never removed).
bool same_xattrs(const Xattrs& live, const Xattrs& want) {
  for (const auto& [name, value] : want) {
    auto it = live.find(name);
    if (it == live.end() || it->second != value) return false;
  }
  for (const auto& [name, value] : live)
    if (!want.count(name) && name.rfind("security.", 0) != 0) return false;
  return true;
}

class Restorer {
 public:
  Restorer(const store::ObjectStore& store, int root_fd, const StoredTrees& trees, const TrackSpec& spec,
           const Accounts& accounts, const RestoreOptions& options, RestoreResult& result)
      : store_(store), root_fd_(root_fd), trees_(trees), spec_(spec), accounts_(accounts), o_(options), result_(result) {}

  // Restores `node` (the entry at `path`); `chain` holds the checkpoint's folders from the
  // root's first child down to `node`'s parent.
  Status target(const std::string& path, Node& node, const std::vector<Node*>& chain, bool extras) {
    UniqueFd dir(::fcntl(root_fd_, F_DUPFD_CLOEXEC, 0));
    if (!dir) return failure("root: {}", std::strerror(errno));
    bool exists = true;
    std::string sofar = "/";
    std::vector<std::pair<UniqueFd, Node*>> created;  // folders made on the way: metadata at the end
    for (Node* folder : chain) {
      sofar = join_path(sofar, folder->entry.name);
      if (!store::valid_entry_name(folder->entry.name)) return bad_name(folder->entry.name, parent_path(sofar));
      if (!exists) {  // dry run below a folder that would be created
        report(Kind::create, sofar, "folder");
        continue;
      }
      struct stat st {};
      if (::fstatat(dir.get(), folder->entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) return failure("{}: {}", sofar, std::strerror(errno));
        report(Kind::create, sofar, "folder");
        if (o_.dry_run) {
          exists = false;
          continue;
        }
        if (::mkdirat(dir.get(), folder->entry.name.c_str(), 0700) != 0)
          return failure("{}: mkdir: {}", sofar, std::strerror(errno));
        UniqueFd fd(open_folder_at(dir.get(), folder->entry.name.c_str()));
        if (!fd) return failure("{}: {}", sofar, std::strerror(errno));
        if (::fsync(dir.get()) != 0) return failure("{}: fsync: {}", parent_path(sofar), std::strerror(errno));
        created.emplace_back(UniqueFd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0)), folder);
        dir = std::move(fd);
        continue;
      }
      if (!S_ISDIR(st.st_mode))
        return failure("refusing to restore {}: {} is a {} in the target, not a folder (symlinks are never followed; "
                       "restore {} itself to replace it)",
                       path, sofar, live_type_name(st.st_mode), sofar);
      UniqueFd fd(open_folder_at(dir.get(), folder->entry.name.c_str()));
      if (!fd) return failure("{}: {}", sofar, std::strerror(errno));
      dir = std::move(fd);
    }
    HERD_CHECK(entry(exists ? dir.get() : -1, path, node, extras));
    if (exists && !o_.dry_run && ::fsync(dir.get()) != 0)
      return failure("{}: fsync: {}", parent_path(path), std::strerror(errno));
    // Folders created above the target get their metadata last (creating the target
    // changed their mtime).
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      HERD_CHECK(apply_fd(it->first.get(), it->second->entry, "folder above " + path));
    return {};
  }

 private:
  Status bad_name(const std::string& name, std::string_view where) {
    return failure("checkpoint tree has a bad entry name '{}' in {}: refusing to restore it", name, where);
  }

  void report(Kind kind, const std::string& path, std::string detail) {
    RestoreAction action{kind, path, std::move(detail)};
    if (o_.on_action) o_.on_action(action);
    result_.actions.push_back(std::move(action));
  }

  bool is_skipped(const struct stat& st) const {
    return o_.skip_folder && S_ISDIR(st.st_mode) && st.st_dev == o_.skip_dev && st.st_ino == o_.skip_ino;
  }

  uint32_t uid_for(const store::TreeEntry& e) const {
    if (!e.user.empty())
      if (auto id = accounts_.uid_of(e.user)) return *id;
    return e.uid;
  }
  uint32_t gid_for(const store::TreeEntry& e) const {
    if (!e.group.empty())
      if (auto id = accounts_.gid_of(e.group)) return *id;
    return e.gid;
  }

  // What differs between the live entry (`st`, `xattrs`) and `e`; mtime only for non-folders.
  std::vector<std::string> differences(const struct stat& st, const Xattrs& xattrs, const store::TreeEntry& e) const {
    std::vector<std::string> out;
    if (e.type != EntryType::symlink && (st.st_mode & 07777) != e.mode)
      out.push_back(fmt::format("mode {} -> {}", mode_string(st.st_mode & 07777), mode_string(e.mode)));
    if (st.st_uid != uid_for(e) || st.st_gid != gid_for(e)) {
      store::TreeEntry live;
      live.uid = st.st_uid;
      live.gid = st.st_gid;
      live.user = accounts_.user_name(st.st_uid);
      live.group = accounts_.group_name(st.st_gid);
      out.push_back(fmt::format("owner {} -> {}", owner_string(live), owner_string(e)));
    }
    if (!same_xattrs(xattrs, e.xattrs)) out.push_back("xattrs");
    if (e.type != EntryType::folder && timespec_ns(st.st_mtim) != e.mtime_ns) out.push_back("mtime");
    return out;
  }

  Owner owner_of(const store::TreeEntry& e) const { return Owner{uid_for(e), gid_for(e)}; }
  Status apply_fd(int fd, const store::TreeEntry& e, const std::string& path) {
    return apply_metadata_fd(fd, e, owner_of(e), path);
  }
  Status apply_at(int dirfd, const char* name, const store::TreeEntry& e, const std::string& path) {
    return apply_metadata_at(dirfd, name, e, owner_of(e), path);
  }

  // Replaces `name` in `dirfd` by the finished temporary `temp` (a folder there goes first).
  Status commit(int dirfd, const std::string& temp, const char* name, bool folder_there, const std::string& path) {
    if (folder_there) HERD_CHECK(remove_at(dirfd, name, path));
    if (::renameat(dirfd, temp.c_str(), dirfd, name) != 0) {
      int saved = errno;
      ::unlinkat(dirfd, temp.c_str(), 0);
      return failure("{}: rename: {}", path, std::strerror(saved));
    }
    return {};
  }

  Status entry(int dirfd, const std::string& path, Node& node, bool extras) {
    const store::TreeEntry& e = node.entry;
    if (!store::valid_entry_name(e.name)) return bad_name(e.name, parent_path(path));
    struct stat st {};
    bool exists = false;
    if (dirfd >= 0) {
      if (::fstatat(dirfd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
        exists = true;
      else if (errno != ENOENT)
        return failure("{}: {}", path, std::strerror(errno));
    }
    if (exists && is_skipped(st)) return {};  // never touch the store itself
    switch (e.type) {
      case EntryType::folder: return folder(dirfd, path, node, exists, st, extras);
      case EntryType::file: return file(dirfd, path, node, exists, st);
      case EntryType::symlink: return symlink(dirfd, path, node, exists, st);
      default: return special(dirfd, path, node, exists, st);
    }
  }

  Status folder(int dirfd, const std::string& path, Node& node, bool exists, const struct stat& st, bool extras) {
    const store::TreeEntry& e = node.entry;
    const char* name = e.name.c_str();
    UniqueFd fd;
    bool created = false;
    if (exists && S_ISDIR(st.st_mode)) {
      fd.reset(open_folder_at(dirfd, name));
      if (!fd) return failure("{}: {}", path, std::strerror(errno));
    } else {
      if (exists)
        report(Kind::replace, path, fmt::format("{} with folder", live_type_name(st.st_mode)));
      else
        report(Kind::create, path, "folder");
      if (!o_.dry_run && dirfd >= 0) {
        if (exists) HERD_CHECK(remove_at(dirfd, name, path));
        if (::mkdirat(dirfd, name, 0700) != 0) return failure("{}: mkdir: {}", path, std::strerror(errno));
        fd.reset(open_folder_at(dirfd, name));
        if (!fd) return failure("{}: {}", path, std::strerror(errno));
        created = true;
      }
    }
    HERD_CHECK(trees_.load(node));
    size_t actions_before = result_.actions.size();
    int child_dir = fd ? fd.get() : -1;
    for (Node& child : node.children) HERD_CHECK(entry(child_dir, join_path(path, child.entry.name), child, extras));
    if (extras && fd) HERD_CHECK(remove_extras(fd.get(), path, node));
    if (!fd) return {};
    if (!created) {
      struct stat now {};
      if (::fstat(fd.get(), &now) != 0) return failure("{}: {}", path, std::strerror(errno));
      Xattrs live;
      HERD_CHECK(read_xattrs_fd(fd.get(), live, path));
      auto diffs = differences(now, live, e);
      if (!diffs.empty()) report(Kind::metadata, path, join(diffs, ", "));
      if (o_.dry_run) return {};
      // Untouched inside and out: nothing to set, nothing to fsync.
      if (diffs.empty() && timespec_ns(now.st_mtim) == e.mtime_ns && result_.actions.size() == actions_before) return {};
    }
    HERD_CHECK(apply_fd(fd.get(), e, path));
    if (::fsync(fd.get()) != 0) return failure("{}: fsync: {}", path, std::strerror(errno));
    return {};
  }

  Status remove_extras(int fd, const std::string& path, const Node& node) {
    std::vector<std::string> names;
    alignas(8) char chunk[32768];
    if (::lseek(fd, 0, SEEK_SET) != 0) return failure("{}: {}", path, std::strerror(errno));
    for (;;) {
      ssize_t n = ::getdents64(fd, chunk, sizeof chunk);
      if (n < 0) return failure("{}: read folder: {}", path, std::strerror(errno));
      if (n == 0) break;
      for (ssize_t pos = 0; pos < n;) {
        auto* d = reinterpret_cast<struct dirent64*>(chunk + pos);
        pos += d->d_reclen;
        std::string_view name = d->d_name;
        if (name != "." && name != ".." && !find_child(node, name)) names.emplace_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::string child = join_path(path, name);
      bool leftover = starts_with(name, ".herd-restore-");
      if (!leftover && spec_.excluded(child)) continue;
      struct stat st {};
      if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (is_skipped(st)) continue;
      report(Kind::remove, child, live_type_name(st.st_mode));
      if (!o_.dry_run) HERD_CHECK(remove_at(fd, name, child));
    }
    return {};
  }

  Status file(int dirfd, const std::string& path, Node& node, bool exists, const struct stat& st) {
    const store::TreeEntry& e = node.entry;
    const char* name = e.name.c_str();
    if (e.hardlink_group) {
      auto it = first_link_.find(e.hardlink_group);
      if (it != first_link_.end()) return link(dirfd, path, node, exists, st, it->second);
      first_link_[e.hardlink_group] = path;
    }
    if (exists && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) == e.size) {
      UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
      if (!fd) return failure("{}: {}", path, std::strerror(errno));
      struct stat now {};
      if (::fstat(fd.get(), &now) != 0) return failure("{}: {}", path, std::strerror(errno));
      bool vouched = false;
      if (o_.cache && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
        auto hit = o_.cache->lookup(now);
        vouched = hit.found && hit.content_trusted && hit.content == e.content;
      }
      auto same = vouched ? Result<bool>(true) : store::content_equals_fd(store_, e.content, fd.get(), path);
      if (!same) return same.error();
      if (*same) {
        Xattrs live;
        HERD_CHECK(read_xattrs_fd(fd.get(), live, path));
        auto diffs = differences(now, live, e);
        if (diffs.empty()) return {};
        report(Kind::metadata, path, join(diffs, ", "));
        if (o_.dry_run) return {};
        HERD_CHECK(apply_fd(fd.get(), e, path));
        if (::fsync(fd.get()) != 0) return failure("{}: fsync: {}", path, std::strerror(errno));
        return {};
      }
    }
    if (!exists)
      report(Kind::create, path, "file");
    else if (S_ISREG(st.st_mode))
      report(Kind::update, path, "content");
    else
      report(Kind::replace, path, fmt::format("{} with file", live_type_name(st.st_mode)));
    if (o_.dry_run || dirfd < 0) return {};
    std::string temp = temp_name();
    UniqueFd fd(::openat(dirfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return failure("{}: create temporary file: {}", path, std::strerror(errno));
    auto written = [&]() -> Status {
      // Zero blocks become holes again: a sparse file takes its real size on disk.
      SparseWriter out(fd.get(), path);
      auto copied = store::read_content(store_, e.content, [&](std::string_view piece) { return out.write(piece); });
      if (!copied) return copied.error();
      HERD_CHECK(out.finish());
      HERD_CHECK(apply_fd(fd.get(), e, path));
      if (::fsync(fd.get()) != 0) return failure("{}: fsync: {}", path, std::strerror(errno));
      return {};
    }();
    fd.reset();
    if (!written) {
      ::unlinkat(dirfd, temp.c_str(), 0);
      return written;
    }
    if (o_.on_step) o_.on_step("temp-written", path);
    return commit(dirfd, temp, name, exists && S_ISDIR(st.st_mode), path);
  }

  // `path` is a later member of a hardlink group whose first member is at `first`.
  Status link(int dirfd, const std::string& path, Node&, bool exists, const struct stat& st, const std::string& first) {
    const char* name = base_name(path).data();
    int error = 0;
    UniqueFd first_dir = open_folder_beneath(root_fd_, parent_path(first), error);
    std::string first_name(base_name(first));
    struct stat first_st {};
    bool first_there = first_dir && ::fstatat(first_dir.get(), first_name.c_str(), &first_st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && first_there && st.st_dev == first_st.st_dev && st.st_ino == first_st.st_ino) return {};
    report(exists ? Kind::replace : Kind::link, path, "hardlink to " + first);
    if (o_.dry_run || dirfd < 0) return {};
    if (!first_there || !S_ISREG(first_st.st_mode)) return failure("{}: {} was not restored as a file", path, first);
    std::string temp = temp_name();
    if (::linkat(first_dir.get(), first_name.c_str(), dirfd, temp.c_str(), 0) != 0)
      return failure("{}: link to {}: {}", path, first, std::strerror(errno));
    return commit(dirfd, temp, name, exists && S_ISDIR(st.st_mode), path);
  }

  Status symlink(int dirfd, const std::string& path, Node& node, bool exists, const struct stat& st) {
    const store::TreeEntry& e = node.entry;
    const char* name = e.name.c_str();
    if (exists && S_ISLNK(st.st_mode)) {
      char target[PATH_MAX + 1];
      ssize_t n = ::readlinkat(dirfd, name, target, sizeof target);
      if (n >= 0 && std::string_view(target, static_cast<size_t>(n)) == e.link_target)
        return metadata_at(dirfd, path, e, st);
    }
    std::string detail = "symlink -> " + e.link_target;
    if (!exists)
      report(Kind::create, path, detail);
    else if (S_ISLNK(st.st_mode))
      report(Kind::update, path, detail);
    else
      report(Kind::replace, path, fmt::format("{} with {}", live_type_name(st.st_mode), detail));
    if (o_.dry_run || dirfd < 0) return {};
    std::string temp = temp_name();
    if (::symlinkat(e.link_target.c_str(), dirfd, temp.c_str()) != 0)
      return failure("{}: symlink: {}", path, std::strerror(errno));
    if (auto s = apply_at(dirfd, temp.c_str(), e, path); !s) {
      ::unlinkat(dirfd, temp.c_str(), 0);
      return s;
    }
    return commit(dirfd, temp, name, exists && S_ISDIR(st.st_mode), path);
  }

  Status special(int dirfd, const std::string& path, Node& node, bool exists, const struct stat& st) {
    const store::TreeEntry& e = node.entry;
    const char* name = e.name.c_str();
    mode_t type = mknod_type(e.type);
    bool devices = e.type == EntryType::char_device || e.type == EntryType::block_device;
    if (exists && (st.st_mode & S_IFMT) == type && (!devices || st.st_rdev == e.rdev))
      return metadata_at(dirfd, path, e, st);
    std::string what = store::entry_type_name(e.type);
    if (devices) what += fmt::format(" {}:{}", major(e.rdev), minor(e.rdev));
    if (!exists)
      report(Kind::create, path, what);
    else
      report(Kind::replace, path, fmt::format("{} with {}", live_type_name(st.st_mode), what));
    if (o_.dry_run || dirfd < 0) return {};
    std::string temp = temp_name();
    if (::mknodat(dirfd, temp.c_str(), type | 0600, devices ? e.rdev : 0) != 0)
      return failure("{}: mknod: {}", path, std::strerror(errno));
    if (auto s = apply_at(dirfd, temp.c_str(), e, path); !s) {
      ::unlinkat(dirfd, temp.c_str(), 0);
      return s;
    }
    return commit(dirfd, temp, name, exists && S_ISDIR(st.st_mode), path);
  }

  Status metadata_at(int dirfd, const std::string& path, const store::TreeEntry& e, const struct stat& st) {
    Xattrs live;
    HERD_CHECK(read_xattrs_at(dirfd, e.name.c_str(), live, path));
    auto diffs = differences(st, live, e);
    if (diffs.empty()) return {};
    report(Kind::metadata, path, join(diffs, ", "));
    if (o_.dry_run) return {};
    return apply_at(dirfd, e.name.c_str(), e, path);
  }

  const store::ObjectStore& store_;
  int root_fd_;
  const StoredTrees& trees_;
  const TrackSpec& spec_;
  const Accounts& accounts_;
  const RestoreOptions& o_;
  RestoreResult& result_;
  std::map<uint32_t, std::string> first_link_;  // hardlink group -> path restored first
};

}  // namespace

const char* restore_action_name(RestoreAction::Kind kind) {
  switch (kind) {
    case Kind::create: return "create";
    case Kind::update: return "update";
    case Kind::replace: return "replace";
    case Kind::metadata: return "metadata";
    case Kind::link: return "link";
    case Kind::remove: return "remove";
  }
  return "?";
}

Result<RestoreResult> restore_tree(const store::ObjectStore& store, int root_fd, const store::Hash& tree,
                                   const TrackSpec& spec, const Accounts& accounts, const RestoreOptions& options) {
  RestoreResult result;
  StoredTrees trees(store);
  auto root = trees.root(tree);
  if (!root) return root.error();
  bool whole = options.paths.empty();
  std::vector<std::string> targets = whole ? spec.paths : options.paths;
  // Find every target first, so a bad path fails before anything is written.
  struct Target {
    std::string path;
    Node* node;
    std::vector<Node*> chain;
  };
  std::vector<Target> found;
  for (const std::string& path : targets) {
    if (path == "/") return bad_input("restore /: name the tracked paths instead");
    Node* current = &*root;
    std::vector<Node*> chain;
    bool missing = false;
    for (std::string_view part : path_components(path)) {
      HERD_CHECK(trees.load(*current));
      Node* child = find_child(*current, part);
      if (!child) {
        missing = true;
        break;
      }
      if (current != &*root) chain.push_back(current);
      current = child;
    }
    if (missing) {
      if (!whole) return bad_input("{} is not in the checkpoint", path);
      // A tracked path the checkpoint lacks is left alone; say so only when it exists now.
      int error = 0;
      UniqueFd parent = open_folder_beneath(root_fd, parent_path(path), error);
      struct stat st {};
      if (parent && ::fstatat(parent.get(), std::string(base_name(path)).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
        result.notes.push_back(fmt::format("{}: not in the checkpoint; left alone", path));
      continue;
    }
    found.push_back(Target{path, current, std::move(chain)});
  }
  Restorer restorer(store, root_fd, trees, spec, accounts, options, result);
  for (Target& t : found) HERD_CHECK(restorer.target(t.path, *t.node, t.chain, whole));
  return result;
}

Result<RestoreResult> restore_checkpoint(const Site& site, const CheckpointInfo& checkpoint, RestoreOptions options) {
  auto store = store::ObjectStore::open(site.store);
  if (!store) return store.error();
  auto root_fd = open_root(site.root);
  if (!root_fd) return root_fd.error();
  auto accounts = Accounts::load(root_fd->get());
  if (!accounts) return accounts.error();
  TrackSpec spec;
  auto recorded = checkpoint.snapshot.metadata.find("spec");
  if (recorded != checkpoint.snapshot.metadata.end()) {
    auto parsed = parse_track_spec(recorded->second, "spec of checkpoint " + checkpoint.id.hex().substr(0, 12));
    if (!parsed) return parsed.error();
    spec = std::move(*parsed);
  } else {
    auto loaded = load_track_spec(site.config);
    if (!loaded) return loaded.error();
    spec = std::move(*loaded);
  }
  for (std::string& path : options.paths) {
    auto canonical = normalize_path(path);
    if (!canonical) return canonical.error();
    path = std::move(*canonical);
  }
  struct stat st {};
  if (::stat(site.store.c_str(), &st) == 0) {
    options.skip_folder = true;
    options.skip_dev = st.st_dev;
    options.skip_ino = st.st_ino;
  }
  StatCache cache = StatCache::load(site.stat_cache());
  if (!options.cache) options.cache = &cache;
  return restore_tree(*store, root_fd->get(), checkpoint.snapshot.tree, spec, *accounts, options);
}

}  // namespace herd::track
