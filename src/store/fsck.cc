#include "store/fsck.h"

#include <dirent.h>

#include <cstring>
#include <unordered_map>

#include "store/chunks.h"
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

// Verifies and decodes one object; the info fsck's walk uses for it.
ObjectInfo examine(const ObjectStore& store, const Hash& hash) {
  ObjectInfo info;
  auto object = store.get(hash);
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

}  // namespace

Result<FsckReport> fsck(ObjectStore& store, const Refs& refs, const FsckOptions& options) {
  FsckReport report;
  auto hashes = store.list();
  if (!hashes) return hashes.error();

  // 1. Every object, reachable or not.
  std::unordered_map<Hash, ObjectInfo> infos;
  infos.reserve(hashes->size());
  std::vector<Hash> corrupt;
  for (const Hash& hash : *hashes) {
    ObjectInfo info = examine(store, hash);
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
    infos.emplace(hash, std::move(info));
  }
  if (options.remove_corrupt) {
    for (const Hash& hash : corrupt) {
      if (auto removed = store.remove(hash); !removed)
        report.problems.push_back(removed.error().message);
      else
        report.removed.push_back(hash);
    }
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
  report.temp_files = count_temp_files(store.root());
  return report;
}

}  // namespace herd::store
