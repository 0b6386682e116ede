// The lab's records in the inventory. The inventory stays the truth: the lab's nodes are
// ordinary compute nodes (compute-0-0, compute-0-1, ...) whose MAC the lab's virtual
// hardware takes and whose address the DHCP server hands out.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "inventory/inventory.h"
#include "util/ipv4.h"
#include "util/result.h"

namespace herd::lab {

struct LabMember {
  std::string name, mac, ip;
};

struct LabRecords {
  std::string network;   // the inventory network whose subnet is the lab's
  LabMember frontend;    // the inventory's frontend node, with its address on that network
  std::vector<LabMember> nodes;
};

// Finds or creates the network for `subnet` (named "lab" when created), checks the
// frontend node has an address on it, and makes sure nodes compute-0-0 .. compute-0-<count-1>
// exist with an interface on it that has a MAC (generated, locally administered and
// stable for `lab`, when the inventory has none) and an address. One transaction.
Result<LabRecords> register_lab(inventory::Inventory& inventory, const std::string& lab, const Ipv4Network& subnet,
                                int count);

// Sets each node's ssh.host_key.ed25519 attribute (node scope) to its public key line.
Status record_host_keys(inventory::Inventory& inventory,
                        const std::vector<std::pair<std::string, std::string>>& node_keys);

}  // namespace herd::lab
