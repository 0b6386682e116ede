// Hardlink groups of a walked tree: non-folder entries that are one inode (same device
// and inode, link count > 1) and occur at least twice in the tree share a group number,
// numbered 1, 2, ... in walk order, so an unchanged tree always gets the same numbers
// (an inode linked once inside the tree and elsewhere outside it gets no group).
#pragma once

#include "track/node.h"

namespace herd::track {

// Sets entry.hardlink_group on every present node beneath `root`. Returns the number of groups.
uint32_t assign_hardlink_groups(Node& root);

}  // namespace herd::track
