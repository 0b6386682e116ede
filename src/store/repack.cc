#include "store/repack.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "store/pack_writer.h"

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
  PackSet& set = store.pack_set();
  TempFolders folders;
  // 1. The kept objects, published first.
  std::shared_ptr<Pack> replacement;
  if (!kept.empty()) {
    std::string staging = temp_folder(store.root(), "w");
    HERD_CHECK(folders.make(staging));
    auto written = write_pack(set, staging, kept);
    if (!written) return failure("cannot rewrite pack {}: {}", pack->pack_path, written.error().message);
    replacement = std::move(*written);
    set.add(replacement);
  }
  // 2. The old index, then the old pack, aside.
  std::string trash = temp_folder(store.root(), "gc");
  HERD_CHECK(folders.make(trash));
  std::string index_aside = trash + "/" + pack->name + ".idx", pack_aside = trash + "/" + pack->name + ".pack";
  if (::rename(pack->index_path.c_str(), index_aside.c_str()) != 0) {
    if (errno != ENOENT) return failure("pack {}: cannot move {} aside: {}", pack->name, pack->index_path, std::strerror(errno));
    set.drop(pack->name);  // another gc removed or rewrote it
    return result;
  }
  if (::rename(pack->pack_path.c_str(), pack_aside.c_str()) != 0) {
    int e = errno;
    if (e == ENOENT) {  // the pack went without its index: nothing to keep
      ::unlink(index_aside.c_str());
      set.drop(pack->name);
      return result;
    }
    ::rename(index_aside.c_str(), pack->index_path.c_str());
    return failure("pack {}: cannot move {} aside: {}", pack->name, pack->pack_path, std::strerror(e));
  }
  // 3. Freshened before step 2: a writer relies on it; put it back, pack first.
  struct stat st {};
  if (grace_ns && ::lstat(pack_aside.c_str(), &st) == 0 &&
      wall_clock_ns() - (int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec) < *grace_ns) {
    if (::rename(pack_aside.c_str(), pack->pack_path.c_str()) != 0 ||
        ::rename(index_aside.c_str(), pack->index_path.c_str()) != 0)
      return failure("pack {}: cannot put it back from {}: {}", pack->name, trash, std::strerror(errno));
    return RewriteResult{true, 0, 0};
  }
  // 4. Gone: the index first, so that a crash never leaves an index without its pack.
  if (::unlink(index_aside.c_str()) != 0 || ::unlink(pack_aside.c_str()) != 0)
    return failure("pack {}: cannot delete it from {}: {}", pack->name, trash, std::strerror(errno));
  set.drop(pack->name);
  return result;
}

}  // namespace herd::store
