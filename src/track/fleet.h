// The frontend's view of many nodes' checkpoints: every node pushes its checkpoints to the
// frontend's store under the ref checkpoints/<node>, so one store holds the whole cluster.
// Loading a fleet reads one ref and one snapshot per node (latest~N follows N parents),
// nothing else; what is read next (the file at a path, the package list) is up to the
// caller (fleet_files.h, fleet_packages.h), which reads each distinct object once.
//
// A problem that concerns one node only (a ref that names a missing or corrupt snapshot)
// makes that node `unreadable` with a message naming it; it does not fail the call, so a
// cluster of 10,000 nodes still gets its answer when one node's data is damaged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "store/refs.h"
#include "track/history.h"
#include "util/result.h"

namespace herd::track {

// Which checkpoint of each node: "latest" (back = 0) or "latest~N" (back = N). Anything
// else (an id prefix names one node's checkpoint, not every node's) is bad_input naming it.
Result<unsigned> parse_fleet_checkpoint(std::string_view name);

struct NodeCheckpoint {
  enum class State {
    ok,             // `checkpoint` is set
    none,           // no checkpoints (or fewer than back + 1)
    unreadable,     // `error` says why
  };
  std::string node;
  State state = State::none;
  std::optional<CheckpointInfo> checkpoint;
  std::string error;
};
const char* checkpoint_state_name(NodeCheckpoint::State state);  // "ok", "no checkpoint", "unreadable"

// The checkpoint `back` before the latest of each node, in the order given. A name that
// cannot be a host (host_name.h) is bad_input naming it; store-wide failures
// (the refs folder unreadable) fail the call.
Result<std::vector<NodeCheckpoint>> load_fleet_checkpoints(const store::ObjectStore& store, const store::Refs& refs,
                                                           const std::vector<std::string>& nodes, unsigned back = 0);

}  // namespace herd::track
