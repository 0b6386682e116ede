#include "track/history.h"

#include <set>

namespace herd::track {

Result<store::Snapshot> load_snapshot(const store::ObjectStore& store, const store::Hash& id) {
  auto bytes = store.get(id, store::ObjectType::snapshot);
  if (!bytes) return bytes.error();
  return store::decode_snapshot(*bytes, "snapshot " + id.hex());
}

Result<std::optional<CheckpointInfo>> latest_checkpoint(const store::ObjectStore& store, const store::Refs& refs,
                                                        const std::string& ref) {
  auto head = refs.read(ref);
  if (!head) return head.error();
  if (!head->has_value()) return std::optional<CheckpointInfo>();
  auto snapshot = load_snapshot(store, **head);
  if (!snapshot) return snapshot.error();
  return std::optional<CheckpointInfo>(CheckpointInfo{**head, std::move(*snapshot)});
}

Result<std::vector<CheckpointInfo>> load_history(const store::ObjectStore& store, const store::Refs& refs,
                                                 const std::string& ref, size_t limit) {
  std::vector<CheckpointInfo> out;
  auto head = refs.read(ref);
  if (!head) return head.error();
  std::optional<store::Hash> next = *head;
  std::set<store::Hash> seen;
  while (next && (limit == 0 || out.size() < limit)) {
    if (!seen.insert(*next).second) return failure("{}: the history loops at {}", ref, next->hex());
    auto snapshot = load_snapshot(store, *next);
    if (!snapshot) return snapshot.error();
    CheckpointInfo info{*next, std::move(*snapshot)};
    next = info.snapshot.parents.empty() ? std::nullopt : std::optional(info.snapshot.parents[0]);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace herd::track
