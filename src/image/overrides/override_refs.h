// The override trees in the store: set from a folder, listed, read, removed (docs/image.md,
// "Overrides"). Each scope's ref names a snapshot (metadata kind=override, scope) whose
// tree holds exactly what the folder held (no capture excludes). Setting replaces the
// scope's tree whole, by compare-and-swap, after every object is synced.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "image/overrides/override_layers.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "store/snapshot.h"
#include "util/result.h"

namespace herd::image {

struct StoredOverride {
  OverrideScope scope;
  store::Hash id;  // the snapshot
  store::Snapshot snapshot;
};

struct SetOverride {
  std::string message;
  std::string author;  // "" = <user>@<host>
};

// Captures `folder` as the tree of `scope`. Bad input (exit 2, the ref unchanged): a
// folder that is not one, a template that does not parse, NAME beside NAME.mustache.
// Returns the new snapshot; setting the same tree again makes no new snapshot.
Result<StoredOverride> set_override(store::ObjectStore& store, store::Refs& refs, const OverrideScope& scope,
                                    const std::string& folder, const SetOverride& how);
// nullopt when the scope has no override.
Result<std::optional<StoredOverride>> read_override(const store::ObjectStore& store, const store::Refs& refs,
                                                    const OverrideScope& scope);
// Every scope that has one, in ref order.
Result<std::vector<StoredOverride>> list_overrides(const store::ObjectStore& store, const store::Refs& refs);
// A scope without an override is bad_input.
Status remove_override(store::ObjectStore& store, store::Refs& refs, const OverrideScope& scope);

// The layers of `scopes` that exist, in that order.
Result<std::vector<OverrideLayer>> existing_layers(const store::ObjectStore& store, const store::Refs& refs,
                                                   const std::vector<OverrideScope>& scopes);

}  // namespace herd::image
