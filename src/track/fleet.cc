#include "track/fleet.h"

#include "track/host_name.h"
#include "track/site.h"
#include "util/text.h"

namespace herd::track {

Result<unsigned> parse_fleet_checkpoint(std::string_view name) {
  if (name == "latest") return 0u;
  long long back = 0;
  if (starts_with(name, "latest~") && parse_int(name.substr(7), back) && back >= 0 && back <= 1'000'000)
    return static_cast<unsigned>(back);
  return bad_input("checkpoint '{}': give latest or latest~N (the same checkpoint of every node)", name);
}

const char* checkpoint_state_name(NodeCheckpoint::State state) {
  switch (state) {
    case NodeCheckpoint::State::ok: return "ok";
    case NodeCheckpoint::State::none: return "no checkpoint";
    case NodeCheckpoint::State::unreadable: return "unreadable";
  }
  return "?";
}

namespace {

// One node: follows `back` parents from the ref. Per-node problems become `unreadable`.
NodeCheckpoint load_one(const store::ObjectStore& store, const store::Refs& refs, const std::string& node,
                        unsigned back) {
  NodeCheckpoint out;
  out.node = node;
  auto unreadable = [&](const Error& error) {
    out.state = NodeCheckpoint::State::unreadable;
    out.error = fmt::format("{}: {}", node, error.message);
    return out;
  };
  auto head = refs.read("checkpoints/" + node);
  if (!head) return unreadable(head.error());
  std::optional<store::Hash> id = *head;
  for (unsigned step = 0;; ++step) {
    if (!id) return out;  // state none: fewer checkpoints than asked for
    auto snapshot = load_snapshot(store, *id);
    if (!snapshot) return unreadable(snapshot.error());
    if (step == back) {
      out.state = NodeCheckpoint::State::ok;
      out.checkpoint = CheckpointInfo{*id, std::move(*snapshot)};
      return out;
    }
    id = snapshot->parents.empty() ? std::nullopt : std::optional(snapshot->parents[0]);
  }
}

}  // namespace

Result<std::vector<NodeCheckpoint>> load_fleet_checkpoints(const store::ObjectStore& store, const store::Refs& refs,
                                                           const std::vector<std::string>& nodes, unsigned back) {
  for (const auto& node : nodes)
    if (!valid_host_name(node)) return bad_input("node name '{}': not a name checkpoints can be stored under", node);
  std::vector<NodeCheckpoint> out;
  out.reserve(nodes.size());
  for (const auto& node : nodes) out.push_back(load_one(store, refs, node, back));
  return out;
}

}  // namespace herd::track
