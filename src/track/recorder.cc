#include "track/recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "track/beneath.h"
#include "track/content_pool.h"
#include "track/hardlinks.h"
#include "track/tree_writer.h"
#include "track/walker.h"
#include "track/xattrs.h"
#include "util/time_text.h"

namespace herd::track {
namespace {

struct InodeKey {
  uint64_t dev, ino;
  bool operator==(const InodeKey&) const = default;
};
struct InodeHash {
  size_t operator()(const InodeKey& k) const noexcept { return std::hash<uint64_t>()(k.ino * 31 + k.dev); }
};

// Takes content and xattrs from the stat cache where it vouches for them; otherwise opens
// the file beneath its folder and hands it to the content pool.
class CheckpointVisitor : public EntryVisitor {
 public:
  CheckpointVisitor(const StatCache* cache, const Accounts& accounts, ContentPool& pool,
                    const std::function<void(const char*)>& on_step)
      : cache_(cache), accounts_(accounts), pool_(pool), on_step_(on_step) {}

  Status visit(int dirfd, const char* name, const std::string& path, const struct stat& st, Node& node) override {
    StatCache::Lookup hit;
    if (cache_) hit = cache_->lookup(st);
    bool xattrs_done = false;
    ++visited_;
    if (hit.found && hit.xattrs_trusted) {
      HERD_CHECK(cache_->xattrs(st, node.entry.xattrs));
      xattrs_done = true;
      if (hit.content_trusted || !node.is_file()) ++full_hits_;
    }
    if (!node.is_file()) {
      if (!xattrs_done) return read_xattrs_at(dirfd, name, node.entry.xattrs, path);
      return {};
    }
    if (hit.found && hit.content_trusted) {
      node.entry.content = hit.content;
      node.content_known = true;
      ++hits_;
      if (!xattrs_done) return read_xattrs_at(dirfd, name, node.entry.xattrs, path);
      return {};
    }
    if (st.st_nlink > 1) {
      auto it = first_link_.find({static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
      if (it != first_link_.end()) {
        links_.emplace_back(&node, it->second);
        return xattrs_done ? Status() : read_xattrs_at(dirfd, name, node.entry.xattrs, path);
      }
    }
    UniqueFd fd(open_file(dirfd, name));
    if (!fd) {
      if (errno == ENOENT) {
        node.present = false;
        return {};
      }
      if (errno == ELOOP || errno == ENXIO || errno == EWOULDBLOCK)
        return failure("{}: changed while being recorded; run the checkpoint again", path);
      return failure("{}: {}", path, std::strerror(errno));
    }
    struct stat now {};
    if (::fstat(fd.get(), &now) != 0) return failure("{}: {}", path, std::strerror(errno));
    if (!S_ISREG(now.st_mode)) return failure("{}: changed while being recorded; run the checkpoint again", path);
    // Describe the file as it was opened (it may have changed since lstat).
    fill_metadata(now, accounts_, node.entry);
    node.dev = now.st_dev;
    node.ino = now.st_ino;
    node.ctime_ns = timespec_ns(now.st_ctim);
    node.nlink = static_cast<uint32_t>(now.st_nlink);
    HERD_CHECK(read_xattrs_fd(fd.get(), node.entry.xattrs, path));
    if (now.st_nlink > 1) first_link_.emplace(InodeKey{node.dev, node.ino}, &node);
    if (on_step_) on_step_("file");
    return pool_.submit(std::move(fd), now, node, path);
  }

  // After the pool finished: later links of an inode read in this walk share its content.
  void resolve_links() {
    for (auto [to, from] : links_) {
      to->entry.content = from->entry.content;
      to->entry.size = from->entry.size;
      to->content_known = from->content_known;
      to->stable = from->stable;
      to->present = to->present && from->present;
    }
  }

  uint64_t hits() const { return hits_; }
  // Whether every entry was taken whole from the cache (then a new cache would be the same).
  bool all_from_cache() const { return visited_ == full_hits_; }
  uint64_t visited() const { return visited_; }

 private:
  int open_file(int dirfd, const char* name) {
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    if (noatime_) {
      int fd = ::openat(dirfd, name, flags | O_NOATIME);
      if (fd >= 0 || errno != EPERM) return fd;
      noatime_ = false;  // not the owner and no CAP_FOWNER: stop asking
    }
    return ::openat(dirfd, name, flags);
  }

  const StatCache* cache_;
  const Accounts& accounts_;
  ContentPool& pool_;
  const std::function<void(const char*)>& on_step_;
  bool noatime_ = true;
  uint64_t hits_ = 0;
  uint64_t visited_ = 0;    // non-folder entries
  uint64_t full_hits_ = 0;  // ...whose content (files) and xattrs came from the cache
  std::unordered_map<InodeKey, Node*, InodeHash> first_link_;
  std::vector<std::pair<Node*, Node*>> links_;
};

void collect_records(const Node& node, std::vector<StatRecord>& out) {
  for (const Node& child : node.children) {
    if (!child.present) continue;
    if (child.is_folder()) {
      collect_records(child, out);
      continue;
    }
    if (child.is_file() && (!child.content_known || !child.stable)) continue;
    StatRecord r;
    r.dev = child.dev;
    r.ino = child.ino;
    r.size = child.entry.size;
    r.mtime_ns = child.entry.mtime_ns;
    r.ctime_ns = child.ctime_ns;
    if (child.is_file()) r.content = child.entry.content;
    r.xattrs = child.entry.xattrs;
    out.push_back(std::move(r));
  }
}


}  // namespace

std::vector<StatRecord> stat_records(const Node& root) {
  std::vector<StatRecord> out;
  collect_records(root, out);
  return out;
}

Result<Recorded> record_tree(store::ObjectStore& store, int root_fd, const Accounts& accounts,
                             const RecordOptions& options) {
  Recorded result;
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  ContentPool pool(store, threads);
  CheckpointVisitor visitor(options.cache, accounts, pool, options.on_step);
  WalkOptions walk_options;
  walk_options.spec = options.spec;
  walk_options.accounts = &accounts;
  walk_options.visitor = &visitor;
  walk_options.whole_root = options.whole_root;
  walk_options.one_file_system = options.one_file_system;
  walk_options.skip_folder = options.skip_folder;
  walk_options.skip_dev = options.skip_dev;
  walk_options.skip_ino = options.skip_ino;
  // The pool may still be writing into the walked nodes after a failed walk: finish it
  // before `walked` can go away.
  WalkResult walked;
  Status walk_status = walk_root(root_fd, walk_options, walked);
  Status finished = pool.finish();
  HERD_CHECK(walk_status);
  HERD_CHECK(finished);
  if (options.on_step) options.on_step("walked");
  visitor.resolve_links();
  prune(walked.root);
  assign_hardlink_groups(walked.root);
  result.notes = std::move(walked.notes);
  result.entries = walked.entries;
  result.cache_hits = visitor.hits();
  result.files_read = pool.files();
  result.bytes_read = pool.bytes();
  result.new_bytes = pool.new_bytes();
  result.all_from_cache = visitor.all_from_cache();
  result.visited = visitor.visited();
  auto tree = write_trees(store, walked.root);
  if (!tree) return tree.error();
  result.tree = *tree;
  result.root = std::move(walked.root);
  return result;
}

}  // namespace herd::track
