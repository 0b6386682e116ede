// Interfaces: one per node and device, with MAC and address checked for uniqueness.
#include "inventory/address_allocator.h"
#include "inventory/inventory.h"
#include "inventory/rows.h"
#include "inventory/validate.h"
#include "nodeset/node_set.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

std::string text(const Value& v) { return to_text(v); }

Result<int64_t> node_id(Database& db, const std::string& name) {
  std::optional<int64_t> id;
  HERD_CHECK(db.query("SELECT id FROM nodes WHERE name = ?", {name}, [&](const Row& r) { id = std::get<int64_t>(r[0]); }));
  if (!id) return bad_input("unknown node '{}'", name);
  return *id;
}

// Checks fields and fills the MAC's normal form, the address (allocating one when a
// network is given without an address) and the network id. `own_*` describe the
// interface's current state when it is being updated, so it does not clash with itself.
Result<Value> prepare(Database& db, Interface& i, IpOrder order, const std::string& own_mac, const std::string& own_ip,
                      const std::string& own_network, const std::string& own_holder) {
  std::string owner = fmt::format("interface {} {}", i.node, i.device);
  HERD_CHECK(check_record_name(i.device, "device"));
  if (!i.name.empty()) HERD_CHECK(check_host_name(i.name, owner + ": name"));
  for (const auto& alias : split(i.alias, ','))
    if (!alias.empty()) HERD_CHECK(check_host_name(alias, owner + ": alias"));
  if (i.vlan && (*i.vlan < 1 || *i.vlan > 4094)) return bad_input("{}: VLAN {} is outside 1..4094", owner, *i.vlan);
  if (!i.mac.empty()) {
    auto mac = normalize_mac(i.mac);
    if (!mac) return mac.error().with_context(owner);
    i.mac = *mac;
    if (i.mac != own_mac) {
      std::string holder;
      HERD_CHECK(db.query("SELECT n.name, i.device FROM interfaces i JOIN nodes n ON n.id = i.node_id WHERE i.mac = ?",
                          {i.mac}, [&](const Row& r) { holder = text(r[0]) + " " + text(r[1]); }));
      if (!holder.empty()) return bad_input("{}: MAC {} already belongs to {}", owner, i.mac, holder);
    }
  }
  if (i.network.empty()) {
    if (!i.ip.empty()) return bad_input("{}: an address needs a network", owner);
    return Value{nullptr};
  }
  if (i.ip.empty()) {
    auto allocator = AddressAllocator::load(db, i.network, order);
    if (!allocator) return allocator.error();
    auto ip = allocator->next();
    if (!ip) return ip.error();
    i.ip = *ip;
    return Value{allocator->network_id()};
  }
  bool unchanged = i.ip == own_ip && i.network == own_network;
  auto id = AddressAllocator::check_address(db, i.network, i.ip, owner, unchanged ? own_holder : "");
  if (!id) return id.error();
  return Value{*id};
}

Value nullable(const std::string& s) { return s.empty() ? Value{nullptr} : Value{s}; }
Value nullable(const std::optional<int>& v) { return v ? Value{int64_t{*v}} : Value{nullptr}; }

}  // namespace

Status Inventory::add_interface(const Interface& interface, IpOrder order) {
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  auto id = node_id(db_, interface.node);
  if (!id) return id.error();
  Interface i = interface;
  bool exists = false;
  HERD_CHECK(db_.query("SELECT 1 FROM interfaces WHERE node_id = ? AND device = ?", {*id, i.device},
                       [&](const Row&) { exists = true; }));
  if (exists) return bad_input("node '{}' already has an interface {}", i.node, i.device);
  auto network_id = prepare(db_, i, order, "", "", "", "");
  if (!network_id) return network_id.error();
  HERD_CHECK(db_.exec("INSERT INTO interfaces (node_id, device, mac, ip, network_id, vlan, name, alias) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      {*id, i.device, nullable(i.mac), nullable(i.ip), *network_id, nullable(i.vlan), i.name, i.alias}));
  return tx.commit();
}

Result<std::vector<Interface>> Inventory::interfaces(const std::vector<std::string>& node_names) {
  std::vector<Interface> out;
  auto collect = [&](const Row& r) { out.push_back(interface_from_row(r)); };
  if (node_names.empty()) {
    HERD_CHECK(db_.query(fmt::format("{} ORDER BY n.name, i.device", kInterfaceSelect), {}, collect));
    return out;
  }
  for (const auto& name : node_names) {
    HERD_CHECK(node_id(db_, name));
    HERD_CHECK(db_.query(fmt::format("{} WHERE n.name = ? ORDER BY i.device", kInterfaceSelect), {name}, collect));
  }
  return out;
}

Status Inventory::update_interface(const std::string& node, const std::string& device, const Interface& updated) {
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  auto id = node_id(db_, node);
  if (!id) return id.error();
  std::optional<Interface> old;
  HERD_CHECK(db_.query(fmt::format("{} WHERE n.name = ? AND i.device = ?", kInterfaceSelect), {node, device},
                       [&](const Row& r) { old = interface_from_row(r); }));
  if (!old) return bad_input("node '{}' has no interface {}", node, device);
  Interface i = updated;
  i.node = node;
  if (i.device != device) {
    bool taken = false;
    HERD_CHECK(db_.query("SELECT 1 FROM interfaces WHERE node_id = ? AND device = ?", {*id, i.device},
                         [&](const Row&) { taken = true; }));
    if (taken) return bad_input("node '{}' already has an interface {}", node, i.device);
  }
  auto network_id = prepare(db_, i, IpOrder::down, old->mac, old->ip, old->network, node + " " + device);
  if (!network_id) return network_id.error();
  HERD_CHECK(db_.exec("UPDATE interfaces SET device = ?, mac = ?, ip = ?, network_id = ?, vlan = ?, name = ?, alias = ? "
                      "WHERE node_id = ? AND device = ?",
                      {i.device, nullable(i.mac), nullable(i.ip), *network_id, nullable(i.vlan), i.name, i.alias, *id, device}));
  return tx.commit();
}

Status Inventory::remove_interface(const std::string& node, const std::string& device) {
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  auto id = node_id(db_, node);
  if (!id) return id.error();
  bool exists = false;
  HERD_CHECK(db_.query("SELECT 1 FROM interfaces WHERE node_id = ? AND device = ?", {*id, device}, [&](const Row&) { exists = true; }));
  if (!exists) return bad_input("node '{}' has no interface {}", node, device);
  HERD_CHECK(db_.exec("DELETE FROM interfaces WHERE node_id = ? AND device = ?", {*id, device}));
  return tx.commit();
}

}  // namespace herd::inventory
