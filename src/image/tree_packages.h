// The package list of a stored tree, read from the tree's own dpkg database
// (/var/lib/dpkg/status), so a revision made from an archive or a node knows its packages
// without a root on disk. rpm databases need rpm and a real root: captures of a folder
// ask the backend on the folder instead (capture.h).
#pragma once

#include <optional>

#include "store/object_store.h"
#include "track/packages/package.h"
#include "util/result.h"

namespace herd::image {

// nullopt when the tree has no /var/lib/dpkg/status. A status file that does not parse is
// bad_input naming it.
Result<std::optional<track::PackageList>> tree_packages(const store::ObjectStore& store, const store::Hash& tree);

}  // namespace herd::image
