#include "lab/lab_inventory.h"

#include <set>

namespace herd::lab {
namespace {

constexpr const char* kAppliance = "compute";
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

Result<std::string> find_or_add_network(inventory::Inventory& inv, const Ipv4Network& subnet) {
  auto networks = inv.networks();
  if (!networks) return networks.error();
  for (const auto& n : *networks)
    if (n.address == format_ipv4(subnet.address) && n.prefix == subnet.prefix) return n.name;
  inventory::Network lab;
  lab.name = "lab";
  lab.address = format_ipv4(subnet.address);
  lab.prefix = subnet.prefix;
  auto domain = inv.setting("domain");
  if (domain && *domain) lab.zone = **domain;
  HERD_CHECK(inv.add_network(lab));
  return lab.name;
}

}  // namespace

Result<LabRecords> register_lab(inventory::Inventory& inv, const std::string& lab, const Ipv4Network& subnet,
                                int count) {
  inventory::Transaction tx(inv.database());
  HERD_CHECK(tx.begin());
  LabRecords records;
  auto network = find_or_add_network(inv, subnet);
  if (!network) return network.error();
  records.network = *network;

  auto frontend_name = inv.setting("frontend");
  if (!frontend_name) return frontend_name.error();
  if (!*frontend_name) return bad_input("the inventory names no frontend node (setting 'frontend'): run herd init first");
  auto frontend = inv.node(**frontend_name);
  if (!frontend) return frontend.error();
  const auto* fe_iface = on_network(*frontend, records.network);
  if (!fe_iface)
    return bad_input("frontend {} has no address on network {} ({}/{}); add one: herd interface add {} lab0 --network {}",
                     frontend->name, records.network, format_ipv4(subnet.address), subnet.prefix, frontend->name,
                     records.network);
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
