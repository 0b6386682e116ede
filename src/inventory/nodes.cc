// Nodes: bulk add with rank and address allocation, listing, changes, removal, rename.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "inventory/address_allocator.h"
#include "inventory/inventory.h"
#include "inventory/rows.h"
#include "inventory/validate.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

std::string text(const Value& v) { return to_text(v); }
int integer(const Value& v) { return v.index() == 1 ? static_cast<int>(std::get<int64_t>(v)) : 0; }

// Rocks names nodes APPLIANCE-RACK-RANK; returns {rack, rank} when `name` ends that way.
std::optional<std::pair<int, int>> rack_and_rank_from_name(const std::string& name) {
  auto parts = split(name, '-');
  if (parts.size() < 3) return std::nullopt;
  long long rack, rank;
  if (!parse_int(parts[parts.size() - 2], rack) || !parse_int(parts.back(), rank)) return std::nullopt;
  if (rack < 0 || rank < 0 || rack > 1000000 || rank > 1000000) return std::nullopt;
  return std::pair<int, int>{static_cast<int>(rack), static_cast<int>(rank)};
}

Result<int64_t> appliance_id(Database& db, const std::string& name) {
  std::optional<int64_t> id;
  HERD_CHECK(db.query("SELECT id FROM appliances WHERE name = ?", {name}, [&](const Row& r) { id = std::get<int64_t>(r[0]); }));
  if (!id) return bad_input("unknown appliance '{}'", name);
  return *id;
}

// Folds names for messages, so a thousand clashes read as one line.
std::string folded(const std::vector<std::string>& names) { return nodeset::fold(names); }

constexpr const char* kNodeSelect =
    "SELECT n.id, n.name, a.name, n.rack, n.rank, n.arch, n.os, n.cpus, n.boot_action, n.comment "
    "FROM nodes n JOIN appliances a ON a.id = n.appliance_id";

Node node_from(const Row& r) {
  Node n;
  n.name = text(r[1]);
  n.appliance = text(r[2]);
  n.rack = integer(r[3]);
  n.rank = integer(r[4]);
  n.arch = text(r[5]);
  n.os = text(r[6]);
  n.cpus = integer(r[7]);
  n.boot_action = text(r[8]);
  n.comment = text(r[9]);
  return n;
}

}  // namespace

const char* const kInterfaceSelect =
    "SELECT i.node_id, n.name, i.device, i.mac, i.ip, w.name, i.vlan, i.name, i.alias "
    "FROM interfaces i JOIN nodes n ON n.id = i.node_id LEFT JOIN networks w ON w.id = i.network_id";

Interface interface_from_row(const Row& r) {
  Interface i;
  i.node = text(r[1]);
  i.device = text(r[2]);
  i.mac = text(r[3]);
  i.ip = text(r[4]);
  i.network = text(r[5]);
  if (r[6].index() == 1) i.vlan = integer(r[6]);
  i.name = text(r[7]);
  i.alias = text(r[8]);
  return i;
}

Result<std::vector<Node>> Inventory::add_nodes(const std::vector<std::string>& names, const NodeTemplate& tmpl) {
  if (names.empty()) return bad_input("no node names given");
  if (!tmpl.macs.empty() && tmpl.macs.size() != names.size())
    return bad_input("{} MAC(s) given for {} node(s)", tmpl.macs.size(), names.size());
  if (!tmpl.ips.empty() && tmpl.ips.size() != names.size())
    return bad_input("{} IP(s) given for {} node(s)", tmpl.ips.size(), names.size());
  if ((!tmpl.macs.empty() || !tmpl.ips.empty()) && tmpl.network.empty())
    return bad_input("MACs and IPs need --network to say where the interface lives");
  if (tmpl.cpus < 1) return bad_input("cpus must be at least 1, got {}", tmpl.cpus);
  HERD_CHECK(check_record_name(tmpl.arch, "arch"));
  HERD_CHECK(check_record_name(tmpl.os, "os"));
  HERD_CHECK(check_record_name(tmpl.boot_action, "boot action"));
  if (!tmpl.device.empty()) HERD_CHECK(check_record_name(tmpl.device, "device"));

  std::unordered_set<std::string> seen;
  for (const auto& name : names) {
    HERD_CHECK(check_host_name(name, "node"));
    if (!seen.insert(name).second) return bad_input("node '{}' is named twice", name);
  }

  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  auto appliance = appliance_id(db_, tmpl.appliance);
  if (!appliance) return appliance.error();

  // A few names: indexed lookups; many: one scan. Either way no cost per existing node per name.
  std::vector<std::string> clashes;
  auto note_clash = [&](const Row& r) {
    if (seen.count(text(r[0]))) clashes.push_back(text(r[0]));
  };
  if (names.size() <= 64) {
    for (const auto& name : names) HERD_CHECK(db_.query("SELECT name FROM nodes WHERE name = ?", {name}, note_clash));
  } else {
    HERD_CHECK(db_.query("SELECT name FROM nodes", {}, note_clash));
  }
  if (!clashes.empty()) return bad_input("node(s) already exist: {}", folded(clashes));

  std::optional<AddressAllocator> allocator;
  if (!tmpl.network.empty()) {
    auto loaded = AddressAllocator::load(db_, tmpl.network, tmpl.ip_order);
    if (!loaded) return loaded.error();
    allocator.emplace(std::move(*loaded));
  }
  std::vector<std::string> macs;
  for (size_t i = 0; i < tmpl.macs.size(); ++i) {
    auto mac = normalize_mac(tmpl.macs[i]);
    if (!mac) return mac.error().with_context(fmt::format("node '{}'", names[i]));
    macs.push_back(*mac);
  }
  if (!macs.empty()) {
    std::unordered_set<std::string> wanted(macs.begin(), macs.end());
    if (wanted.size() != macs.size()) return bad_input("the same MAC is given for two nodes");
    std::string taken;
    auto note_taken = [&](const Row& r) {
      if (taken.empty() && wanted.count(text(r[0])))
        taken = fmt::format("MAC {} already belongs to node '{}'", text(r[0]), text(r[1]));
    };
    constexpr const char* kMacs = "SELECT i.mac, n.name FROM interfaces i JOIN nodes n ON n.id = i.node_id";
    if (macs.size() <= 64) {
      for (const auto& mac : macs) HERD_CHECK(db_.query(fmt::format("{} WHERE i.mac = ?", kMacs), {mac}, note_taken));
    } else {
      HERD_CHECK(db_.query(fmt::format("{} WHERE i.mac IS NOT NULL", kMacs), {}, note_taken));
    }
    if (!taken.empty()) return bad_input("{}", taken);
  }

  // Ranks: from the name (compute-0-12), else consecutive from --rank or the next free one.
  std::unordered_map<int, int> next_rank;
  auto free_rank = [&](int rack) -> Result<int> {
    auto it = next_rank.find(rack);
    if (it == next_rank.end()) {
      auto first = next_free_rank(rack);
      if (!first) return first.error();
      it = next_rank.emplace(rack, *first).first;
    }
    return it->second++;
  };

  std::vector<Node> added;
  added.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    Node node;
    node.name = names[i];
    node.appliance = tmpl.appliance;
    auto parsed = rack_and_rank_from_name(node.name);
    node.rack = tmpl.rack ? *tmpl.rack : parsed ? parsed->first : 0;
    if (tmpl.rank) {
      node.rank = *tmpl.rank + static_cast<int>(i);
    } else if (parsed && (!tmpl.rack || *tmpl.rack == parsed->first)) {
      node.rank = parsed->second;
    } else {
      auto rank = free_rank(node.rack);
      if (!rank) return rank.error();
      node.rank = *rank;
    }
    node.arch = tmpl.arch;
    node.os = tmpl.os;
    node.cpus = tmpl.cpus;
    node.boot_action = tmpl.boot_action;
    node.comment = tmpl.comment;

    int64_t node_id = 0;
    HERD_CHECK(db_.query(
        "INSERT INTO nodes (name, appliance_id, rack, rank, arch, os, cpus, boot_action, comment) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {node.name, *appliance, int64_t{node.rack}, int64_t{node.rank}, node.arch, node.os, int64_t{node.cpus},
         node.boot_action, node.comment},
        [&](const Row& r) { node_id = std::get<int64_t>(r[0]); }));

    if (allocator) {
      Interface iface;
      iface.node = node.name;
      iface.device = tmpl.device;
      iface.network = tmpl.network;
      if (!macs.empty()) iface.mac = macs[i];
      if (!tmpl.ips.empty()) {
        HERD_CHECK(allocator->claim(tmpl.ips[i], fmt::format("node '{}'", node.name)));
        iface.ip = tmpl.ips[i];
      } else {
        auto ip = allocator->next();
        if (!ip) return ip.error();
        iface.ip = *ip;
      }
      HERD_CHECK(db_.exec(
          "INSERT INTO interfaces (node_id, device, mac, ip, network_id, vlan, name, alias) VALUES (?, ?, ?, ?, ?, NULL, '', '')",
          {node_id, iface.device, iface.mac.empty() ? Value{nullptr} : Value{iface.mac}, iface.ip,
           allocator->network_id()}));
      node.interfaces.push_back(std::move(iface));
    }
    added.push_back(std::move(node));
  }
  HERD_CHECK(tx.commit());
  return added;
}

Result<int> Inventory::next_free_rank(int rack) {
  int top = -1;
  HERD_CHECK(db_.query("SELECT MAX(rank) FROM nodes WHERE rack = ?", {int64_t{rack}}, [&](const Row& r) {
    if (r[0].index() == 1) top = integer(r[0]);
  }));
  return top + 1;
}

Result<std::vector<std::string>> Inventory::node_names() {
  std::vector<std::string> names;
  HERD_CHECK(db_.query("SELECT name FROM nodes ORDER BY name", {}, [&](const Row& r) { names.push_back(text(r[0])); }));
  return names;
}

Result<std::vector<Node>> Inventory::nodes(const std::vector<std::string>& names) {
  std::vector<Node> out;
  std::unordered_map<int64_t, size_t> index;
  auto add_node = [&](const Row& r) {
    index[std::get<int64_t>(r[0])] = out.size();
    out.push_back(node_from(r));
  };
  auto add_interface = [&](const Row& r) {
    auto it = index.find(std::get<int64_t>(r[0]));
    if (it != index.end()) out[it->second].interfaces.push_back(interface_from_row(r));
  };
  // A few names: indexed lookups. Many (or all): one scan each of nodes and interfaces.
  if (!names.empty() && names.size() <= 64) {
    for (const auto& name : names) {
      size_t before = out.size();
      HERD_CHECK(db_.query(fmt::format("{} WHERE n.name = ?", kNodeSelect), {name}, add_node));
      if (out.size() == before) return bad_input("unknown node '{}'", name);
      HERD_CHECK(db_.query(fmt::format("{} WHERE n.name = ? ORDER BY i.device", kInterfaceSelect), {name}, add_interface));
    }
  } else {
    std::unordered_set<std::string> wanted(names.begin(), names.end());
    HERD_CHECK(db_.query(kNodeSelect, {}, [&](const Row& r) {
      if (wanted.empty() || wanted.count(text(r[1]))) add_node(r);
    }));
    if (!wanted.empty() && out.size() != wanted.size()) {
      for (const auto& n : out) wanted.erase(n.name);
      std::vector<std::string> unknown(wanted.begin(), wanted.end());
      return bad_input("unknown node(s): {}", folded(unknown));
    }
    HERD_CHECK(db_.query(fmt::format("{} ORDER BY i.node_id, i.device", kInterfaceSelect), {}, add_interface));
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
  return out;
}

Result<Node> Inventory::node(const std::string& name) {
  auto found = nodes({name});
  if (!found) return found.error();
  return std::move(found->front());
}

Status Inventory::update_nodes(const std::vector<std::string>& names, const NodeChanges& c) {
  if (names.empty()) return bad_input("no nodes selected");
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  std::vector<std::string> sets;
  std::vector<Value> values;
  if (c.appliance) {
    auto id = appliance_id(db_, *c.appliance);
    if (!id) return id.error();
    sets.push_back("appliance_id = ?");
    values.push_back(*id);
  }
  auto text_field = [&](const std::optional<std::string>& v, const char* column, const char* what) -> Status {
    if (!v) return {};
    if (std::string_view(column) != "comment") HERD_CHECK(check_record_name(*v, what));
    sets.push_back(fmt::format("{} = ?", column));
    values.push_back(*v);
    return {};
  };
  HERD_CHECK(text_field(c.arch, "arch", "arch"));
  HERD_CHECK(text_field(c.os, "os", "os"));
  HERD_CHECK(text_field(c.boot_action, "boot_action", "boot action"));
  HERD_CHECK(text_field(c.comment, "comment", "comment"));
  auto int_field = [&](const std::optional<int>& v, const char* column, int minimum) -> Status {
    if (!v) return {};
    if (*v < minimum) return bad_input("{} must be at least {}, got {}", column, minimum, *v);
    sets.push_back(fmt::format("{} = ?", column));
    values.push_back(int64_t{*v});
    return {};
  };
  HERD_CHECK(int_field(c.rack, "rack", 0));
  HERD_CHECK(int_field(c.rank, "rank", 0));
  HERD_CHECK(int_field(c.cpus, "cpus", 1));
  if (sets.empty()) return bad_input("nothing to change: give at least one field");
  std::string sql = fmt::format("UPDATE nodes SET {} WHERE name = ?", join(sets, ", "));
  for (const auto& name : names) {
    bool exists = false;
    HERD_CHECK(db_.query("SELECT 1 FROM nodes WHERE name = ?", {name}, [&](const Row&) { exists = true; }));
    if (!exists) return bad_input("unknown node '{}'", name);
    auto row = values;
    row.push_back(name);
    HERD_CHECK(db_.exec(sql, row));
  }
  return tx.commit();
}

namespace {

// Rewrites every group's node set through `edit`, keeping groups consistent with the nodes.
template <typename Edit>
Status edit_groups(Database& db, Edit&& edit) {
  std::vector<std::pair<std::string, std::string>> groups;
  HERD_CHECK(db.query("SELECT name, nodeset FROM groups", {}, [&](const Row& r) { groups.emplace_back(text(r[0]), text(r[1])); }));
  for (auto& [name, expression] : groups) {
    auto set = nodeset::NodeSet::parse(expression);
    if (!set) return set.error().with_context(fmt::format("group '{}'", name));
    if (!edit(*set)) continue;
    HERD_CHECK(db.exec("UPDATE groups SET nodeset = ? WHERE name = ?", {set->fold(), name}));
  }
  return {};
}

}  // namespace

Status Inventory::remove_nodes(const std::vector<std::string>& names) {
  if (names.empty()) return bad_input("no nodes selected");
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  for (const auto& name : names) {
    bool exists = false;
    HERD_CHECK(db_.query("SELECT 1 FROM nodes WHERE name = ?", {name}, [&](const Row&) { exists = true; }));
    if (!exists) return bad_input("unknown node '{}'", name);
    HERD_CHECK(db_.exec("DELETE FROM nodes WHERE name = ?", {name}));
    HERD_CHECK(db_.exec("DELETE FROM attributes WHERE scope = 'node' AND target = ?", {name}));
    HERD_CHECK(db_.exec("DELETE FROM secrets WHERE scope = 'node' AND target = ?", {name}));
  }
  auto removed = nodeset::NodeSet::from_names(names);
  HERD_CHECK(edit_groups(db_, [&](nodeset::NodeSet& set) {
    size_t before = set.size();
    set.subtract(removed);
    return set.size() != before;
  }));
  return tx.commit();
}

Status Inventory::rename_node(const std::string& from, const std::string& to) {
  HERD_CHECK(check_host_name(to, "new node name"));
  Transaction tx(db_);
  HERD_CHECK(tx.begin());
  HERD_CHECK(node(from));
  bool taken = false;
  HERD_CHECK(db_.query("SELECT 1 FROM nodes WHERE name = ?", {to}, [&](const Row&) { taken = true; }));
  if (taken) return bad_input("node '{}' already exists", to);
  HERD_CHECK(db_.exec("UPDATE nodes SET name = ? WHERE name = ?", {to, from}));
  HERD_CHECK(db_.exec("UPDATE attributes SET target = ? WHERE scope = 'node' AND target = ?", {to, from}));
  HERD_CHECK(db_.exec("UPDATE secrets SET target = ? WHERE scope = 'node' AND target = ?", {to, from}));
  HERD_CHECK(edit_groups(db_, [&](nodeset::NodeSet& set) {
    if (!set.contains(from)) return false;
    set.subtract(nodeset::NodeSet::from_names({from}));
    set.add(to);
    return true;
  }));
  HERD_CHECK(db_.exec("UPDATE settings SET value = ? WHERE name = 'frontend' AND value = ?", {to, from}));
  return tx.commit();
}

}  // namespace herd::inventory
