#include "remote/new_objects.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "store/chunks.h"
#include "store/snapshot.h"
#include "store/tree.h"

namespace herd::remote {
namespace {

using store::Hash;
using store::ObjectType;

Result<store::Snapshot> read_snapshot(ObjectAccess& access, const Hash& id) {
  auto object = access.read(id);
  if (!object) return object.error();
  if (object->type != ObjectType::snapshot) return failure("object {} is a {}, not a snapshot", id.hex(), store::object_type_name(object->type));
  return store::decode_snapshot(object->payload, "snapshot " + id.hex());
}

Result<store::Tree> read_tree(ObjectAccess& access, const Hash& id) {
  auto object = access.read(id);
  if (!object) return object.error();
  if (object->type != ObjectType::tree) return failure("object {} is a {}, not a tree", id.hex(), store::object_type_name(object->type));
  return store::decode_tree(object->payload, "tree " + id.hex());
}

class Walker {
 public:
  explicit Walker(ObjectAccess& access) : access_(access) {}

  Status prefetch(std::vector<Hash>& upcoming) {
    if (!access_.prefetch || upcoming.empty()) return {};
    std::sort(upcoming.begin(), upcoming.end());
    upcoming.erase(std::unique(upcoming.begin(), upcoming.end()), upcoming.end());
    return access_.prefetch(upcoming);
  }

  // Lists `id` unless listed already; returns false when it was.
  Result<bool> list(const Hash& id, ObjectType* type = nullptr) {
    if (!listed_.insert(id).second) return false;
    auto t = access_.ensure(id);
    if (!t) return t.error();
    if (type) *type = *t;
    return true;
  }

  Status content(const Hash& id) {
    ObjectType type{};
    auto fresh = list(id, &type);
    if (!fresh) return fresh.error();
    if (!*fresh || type != ObjectType::chunks) return {};
    auto object = access_.read(id);
    if (!object) return object.error();
    auto chunks = store::decode_chunks(object->payload, "chunks " + id.hex());
    if (!chunks) return chunks.error();
    std::vector<Hash> upcoming;
    for (const auto& chunk : *chunks)
      if (!listed_.count(chunk.hash)) upcoming.push_back(chunk.hash);
    HERD_CHECK(prefetch(upcoming));
    for (const auto& chunk : *chunks) {
      auto added = list(chunk.hash);
      if (!added) return added.error();
    }
    return {};
  }

  // Walks tree `id` beside `base` (a tree the receiver has whole; zero = none).
  Status tree(const Hash& id, const Hash& base) {
    if (id == base) return {};
    ObjectType type{};
    auto fresh = list(id, &type);
    if (!fresh) return fresh.error();
    if (!*fresh) return {};
    if (type != ObjectType::tree) return failure("object {} is a {}, not a tree", id.hex(), store::object_type_name(type));
    auto tree = read_tree(access_, id);
    if (!tree) return tree.error();
    std::map<std::string_view, const store::TreeEntry*> before;
    store::Tree base_tree;
    if (!base.is_zero()) {
      auto b = read_tree(access_, base);
      if (!b) return b.error();
      base_tree = std::move(*b);
      for (const auto& e : base_tree.entries) before.emplace(e.name, &e);
    }
    // The entries to visit: folders and file contents that differ from the base's entry of
    // the same name and type.
    std::vector<std::pair<const store::TreeEntry*, Hash>> visits;  // entry, its base content
    for (const auto& e : tree->entries) {
      if (e.type != store::EntryType::folder && (e.type != store::EntryType::file || e.content.is_zero())) continue;
      auto it = before.find(e.name);
      Hash old = it != before.end() && it->second->type == e.type ? it->second->content : Hash{};
      if (old == e.content) continue;
      visits.emplace_back(&e, old);
    }
    std::vector<Hash> upcoming;
    for (const auto& [e, old] : visits)
      if (!listed_.count(e->content)) upcoming.push_back(e->content);
    HERD_CHECK(prefetch(upcoming));
    for (const auto& [e, old] : visits) {
      if (e->type == store::EntryType::folder) HERD_CHECK(this->tree(e->content, old));
      else HERD_CHECK(content(e->content));
    }
    return {};
  }

  Status snapshot(const Hash& id, const store::Snapshot& snap, const store::Snapshot* base) {
    listed_.insert(id);  // ensured by find_new_snapshots
    for (const auto& [key, value] : snap.metadata) {
      if (!store::metadata_key_holds_object(key) || value.empty()) continue;
      if (base) {
        auto it = base->metadata.find(key);
        if (it != base->metadata.end() && it->second == value) continue;
      }
      auto hash = Hash::parse(value);
      if (!hash) return failure("snapshot {}: metadata {} is not a hash", id.hex(), key);
      HERD_CHECK(content(*hash));
    }
    return tree(snap.tree, base ? base->tree : Hash{});
  }

 private:
  ObjectAccess& access_;
  std::unordered_set<Hash> listed_;
};

}  // namespace

Result<SnapshotChain> find_new_snapshots(const Hash& head, const std::function<bool(const Hash&)>& is_complete,
                                         ObjectAccess& access) {
  SnapshotChain chain;
  if (is_complete(head)) {
    chain.complete_seen.insert(head);
    return chain;
  }
  // Iterative depth-first walk; post-order puts parents before children.
  enum class Mark { open, done };
  std::unordered_map<Hash, Mark> marks;
  struct Frame {
    Hash id;
    std::vector<Hash> parents;
    size_t next = 0;
  };
  std::vector<Frame> stack;
  auto enter = [&](const Hash& id) -> Status {
    auto type = access.ensure(id);
    if (!type) return type.error();
    if (*type != ObjectType::snapshot) return failure("object {} is a {}, not a snapshot", id.hex(), store::object_type_name(*type));
    auto snap = read_snapshot(access, id);
    if (!snap) return snap.error();
    marks[id] = Mark::open;
    stack.push_back(Frame{id, snap->parents, 0});
    return {};
  };
  HERD_CHECK(enter(head));
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.parents.size()) {
      marks[top.id] = Mark::done;
      chain.fresh.push_back(top.id);
      stack.pop_back();
      continue;
    }
    Hash parent = top.parents[top.next++];
    if (is_complete(parent)) {
      chain.complete_seen.insert(parent);
      continue;
    }
    auto it = marks.find(parent);
    if (it != marks.end()) {
      if (it->second == Mark::open) return failure("snapshot {}: its parents loop back to it", parent.hex());
      continue;
    }
    HERD_CHECK(enter(parent));
  }
  return chain;
}

Status walk_new_objects(const SnapshotChain& chain, ObjectAccess& access) {
  Walker walker(access);
  std::unordered_map<Hash, store::Snapshot> walked;  // fresh snapshots done, by id
  std::unordered_map<Hash, store::Snapshot> complete;
  for (const Hash& id : chain.fresh) {
    auto snap = read_snapshot(access, id);
    if (!snap) return snap.error();
    const store::Snapshot* base = nullptr;
    std::optional<Hash> first;
    if (!snap->parents.empty()) first = snap->parents[0];
    else if (auto b = chain.bases.find(id); b != chain.bases.end()) first = b->second;
    if (first) {
      const Hash& parent = *first;
      if (auto it = walked.find(parent); it != walked.end()) {
        base = &it->second;
      } else if (chain.complete_seen.count(parent)) {
        auto c = complete.find(parent);
        if (c == complete.end()) {
          auto p = read_snapshot(access, parent);
          if (!p) return p.error();
          c = complete.emplace(parent, std::move(*p)).first;
        }
        base = &c->second;
      }
    }
    HERD_CHECK(walker.snapshot(id, *snap, base));
    // Only the tree and metadata of a base are used: keep the decoded snapshot.
    walked.emplace(id, std::move(*snap));
  }
  return {};
}

}  // namespace herd::remote
