#include "track/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits.h>

#include "track/beneath.h"
#include "track/path.h"
#include "track/unique_fd.h"
#include "track/xattrs.h"

namespace herd::track {
namespace {

using store::EntryType;

EntryType type_of(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR: return EntryType::folder;
    case S_IFLNK: return EntryType::symlink;
    case S_IFCHR: return EntryType::char_device;
    case S_IFBLK: return EntryType::block_device;
    case S_IFIFO: return EntryType::fifo;
    case S_IFSOCK: return EntryType::socket;
    default: return EntryType::file;
  }
}

// Reads the names in folder `fd` (not "." or "..") into `buffer` as NUL-terminated
// strings and returns views of them, sorted.
Status read_names(int fd, const std::string& path, std::string& buffer, std::vector<std::string_view>& names) {
  buffer.clear();
  names.clear();
  std::vector<size_t> offsets;
  alignas(8) char chunk[32768];
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
      const char* name = d->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      offsets.push_back(buffer.size());
      buffer.append(name, std::strlen(name) + 1);
    }
  }
  names.reserve(offsets.size());
  for (size_t off : offsets) names.emplace_back(buffer.data() + off);
  std::sort(names.begin(), names.end());
  return {};
}

class Walker {
 public:
  Walker(const WalkOptions& options, WalkResult& result) : o_(options), result_(result) {}

  Status build_skeleton(int root_fd, std::vector<std::pair<Node*, std::string>>& targets);
  Status capture_target(int root_fd, Node& node, const std::string& path);
  Status capture_whole(int root_fd);

 private:
  Status capture_folder(int fd, std::string& path, Node& node);
  Status capture_other(int dirfd, const char* name, std::string& path, const struct stat& st, Node& node);
  void fill(Node& node, std::string_view name, const struct stat& st) {
    node.entry.name.assign(name);
    fill_metadata(st, *o_.accounts, node.entry);
    node.dev = st.st_dev;
    node.ino = st.st_ino;
    node.ctime_ns = timespec_ns(st.st_ctim);
    node.nlink = static_cast<uint32_t>(st.st_nlink);
    ++result_.entries;
  }
  bool skipped(const struct stat& st) const {
    return o_.skip_folder && S_ISDIR(st.st_mode) && st.st_dev == o_.skip_dev && st.st_ino == o_.skip_ino;
  }

  const WalkOptions& o_;
  WalkResult& result_;
  uint64_t root_dev_ = 0;  // with one_file_system: the root's file system
};

Status Walker::capture_whole(int root_fd) {
  Node& root = result_.root;
  struct stat st {};
  if (::fstat(root_fd, &st) != 0) return failure("root: {}", std::strerror(errno));
  root_dev_ = st.st_dev;
  fill(root, "", st);
  --result_.entries;  // the root itself is not an entry
  root.partial = false;
  UniqueFd fd(::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return failure("root: {}", std::strerror(errno));
  std::string path = "/";
  return capture_folder(fd.get(), path, root);
}

Status Walker::build_skeleton(int root_fd, std::vector<std::pair<Node*, std::string>>& targets) {
  Node& root = result_.root;
  struct stat st {};
  if (::fstat(root_fd, &st) != 0) return failure("root: {}", std::strerror(errno));
  fill_metadata(st, *o_.accounts, root.entry);
  root.partial = true;

  std::vector<std::string> chosen;
  for (const std::string& tracked : o_.spec->paths) {
    if (tracked == "/") {
      result_.notes.push_back("/ cannot be tracked as a whole; track its folders instead");
      continue;
    }
    if (o_.spec->excluded(tracked)) {
      result_.notes.push_back(fmt::format("{}: tracked but excluded", tracked));
      continue;
    }
    auto parts = path_components(tracked);
    UniqueFd dir(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
    if (!dir) return failure("root: {}", std::strerror(errno));
    Node* current = &root;
    std::string sofar;
    bool reachable = true;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      std::string name(parts[i]);
      sofar = join_path(sofar.empty() ? "/" : sofar, name);
      if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) return failure("{}: {}", sofar, std::strerror(errno));
        reachable = false;
        break;
      }
      if (!S_ISDIR(st.st_mode)) {
        result_.notes.push_back(fmt::format("{}: skipped, {} is not a folder (symlinks are not followed)", tracked, sofar));
        reachable = false;
        break;
      }
      auto it = std::find_if(current->children.begin(), current->children.end(),
                             [&](const Node& n) { return n.entry.name == name; });
      int fd = open_folder_at(dir.get(), name.c_str());
      if (fd < 0) return failure("{}: {}", sofar, std::strerror(errno));
      dir.reset(fd);
      if (it == current->children.end()) {
        Node child;
        fill(child, name, st);
        child.partial = true;
        HERD_CHECK(read_xattrs_fd(dir.get(), child.entry.xattrs, sofar));
        current->children.push_back(std::move(child));
        current = &current->children.back();
      } else {
        current = &*it;
      }
    }
    if (!reachable) continue;
    Node target;
    target.entry.name.assign(parts.back());
    target.present = false;  // until captured
    current->children.push_back(std::move(target));
    chosen.push_back(tracked);
  }

  // Sort partial folders now: after this no vector holding a node is resized again.
  auto sort_tree = [](auto& self, Node& node) -> void {
    std::sort(node.children.begin(), node.children.end(),
              [](const Node& a, const Node& b) { return a.entry.name < b.entry.name; });
    for (Node& child : node.children)
      if (child.partial) self(self, child);
  };
  sort_tree(sort_tree, root);
  auto collect = [&](auto& self, Node& node, const std::string& path) -> void {
    for (Node& child : node.children) {
      std::string child_path = join_path(path, child.entry.name);
      if (child.partial)
        self(self, child, child_path);
      else
        targets.emplace_back(&child, child_path);
    }
  };
  collect(collect, root, "/");
  return {};
}

Status Walker::capture_target(int root_fd, Node& node, const std::string& tracked) {
  int error = 0;
  UniqueFd dir = open_folder_beneath(root_fd, parent_path(tracked), error);
  if (!dir) {
    if (error == ENOENT) return {};
    return failure("{}: {}", parent_path(tracked), std::strerror(error));
  }
  std::string name(base_name(tracked));
  struct stat st {};
  if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return failure("{}: {}", tracked, std::strerror(errno));
  }
  if (skipped(st)) return {};
  node.present = true;
  fill(node, name, st);
  std::string path = tracked;
  if (!S_ISDIR(st.st_mode)) return capture_other(dir.get(), name.c_str(), path, st, node);
  UniqueFd fd(open_folder_at(dir.get(), name.c_str()));
  if (!fd) {
    if (errno == ENOENT) {
      node.present = false;
      return {};
    }
    return failure("{}: {}", tracked, std::strerror(errno));
  }
  return capture_folder(fd.get(), path, node);
}

Status Walker::capture_other(int dirfd, const char* name, std::string& path, const struct stat& st, Node& node) {
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX + 1];
    ssize_t n = ::readlinkat(dirfd, name, target, sizeof target);
    if (n < 0) {
      if (errno == ENOENT || errno == EINVAL) {  // vanished, or replaced by a non-symlink
        node.present = false;
        return {};
      }
      return failure("{}: readlink: {}", path, std::strerror(errno));
    }
    if (static_cast<size_t>(n) >= sizeof target) return failure("{}: symlink target too long", path);
    node.entry.link_target.assign(target, static_cast<size_t>(n));
    node.entry.size = static_cast<uint64_t>(n);
  }
  return o_.visitor->visit(dirfd, name, path, st, node);
}

Status Walker::capture_folder(int fd, std::string& path, Node& node) {
  struct stat st {};
  // The folder may have been swapped for another between lstat and open: describe the
  // one actually opened.
  if (::fstat(fd, &st) != 0) return failure("{}: {}", path, std::strerror(errno));
  if (st.st_ino != node.ino || st.st_dev != node.dev) {
    std::string name = node.entry.name;
    --result_.entries;
    fill(node, name, st);
  }
  HERD_CHECK(read_xattrs_fd(fd, node.entry.xattrs, path));

  std::string buffer;
  std::vector<std::string_view> names;
  HERD_CHECK(read_names(fd, path, buffer, names));

  size_t base = path.size();
  auto enter = [&](std::string_view name) {
    path.resize(base);
    if (path.empty() || path.back() != '/') path += '/';
    path += name;
  };
  std::vector<struct stat> stats;
  stats.reserve(names.size());
  node.children.reserve(names.size());
  for (std::string_view name : names) {
    enter(name);
    if (o_.spec->excluded(path)) continue;
    if (::fstatat(fd, name.data(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      path.resize(base);
      return failure("{}/{}: {}", path, name, std::strerror(errno));
    }
    if (skipped(st)) continue;
    node.children.emplace_back();
    fill(node.children.back(), name, st);
    stats.push_back(st);
  }
  // From here on node.children is never resized.
  for (size_t i = 0; i < node.children.size(); ++i) {
    Node& child = node.children[i];
    const char* name = child.entry.name.c_str();
    enter(child.entry.name);
    if (child.is_folder() && o_.one_file_system && root_dev_ && stats[i].st_dev != root_dev_) {
      // A mount point: its own metadata, nothing beneath it.
      HERD_CHECK(read_xattrs_at(fd, name, child.entry.xattrs, path));
      continue;
    }
    if (child.is_folder()) {
      UniqueFd child_fd(open_folder_at(fd, name));
      if (!child_fd) {
        if (errno == ENOENT) {
          child.present = false;
          continue;
        }
        return failure("{}: {}", path, std::strerror(errno));
      }
      HERD_CHECK(capture_folder(child_fd.get(), path, child));
    } else {
      HERD_CHECK(capture_other(fd, name, path, stats[i], child));
    }
  }
  path.resize(base);
  return {};
}

}  // namespace

void fill_metadata(const struct stat& st, const Accounts& accounts, store::TreeEntry& entry) {
  entry.type = type_of(st.st_mode);
  entry.mode = st.st_mode & 07777;
  entry.uid = st.st_uid;
  entry.gid = st.st_gid;
  entry.user = accounts.user_name(st.st_uid);
  entry.group = accounts.group_name(st.st_gid);
  entry.mtime_ns = timespec_ns(st.st_mtim);
  entry.size = entry.type == EntryType::file ? static_cast<uint64_t>(st.st_size) : 0;
  entry.rdev = (entry.type == EntryType::char_device || entry.type == EntryType::block_device) ? st.st_rdev : 0;
}

Status walk_root(int root_fd, const WalkOptions& options, WalkResult& out) {
  out = WalkResult();
  Walker walker(options, out);
  if (options.whole_root) return walker.capture_whole(root_fd);
  std::vector<std::pair<Node*, std::string>> targets;
  HERD_CHECK(walker.build_skeleton(root_fd, targets));
  for (auto& [node, path] : targets) HERD_CHECK(walker.capture_target(root_fd, *node, path));
  return {};
}

void prune(Node& root) {
  auto visit = [](auto& self, Node& node) -> void {
    for (Node& child : node.children)
      if (child.present && child.is_folder()) self(self, child);
    std::erase_if(node.children,
                  [](const Node& n) { return !n.present || (n.partial && n.children.empty()); });
  };
  visit(visit, root);
}

}  // namespace herd::track
