// The lab's records in the inventory. The inventory stays the truth: the lab's nodes are
// ordinary compute nodes (compute-0-0, compute-0-1, ...) whose MAC the lab's virtual
// hardware takes and whose address the DHCP server hands out.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "inventory/inventory.h"
#include "util/ipv4.h"
#include "util/result.h"

namespace herd::lab {

// The test ranges of RFC 5737 a lab may use: 198.51.100.0/24 and 203.0.113.0/24
// (../shared/design.md, network rules).
const std::vector<Ipv4Network>& lab_ranges();
// Whether `subnet` is one of them or a part of one.
bool in_lab_ranges(const Ipv4Network& subnet);

// The first of `networks` that shares addresses with `subnet` without being `subnet`
// itself (a network with exactly that subnet is the lab's network, not a clash).
std::optional<inventory::Network> overlapping_network(const std::vector<inventory::Network>& networks,
                                                     const Ipv4Network& subnet);

struct LabMember {
  std::string name, mac, ip;
};

struct LabRecords {
  std::string network;   // the inventory network whose subnet is the lab's
  LabMember frontend;    // the inventory's frontend node, with its address on that network
  std::vector<LabMember> nodes;
  std::vector<std::string> changes;  // one line per record of the network or frontend it wrote
};

// Makes the inventory hold the lab, in one transaction (on error nothing is written):
// - the network whose subnet is `subnet`, created when missing (named "lab", or "lab1",
//   ... when that name is taken; its zone is the cluster's domain, or "<name>.<domain>"
//   when another network has that zone already). A subnet overlapping another network
//   (overlapping_network) is bad_input naming both.
// - the frontend node the inventory names (added when missing) with an address on that
//   network: when it has none, the lowest free one (herd init gives a frontend its
//   subnet's first host) on a new interface lab0 (lab1, ... when taken). When the
//   network has no free address, bad_input says how to free one.
// - nodes compute-0-0 .. compute-0-<count-1>, each with an interface on the network that
//   has a MAC (generated, locally administered and stable for `lab`, when the inventory
//   has none) and an address.
// `changes` says, one line each, which network, frontend node and frontend address it
// added. The frontend's server certificate is not touched here; it names the frontend's
// addresses, so a caller that runs herd serve checks it names the new one
// (LabOptions::prepare_server).
Result<LabRecords> register_lab(inventory::Inventory& inventory, const std::string& lab, const Ipv4Network& subnet,
                                int count);

// Sets each node's ssh.host_key.ed25519 attribute (node scope) to its public key line.
Status record_host_keys(inventory::Inventory& inventory,
                        const std::vector<std::pair<std::string, std::string>>& node_keys);

}  // namespace herd::lab
