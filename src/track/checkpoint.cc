#include "track/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "track/accounts.h"
#include "track/beneath.h"
#include "track/host_name.h"
#include "track/history.h"
#include "track/packages/package.h"
#include "track/recorder.h"
#include "track/spec.h"
#include "track/stat_cache.h"
#include "track/tree_diff.h"
#include "util/time_text.h"

namespace herd::track {

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

  RecordOptions record;
  record.spec = &*spec;
  record.cache = use_cache ? &cache : nullptr;
  record.threads = options.threads;
  record.on_step = options.on_step;
  struct stat store_st {};
  if (::stat(site.store.c_str(), &store_st) == 0) {
    record.skip_folder = true;
    record.skip_dev = store_st.st_dev;
    record.skip_ino = store_st.st_ino;
  }
  auto recorded = record_tree(*store, root_fd->get(), *accounts, record);
  if (!recorded) return recorded.error();
  Node& root = recorded->root;
  result.notes.insert(result.notes.end(), recorded->notes.begin(), recorded->notes.end());
  result.entries = recorded->entries;
  result.cache_hits = recorded->cache_hits;
  result.files_read = recorded->files_read;
  result.bytes_read = recorded->bytes_read;
  auto step = [&](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  result.tree = recorded->tree;
  step("trees");

  store::Snapshot snapshot;
  snapshot.tree = result.tree;
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
  result.new_bytes = recorded->new_bytes;
  step("snapshot");

  HERD_CHECK(store->sync());
  step("synced");
  HERD_CHECK(refs.compare_and_swap(site.ref(), result.parent, result.id));
  step("committed");

  // Rewrite the cache unless it would come out the same: every entry came from it, one
  // record each, for this very tree.
  bool cache_current = use_cache && recorded->all_from_cache && recorded->visited == cache.size() &&
                       cache.tree() == result.tree;
  if (!cache_current) {
    if (auto s = StatCache::write(site.stat_cache(), result.tree, stat_records(root)); !s)
      result.notes.push_back("stat cache not written: " + s.error().message);
  }
  step("cached");
  return result;
}

}  // namespace herd::track
