#include "store/gc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "store/reachability.h"

namespace herd::store {
namespace {

int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t mtime_ns(const struct stat& st) { return int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec; }

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

  bool old(const struct stat& st) const { return now_ns() - mtime_ns(st) >= grace_ns_; }

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

  // Objects a killed gc moved aside come back before marking: it had not decided yet,
  // or a put() may have freshened them, and a ref may reach them.
  void restore_trash(GcReport& report) {
    std::string tmp = store_.root() + "/tmp";
    for (const std::string& name : folder_names(tmp)) {
      std::string folder = tmp + "/" + name;
      if (name.rfind("gc-", 0) != 0 || folder == trash_) continue;
      for (const std::string& file : folder_names(folder)) {
        auto hash = Hash::parse(file);
        if (!hash || options_.dry_run) continue;
        std::string path = folder + "/" + file, home = store_.object_path(*hash);
        if (::access(home.c_str(), F_OK) == 0 ? ::unlink(path.c_str()) == 0 : ::rename(path.c_str(), home.c_str()) == 0)
          ++report.restored;
      }
      if (!options_.dry_run) ::rmdir(folder.c_str());
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

  auto hashes = store.list();
  if (!hashes) return hashes.error();
  for (const Hash& hash : *hashes) {
    ++report.objects;
    if (walk.reachable.count(hash)) {
      ++report.reachable;
      continue;
    }
    HERD_CHECK(collector.sweep(hash, report));
  }
  collector.clean_temp(report);
  return report;
}

}  // namespace herd::store
