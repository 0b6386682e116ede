#include "store/gc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <random>
#include <unordered_set>

#include "store/object_file.h"
#include "store/pack_set.h"
#include "store/reachability.h"
#include "store/repack.h"
#include "util/time_text.h"

namespace herd::store {
namespace {

std::vector<std::string> folder_names(const std::string& folder) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(folder.c_str())) {
    while (dirent* e = ::readdir(dir))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    ::closedir(dir);
  }
  return names;
}

class Collector {
 public:
  Collector(ObjectStore& store, const GcOptions& options)
      : store_(store), options_(options), grace_ns_(options.grace_seconds * 1'000'000'000) {
    std::random_device random;
    trash_ = fmt::format("{}/tmp/gc-{}-{:08x}", store.root(), ::getpid(), random());
  }

  bool old(const struct stat& st) const { return now_ns() - timespec_ns(st.st_mtim) >= grace_ns_; }

  // Removes one unreachable object unless it is young. Invariant: the object is either
  // under its name or in the trash folder, never lost while a put() may be relying on it.
  Status sweep(const Hash& hash, GcReport& report) {
    std::string path = store_.object_path(hash);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};  // removed meanwhile
    if (!old(st)) {
      ++report.young;
      return {};
    }
    if (options_.dry_run) {
      ++report.removed;
      report.removed_bytes += static_cast<uint64_t>(st.st_size);
      return {};
    }
    if (!trash_made_) {
      if (::mkdir(trash_.c_str(), 0755) != 0) return failure("{}: cannot create: {}", trash_, std::strerror(errno));
      trash_made_ = true;
    }
    std::string aside = trash_ + "/" + hash.hex();
    if (::rename(path.c_str(), aside.c_str()) != 0) {
      if (errno == ENOENT) return {};
      return failure("object {}: cannot move {} aside: {}", hash.hex(), path, std::strerror(errno));
    }
    // A put() that freshened it before the rename shows now; one after it found no file
    // and stores the object again.
    if (::lstat(aside.c_str(), &st) == 0 && !old(st)) {
      // ENOENT: another gc's clean-up put it back already.
      if (::rename(aside.c_str(), path.c_str()) != 0 && !(errno == ENOENT && ::access(path.c_str(), F_OK) == 0))
        return failure("object {}: cannot put {} back as {}: {}", hash.hex(), aside, path, std::strerror(errno));
      ++report.young;
      return {};
    }
    if (::unlink(aside.c_str()) != 0) {
      if (errno == ENOENT) return {};  // another gc's clean-up put it back
      return failure("object {}: cannot remove {}: {}", hash.hex(), aside, std::strerror(errno));
    }
    ++report.removed;
    report.removed_bytes += static_cast<uint64_t>(st.st_size);
    return {};
  }

  // Objects and packs a killed gc moved aside come back before marking: it had not
  // decided yet, or a put() may have freshened them, and a ref may reach them. A pack
  // comes back before its index, and an index only if its pack is back (repack.h).
  void restore_trash(GcReport& report) {
    std::string tmp = store_.root() + "/tmp";
    std::string packs = store_.pack_set().folder();
    for (const std::string& name : folder_names(tmp)) {
      std::string folder = tmp + "/" + name;
      if (name.rfind("gc-", 0) != 0 || folder == trash_) continue;
      if (options_.dry_run) continue;
      std::vector<std::string> files = folder_names(folder);
      // Packs first, then indexes, then loose objects.
      std::stable_partition(files.begin(), files.end(), [](const std::string& f) { return f.ends_with(".pack"); });
      for (const std::string& file : files) {
        std::string path = folder + "/" + file, home;
        bool moved_with_pack = false;  // an index whose pack was aside too counts with it
        if (file.ends_with(".pack")) {
          home = packs + "/" + file;
        } else if (file.ends_with(".idx")) {
          home = packs + "/" + file;
          std::string pack_name = file.substr(0, file.size() - 4) + ".pack";
          if (::access((packs + "/" + pack_name).c_str(), F_OK) != 0) {  // its pack was deleted: the index goes too
            ::unlink(path.c_str());
            continue;
          }
          moved_with_pack = std::find(files.begin(), files.end(), pack_name) != files.end();
        } else if (auto hash = Hash::parse(file)) {
          home = store_.object_path(*hash);
        } else {
          continue;
        }
        if (::access(home.c_str(), F_OK) == 0 ? ::unlink(path.c_str()) == 0 : ::rename(path.c_str(), home.c_str()) == 0)
          report.restored += !moved_with_pack;
      }
      ::rmdir(folder.c_str());
    }
  }

  // Drops the unreachable objects of one pack if the pack is older than the grace period
  // (its mtime is the youngest put() or has() that relied on any of its objects).
  Status sweep_pack(const std::shared_ptr<const Pack>& pack, const std::unordered_set<Hash>& reachable, GcReport& report) {
    uint64_t dead = 0, dead_bytes = 0;
    for (const PackEntry& e : pack->index.entries)
      if (!reachable.count(e.hash)) {
        ++dead;
        dead_bytes += e.length;
      }
    if (dead == 0) return {};
    struct stat st {};
    if (::lstat(pack->pack_path.c_str(), &st) != 0) return {};  // removed meanwhile
    if (!old(st)) {
      report.young += dead;
      return {};
    }
    if (options_.dry_run) {
      report.removed += dead;
      report.removed_bytes += dead_bytes;
      return {};
    }
    auto rewritten = rewrite_pack(store_, pack, [&](const PackEntry& e) { return reachable.count(e.hash) > 0; }, grace_ns_);
    if (!rewritten) return rewritten.error();
    if (rewritten->young) {
      report.young += dead;
    } else {
      report.removed += rewritten->dropped;
      report.removed_bytes += rewritten->dropped_bytes;
    }
    return {};
  }

  // Merges old packs smaller than kSmallPackBytes, in groups of up to kMergedPackBytes,
  // oldest first. Merging drops nothing (sweep_pack did); a pack freshened meanwhile is
  // put back by merge_packs.
  Status merge_small_packs(GcReport& report) {
    store_.pack_set().rescan(true);
    struct Small {
      int64_t mtime_ns;
      uint64_t bytes;
      std::shared_ptr<const Pack> pack;
    };
    std::vector<Small> small;
    for (const auto& pack : store_.pack_set().packs()) {
      struct stat st {};
      if (::lstat(pack->pack_path.c_str(), &st) != 0 || !old(st)) continue;
      if (static_cast<uint64_t>(st.st_size) >= kSmallPackBytes) continue;
      small.push_back({timespec_ns(st.st_mtim), static_cast<uint64_t>(st.st_size), pack});
    }
    std::sort(small.begin(), small.end(), [](const Small& a, const Small& b) { return a.mtime_ns < b.mtime_ns; });
    std::vector<std::shared_ptr<const Pack>> group;
    uint64_t group_bytes = 0;
    auto flush = [&]() -> Status {
      if (group.size() >= 2) {
        ++report.packs_written;
        if (options_.dry_run) {
          report.packs_merged += group.size();
        } else {
          auto merged = merge_packs(store_, group, grace_ns_);
          if (!merged) return merged.error();
          report.packs_merged += merged->merged;
        }
      }
      group.clear();
      group_bytes = 0;
      return {};
    };
    for (const auto& s : small) {
      group.push_back(s.pack);
      group_bytes += s.bytes;
      if (group_bytes >= kMergedPackBytes) HERD_CHECK(flush());
    }
    return flush();
  }

  // Packs without an index (a writer killed between its two renames, or a gc between its
  // two deletions) are garbage once old.
  void remove_unindexed_packs(GcReport& report) {
    const std::string& folder = store_.pack_set().folder();
    for (const std::string& name : list_pack_names(folder).unindexed) {
      std::string path = folder + "/" + name + ".pack";
      struct stat st {};
      if (::lstat(path.c_str(), &st) == 0 && old(st) && !options_.dry_run && ::unlink(path.c_str()) == 0) ++report.temp_removed;
    }
  }

  // Old files of killed writers go, and old empty writer folders (a live writer whose
  // idle folder goes makes it again).
  void clean_temp(GcReport& report) {
    std::string tmp = store_.root() + "/tmp";
    for (const std::string& name : folder_names(tmp)) {
      std::string folder = tmp + "/" + name;
      if (name.rfind("gc-", 0) == 0) continue;
      struct stat st {};
      if (::lstat(folder.c_str(), &st) != 0) continue;
      if (!S_ISDIR(st.st_mode)) {
        if (old(st) && !options_.dry_run && ::unlink(folder.c_str()) == 0) ++report.temp_removed;
        continue;
      }
      for (const std::string& file : folder_names(folder)) {
        std::string path = folder + "/" + file;
        struct stat fst {};
        if (::lstat(path.c_str(), &fst) == 0 && old(fst) && !options_.dry_run && ::unlink(path.c_str()) == 0)
          ++report.temp_removed;
      }
      if (!options_.dry_run && old(st)) ::rmdir(folder.c_str());
    }
  }

  ~Collector() {
    if (trash_made_) ::rmdir(trash_.c_str());
  }

 private:
  ObjectStore& store_;
  const GcOptions& options_;
  int64_t grace_ns_;
  std::string trash_;
  bool trash_made_ = false;
};

}  // namespace

Result<GcReport> gc(ObjectStore& store, const Refs& refs, const GcOptions& options) {
  if (options.grace_seconds < 0) return bad_input("gc: the grace period cannot be negative ({} s)", options.grace_seconds);
  GcReport report;
  Collector collector(store, options);
  collector.restore_trash(report);
  auto roots = refs.list_locked();
  if (!roots) return roots.error();
  // Mark. Blobs are not read: their header tells a file's blob from its chunks.
  auto walk = walk_reachable(store, *roots, [&](const Hash& hash) {
    ObjectInfo info;
    auto type = store.peek_type(hash);
    if (type) {
      info.state = ObjectInfo::State::ok;
      info.type = *type;
    } else {
      info.state = store.has(hash) ? ObjectInfo::State::corrupt : ObjectInfo::State::missing;
      info.problem = type.error().message;
    }
    return info;
  });
  if (!walk.problems.empty())
    return failure("gc: nothing removed: {} problem(s) in what refs reach (run herd store fsck), the first: {}",
                   walk.problems.size(), walk.problems.front());

  // Sweep: loose objects one by one, packs whole.
  auto loose = list_loose_objects(store.root());
  if (!loose) return loose.error();
  store.pack_set().rescan(true);
  auto packs = store.pack_set().packs();
  std::unordered_set<Hash> present(loose->begin(), loose->end());
  for (const auto& pack : packs)
    for (const PackEntry& e : pack->index.entries) present.insert(e.hash);
  report.objects = present.size();
  for (const Hash& hash : present) report.reachable += walk.reachable.count(hash);
  for (const Hash& hash : *loose)
    if (!walk.reachable.count(hash)) HERD_CHECK(collector.sweep(hash, report));
  for (const auto& pack : packs) HERD_CHECK(collector.sweep_pack(pack, walk.reachable, report));
  HERD_CHECK(collector.merge_small_packs(report));
  collector.remove_unindexed_packs(report);
  collector.clean_temp(report);
  return report;
}

}  // namespace herd::store
