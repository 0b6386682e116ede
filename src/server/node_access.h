// What a node may read (docs/server.md, "What a node may do"): objects reachable from its
// own refs checkpoints/N, captures/N and rendered/N, or from a ref of the image assigned
// to it (images/IMAGE/..., every revision and tag), and objects it uploaded itself while
// this server runs. Shared by every worker thread.
//
// Reachable sets ("closures") are cached per ref and recomputed when the ref's value
// changes; rendered/N's leaves out what the image's closures hold; a recomputation walks only what is new when the old closure was complete (no
// object was missing), since everything an object reaches is fixed by its hash.
// Invariant: a closure holds only objects that were present when it was computed, so
// membership means "present and readable" (the store never deletes while serving, except
// by gc, whose grace period protects recent objects).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"

namespace herd::server {

using HashSet = std::unordered_set<store::Hash>;

class NodeAccess;

// One request's view of what one node may read: the closures as they were when it was
// made, plus the node's uploads (looked up live).
class ReadableView {
 public:
  // Whether the node may read `hash` (which the caller knows to be present, or checks).
  bool may_read(const store::Hash& hash) const;
  // Whether `hash` is in one of the closures (so everything it reaches is readable too).
  bool in_closure(const store::Hash& hash) const;
  bool uploaded(const store::Hash& hash) const;

 private:
  friend class NodeAccess;
  const NodeAccess* access_ = nullptr;
  std::string node_;
  std::vector<std::shared_ptr<const HashSet>> closures_;
};

class NodeAccess {
 public:
  // The view for `node`, whose assigned image is `image` ("" = none), computing closures
  // whose refs moved. `store` is the calling thread's store. Fails when a ref cannot be read.
  Result<ReadableView> view(const store::ObjectStore& store, const store::Refs& refs, const std::string& node,
                            const std::string& image);
  // Records that `node` proved it has `hashes` (it uploaded them, verified).
  void note_uploads(const std::string& node, const std::vector<store::Hash>& hashes);
  bool uploaded(const std::string& node, const store::Hash& hash) const;

 private:
  struct Closure {
    store::Hash root;
    bool complete = true;  // no reached object was missing
    std::shared_ptr<const HashSet> objects;
  };
  // The closure of `ref`, leaving out (and not walking beneath) objects in `covered`:
  // a node's effective tree shares every subtree but the overridden paths with its
  // image, whose closures are `covered`, so its own closure stays small.
  Result<std::shared_ptr<const HashSet>> closure(const store::ObjectStore& store, const std::string& ref,
                                                 const store::Hash& value,
                                                 const std::vector<std::shared_ptr<const HashSet>>& covered = {});

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Closure> closures_;   // by ref name
  std::unordered_map<std::string, HashSet> uploaded_;   // by node name
};

// What a ref update to `value` would reach that is missing from the store or, with a
// view, not readable by its node: at most `limit` hashes, in walk order. Also fails
// (bad_input) when the graph is malformed (`value` not a snapshot, a tree not decoding...).
Result<std::vector<store::Hash>> unreadable_reached(const store::ObjectStore& store, const ReadableView* view,
                                                    const store::Hash& value, size_t limit);

}  // namespace herd::server
