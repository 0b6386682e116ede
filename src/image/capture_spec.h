// What a capture leaves out (docs/image.md, "Default excludes"): kernel and runtime state,
// scratch, each node's identity (host keys, machine-id, hostname, persistent NIC names),
// LVM and NFS state of the golden client, lost+found, and herd's own per-node state. The
// image's `exclude` list adds to these. Mounts of other file systems are left out by the
// walk itself (one file system), not by a pattern.
#pragma once

#include <string>
#include <vector>

#include "track/spec.h"
#include "util/result.h"

namespace herd::image {

// The default exclude globs, in the tracking spec's syntax (track/spec.h).
const std::vector<std::string>& default_capture_excludes();

// A spec whose rules exclude the defaults (unless `defaults` is false: override trees
// hold exactly what their folder has) and then `extra` (bad globs are bad_input naming
// them). It tracks no paths: captures walk the whole root.
Result<track::TrackSpec> capture_spec(const std::vector<std::string>& extra, bool defaults = true);

}  // namespace herd::image
