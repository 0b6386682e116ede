#include "server/node_access.h"

#include "store/reachability.h"

namespace herd::server {
namespace {

using store::Hash;
using store::ObjectInfo;

ObjectInfo present(const store::ObjectStore& store, const Hash& hash) {
  ObjectInfo info;
  auto type = store.peek_type(hash);
  if (!type) {
    info.state = ObjectInfo::State::corrupt;
    info.problem = type.error().message;
    return info;
  }
  info.state = ObjectInfo::State::ok;
  info.type = *type;
  return info;
}

// A walk's "missing" that means "stop here, already known", not a real absence.
ObjectInfo stop() { return ObjectInfo{ObjectInfo::State::missing, store::ObjectType::blob, std::nullopt, ""}; }

}  // namespace

bool ReadableView::in_closure(const Hash& hash) const {
  for (const auto& c : closures_)
    if (c->count(hash)) return true;
  return false;
}

bool ReadableView::uploaded(const Hash& hash) const { return access_ && access_->uploaded(node_, hash); }

bool ReadableView::may_read(const Hash& hash) const { return in_closure(hash) || uploaded(hash); }

Result<ReadableView> NodeAccess::view(const store::ObjectStore& store, const store::Refs& refs, const std::string& node,
                                      const std::string& image) {
  ReadableView v;
  v.access_ = this;
  v.node_ = node;
  std::vector<std::pair<std::string, Hash>> none;
  auto roots = image.empty() ? Result<std::vector<std::pair<std::string, Hash>>>(none) : refs.list("images/" + image + "/");
  if (!roots) return roots.error();
  for (const auto& [name, value] : *roots) {
    auto c = closure(store, name, value);
    if (!c) return c.error();
    v.closures_.push_back(std::move(*c));
  }
  const auto image_closures = v.closures_;
  for (const char* kind : {"checkpoints/", "captures/", "rendered/"}) {
    std::string own = kind + node;
    auto mine = refs.read(own);
    if (!mine) return mine.error();
    if (!*mine) continue;
    bool rendered = std::string_view(kind) == "rendered/";
    auto c = closure(store, own, **mine, rendered ? image_closures : std::vector<std::shared_ptr<const HashSet>>{});
    if (!c) return c.error();
    v.closures_.push_back(std::move(*c));
  }
  return v;
}

void NodeAccess::note_uploads(const std::string& node, const std::vector<Hash>& hashes) {
  std::lock_guard lock(mutex_);
  auto& set = uploaded_[node];
  set.insert(hashes.begin(), hashes.end());
}

bool NodeAccess::uploaded(const std::string& node, const Hash& hash) const {
  std::lock_guard lock(mutex_);
  auto it = uploaded_.find(node);
  return it != uploaded_.end() && it->second.count(hash);
}

Result<std::shared_ptr<const HashSet>> NodeAccess::closure(const store::ObjectStore& store, const std::string& ref,
                                                           const Hash& value,
                                                           const std::vector<std::shared_ptr<const HashSet>>& covered) {
  std::optional<Closure> old;
  {
    std::lock_guard lock(mutex_);
    auto it = closures_.find(ref);
    if (it != closures_.end()) {
      if (it->second.root == value) return it->second.objects;
      old = it->second;
    }
  }
  // Walked without the lock: objects are immutable, so two threads computing the same
  // closure get the same answer.
  const HashSet* known = old && old->complete ? old->objects.get() : nullptr;
  HashSet missing;
  auto lookup = [&](const Hash& h) -> ObjectInfo {
    if (known && known->count(h)) return stop();
    for (const auto& c : covered)
      if (c->count(h)) return stop();
    if (!store.has(h)) {
      missing.insert(h);
      return stop();
    }
    return present(store, h);
  };
  auto walk = store::walk_reachable(store, {{ref, value}}, lookup);
  auto objects = std::make_shared<HashSet>(known ? *known : HashSet{});
  for (const auto& h : walk.reachable)
    if (!missing.count(h)) objects->insert(h);
  Closure fresh{value, missing.empty(), std::move(objects)};
  std::lock_guard lock(mutex_);
  closures_[ref] = fresh;
  return fresh.objects;
}

Result<std::vector<Hash>> unreadable_reached(const store::ObjectStore& store, const ReadableView* view, const Hash& value,
                                             size_t limit) {
  if (store.has(value)) {
    auto type = store.peek_type(value);
    if (!type) return bad_input("{}", type.error().message);
    if (*type != store::ObjectType::snapshot)
      return bad_input("{} is a {}, not a snapshot", value.hex(), store::object_type_name(*type));
  }
  std::vector<Hash> out;
  HashSet stops;
  auto note = [&](const Hash& h) {
    if (out.size() < limit) out.push_back(h);
    return stop();
  };
  auto lookup = [&](const Hash& h) -> ObjectInfo {
    if (view && view->in_closure(h)) {
      stops.insert(h);
      return stop();
    }
    if (!store.has(h)) return note(h);
    if (view && !view->uploaded(h)) return note(h);
    auto info = present(store, h);
    if (info.state != ObjectInfo::State::ok) return note(h);
    return info;
  };
  auto walk = store::walk_reachable(store, {{"value", value}}, lookup);
  // Problems other than the missing ones mean a malformed graph: a wrong type, an
  // undecodable tree or snapshot, a size that does not match.
  for (const auto& p : walk.problems)
    if (p.rfind("missing ", 0) != 0) return bad_input("{}", p);
  return out;
}

}  // namespace herd::server
