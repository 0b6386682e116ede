#include "lab/lab_inventory.h"

#include <algorithm>
#include <optional>
#include <set>

#include "inventory/address_allocator.h"

namespace herd::lab {
namespace {

constexpr const char* kAppliance = "compute";
constexpr const char* kFrontendAppliance = "frontend";
constexpr int kRack = 0;

// 02:68 (locally administered, "h"), one byte from the lab's name, then rack and rank.
std::string lab_mac(const std::string& lab, int rank, const std::set<std::string>& taken) {
  unsigned hash = 0;
  for (unsigned char c : lab) hash = hash * 31 + c;
  for (unsigned salt = 0;; ++salt) {
    std::string mac = fmt::format("02:68:{:02x}:{:02x}:{:02x}:{:02x}", (hash + salt) & 0xff, kRack, (rank >> 8) & 0xff,
                                  rank & 0xff);
    if (!taken.count(mac)) return mac;
  }
}

const inventory::Interface* on_network(const inventory::Node& node, const std::string& network) {
  for (const auto& iface : node.interfaces)
    if (iface.network == network && !iface.ip.empty()) return &iface;
  return nullptr;
}

std::string subnet_text(const Ipv4Network& n) { return fmt::format("{}/{}", format_ipv4(n.address), n.prefix); }

// The network whose subnet is `subnet`, or a new one: named "lab" ("lab1", ... when that
// name is taken), in the cluster's DNS zone unless another network has that zone already
// (then "<name>.<domain>", so a node's FQDN names one address). A subnet that overlaps a
// different network is refused (lab_up says which `herd lab up` works before it gets here).
Result<std::string> find_or_add_network(inventory::Inventory& inv, const Ipv4Network& subnet,
                                        std::vector<std::string>& changes) {
  auto networks = inv.networks();
  if (!networks) return networks.error();
  for (const auto& n : *networks)
    if (n.address == format_ipv4(subnet.address) && n.prefix == subnet.prefix) return n.name;
  if (auto clash = overlapping_network(*networks, subnet))
    return bad_input("--subnet {} overlaps network {} ({}/{}) of the inventory", subnet_text(subnet), clash->name,
                     clash->address, clash->prefix);
  std::set<std::string> names, zones;
  for (const auto& n : *networks) {
    names.insert(n.name);
    zones.insert(n.zone);
  }
  inventory::Network network;
  network.name = "lab";
  for (int k = 1; names.count(network.name); ++k) network.name = fmt::format("lab{}", k);
  network.address = format_ipv4(subnet.address);
  network.prefix = subnet.prefix;
  auto domain = inv.setting("domain");
  if (!domain) return domain.error();
  if (*domain && !(*domain)->empty())
    network.zone = zones.count(**domain) ? network.name + "." + **domain : **domain;
  HERD_CHECK(inv.add_network(network));
  changes.push_back(fmt::format("added network {} {} (zone {})", network.name, subnet_text(subnet),
                                network.zone.empty() ? "none" : network.zone));
  return network.name;
}

// The inventory's frontend node, added (appliance "frontend", no interface) when the
// inventory names none or names one that is gone.
Result<inventory::Node> frontend_node(inventory::Inventory& inv, std::vector<std::string>& changes) {
  auto setting = inv.setting("frontend");
  if (!setting) return setting.error();
  std::string name = *setting && !(*setting)->empty() ? **setting : "frontend";
  if (!*setting || (*setting)->empty()) {
    HERD_CHECK(inv.set_setting("frontend", name));
    changes.push_back(fmt::format("set the inventory's frontend to {}", name));
  }
  auto names = inv.node_names();
  if (!names) return names.error();
  if (std::find(names->begin(), names->end(), name) == names->end()) {
    auto appliances = inv.appliances();
    if (!appliances) return appliances.error();
    if (std::none_of(appliances->begin(), appliances->end(), [](const auto& a) { return a.name == kFrontendAppliance; }))
      HERD_CHECK(inv.add_appliance({kFrontendAppliance, kFrontendAppliance, "The cluster's frontend: inventory, services, images"}));
    inventory::NodeTemplate t;
    t.appliance = kFrontendAppliance;
    t.rack = 0;
    t.rank = 0;
    auto added = inv.add_nodes({name}, t);
    if (!added) return added.error();
    changes.push_back(fmt::format("added the frontend node {}", name));
  }
  return inv.node(name);
}

// Gives the frontend an address on `network` when it has none: the lowest free one (as
// herd init gives a frontend its subnet's first host; the lab's nodes are allocated from
// the top), on its interface there if it has one without an address, else on a new
// interface lab0 (lab1, ... when that device exists). Returns the interface.
Result<inventory::Interface> frontend_interface(inventory::Inventory& inv, const inventory::Node& frontend,
                                                const std::string& network, std::vector<std::string>& changes) {
  if (const auto* iface = on_network(frontend, network)) return *iface;
  auto allocator = inventory::AddressAllocator::load(inv.database(), network, inventory::IpOrder::up);
  if (!allocator) return allocator.error();
  auto ip = allocator->next();
  if (!ip)
    return bad_input("frontend {} needs an address on network {} and none is free (every host address is an "
                     "interface's, the gateway's or in the dynamic range); free one: herd interface remove NODE DEVICE "
                     "for a node that is not in the lab, then run herd lab up again",
                     frontend.name, network);
  std::set<std::string> devices;
  const inventory::Interface* bare = nullptr;
  for (const auto& i : frontend.interfaces) {
    devices.insert(i.device);
    if (i.network == network) bare = &i;
  }
  inventory::Interface iface;
  if (bare) {
    iface = *bare;
    iface.ip = *ip;
    HERD_CHECK(inv.update_interface(frontend.name, bare->device, iface));
  } else {
    iface.node = frontend.name;
    iface.device = "lab0";
    for (int k = 1; devices.count(iface.device); ++k) iface.device = fmt::format("lab{}", k);
    iface.network = network;
    iface.ip = *ip;
    HERD_CHECK(inv.add_interface(iface));
  }
  changes.push_back(fmt::format("gave the frontend {} the address {} on network {} (interface {})", frontend.name, *ip,
                                network, iface.device));
  return iface;
}

}  // namespace

const std::vector<Ipv4Network>& lab_ranges() {
  static const std::vector<Ipv4Network> ranges{{*parse_ipv4("198.51.100.0"), 24}, {*parse_ipv4("203.0.113.0"), 24}};
  return ranges;
}

std::optional<inventory::Network> overlapping_network(const std::vector<inventory::Network>& networks,
                                                     const Ipv4Network& subnet) {
  for (const auto& n : networks) {
    auto net = parse_ipv4_network(fmt::format("{}/{}", n.address, n.prefix));
    if (!net) continue;
    bool same = net->address == subnet.address && net->prefix == subnet.prefix;
    if (!same && (net->contains(subnet.address) || subnet.contains(net->address))) return n;
  }
  return std::nullopt;
}

bool in_lab_ranges(const Ipv4Network& subnet) {
  for (const auto& range : lab_ranges())
    if (subnet.prefix >= range.prefix && range.contains(subnet.address)) return true;
  return false;
}

Result<LabRecords> register_lab(inventory::Inventory& inv, const std::string& lab, const Ipv4Network& subnet,
                                int count) {
  inventory::Transaction tx(inv.database());
  HERD_CHECK(tx.begin());
  LabRecords records;
  auto network = find_or_add_network(inv, subnet, records.changes);
  if (!network) return network.error();
  records.network = *network;

  auto frontend = frontend_node(inv, records.changes);
  if (!frontend) return frontend.error();
  auto fe_iface = frontend_interface(inv, *frontend, records.network, records.changes);
  if (!fe_iface) return fe_iface.error();
  records.frontend = {frontend->name, fe_iface->mac, fe_iface->ip};

  auto appliances = inv.appliances();
  if (!appliances) return appliances.error();
  bool has_compute = false;
  for (const auto& a : *appliances) has_compute |= a.name == kAppliance;
  if (!has_compute) HERD_CHECK(inv.add_appliance({kAppliance, kAppliance, "Compute node"}));

  std::set<std::string> taken;
  auto interfaces = inv.interfaces();
  if (!interfaces) return interfaces.error();
  for (const auto& iface : *interfaces)
    if (!iface.mac.empty()) taken.insert(iface.mac);
  auto existing = inv.node_names();
  if (!existing) return existing.error();
  std::set<std::string> known(existing->begin(), existing->end());

  for (int rank = 0; rank < count; ++rank) {
    std::string name = fmt::format("{}-{}-{}", kAppliance, kRack, rank);
    if (!known.count(name)) {
      inventory::NodeTemplate t;
      t.appliance = kAppliance;
      t.rack = kRack;
      t.rank = rank;
      t.network = records.network;
      std::string mac = lab_mac(lab, rank, taken);
      taken.insert(mac);
      t.macs = {mac};
      auto added = inv.add_nodes({name}, t);
      if (!added) return added.error();
    }
    auto node = inv.node(name);
    if (!node) return node.error();
    const auto* iface = on_network(*node, records.network);
    if (!iface) {
      inventory::Interface added;
      added.node = name;
      added.device = "eth0";
      for (const auto& i : node->interfaces)
        if (i.device == "eth0") added.device = "lab0";
      added.network = records.network;
      added.mac = lab_mac(lab, rank, taken);
      taken.insert(added.mac);
      HERD_CHECK(inv.add_interface(added));
      node = inv.node(name);
      if (!node) return node.error();
      iface = on_network(*node, records.network);
    } else if (iface->mac.empty()) {
      inventory::Interface updated = *iface;
      updated.mac = lab_mac(lab, rank, taken);
      taken.insert(updated.mac);
      HERD_CHECK(inv.update_interface(name, iface->device, updated));
      node = inv.node(name);
      if (!node) return node.error();
      iface = on_network(*node, records.network);
    }
    if (!iface) return failure("{}: no address on network {} after registering it", name, records.network);
    records.nodes.push_back({name, iface->mac, iface->ip});
  }
  HERD_CHECK(tx.commit());
  return records;
}

Status record_host_keys(inventory::Inventory& inv, const std::vector<std::pair<std::string, std::string>>& node_keys) {
  inventory::Transaction tx(inv.database());
  HERD_CHECK(tx.begin());
  for (const auto& [node, key] : node_keys) {
    inventory::Attribute attribute;
    attribute.scope = inventory::Scope::node;
    attribute.target = node;
    attribute.name = "ssh.host_key.ed25519";
    attribute.value = key;
    HERD_CHECK(inv.set_attribute(attribute));
  }
  return tx.commit();
}

}  // namespace herd::lab
