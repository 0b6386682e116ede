#include "track/checkpoint_ref.h"

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace herd::track {

Result<CheckpointInfo> resolve_checkpoint(const store::ObjectStore& store, const store::Refs& refs,
                                          const std::string& ref, std::string_view name) {
  if (name == "latest" || starts_with(name, "latest~")) {
    long long back = 0;
    if (name != "latest" && (!parse_int(name.substr(7), back) || back < 0))
      return bad_input("checkpoint '{}': expected latest~N with N a number", name);
    auto history = load_history(store, refs, ref, static_cast<size_t>(back) + 1);
    if (!history) return history.error();
    if (history->empty()) return bad_input("no checkpoints of {} yet ({})", ref.substr(ref.find('/') + 1), ref);
    if (history->size() <= static_cast<size_t>(back))
      return bad_input("checkpoint '{}': there are only {} checkpoints", name, history->size());
    return std::move(history->back());
  }
  std::string prefix = to_lower(name);
  bool hex = !prefix.empty() && prefix.size() <= 64 &&
             std::all_of(prefix.begin(), prefix.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (!hex || prefix.size() < 4)
    return bad_input("checkpoint '{}': give latest, latest~N or at least 4 hex digits of a checkpoint id", name);
  auto history = load_history(store, refs, ref);
  if (!history) return history.error();
  std::vector<CheckpointInfo*> found;
  for (auto& info : *history)
    if (starts_with(info.id.hex(), prefix)) found.push_back(&info);
  if (found.size() == 1) return std::move(*found[0]);
  if (found.size() > 1) {
    std::string ids;
    for (auto* f : found) ids += " " + f->id.hex().substr(0, 12);
    return bad_input("checkpoint '{}' is ambiguous:{}", name, ids);
  }
  if (prefix.size() == 64) {
    auto id = store::Hash::parse(prefix);
    auto snapshot = load_snapshot(store, *id);
    if (snapshot) return CheckpointInfo{*id, std::move(*snapshot)};
  }
  return bad_input("checkpoint '{}': no such checkpoint of {}", name, ref.substr(ref.find('/') + 1));
}

}  // namespace herd::track
