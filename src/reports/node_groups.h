// The named node groups that genders, ansible, clush and templates share: appliances,
// racks ("rack0") and the inventory's groups, resolved to node indexes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nodeset/node_set.h"
#include "reports/cluster_view.h"
#include "util/result.h"

namespace herd::reports {

struct NodeGroup {
  std::string name;
  enum class Source { appliance, rack, group } source;
  std::vector<uint32_t> members;  // node indexes in ClusterView::order(), selected only
  nodeset::NodeSet set;           // the members as a node set, when asked for (with_sets)
};

// Members of an inventory group: its node set expanded, names not in the cluster
// ignored, in natural order. bad_input if the node set does not parse.
Result<std::vector<uint32_t>> group_members(const ClusterView& view, const inventory::Group& group);

// Appliances (by name), racks (by number), then groups (by name), restricted to the
// `selected` nodes; empty groups left out. Two sources using one name (an appliance
// and a group both called "gpu") become one group holding both member lists.
// Group names must be letters, digits, '-', '_' and '.', else bad_input.
// With `with_sets`, each group's `set` is filled too. `*all`, if given, receives every
// selected node.
Result<std::vector<NodeGroup>> node_groups(const ClusterView& view, const std::vector<char>& selected,
                                           bool with_sets = false, nodeset::NodeSet* all = nullptr);

// The names of `members`, in order.
std::vector<std::string> member_names(const ClusterView& view, const std::vector<uint32_t>& members);

}  // namespace herd::reports
