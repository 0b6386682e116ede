// `herd image exec` and `herd image shell` (docs/image.md, "Changing an image"): run a
// command inside an image and commit what it changed as a new revision.
//
// The image lives checked out in a work folder beside the store, WORK/NAME, with its deploy
// state in WORK/NAME.state (outside the image, so it is never captured), kept in step
// with the newest revision incrementally (a verify pass puts back anything a failed or
// interrupted exec left). One exec per image at a time: WORK/NAME.lock (flock).
//
// The command runs in a child in a private mount namespace, chrooted into the work folder,
// with /proc, /sys and /dev bound from the host, a fresh tmpfs on /run and /tmp, the
// host's /etc/resolv.conf bound over the image's, and a policy-rc.d that stops package
// scripts from starting services (removed again afterwards). Mounts vanish with the
// namespace, so nothing is left mounted whatever happens.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/catalog.h"
#include "util/result.h"

namespace herd::image {

struct ExecOptions {
  std::vector<std::string> argv;  // the command; empty = an interactive shell (/bin/bash, else /bin/sh)
  std::string message;            // "" = "exec: <command>"
  std::string work;               // the work folder's parent (default: beside the store)
  std::function<void(const std::string&)> on_progress;  // "updating the work folder", ...
};

struct ExecResult {
  int exit_code = 0;                 // the command's (128+N for signal N)
  std::optional<Revision> revision;  // the new revision, when the command succeeded and changed something
  uint64_t changes = 0;              // entries added, removed or changed
};

// The default work folder for the store at `store_root`: <parent of store>/image-work.
std::string default_work_folder(const std::string& store_root);

// Runs options.argv in the newest revision of `image`. A failed command commits nothing.
Result<ExecResult> exec_in_image(Catalog& catalog, const std::string& image, const ExecOptions& options);

// Runs `argv` chrooted in `root` in a private mount namespace (see above). Returns its
// exit status. Needs root.
Result<int> run_in_root(const std::string& root, const std::vector<std::string>& argv);

}  // namespace herd::image
