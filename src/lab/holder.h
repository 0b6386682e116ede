// A lab member (the frontend or a node) is a holder process: PID 1 of its own PID
// namespace, inside the member's network namespace, with its own UTS (host name), IPC and
// mount namespaces. Whatever the member runs descends from the holder or is reparented to
// it, so SIGKILL to the holder ends every process of the member, and the member's mounts,
// which exist only in its own mount namespace, go with the last of them. Nothing is
// mounted in the host's mount namespace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lab/process.h"
#include "util/result.h"

namespace herd::lab {

// A node's root: `lower` (read-only, shared) under `upper` (the node's own changes),
// mounted with overlayfs at `mountpoint` and made the member's root by pivot_root.
// `source` shown at `target`, in the member's mount namespace only.
struct BindMount {
  std::string source, target;
};

struct RootLayers {
  std::string lower, upper, work, mountpoint;
  // Host folders shown read-only at these paths of the node's root (made if missing).
  std::vector<BindMount> read_only;
};

struct HolderSpec {
  std::string netns;               // network namespace name, under /run/netns
  std::string hostname;
  std::optional<RootLayers> root;  // none = the host's file tree (the frontend)
  std::vector<BindMount> binds;    // done before the root is switched
  std::string log;                 // the holder's stdout and stderr, appended
};

// Starts a holder as described and returns once its namespaces and mounts are ready.
// On failure no holder is left running and the error names the step that failed.
Result<ProcessId> start_holder(const HolderSpec& spec);

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is searched in the member's PATH
  std::vector<std::string> env;   // KEY=VALUE, the whole environment; empty = herd's own
  std::string output;             // append stdout and stderr to this host file; "" = herd's own
};

// Runs `spec` inside every namespace of `holder`, with the member's root as "/" and
// working folder. Returns the PID of a child of the caller that exits with the command's
// exit code (wait for it with wait_exit_code).
Result<pid_t> spawn_in(const ProcessId& holder, const SpawnSpec& spec);

// Like spawn_in, but the command becomes a daemon of the member (its parent is the
// holder, in its own session) and its identity is returned at once.
Result<ProcessId> start_daemon_in(const ProcessId& holder, const SpawnSpec& spec);

}  // namespace herd::lab
