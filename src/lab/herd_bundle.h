// The herd binary and every shared library it loads (the dynamic loader included),
// gathered in one folder that each node mounts read-only at kNodeHerdDir. A lab node's
// root is a bare debootstrap; a real node gets herd from a package. With its own loader
// and libraries the bundle runs whatever the node's root has installed.
#pragma once

#include <string>

#include "util/result.h"

namespace herd::lab {

// Where nodes see the bundle, and the command that runs herd there (node_layer.h writes
// it as /usr/bin/herd). Both are outside every default tracked path.
inline constexpr const char* kNodeHerdDir = "/usr/lib/herd";

// (Re)makes `folder` with the running herd binary (`herd`), its libraries (by soname)
// and the loader (`ld.so`). Files are hard links when `folder` is on the same filesystem
// as the originals, copies otherwise. Fails naming the file it could not place.
Status make_herd_bundle(const std::string& folder);

// The node's /usr/bin/herd: runs the bundle's herd with the bundle's loader and libraries.
std::string herd_wrapper_script();

}  // namespace herd::lab
