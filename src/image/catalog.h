// The catalog: images as refs in the store (docs/image.md, "The model").
//
//   images/NAME/revisions/N   revision N's snapshot (kind=image), one ref each
//   images/NAME/tags/TAG      a tag: the snapshot of one of NAME's revisions
//
// Invariants: a revision ref is only ever created (compare-and-swap from absent) and
// removed, never moved, so "NAME:3" means one snapshot for as long as it exists; a new
// revision is numbered one past the highest that exists, and a race between two creators
// makes the loser retry with the next number. A tag names a snapshot that some revision
// ref of the same image names when it is set (removing the revision removes its tags).
// Revision snapshots have no parents (each is kept alive by its own ref, so any one can
// be pruned); "previous" in their metadata is the snapshot they were made from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/image_name.h"
#include "image/settings.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "util/result.h"

namespace herd::image {

std::string image_ref_prefix(const std::string& image);               // "images/NAME/"
std::string revision_ref(const std::string& image, uint64_t revision);  // "images/NAME/revisions/N"
std::string tag_ref(const std::string& image, const std::string& tag);  // "images/NAME/tags/TAG"

struct Revision {
  std::string image;
  uint64_t number = 0;
  store::Hash id;  // the snapshot
  store::Snapshot snapshot;
  std::vector<std::string> tags;  // sorted

  ImageSettings settings() const { return get_settings(snapshot.metadata); }
  // A metadata value, "" when absent.
  std::string meta(const std::string& key) const;
  std::string text() const { return fmt::format("{}:{}", image, number); }
};

// What a new revision is made of; the catalog adds kind, image, revision and previous.
struct NewRevision {
  store::Hash tree;
  ImageSettings settings;
  std::string message;
  std::string author;  // "" = <user>@<host>
  std::string source;  // "capture --from compute-0-0", "exec: ...", ...
  int64_t time_ns = 0;  // 0 = now
  std::optional<store::Hash> previous;  // the snapshot it was made from
  std::map<std::string, std::string> metadata;  // packages, package_backend, entries, bytes, ...
};

// One image's refs as they are now.
struct ImageRefs {
  std::map<uint64_t, store::Hash> revisions;
  std::map<std::string, store::Hash> tags;
  // The tags naming `id`, sorted.
  std::vector<std::string> tags_of(const store::Hash& id) const;
};

class Catalog {
 public:
  // `store` must outlive the catalog; `refs` is the same store's.
  Catalog(store::ObjectStore& store, store::Refs refs) : store_(store), refs_(std::move(refs)) {}

  // Every image that has at least one revision, sorted.
  Result<std::vector<std::string>> images() const;
  // An image's revisions and tags. An image with no refs has none (not an error).
  Result<ImageRefs> refs_of(const std::string& image) const;
  // The revision `ref` names, loaded. An unknown image, revision or tag is bad_input
  // naming it (and, for an unknown image, the known ones).
  Result<Revision> resolve(const ImageRef& ref) const;
  Result<Revision> resolve(std::string_view text) const;
  // Every revision of `image`, newest first; at most `limit` (0 = all).
  Result<std::vector<Revision>> history(const std::string& image, size_t limit = 0) const;

  // Stores the snapshot, syncs the store, and creates the next revision ref. The tree and
  // everything it reaches must be in the store (and synced: the caller syncs the writers
  // that stored them). Returns the new revision.
  Result<Revision> commit(const std::string& image, const NewRevision& revision);
  // Sets (or moves) tag `tag` of `image` to revision `number`.
  Status tag(const std::string& image, uint64_t number, const std::string& tag);
  Status untag(const std::string& image, const std::string& tag);
  // Removes one revision and the tags that name it.
  Status remove_revision(const std::string& image, uint64_t number);
  // Removes every ref of the image. Returns how many revisions it had.
  Result<size_t> remove_image(const std::string& image);
  // The revisions `prune` would remove: all but the newest `keep`, except tagged ones and
  // those in `pinned`. Removes them unless `dry_run`.
  Result<std::vector<uint64_t>> prune(const std::string& image, size_t keep, const std::vector<uint64_t>& pinned,
                                      bool dry_run);

  store::ObjectStore& store() { return store_; }
  const store::Refs& refs() const { return refs_; }

 private:
  Result<Revision> load(const std::string& image, uint64_t number, const store::Hash& id,
                        const ImageRefs& refs) const;
  store::ObjectStore& store_;
  store::Refs refs_;
};

}  // namespace herd::image
