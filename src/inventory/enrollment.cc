#include "inventory/enrollment.h"

#include <algorithm>
#include <set>

#include <fmt/ranges.h>

#include "inventory/address_allocator.h"
#include "inventory/validate.h"

namespace herd::inventory {
namespace {

// The first network (by name) that has a free address, or "" when none has.
Result<std::string> network_with_free_address(Inventory& inventory) {
  auto networks = inventory.networks();
  if (!networks) return networks.error();
  for (const auto& n : *networks) {
    auto allocator = AddressAllocator::load(inventory.database(), n.name, IpOrder::down);
    if (!allocator) return allocator.error();
    if (allocator->next()) return n.name;
  }
  return std::string();
}

}  // namespace

Result<EnrolledNode> find_or_add_machine(Inventory& inventory, const EnrollingMachine& machine) {
  HERD_CHECK(check_host_name(machine.hostname, "hostname"));
  std::vector<std::string> macs;
  for (const auto& m : machine.macs) {
    auto mac = normalize_mac(m);
    if (!mac) return mac.error();
    if (std::find(macs.begin(), macs.end(), *mac) == macs.end()) macs.push_back(*mac);
  }
  auto& db = inventory.database();
  Transaction tx(db);
  HERD_CHECK(tx.begin());

  for (const auto& mac : macs) {
    std::string owner;
    HERD_CHECK(db.query("SELECT n.name FROM interfaces i JOIN nodes n ON n.id = i.node_id WHERE i.mac = ?", {mac},
                        [&](const Row& r) { owner = to_text(r[0]); }));
    if (!owner.empty()) {
      HERD_CHECK(tx.commit());
      return EnrolledNode{owner, false, ""};
    }
  }

  bool named = false;
  std::vector<std::string> known_macs;
  HERD_CHECK(db.query("SELECT i.mac FROM nodes n LEFT JOIN interfaces i ON i.node_id = n.id WHERE n.name = ?",
                      {machine.hostname}, [&](const Row& r) {
                        named = true;
                        if (!to_text(r[0]).empty()) known_macs.push_back(to_text(r[0]));
                      }));
  if (named) {
    // No MAC of the machine matched above, so a node with MACs is another machine.
    if (!known_macs.empty() && !macs.empty())
      return EnrolledNode{"", false,
                          fmt::format("node '{}' exists with other MACs ({})", machine.hostname, fmt::join(known_macs, ", "))};
    HERD_CHECK(tx.commit());
    return EnrolledNode{machine.hostname, false, ""};
  }

  NodeTemplate tmpl;
  tmpl.appliance = machine.appliance.empty() ? "compute" : machine.appliance;
  auto network = network_with_free_address(inventory);
  if (!network) return network.error();
  if (!macs.empty() && !network->empty()) {
    tmpl.network = *network;
    tmpl.macs = {macs[0]};
  } else if (macs.empty()) {
    tmpl.network = *network;  // an address without a MAC, as `herd node add --network` gives
  }
  auto added = inventory.add_nodes({machine.hostname}, tmpl);
  if (!added) return added.error();
  // Further MACs (and the first when no network has room) get interfaces eth1, eth2, ...
  for (size_t i = tmpl.macs.empty() ? 0 : 1; i < macs.size(); ++i) {
    Interface extra;
    extra.node = machine.hostname;
    extra.device = fmt::format("eth{}", i);
    extra.mac = macs[i];
    auto room = network_with_free_address(inventory);
    if (!room) return room.error();
    extra.network = *room;
    HERD_CHECK(inventory.add_interface(extra));
  }
  HERD_CHECK(tx.commit());
  return EnrolledNode{machine.hostname, true, ""};
}

}  // namespace herd::inventory
