// Which inventory node an enrolling machine is, adding it when it is new (see
// docs/server.md, POST /api/v1/enroll). The rules: a node owning one of the machine's
// MACs is that machine; else a node named like the machine's hostname is, unless it has
// MACs and none of them is the machine's (a different machine: a conflict); else a new
// node is added under the hostname as `herd node add` adds one (rank from the name or the
// next free rank, one interface per MAC on the first network with a free address).
#pragma once

#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "util/result.h"

namespace herd::inventory {

struct EnrollingMachine {
  std::string hostname;
  std::vector<std::string> macs;  // any case, ':' or '-' separated
  std::string appliance;          // for a new node; "" = compute
};

struct EnrolledNode {
  std::string node;       // "" when `conflict` is set
  bool added = false;     // a new node was added
  std::string conflict;   // non-empty: the hostname names a different machine (why)
};

// Finds or adds the node. Bad hostnames or MACs are bad_input. Runs in the caller's
// transaction when one is open (so the caller can make the whole enrollment atomic).
Result<EnrolledNode> find_or_add_machine(Inventory& inventory, const EnrollingMachine& machine);

}  // namespace herd::inventory
