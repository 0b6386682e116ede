// Refs: names for snapshots, e.g. "nodes/compute-0-0/checkpoints" or "images/base".
// A ref is a file refs/<name> holding one hash; names are '/'-separated parts of
// [A-Za-z0-9._-], 1-200 bytes each, 1024 in all, no part starting with '.' (so never "."
// or "..", nor the lock and temporary files). Updates are compare-and-swap under an flock
// on refs/.lock and replace the file atomically, so concurrent writers never lose an
// update silently: the loser gets a conflict naming the ref and the value it found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/hash.h"
#include "util/result.h"

namespace herd::store {

bool valid_ref_name(std::string_view name);

class Refs {
 public:
  explicit Refs(std::string store_root) : root_(std::move(store_root)) {}

  // nullopt when the ref does not exist. A bad name is bad_input.
  Result<std::optional<Hash>> read(const std::string& name) const;
  // Sets `name` to `value` if its current value is `expected` (nullopt = must not exist).
  // A mismatch fails with a message starting "ref conflict:". The caller must have called
  // ObjectStore::sync() after storing the objects `value` reaches: the ref is durable when
  // this returns, and must not point at objects that are not.
  Status compare_and_swap(const std::string& name, const std::optional<Hash>& expected, const Hash& value);
  Status remove(const std::string& name, const Hash& expected);
  // Every ref whose name starts with `prefix`, sorted by name.
  Result<std::vector<std::pair<std::string, Hash>>> list(const std::string& prefix = "") const;
  // Every ref, read while holding the refs lock, so an update that moves a snapshot from
  // one ref to another is seen whole (gc's and fsck's roots).
  Result<std::vector<std::pair<std::string, Hash>>> list_locked() const;

 private:
  std::string root_;
};

}  // namespace herd::store
