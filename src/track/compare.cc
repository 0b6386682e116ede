#include "track/compare.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "store/file_content.h"
#include "track/beneath.h"
#include "track/checkpoint_ref.h"
#include "track/hardlinks.h"
#include "track/line_diff.h"
#include "track/stat_cache.h"
#include "track/tree_writer.h"
#include "track/walker.h"

namespace herd::track {
namespace {

// Reads the live tree without writing anything.
class StatusVisitor : public EntryVisitor {
 public:
  explicit StatusVisitor(const StatCache& cache) : cache_(cache) {}

  Status visit(int dirfd, const char* name, const std::string& path, const struct stat& st, Node& node) override {
    auto hit = cache_.lookup(st);
    if (hit.found && hit.xattrs_trusted)
      HERD_CHECK(cache_.xattrs(st, node.entry.xattrs));
    else
      HERD_CHECK(read_xattrs_at(dirfd, name, node.entry.xattrs, path));
    if (!node.is_file()) return {};
    if (hit.found && hit.content_trusted) {
      node.entry.content = hit.content;
      node.content_known = true;
      return {};
    }
    if (node.entry.size > store::kSingleBlobLimit) return {};  // compared byte for byte if needed
    UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!fd) {
      if (errno == ENOENT) {
        node.present = false;
        return {};
      }
      return failure("{}: {}", path, std::strerror(errno));
    }
    auto data = read_all(fd.get(), path);
    if (!data) return data.error();
    if (data->size() > store::kSingleBlobLimit) return {};
    node.entry.size = data->size();
    node.entry.content = store::object_hash(store::ObjectType::blob, *data);
    node.content_known = true;
    return {};
  }

 private:
  const StatCache& cache_;
};

std::string short_id(const store::Hash& id) { return id.hex().substr(0, 12); }

}  // namespace

Result<Comparer> Comparer::open(const Site& site) {
  auto spec = load_track_spec(site.config);
  if (!spec) return spec.error();
  auto store = store::ObjectStore::open(site.store);
  if (!store) return store.error();
  auto root_fd = open_root(site.root);
  if (!root_fd) return root_fd.error();
  auto accounts = Accounts::load(root_fd->get());
  if (!accounts) return accounts.error();
  return Comparer(site, std::move(*store), std::move(*root_fd), std::move(*spec), std::move(*accounts));
}

Result<CheckpointInfo> Comparer::resolve(std::string_view name) const {
  return resolve_checkpoint(store_, refs_, site_.ref(), name);
}

Result<Node> Comparer::live_tree() {
  if (!live_) {
    StatCache cache = StatCache::load(site_.stat_cache());
    StatusVisitor visitor(cache);
    WalkOptions options;
    options.spec = &spec_;
    options.accounts = &accounts_;
    options.visitor = &visitor;
    struct stat st {};
    if (::stat(site_.store.c_str(), &st) == 0) {
      options.skip_folder = true;
      options.skip_dev = st.st_dev;
      options.skip_ino = st.st_ino;
    }
    WalkResult walked;
    HERD_CHECK(walk_root(root_fd_.get(), options, walked));
    prune(walked.root);
    assign_hardlink_groups(walked.root);
    hash_trees(walked.root);  // so equal subtrees are skipped without reading them back
    live_ = std::move(walked.root);
  }
  return *live_;
}

Result<std::optional<PackageList>> Comparer::packages_of(const std::optional<CheckpointInfo>& side) const {
  if (!side) {
    auto backend = detect_backend(root_fd_.get());
    if (!backend) return std::optional<PackageList>();
    auto list = backend->list(site_.root, root_fd_.get());
    if (!list) return list.error();
    return std::optional<PackageList>(PackageList{backend->name(), std::move(*list)});
  }
  auto it = side->snapshot.metadata.find("packages");
  if (it == side->snapshot.metadata.end() || it->second.empty()) return std::optional<PackageList>();
  auto hash = store::Hash::parse(it->second);
  if (!hash) return failure("checkpoint {}: bad packages hash '{}'", side->id.hex(), it->second);
  auto text = store_.get(*hash, store::ObjectType::blob);
  if (!text) return text.error();
  auto list = decode_packages(*text, "package list " + it->second);
  if (!list) return list.error();
  return std::optional<PackageList>(std::move(*list));
}

Result<Comparison> Comparer::compare(const std::optional<CheckpointInfo>& before,
                                     const std::optional<CheckpointInfo>& after) {
  Comparison out;
  out.before = before ? short_id(before->id) : "live";
  out.after = after ? short_id(after->id) : "live";
  StoredTrees trees(store_);
  auto side = [&](const std::optional<CheckpointInfo>& info) -> Result<Node> {
    if (info) return trees.root(info->snapshot.tree);
    return live_tree();
  };
  auto a = side(before);
  if (!a) return a.error();
  auto b = side(after);
  if (!b) return b.error();

  DiffOptions options;
  options.trees = &trees;
  options.same_content = [&](const std::string& path, const Node& x, const Node& y) -> Result<bool> {
    // At least one side is a live file whose content was not hashed (it is large): compare bytes.
    const Node& other = x.content_known ? x : y;
    auto file = open_file_beneath(root_fd_.get(), path);
    if (!file) return file.error();
    if (!other.content_known) {
      // Both live: the same path on the same tree.
      return true;
    }
    return store::content_equals_fd(store_, other.entry.content, file->get(), path);
  };
  auto changes = diff_trees(*a, *b, options);
  if (!changes) return changes.error();
  out.changes = std::move(*changes);

  // Packages that cannot be listed do not spoil the file comparison: say why instead.
  auto pa = packages_of(before);
  auto pb = packages_of(after);
  for (const auto* p : {&pa, &pb})
    if (!*p) out.notes.push_back("packages not compared: " + p->error().message);
  if (pa && pb && *pa && *pb) {
    auto backend = backend_named((*pb)->backend);
    out.packages = diff_packages(**pa, **pb, backend.get());
    out.packages_compared = true;
  }
  return out;
}

Result<std::string> Comparer::side_content(const store::TreeEntry& entry, const std::string& path, bool live) const {
  if (entry.type == store::EntryType::symlink) return entry.link_target + "\n";
  if (entry.type != store::EntryType::file) return std::string();
  if (live) {
    auto file = open_file_beneath(root_fd_.get(), path);
    if (!file) return file.error();
    return read_all(file->get(), path);
  }
  return store::read_content(store_, entry.content);
}

Result<std::string> Comparer::content_diff(const Change& change, bool before_live, bool after_live) const {
  using store::EntryType;
  bool has_before = change.kind != Change::Kind::added;
  bool has_after = change.kind != Change::Kind::removed;
  auto textual = [](const store::TreeEntry& e) { return e.type == EntryType::file || e.type == EntryType::symlink; };
  if (change.kind == Change::Kind::metadata) return std::string();
  if ((has_before && !textual(change.before)) && (has_after && !textual(change.after))) return std::string();
  if (change.before.type == EntryType::symlink && change.after.type == EntryType::symlink && has_before && has_after)
    return std::string();  // the detail line says it
  std::string a_name = has_before ? "a" + change.path : "/dev/null";
  std::string b_name = has_after ? "b" + change.path : "/dev/null";
  uint64_t size = std::max(has_before ? change.before.size : 0, has_after ? change.after.size : 0);
  if (size > kMaxDiffBytes) return fmt::format("Files {} and {} differ (too large to show)\n", a_name, b_name);
  std::string a, b;
  if (has_before && textual(change.before)) {
    auto text = side_content(change.before, change.path, before_live);
    if (!text) return text.error();
    a = std::move(*text);
  }
  if (has_after && textual(change.after)) {
    auto text = side_content(change.after, change.path, after_live);
    if (!text) return text.error();
    b = std::move(*text);
  }
  if (looks_binary(a) || looks_binary(b)) return fmt::format("Binary files {} and {} differ\n", a_name, b_name);
  return unified_diff(a, b, a_name, b_name);
}

}  // namespace herd::track
