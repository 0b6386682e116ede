#include "image/capture.h"

#include <sys/stat.h>

#include "image/capture_spec.h"
#include "track/accounts.h"
#include "track/beneath.h"
#include "track/packages/package.h"
#include "track/recorder.h"
#include "track/stat_cache.h"

namespace herd::image {
namespace {

void count(const track::Node& node, CaptureResult& r) {
  for (const auto& child : node.children) {
    if (child.is_file()) {
      ++r.files;
      r.bytes += child.entry.size;
    }
    if (child.is_folder()) count(child, r);
  }
}

}  // namespace

std::map<std::string, std::string> tree_metadata(uint64_t entries, uint64_t bytes,
                                                 const std::optional<store::Hash>& packages,
                                                 const std::string& package_backend) {
  std::map<std::string, std::string> m;
  m["entries"] = std::to_string(entries);
  m["bytes"] = std::to_string(bytes);
  if (packages) {
    m["packages"] = packages->hex();
    m["package_backend"] = package_backend;
  }
  return m;
}

std::map<std::string, std::string> CaptureResult::metadata() const {
  return tree_metadata(entries, bytes, packages, package_backend);
}

Result<CaptureResult> capture_root(store::ObjectStore& store, const std::string& root, const CaptureOptions& options) {
  auto spec = capture_spec(options.excludes, options.default_excludes);
  if (!spec) return spec.error();
  auto root_fd = track::open_root(root);
  if (!root_fd) return root_fd.error();
  auto accounts = track::Accounts::load(root_fd->get());
  if (!accounts) return accounts.error();

  CaptureResult result;
  track::StatCache cache;
  bool use_cache = false;
  if (!options.stat_cache.empty()) {
    cache = track::StatCache::load(options.stat_cache);
    use_cache = options.trusted_tree && cache.size() > 0 && cache.tree() == *options.trusted_tree;
  }
  track::RecordOptions record;
  record.spec = &*spec;
  record.whole_root = true;
  record.one_file_system = true;
  record.cache = use_cache ? &cache : nullptr;
  record.threads = options.threads;
  record.on_step = options.on_step;
  struct stat store_st {};
  if (::stat(store.root().c_str(), &store_st) == 0) {
    record.skip_folder = true;
    record.skip_dev = store_st.st_dev;
    record.skip_ino = store_st.st_ino;
  }
  auto recorded = track::record_tree(store, root_fd->get(), *accounts, record);
  if (!recorded) return recorded.error();
  result.tree = recorded->tree;
  result.entries = recorded->entries;
  result.cache_hits = recorded->cache_hits;
  result.files_read = recorded->files_read;
  result.bytes_read = recorded->bytes_read;
  result.new_bytes = recorded->new_bytes;
  result.notes = recorded->notes;
  count(recorded->root, result);
  if (options.on_step) options.on_step("trees");

  auto backend = track::detect_backend(root_fd->get());
  if (backend) {
    auto packages = backend->list(root, root_fd->get());
    if (!packages) {
      result.notes.push_back("packages not recorded: " + packages.error().message);
    } else {
      track::PackageList list{backend->name(), std::move(*packages)};
      auto blob = store.put(store::ObjectType::blob, track::encode_packages(list));
      if (!blob) return blob.error();
      result.packages = *blob;
      result.package_backend = list.backend;
      result.package_count = list.packages.size();
    }
  }
  HERD_CHECK(store.sync());
  if (options.on_step) options.on_step("synced");
  if (!options.stat_cache.empty()) {
    bool current = use_cache && recorded->all_from_cache && recorded->visited == cache.size() &&
                   cache.tree() == result.tree;
    if (!current)
      if (auto s = track::StatCache::write(options.stat_cache, result.tree, track::stat_records(recorded->root)); !s)
        result.notes.push_back("stat cache not written: " + s.error().message);
  }
  return result;
}

}  // namespace herd::image
