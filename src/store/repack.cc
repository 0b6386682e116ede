#include "store/repack.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <unordered_set>

#include "store/pack_writer.h"
#include "util/time_text.h"

namespace herd::store {
namespace {

std::string temp_folder(const std::string& root, const char* kind) {
  std::random_device random;
  return fmt::format("{}/tmp/{}-{}-{:08x}", root, kind, ::getpid(), random());
}

// Removes the folders it made when it goes.
struct TempFolders {
  std::vector<std::string> made;
  Status make(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) != 0) return failure("{}: cannot create: {}", path, std::strerror(errno));
    made.push_back(path);
    return {};
  }
  ~TempFolders() {
    for (const auto& f : made) ::rmdir(f.c_str());
  }
};

// Steps 2 to 4 for one old pack, whose objects are all in a published pack or not to
// be kept: true when it was young and put back.
Result<bool> retire_pack(PackSet& set, const Pack& pack, const std::string& trash, std::optional<int64_t> grace_ns) {
  std::string index_aside = trash + "/" + pack.name + ".idx", pack_aside = trash + "/" + pack.name + ".pack";
  // 2. The old index, then the old pack, aside.
  if (::rename(pack.index_path.c_str(), index_aside.c_str()) != 0) {
    if (errno != ENOENT) return failure("pack {}: cannot move {} aside: {}", pack.name, pack.index_path, std::strerror(errno));
    set.drop(pack.name);  // another gc removed or rewrote it
    return false;
  }
  if (::rename(pack.pack_path.c_str(), pack_aside.c_str()) != 0) {
    int e = errno;
    if (e == ENOENT) {  // the pack went without its index: nothing to keep
      ::unlink(index_aside.c_str());
      set.drop(pack.name);
      return false;
    }
    ::rename(index_aside.c_str(), pack.index_path.c_str());
    return failure("pack {}: cannot move {} aside: {}", pack.name, pack.pack_path, std::strerror(e));
  }
  // 3. Freshened before step 2: a writer relies on it; put it back, pack first.
  struct stat st {};
  if (grace_ns && ::lstat(pack_aside.c_str(), &st) == 0 &&
      now_ns() - timespec_ns(st.st_mtim) < *grace_ns) {
    if (::rename(pack_aside.c_str(), pack.pack_path.c_str()) != 0 ||
        ::rename(index_aside.c_str(), pack.index_path.c_str()) != 0)
      return failure("pack {}: cannot put it back from {}: {}", pack.name, trash, std::strerror(errno));
    return true;
  }
  // 4. Gone: the index first, so that a crash never leaves an index without its pack.
  if (::unlink(index_aside.c_str()) != 0 || ::unlink(pack_aside.c_str()) != 0)
    return failure("pack {}: cannot delete it from {}: {}", pack.name, trash, std::strerror(errno));
  set.drop(pack.name);
  return false;
}

// Step 1: `objects` copied into a new pack, published and added to the set (none: no pack).
Status publish_copy(const ObjectStore& store, TempFolders& folders, const std::vector<PackedObject>& objects,
                    const std::string& what) {
  if (objects.empty()) return {};
  PackSet& set = store.pack_set();
  std::string staging = temp_folder(store.root(), "w");
  HERD_CHECK(folders.make(staging));
  auto written = write_pack(set, staging, objects);
  if (!written) return failure("cannot rewrite {}: {}", what, written.error().message);
  set.add(std::move(*written));
  return {};
}

}  // namespace

Result<RewriteResult> rewrite_pack(const ObjectStore& store, const std::shared_ptr<const Pack>& pack,
                                   const std::function<bool(const PackEntry&)>& keep, std::optional<int64_t> grace_ns) {
  RewriteResult result;
  std::vector<PackedObject> kept;
  for (const PackEntry& e : pack->index.entries) {
    if (keep(e)) {
      kept.push_back(PackedObject{pack, e});
    } else {
      ++result.dropped;
      result.dropped_bytes += e.length;
    }
  }
  if (result.dropped == 0) return result;
  TempFolders folders;
  HERD_CHECK(publish_copy(store, folders, kept, "pack " + pack->pack_path));
  std::string trash = temp_folder(store.root(), "gc");
  HERD_CHECK(folders.make(trash));
  auto young = retire_pack(store.pack_set(), *pack, trash, grace_ns);
  if (!young) return young.error();
  if (*young) return RewriteResult{true, 0, 0};
  return result;
}

Result<MergeResult> merge_packs(const ObjectStore& store, const std::vector<std::shared_ptr<const Pack>>& packs,
                                std::optional<int64_t> grace_ns) {
  MergeResult result;
  if (packs.size() < 2) return result;
  std::vector<PackedObject> objects;
  std::unordered_set<Hash> seen;
  for (const auto& pack : packs)
    for (const PackEntry& e : pack->index.entries)
      if (seen.insert(e.hash).second) objects.push_back(PackedObject{pack, e});
  TempFolders folders;
  HERD_CHECK(publish_copy(store, folders, objects, fmt::format("{} packs into one", packs.size())));
  std::string trash = temp_folder(store.root(), "gc");
  HERD_CHECK(folders.make(trash));
  for (const auto& pack : packs) {
    auto young = retire_pack(store.pack_set(), *pack, trash, grace_ns);
    if (!young) return young.error();
    ++(*young ? result.young : result.merged);
  }
  return result;
}

}  // namespace herd::store
