#include "store/reachability.h"

#include <deque>
#include <unordered_map>

#include "store/chunks.h"
#include "store/snapshot.h"
#include "store/tree.h"

namespace herd::store {
namespace {

// What an edge must lead to.
enum class Expect { snapshot, tree, content, blob, any };

const char* expect_name(Expect e) {
  switch (e) {
    case Expect::snapshot: return "snapshot";
    case Expect::tree: return "tree";
    case Expect::content: return "file content";
    case Expect::blob: return "blob";
    case Expect::any: return "object";
  }
  return "object";
}

bool matches(Expect e, ObjectType t) {
  switch (e) {
    case Expect::snapshot: return t == ObjectType::snapshot;
    case Expect::tree: return t == ObjectType::tree;
    case Expect::content: return t == ObjectType::blob || t == ObjectType::chunks;
    case Expect::blob: return t == ObjectType::blob;
    case Expect::any: return true;
  }
  return false;
}

class Walker {
 public:
  Walker(const ObjectStore& store, const std::vector<std::pair<std::string, Hash>>& refs, const ObjectLookup& lookup)
      : store_(store), refs_(refs), lookup_(lookup) {}

  Reachability run() {
    for (size_t r = 0; r < refs_.size(); ++r)
      reach(refs_[r].second, Expect::snapshot, r, std::nullopt, [&] { return "ref " + refs_[r].first; });
    while (!queue_.empty()) {
      Pending next = queue_.front();
      queue_.pop_front();
      expand(next);
    }
    for (const auto& [hash, info] : seen_) out_.reachable.insert(hash);
    return std::move(out_);
  }

 private:
  struct Pending {
    Hash hash;
    ObjectType type;
    size_t ref;  // index of the ref it was first reached from, for messages
  };

  std::string ref_note(size_t ref) const { return "(from ref " + refs_[ref].first + ")"; }
  // "<referrer> (from ref R)", or just "ref R" when the referrer is the ref itself.
  template <typename From>
  std::string referrer(From from, size_t ref) const {
    std::string text = from();
    return text.rfind("ref ", 0) == 0 ? text : text + " " + ref_note(ref);
  }

  // One edge: `from()` describes the referrer, `size` is the size the referrer claims.
  template <typename From>
  void reach(const Hash& hash, Expect expect, size_t ref, std::optional<uint64_t> size, From from) {
    auto [it, first] = seen_.try_emplace(hash);
    ObjectInfo& info = it->second;
    if (first) {
      info = lookup_(hash);
      if (info.state == ObjectInfo::State::missing) {
        out_.problems.push_back(fmt::format("missing {} {}: {}", expect_name(expect), hash.hex(), referrer(from, ref)));
        return;
      }
      if (info.state == ObjectInfo::State::corrupt) {
        out_.problems.push_back(fmt::format("{}: {}", info.problem, referrer(from, ref)));
        return;
      }
    }
    if (info.state != ObjectInfo::State::ok) return;  // reported where first reached
    if (!matches(expect, info.type)) {
      out_.problems.push_back(fmt::format("object {} is a {}, expected a {}: {}", hash.hex(), object_type_name(info.type),
                                          expect_name(expect), referrer(from, ref)));
      return;
    }
    if (size && info.content_size && *size != *info.content_size)
      out_.problems.push_back(fmt::format("{} says {} bytes, but {} {} holds {} {}", from(), *size,
                                          object_type_name(info.type), hash.hex(), *info.content_size, ref_note(ref)));
    if (first && info.type != ObjectType::blob) queue_.push_back({hash, info.type, ref});
  }

  void expand(const Pending& p) {
    std::string name = fmt::format("{} {}", object_type_name(p.type), p.hash.hex());
    auto payload = store_.get(p.hash, p.type);
    if (!payload) {
      out_.problems.push_back(fmt::format("{} {}", payload.error().message, ref_note(p.ref)));
      return;
    }
    switch (p.type) {
      case ObjectType::snapshot: {
        auto s = decode_snapshot(*payload, name);
        if (!s) return undecodable(s.error(), p);
        reach(s->tree, Expect::tree, p.ref, std::nullopt, [&] { return name + " tree"; });
        for (size_t i = 0; i < s->parents.size(); ++i)
          reach(s->parents[i], Expect::snapshot, p.ref, std::nullopt, [&] { return fmt::format("{} parent {}", name, i); });
        for (const auto& [key, value] : s->metadata) {
          if (!metadata_key_holds_object(key) || value.empty()) continue;
          auto hash = Hash::parse(value);
          if (!hash) {
            out_.problems.push_back(fmt::format("{} metadata {:?} is not an object hash: {:?} {}", name, key, value, ref_note(p.ref)));
            continue;
          }
          reach(*hash, Expect::any, p.ref, std::nullopt, [&] { return fmt::format("{} metadata {:?}", name, key); });
        }
        return;
      }
      case ObjectType::tree: {
        auto t = decode_tree(*payload, name);
        if (!t) return undecodable(t.error(), p);
        for (const auto& e : t->entries) {
          auto from = [&] { return fmt::format("{} entry {:?}", name, e.name); };
          if (e.type == EntryType::folder) reach(e.content, Expect::tree, p.ref, std::nullopt, from);
          if (e.type == EntryType::file) reach(e.content, Expect::content, p.ref, e.size, from);
        }
        return;
      }
      case ObjectType::chunks: {
        auto c = decode_chunks(*payload, name);
        if (!c) return undecodable(c.error(), p);
        for (size_t i = 0; i < c->size(); ++i)
          reach((*c)[i].hash, Expect::blob, p.ref, (*c)[i].size, [&] { return fmt::format("{} chunk {}", name, i); });
        return;
      }
      case ObjectType::blob: return;
    }
  }

  void undecodable(const Error& error, const Pending& p) {
    out_.problems.push_back(fmt::format("{} {}", error.message, ref_note(p.ref)));
  }

  const ObjectStore& store_;
  const std::vector<std::pair<std::string, Hash>>& refs_;
  const ObjectLookup& lookup_;
  std::unordered_map<Hash, ObjectInfo> seen_;
  std::deque<Pending> queue_;
  Reachability out_;
};

}  // namespace

Reachability walk_reachable(const ObjectStore& store, const std::vector<std::pair<std::string, Hash>>& refs,
                            const ObjectLookup& lookup) {
  return Walker(store, refs, lookup).run();
}

}  // namespace herd::store
