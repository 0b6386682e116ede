#include "image/overrides/override_refs.h"

#include <sys/stat.h>

#include "image/capture.h"
#include "track/host_name.h"
#include "util/time_text.h"

namespace herd::image {
namespace {

Result<store::Snapshot> read_snapshot(const store::ObjectStore& store, const store::Hash& id) {
  auto bytes = store.get(id, store::ObjectType::snapshot);
  if (!bytes) return bytes.error();
  return store::decode_snapshot(*bytes, "snapshot " + id.hex());
}

}  // namespace

Result<std::optional<StoredOverride>> read_override(const store::ObjectStore& store, const store::Refs& refs,
                                                    const OverrideScope& scope) {
  auto id = refs.read(scope.ref());
  if (!id) return id.error();
  if (!*id) return std::optional<StoredOverride>();
  auto snapshot = read_snapshot(store, **id);
  if (!snapshot) return snapshot.error();
  return std::optional<StoredOverride>(StoredOverride{scope, **id, std::move(*snapshot)});
}

Result<std::vector<StoredOverride>> list_overrides(const store::ObjectStore& store, const store::Refs& refs) {
  auto all = refs.list(std::string(kOverrideRefPrefix));
  if (!all) return all.error();
  std::vector<StoredOverride> out;
  for (const auto& [name, id] : *all) {
    auto scope = parse_override_ref(name);
    if (!scope) continue;  // not one herd writes; left alone
    auto snapshot = read_snapshot(store, id);
    if (!snapshot) return snapshot.error();
    out.push_back(StoredOverride{*scope, id, std::move(*snapshot)});
  }
  return out;
}

Result<StoredOverride> set_override(store::ObjectStore& store, store::Refs& refs, const OverrideScope& scope,
                                    const std::string& folder, const SetOverride& how) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return bad_input("{} is not a folder (herd image override set takes the folder of files to lay over the image)",
                     folder);
  auto current = read_override(store, refs, scope);
  if (!current) return current.error();
  CaptureOptions capture;
  capture.default_excludes = false;
  auto captured = capture_root(store, folder, capture);
  if (!captured) return captured.error();
  // Templates must parse now, not when a node first asks for its plan.
  auto checked = layer_overrides(store, {OverrideLayer{scope, captured->tree}}, nlohmann::json::object());
  if (!checked) return bad_input("{}: {}", folder, checked.error().message);
  if (*current && (*current)->snapshot.tree == captured->tree) return **current;

  store::Snapshot s;
  s.tree = captured->tree;
  s.time_ns = now_ns();
  s.author = how.author.empty() ? track::user_at(track::this_host_name()) : how.author;
  s.message = how.message;
  s.metadata = {{"kind", "override"},
                {"scope", scope.text()},
                {"source", folder},
                {"entries", std::to_string(captured->entries)},
                {"bytes", std::to_string(captured->bytes)}};
  HERD_CHECK(store::check_snapshot(s, "the override of " + scope.text()));
  auto id = store.put(store::ObjectType::snapshot, store::encode_snapshot(s));
  if (!id) return id.error();
  HERD_CHECK(store.sync());
  std::optional<store::Hash> expected;
  if (*current) expected = (*current)->id;
  HERD_CHECK(refs.compare_and_swap(scope.ref(), expected, *id));
  return StoredOverride{scope, *id, std::move(s)};
}

Status remove_override(store::ObjectStore& store, store::Refs& refs, const OverrideScope& scope) {
  auto current = read_override(store, refs, scope);
  if (!current) return current.error();
  if (!*current) return bad_input("{} has no override (herd image override list shows those there are)", scope.text());
  return refs.remove(scope.ref(), (*current)->id);
}

Result<std::vector<OverrideLayer>> existing_layers(const store::ObjectStore& store, const store::Refs& refs,
                                                   const std::vector<OverrideScope>& scopes) {
  std::vector<OverrideLayer> out;
  for (const auto& scope : scopes) {
    auto stored = read_override(store, refs, scope);
    if (!stored) return stored.error();
    if (*stored) out.push_back(OverrideLayer{scope, (*stored)->snapshot.tree});
  }
  return out;
}

}  // namespace herd::image
