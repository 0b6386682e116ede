// Deploying a tree onto a root: what `herd image update` does on a node, what `checkout`
// and `install` do into a folder (docs/image.md, "Deploying").
//
// Three passes:
//   1. plan:   the target tree is compared with the deployed one (the root's state,
//              deploy_state.h) folder by folder, skipping equal subtrees; trees the root's
//              state lacks are fetched level by level in batches. With `verify` the live
//              root is compared instead, entry by entry (the stat cache vouches for
//              unchanged files). The plan says what to create, replace, change, link and
//              remove, honouring preserved, excluded and protected paths (preserve.h).
//   2. stage:  every new or changed file is written to a temporary file in its own folder
//              (".herd-image-*", beneath the root through openat/O_NOFOLLOW, all-zero
//              blocks left as holes, metadata set), and every new folder is built whole
//              under a temporary name. Content comes from the ObjectSource in the order the
//              staging needs it; a changed large file reuses the chunks of the file it
//              replaces, each checked against its hash. Nothing visible has changed yet: a
//              missing or corrupt object, a full disk or any error here removes the
//              temporary files and leaves the root exactly as it was.
//   3. commit: temporaries are renamed into place, entries the target no longer has are
//              removed, metadata changes and hardlinks are applied, folders get their
//              metadata last; then syncfs(2), the trees store is synced, and the state
//              records the new tree (atomically) — the commit point.
// kill -9 at any instant leaves every entry wholly old or wholly new and the recorded
// state the old one; a rerun converges (leftover temporaries are removed). Entry names
// from the store are checked again; a name that is not a single path component is refused
// before anything is written.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/deploy_state.h"
#include "store/object_stream.h"
#include "util/result.h"

namespace herd::image {

struct DeployAction {
  enum class Kind { create, update, replace, metadata, link, remove };
  Kind kind = Kind::create;
  std::string path;
  std::string detail;  // "file", "content", "folder with file", "mode 0644 -> 0600", ...
};
const char* deploy_action_name(DeployAction::Kind kind);

struct DeployProgress {
  const char* phase = "";  // "plan", "stage", "commit"
  uint64_t files_done = 0, files_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;
};

struct DeployOptions {
  bool dry_run = false;  // plan and report; change nothing (not even the state)
  bool verify = false;   // compare with the live root and repair drift
  // No rules: nothing is preserved, excluded or protected, no state kept beneath the root
  // (checkout and exact copies; state_dir must then be given or `record` off).
  bool exact = false;
  bool record = true;    // write the state after the commit
  std::string state_dir; // "" = ROOT/var/lib/herd/image
  std::function<void(const DeployAction&)> on_action;
  std::function<void(const DeployProgress&)> on_progress;
  // Fault injection for the crash tests: "planned", "staged-file" (after each staged
  // file), "staged", "committed-file" (after each rename), "committed", "synced", "recorded".
  std::function<void(const char* step, const std::string& path)> on_step;
};

struct DeployResult {
  bool changed = false;
  uint64_t created = 0, updated = 0, replaced = 0, metadata = 0, linked = 0, removed = 0;
  uint64_t files_written = 0, bytes_written = 0, hole_bytes = 0;
  uint64_t objects_fetched = 0, bytes_fetched = 0;  // content and trees from the source
  uint64_t bytes_reused = 0;                        // chunks read back from replaced files
  std::vector<std::string> repaired;  // with verify: paths put back
  bool reboot_needed = false;
  std::vector<std::string> reboot_reasons;  // the paths that ask for it
  std::vector<std::string> notes;
  std::optional<DeployedState> before;
  DeployedState after;
};

// Makes the root at `root` hold `target.tree`; `record` is what the state records (its
// `tree` is set to target.tree). Trees and content come from `source`.
Result<DeployResult> deploy(const std::string& root, store::ObjectSource& source, const DeployedState& target,
                            const DeployOptions& options);

// Whether a change at `path` needs a reboot (kernel, initramfs, systemd, modules).
bool needs_reboot(std::string_view path);

}  // namespace herd::image
