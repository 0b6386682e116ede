#include "track/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <unordered_map>

#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "track/accounts.h"
#include "track/beneath.h"
#include "track/content_pool.h"
#include "track/hardlinks.h"
#include "track/host_name.h"
#include "track/history.h"
#include "track/packages/package.h"
#include "track/spec.h"
#include "track/stat_cache.h"
#include "track/tree_diff.h"
#include "track/tree_writer.h"
#include "track/walker.h"
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

Result<CheckpointResult> checkpoint(const Site& site, const CheckpointOptions& options) {
  CheckpointResult result;
  auto spec = load_track_spec(site.config);
  if (!spec) return spec.error();
  auto store = store::ObjectStore::init(site.store);
  if (!store) return store.error();
  store::Refs refs(site.store);
  auto root_fd = open_root(site.root);
  if (!root_fd) return root_fd.error();
  auto accounts = Accounts::load(root_fd->get());
  if (!accounts) return accounts.error();

  auto parent = latest_checkpoint(*store, refs, site.ref());
  if (!parent) return parent.error();
  if (*parent) result.parent = (*parent)->id;

  // The cache is only used when it was written after the parent checkpoint: then every
  // hash in it is reachable from the ref this run replaces (and gc keeps it).
  StatCache cache = StatCache::load(site.stat_cache());
  bool use_cache = *parent && cache.size() > 0 && cache.tree() == (*parent)->snapshot.tree;
  if (!cache.problem().empty()) result.notes.push_back("stat cache: " + cache.problem());
  else if (cache.size() > 0 && !use_cache) result.notes.push_back("stat cache is not for the last checkpoint; reading every file");

  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  ContentPool pool(*store, threads);
  auto step = [&](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  CheckpointVisitor visitor(use_cache ? &cache : nullptr, *accounts, pool, options.on_step);
  WalkOptions walk_options;
  walk_options.spec = &*spec;
  walk_options.accounts = &*accounts;
  walk_options.visitor = &visitor;
  struct stat store_st {};
  if (::stat(site.store.c_str(), &store_st) == 0) {
    walk_options.skip_folder = true;
    walk_options.skip_dev = store_st.st_dev;
    walk_options.skip_ino = store_st.st_ino;
  }
  // The pool may still be writing into the walked nodes after a failed walk: finish it
  // before `walked` can go away.
  WalkResult walked;
  Status walk_status = walk_root(root_fd->get(), walk_options, walked);
  Status finished = pool.finish();
  HERD_CHECK(walk_status);
  HERD_CHECK(finished);
  step("walked");
  visitor.resolve_links();
  Node& root = walked.root;
  prune(root);
  assign_hardlink_groups(root);
  result.notes.insert(result.notes.end(), walked.notes.begin(), walked.notes.end());
  result.entries = walked.entries;
  result.cache_hits = visitor.hits();
  result.files_read = pool.files();
  result.bytes_read = pool.bytes();

  auto tree = write_trees(*store, root);
  if (!tree) return tree.error();
  result.tree = *tree;
  step("trees");

  store::Snapshot snapshot;
  snapshot.tree = *tree;
  if (*parent) snapshot.parents.push_back((*parent)->id);
  snapshot.time_ns = options.time_ns ? options.time_ns : now_ns();
  snapshot.author = options.author.empty() ? user_at(site.host) : options.author;
  snapshot.message = options.message;
  snapshot.metadata["kind"] = "checkpoint";
  snapshot.metadata["host"] = site.host;
  snapshot.metadata["root"] = site.root;
  snapshot.metadata["spec"] = spec->text();
  snapshot.metadata["entries"] = std::to_string(result.entries);

  // A package manager that cannot be asked does not cost the files their checkpoint: the
  // checkpoint goes without a package list and says why.
  auto backend = detect_backend(root_fd->get());
  auto packages = backend ? backend->list(site.root, root_fd->get()) : Result<std::vector<Package>>(std::vector<Package>());
  if (backend && !packages) result.notes.push_back("packages not recorded: " + packages.error().message);
  if (backend && packages) {
    PackageList list{backend->name(), std::move(*packages)};
    auto blob = store->put(store::ObjectType::blob, encode_packages(list));
    if (!blob) return blob.error();
    snapshot.metadata["packages"] = blob->hex();
    snapshot.metadata["package_backend"] = list.backend;
    result.package_backend = list.backend;
    result.packages = list.packages.size();
  }

  // Changes since the parent: equal subtree hashes are skipped, so this reads only the
  // parent's trees along changed paths.
  if (*parent) {
    StoredTrees trees(*store);
    auto before = trees.root((*parent)->snapshot.tree);
    if (!before) return before.error();
    root.entry.type = store::EntryType::folder;
    DiffOptions diff_options;
    diff_options.trees = &trees;
    auto changes = diff_trees(*before, root, diff_options);
    if (!changes) return changes.error();
    result.changes = changes->size();
  } else {
    result.changes = result.entries;
  }
  snapshot.metadata["changes"] = std::to_string(result.changes);

  HERD_CHECK(store::check_snapshot(snapshot, "checkpoint"));
  auto id = store->put(store::ObjectType::snapshot, store::encode_snapshot(snapshot));
  if (!id) return id.error();
  result.id = *id;
  result.new_bytes = pool.new_bytes();
  step("snapshot");

  HERD_CHECK(store->sync());
  step("synced");
  HERD_CHECK(refs.compare_and_swap(site.ref(), result.parent, result.id));
  step("committed");

  // Rewrite the cache unless it would come out the same: every entry came from it, one
  // record each, for this very tree.
  bool cache_current = use_cache && visitor.all_from_cache() && visitor.visited() == cache.size() &&
                       cache.tree() == result.tree;
  if (!cache_current) {
    std::vector<StatRecord> records;
    records.reserve(result.entries);
    collect_records(root, records);
    if (auto s = StatCache::write(site.stat_cache(), result.tree, std::move(records)); !s)
      result.notes.push_back("stat cache not written: " + s.error().message);
  }
  step("cached");
  return result;
}

}  // namespace herd::track
