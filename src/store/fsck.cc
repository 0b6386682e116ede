#include "store/fsck.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include "util/atomic_file.h"

#include "store/chunks.h"
#include "store/object_file.h"
#include "store/pack_set.h"
#include "store/repack.h"
#include "store/reachability.h"
#include "store/snapshot.h"
#include "store/tree.h"

namespace herd::store {
namespace {

// Files one level down in tmp/ (each writer and each gc has a folder there).
uint64_t count_temp_files(const std::string& root) {
  uint64_t count = 0;
  std::string tmp = root + "/tmp";
  DIR* top = ::opendir(tmp.c_str());
  if (!top) return 0;
  while (dirent* e = ::readdir(top)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    DIR* sub = ::opendir((tmp + "/" + e->d_name).c_str());
    if (!sub) {
      ++count;  // a plain file
      continue;
    }
    while (dirent* f = ::readdir(sub))
      if (std::strcmp(f->d_name, ".") != 0 && std::strcmp(f->d_name, "..") != 0) ++count;
    ::closedir(sub);
  }
  ::closedir(top);
  return count;
}

// Decodes one verified object (`object` is what reading it gave); the info fsck's walk
// uses for it.
ObjectInfo examine(const Hash& hash, const Result<Object>& object) {
  ObjectInfo info;
  if (!object) {
    info.state = ObjectInfo::State::corrupt;
    info.problem = object.error().message;
    return info;
  }
  info.type = object->type;
  std::string name = fmt::format("{} {}", object_type_name(object->type), hash.hex());
  std::optional<Error> error;
  switch (object->type) {
    case ObjectType::blob: info.content_size = object->payload.size(); break;
    case ObjectType::chunks: {
      auto chunks = decode_chunks(object->payload, name);
      if (!chunks) {
        error = chunks.error();
        break;
      }
      uint64_t total = 0;
      for (const auto& c : *chunks) total += c.size;
      info.content_size = total;
      break;
    }
    case ObjectType::tree:
      if (auto tree = decode_tree(object->payload, name); !tree) error = tree.error();
      break;
    case ObjectType::snapshot:
      if (auto snapshot = decode_snapshot(object->payload, name); !snapshot) error = snapshot.error();
      break;
  }
  if (error) {
    info.state = ObjectInfo::State::corrupt;
    info.problem = error->message;
    return info;
  }
  info.state = ObjectInfo::State::ok;
  return info;
}

// One damaged copy of an object in a pack (the object may have a good copy elsewhere).
struct BadCopy {
  std::shared_ptr<const Pack> pack;
  Hash hash;
};

// Pack-level damage: the pack file's header and size against its index. Each problem
// names the pack.
void check_pack_file(const PackSet& set, const Pack& pack, FsckReport& report) {
  std::string why;
  auto file = set.open(pack, &why);
  if (!file) {
    report.problems.push_back(fmt::format("pack {}: {}", pack.pack_path, why));
    return;
  }
  struct stat st {};
  if (::fstat(file->fd, &st) != 0) {
    report.problems.push_back(fmt::format("pack {}: cannot stat: {}", pack.pack_path, std::strerror(errno)));
    return;
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size != pack.index.pack_size)
    report.problems.push_back(fmt::format("pack {} is {} bytes, its index {} says {}{}", pack.pack_path, size,
                                          pack.index_path, pack.index.pack_size, size < pack.index.pack_size ? " (truncated)" : ""));
  char header[kPackHeaderSize] = {};
  if (::pread(file->fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
      std::string_view(header, sizeof header) != pack_header())
    report.problems.push_back(fmt::format("pack {} has a bad header", pack.pack_path));
}

}  // namespace

Result<FsckReport> fsck(ObjectStore& caller_store, const Refs& refs, const FsckOptions& options) {
  FsckReport report;
  // A store of its own: the packs as they are on disk now, not as the caller loaded them.
  auto opened = ObjectStore::open(caller_store.root());
  if (!opened) return opened.error();
  ObjectStore& store = *opened;
  auto loose = list_loose_objects(store.root());
  if (!loose) return loose.error();
  PackSet& set = store.pack_set();
  set.rescan(true);
  for (const auto& [name, problem] : set.bad_indexes()) report.problems.push_back(problem);
  PackNames names = list_pack_names(set.folder());
  report.temp_files += names.unindexed.size();  // interrupted publishes: gc removes them
  for (const auto& name : names.orphan_indexes)
    report.problems.push_back(fmt::format("pack index {}/{}.idx has no pack", set.folder(), name));

  // 1. Every copy of every object, reachable or not: an object is ok if any copy is.
  std::unordered_map<Hash, ObjectInfo> infos;
  std::vector<BadCopy> bad_copies;
  std::vector<Hash> bad_loose;
  auto record = [&](const Hash& hash, ObjectInfo info) {
    auto [it, added] = infos.emplace(hash, info);
    if (!added && it->second.state != ObjectInfo::State::ok) it->second = std::move(info);
  };
  std::string file;
  for (const auto& pack : set.packs()) {
    check_pack_file(set, *pack, report);
    for (const PackEntry& e : pack->index.entries) {
      Result<Object> object = failure("unread");
      if (auto read = read_packed(set, PackedObject{pack, e}, file); !read) {
        object = read.error();
      } else {
        object = decode_object_file(file, e.hash);
        if (!object)
          object = failure("object {} ({} at offset {}) is corrupt: {}", e.hash.hex(), pack->pack_path, e.offset, object.error().message);
      }
      ObjectInfo info = examine(e.hash, object);
      if (info.state != ObjectInfo::State::ok) bad_copies.push_back(BadCopy{pack, e.hash});
      record(e.hash, std::move(info));
    }
  }
  for (const Hash& hash : *loose) {
    std::string path = store.object_path(hash);
    Result<Object> object = failure("unread");
    if (auto bytes = read_file(path); !bytes) {
      object = failure("object {}: {}", hash.hex(), bytes.error().message);
    } else {
      object = decode_object_file(*bytes, hash);
      if (!object) object = failure("object {} ({}) is corrupt: {}", hash.hex(), path, object.error().message);
    }
    ObjectInfo info = examine(hash, object);
    if (info.state != ObjectInfo::State::ok) bad_loose.push_back(hash);
    record(hash, std::move(info));
  }
  std::vector<Hash> corrupt;
  for (const auto& [hash, info] : infos) {
    ++report.objects;
    if (info.state == ObjectInfo::State::ok) {
      switch (info.type) {
        case ObjectType::blob: ++report.blobs; break;
        case ObjectType::chunks: ++report.chunks; break;
        case ObjectType::tree: ++report.trees; break;
        case ObjectType::snapshot: ++report.snapshots; break;
      }
      if (info.type == ObjectType::blob) report.payload_bytes += info.content_size.value_or(0);
    } else {
      corrupt.push_back(hash);
    }
  }
  if (options.remove_corrupt) {
    std::unordered_set<Hash> removed;
    for (const Hash& hash : bad_loose) {
      std::string path = store.object_path(hash);
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        report.problems.push_back(fmt::format("object {}: cannot remove {}: {}", hash.hex(), path, std::strerror(errno)));
      else
        removed.insert(hash);
    }
    // Each pack with damaged copies is rewritten without them.
    std::unordered_map<std::string, std::unordered_set<Hash>> by_pack;
    std::unordered_map<std::string, std::shared_ptr<const Pack>> packs;
    for (const BadCopy& c : bad_copies) {
      by_pack[c.pack->name].insert(c.hash);
      packs[c.pack->name] = c.pack;
    }
    for (const auto& [name, hashes] : by_pack) {
      const auto& bad = hashes;
      auto rewritten = rewrite_pack(store, packs[name], [&](const PackEntry& e) { return !bad.count(e.hash); }, std::nullopt);
      if (!rewritten) {
        report.problems.push_back(rewritten.error().message);
        continue;
      }
      removed.insert(hashes.begin(), hashes.end());
    }
    report.removed.assign(removed.begin(), removed.end());
  }

  // 2. Refs, and 3. everything they reach.
  std::vector<std::pair<std::string, Hash>> roots;
  if (auto listed = refs.list_locked(); listed)
    roots = std::move(*listed);
  else
    report.problems.push_back(listed.error().message);
  report.refs = roots.size();
  auto walk = walk_reachable(store, roots, [&](const Hash& hash) {
    auto it = infos.find(hash);
    return it == infos.end() ? ObjectInfo{} : it->second;
  });
  report.reachable = walk.reachable.size();
  for (auto& problem : walk.problems) report.problems.push_back(std::move(problem));
  for (const Hash& hash : corrupt)
    if (!walk.reachable.count(hash)) report.garbage.push_back(infos[hash].problem);
  // A damaged copy of an object that has a good copy too harms nothing.
  for (const BadCopy& c : bad_copies)
    if (infos[c.hash].state == ObjectInfo::State::ok)
      report.garbage.push_back(fmt::format("object {}: a damaged copy in {} (a good copy exists)", c.hash.hex(), c.pack->pack_path));
  report.temp_files += count_temp_files(store.root());
  return report;
}

}  // namespace herd::store
