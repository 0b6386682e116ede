// Pushing a node's checkpoints to the frontend (docs/server.md, docs/track.md "server").
//
//   1. read the server's ref R = checkpoints/<node> (absent: nothing pushed yet);
//   2. plan: the local checkpoints newer than R and the objects they add (new_objects.h);
//      R must be in the local history, else the push fails (restore or pull first);
//   3. ask the server which of those objects it lacks (POST /objects/missing);
//   4. upload only those, read_encoded (files unchanged) in batches of at most 32 MiB;
//      each batch is durable on the server when its request returns;
//   5. compare-and-swap the server's ref from R to the local head: the commit point.
// A push killed at any instant leaves the server's ref at R (or, after 5, at the head)
// and at most objects no ref reaches yet, which the next push finds present.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "remote/remote_store.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "util/result.h"

namespace herd::remote {

struct PushPlan {
  std::vector<store::Hash> snapshots;  // the new checkpoints, oldest first
  // Every object to offer the server: each new object the walk found, entries before the
  // trees and snapshots that refer to them.
  std::vector<store::Hash> objects;
};

// What to send to a receiver that holds `remote_head`'s closure so that it can hold
// `head`'s. Pure: reads only the local store. `ref` names the ref in messages. Fails
// (a message saying the server's ref is not in this node's history) when `remote_head`
// is not `head` or one of its ancestors; an object missing locally is a failure naming it.
Result<PushPlan> plan_push(const store::ObjectStore& local, const std::string& ref, const store::Hash& head,
                           const std::optional<store::Hash>& remote_head);

inline constexpr size_t kDefaultBatchBytes = 32u << 20;

struct PushProgress {
  uint64_t objects_to_send = 0, objects_sent = 0;
  uint64_t bytes_sent = 0;
};

struct PushOptions {
  size_t batch_bytes = kDefaultBatchBytes;  // request body limit (one larger object goes alone)
  // Fault injection for the crash tests: "planned", "after-missing", "mid-upload" (after
  // each batch but the last), "before-ref", "done".
  std::function<void(const char* step)> on_step;
  std::function<void(const PushProgress&)> on_progress;  // after each batch
};

struct PushResult {
  std::string ref;
  std::optional<store::Hash> before;  // the server's value before the push
  store::Hash head;                   // the server's value now
  uint64_t checkpoints = 0;           // new checkpoints pushed
  uint64_t objects_offered = 0;       // objects the plan listed
  uint64_t objects_sent = 0;          // objects uploaded (the server lacked them)
  uint64_t bytes_sent = 0;            // object file bytes uploaded
  uint64_t objects_skipped = 0;       // offered but already on the server
  bool up_to_date = false;            // the server had the head already
};

// Pushes local `ref` to the same ref on `remote`. No local checkpoint is bad_input.
Result<PushResult> push_checkpoints(const store::ObjectStore& local, const store::Refs& local_refs,
                                    const std::string& ref, RemoteStore& remote, const PushOptions& options = {});

// Pushes snapshot `head`, which has no parents (an image capture), to `ref` on `remote`:
// its tree is walked beside the tree of the remote ref's current value when the local
// store still has that snapshot (the previous capture), so only what changed is offered.
// The ref moves from its current value to `head` (compare-and-swap).
Result<PushResult> push_snapshot(const store::ObjectStore& local, const store::Hash& head, const std::string& ref,
                                 RemoteStore& remote, const PushOptions& options = {});

}  // namespace herd::remote
