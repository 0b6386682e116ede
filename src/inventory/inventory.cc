// Settings, networks, appliances, groups and @group resolution.
#include "inventory/inventory.h"

#include "inventory/validate.h"
#include "inventory/where.h"
#include "util/ipv4.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

std::string text(const Value& v) { return to_text(v); }
int64_t integer(const Value& v) { return v.index() == 1 ? std::get<int64_t>(v) : 0; }

constexpr const char* kNetworkColumns =
    "name, address, prefix, gateway, zone, mtu, pxe, dynamic_start, dynamic_end, dns_servers, comment";

Network network_from(const Row& r) {
  Network n;
  n.name = text(r[0]);
  n.address = text(r[1]);
  n.prefix = static_cast<int>(integer(r[2]));
  n.gateway = text(r[3]);
  n.zone = text(r[4]);
  n.mtu = static_cast<int>(integer(r[5]));
  n.pxe = integer(r[6]) != 0;
  n.dynamic_start = text(r[7]);
  n.dynamic_end = text(r[8]);
  n.dns_servers = text(r[9]);
  n.comment = text(r[10]);
  return n;
}

std::vector<Value> network_values(const Network& n) {
  return {n.name, n.address, int64_t{n.prefix}, n.gateway, n.zone, int64_t{n.mtu}, int64_t{n.pxe ? 1 : 0},
          n.dynamic_start, n.dynamic_end, n.dns_servers, n.comment};
}

Status check_network(const Network& n) {
  HERD_CHECK(check_record_name(n.name, "network"));
  std::string where = fmt::format("network '{}'", n.name);
  auto net = parse_ipv4_network(fmt::format("{}/{}", n.address, n.prefix));
  if (!net) return bad_input("{}: address '{}/{}' is not an IPv4 network address (host bits must be zero)", where, n.address, n.prefix);
  auto inside = [&](const std::string& ip, const char* field) -> Status {
    if (ip.empty()) return {};
    auto a = parse_ipv4(ip);
    if (!a) return bad_input("{}: {} '{}' is not an IPv4 address", where, field, ip);
    if (!net->contains(*a) || *a < net->first_host() || *a > net->last_host())
      return bad_input("{}: {} {} is not a host address of {}/{}", where, field, ip, n.address, n.prefix);
    return {};
  };
  HERD_CHECK(inside(n.gateway, "gateway"));
  HERD_CHECK(inside(n.dynamic_start, "dynamic range start"));
  HERD_CHECK(inside(n.dynamic_end, "dynamic range end"));
  if (n.dynamic_start.empty() != n.dynamic_end.empty())
    return bad_input("{}: a dynamic range needs both a start and an end", where);
  if (!n.dynamic_start.empty() && *parse_ipv4(n.dynamic_start) > *parse_ipv4(n.dynamic_end))
    return bad_input("{}: dynamic range start {} is after its end {}", where, n.dynamic_start, n.dynamic_end);
  if (!n.zone.empty()) HERD_CHECK(check_host_name(n.zone, fmt::format("{}: zone", where)));
  if (n.mtu < 68 || n.mtu > 65535) return bad_input("{}: MTU {} is outside 68..65535", where, n.mtu);
  for (const auto& server : split(n.dns_servers, ','))
    if (!trim(server).empty() && !parse_ipv4(trim(server)))
      return bad_input("{}: DNS server '{}' is not an IPv4 address", where, server);
  return {};
}

// Runs `body` in a transaction (joining one already open).
template <typename F>
Status in_transaction(Database& db, F&& body) {
  Transaction tx(db);
  HERD_CHECK(tx.begin());
  HERD_CHECK(body());
  return tx.commit();
}

}  // namespace

Result<std::optional<std::string>> Inventory::setting(const std::string& name) {
  std::optional<std::string> value;
  HERD_CHECK(db_.query("SELECT value FROM settings WHERE name = ?", {name}, [&](const Row& r) { value = text(r[0]); }));
  return value;
}

Status Inventory::set_setting(const std::string& name, const std::string& value) {
  HERD_CHECK(check_record_name(name, "setting"));
  return db_.exec("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                  {name, value});
}

// ---- networks

Status Inventory::add_network(const Network& network) {
  HERD_CHECK(check_network(network));
  return in_transaction(db_, [&]() -> Status {
    auto existing = this->network(network.name);
    if (existing) return bad_input("network '{}' already exists", network.name);
    return db_.exec(fmt::format("INSERT INTO networks ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kNetworkColumns),
                    network_values(network));
  });
}

Result<std::vector<Network>> Inventory::networks() {
  std::vector<Network> out;
  HERD_CHECK(db_.query(fmt::format("SELECT {} FROM networks ORDER BY name", kNetworkColumns), {},
                       [&](const Row& r) { out.push_back(network_from(r)); }));
  return out;
}

Result<Network> Inventory::network(const std::string& name) {
  std::optional<Network> found;
  HERD_CHECK(db_.query(fmt::format("SELECT {} FROM networks WHERE name = ?", kNetworkColumns), {name},
                       [&](const Row& r) { found = network_from(r); }));
  if (!found) return bad_input("unknown network '{}'", name);
  return *found;
}

Status Inventory::update_network(const std::string& name, const Network& updated) {
  HERD_CHECK(check_network(updated));
  return in_transaction(db_, [&]() -> Status {
    auto old = network(name);
    if (!old) return old.error();
    if (updated.name != name && network(updated.name)) return bad_input("network '{}' already exists", updated.name);
    // Every address already on the network must stay inside it.
    auto net = *parse_ipv4_network(fmt::format("{}/{}", updated.address, updated.prefix));
    std::string outside;
    HERD_CHECK(db_.query(
        "SELECT n.name, i.device, i.ip FROM interfaces i JOIN nodes n ON n.id = i.node_id "
        "JOIN networks w ON w.id = i.network_id WHERE w.name = ? AND i.ip IS NOT NULL",
        {name}, [&](const Row& r) {
          auto ip = parse_ipv4(text(r[2]));
          if (outside.empty() && ip && !net.contains(*ip))
            outside = fmt::format("{} {} has {}", text(r[0]), text(r[1]), text(r[2]));
        }));
    if (!outside.empty())
      return bad_input("network '{}': {}, outside {}/{}", name, outside, updated.address, updated.prefix);
    auto values = network_values(updated);
    values.push_back(name);
    return db_.exec(
        "UPDATE networks SET name = ?, address = ?, prefix = ?, gateway = ?, zone = ?, mtu = ?, pxe = ?, "
        "dynamic_start = ?, dynamic_end = ?, dns_servers = ?, comment = ? WHERE name = ?",
        values);
  });
}

Status Inventory::remove_network(const std::string& name) {
  return in_transaction(db_, [&]() -> Status {
    HERD_CHECK(network(name));
    int64_t used = 0;
    HERD_CHECK(db_.query("SELECT COUNT(*) FROM interfaces i JOIN networks w ON w.id = i.network_id WHERE w.name = ?",
                         {name}, [&](const Row& r) { used = integer(r[0]); }));
    if (used) return bad_input("network '{}' is used by {} interface(s); remove or move them first", name, used);
    return db_.exec("DELETE FROM networks WHERE name = ?", {name});
  });
}

// ---- appliances

Status Inventory::add_appliance(const Appliance& appliance) {
  HERD_CHECK(check_record_name(appliance.name, "appliance"));
  return in_transaction(db_, [&]() -> Status {
    if (this->appliance(appliance.name)) return bad_input("appliance '{}' already exists", appliance.name);
    if (group(appliance.name)) return bad_input("appliance '{}': a group of that name exists (@{} would be ambiguous)", appliance.name, appliance.name);
    return db_.exec("INSERT INTO appliances (name, profile, description) VALUES (?, ?, ?)",
                    {appliance.name, appliance.profile, appliance.description});
  });
}

Result<std::vector<Appliance>> Inventory::appliances() {
  std::vector<Appliance> out;
  HERD_CHECK(db_.query("SELECT name, profile, description FROM appliances ORDER BY name", {},
                       [&](const Row& r) { out.push_back({text(r[0]), text(r[1]), text(r[2])}); }));
  return out;
}

Result<Appliance> Inventory::appliance(const std::string& name) {
  std::optional<Appliance> found;
  HERD_CHECK(db_.query("SELECT name, profile, description FROM appliances WHERE name = ?", {name},
                       [&](const Row& r) { found = Appliance{text(r[0]), text(r[1]), text(r[2])}; }));
  if (!found) return bad_input("unknown appliance '{}'", name);
  return *found;
}

Status Inventory::update_appliance(const std::string& name, const Appliance& updated) {
  HERD_CHECK(check_record_name(updated.name, "appliance"));
  return in_transaction(db_, [&]() -> Status {
    HERD_CHECK(appliance(name));
    if (updated.name != name && appliance(updated.name)) return bad_input("appliance '{}' already exists", updated.name);
    HERD_CHECK(db_.exec("UPDATE appliances SET name = ?, profile = ?, description = ? WHERE name = ?",
                        {updated.name, updated.profile, updated.description, name}));
    HERD_CHECK(db_.exec("UPDATE secrets SET target = ? WHERE scope = 'appliance' AND target = ?", {updated.name, name}));
    return db_.exec("UPDATE attributes SET target = ? WHERE scope = 'appliance' AND target = ?", {updated.name, name});
  });
}

Status Inventory::remove_appliance(const std::string& name) {
  return in_transaction(db_, [&]() -> Status {
    HERD_CHECK(appliance(name));
    int64_t used = 0;
    HERD_CHECK(db_.query("SELECT COUNT(*) FROM nodes n JOIN appliances a ON a.id = n.appliance_id WHERE a.name = ?",
                         {name}, [&](const Row& r) { used = integer(r[0]); }));
    if (used) return bad_input("appliance '{}' is used by {} node(s); remove them or change their appliance first", name, used);
    HERD_CHECK(db_.exec("DELETE FROM attributes WHERE scope = 'appliance' AND target = ?", {name}));
    HERD_CHECK(db_.exec("DELETE FROM secrets WHERE scope = 'appliance' AND target = ?", {name}));
    return db_.exec("DELETE FROM appliances WHERE name = ?", {name});
  });
}

// ---- groups

namespace {
bool reserved_group_name(const std::string& name) {
  long long n;
  return name == "all" || (starts_with(name, "rack") && parse_int(std::string_view(name).substr(4), n));
}
}  // namespace

Status Inventory::add_group(const Group& group) {
  HERD_CHECK(check_record_name(group.name, "group"));
  if (reserved_group_name(group.name)) return bad_input("group '{}': @all and @rackN are built in", group.name);
  return in_transaction(db_, [&]() -> Status {
    if (this->group(group.name)) return bad_input("group '{}' already exists", group.name);
    if (appliance(group.name)) return bad_input("group '{}': an appliance of that name exists (@{} would be ambiguous)", group.name, group.name);
    auto set = nodeset::NodeSet::parse(group.nodeset, this);
    if (!set) return set.error().with_context(fmt::format("group '{}'", group.name));
    return db_.exec("INSERT INTO groups (name, nodeset, description) VALUES (?, ?, ?)",
                    {group.name, set->fold(), group.description});
  });
}

Result<std::vector<Group>> Inventory::groups() {
  std::vector<Group> out;
  HERD_CHECK(db_.query("SELECT name, nodeset, description FROM groups ORDER BY name", {},
                       [&](const Row& r) { out.push_back({text(r[0]), text(r[1]), text(r[2])}); }));
  return out;
}

Result<Group> Inventory::group(const std::string& name) {
  std::optional<Group> found;
  HERD_CHECK(db_.query("SELECT name, nodeset, description FROM groups WHERE name = ?", {name},
                       [&](const Row& r) { found = Group{text(r[0]), text(r[1]), text(r[2])}; }));
  if (!found) return bad_input("unknown group '{}'", name);
  return *found;
}

Status Inventory::update_group(const std::string& name, const Group& updated) {
  HERD_CHECK(check_record_name(updated.name, "group"));
  if (reserved_group_name(updated.name)) return bad_input("group '{}': @all and @rackN are built in", updated.name);
  return in_transaction(db_, [&]() -> Status {
    HERD_CHECK(group(name));
    if (updated.name != name && (group(updated.name) || appliance(updated.name)))
      return bad_input("group '{}': that name is taken", updated.name);
    auto set = nodeset::NodeSet::parse(updated.nodeset, this);
    if (!set) return set.error().with_context(fmt::format("group '{}'", updated.name));
    return db_.exec("UPDATE groups SET name = ?, nodeset = ?, description = ? WHERE name = ?",
                    {updated.name, set->fold(), updated.description, name});
  });
}

Status Inventory::remove_group(const std::string& name) {
  return in_transaction(db_, [&]() -> Status {
    HERD_CHECK(group(name));
    return db_.exec("DELETE FROM groups WHERE name = ?", {name});
  });
}

// ---- @group resolution

Result<std::vector<std::string>> Inventory::resolve(std::string_view group_name) const {
  std::string name(group_name);
  std::vector<std::string> names;
  auto collect = [&](const Row& r) { names.push_back(text(r[0])); };
  if (name == "all") {
    HERD_CHECK(db_.query("SELECT name FROM nodes ORDER BY name", {}, collect));
    return names;
  }
  long long rack = 0;
  if (starts_with(name, "rack") && parse_int(std::string_view(name).substr(4), rack)) {
    HERD_CHECK(db_.query("SELECT name FROM nodes WHERE rack = ? ORDER BY name", {int64_t{rack}}, collect));
    return names;
  }
  bool is_appliance = false;
  HERD_CHECK(db_.query("SELECT 1 FROM appliances WHERE name = ?", {name}, [&](const Row&) { is_appliance = true; }));
  if (is_appliance) {
    HERD_CHECK(db_.query("SELECT n.name FROM nodes n JOIN appliances a ON a.id = n.appliance_id WHERE a.name = ? ORDER BY n.name",
                         {name}, collect));
    return names;
  }
  std::optional<std::string> expression;
  HERD_CHECK(db_.query("SELECT nodeset FROM groups WHERE name = ?", {name}, [&](const Row& r) { expression = text(r[0]); }));
  if (!expression) return bad_input("unknown group '@{}' (not an appliance, a group, @rackN or @all)", name);
  // Stored group expressions are folded plain node sets: no nested @ references remain.
  auto set = nodeset::NodeSet::parse(*expression);
  if (!set) return set.error().with_context(fmt::format("group '{}'", name));
  return set->expand();
}

std::vector<std::string> Inventory::list() const {
  std::vector<std::string> names{"all"};
  auto collect = [&](const Row& r) { names.push_back(text(r[0])); };
  (void)db_.query("SELECT name FROM appliances ORDER BY name", {}, collect);
  (void)db_.query("SELECT DISTINCT 'rack' || CAST(rack AS TEXT) FROM nodes ORDER BY 1", {}, collect);
  (void)db_.query("SELECT name FROM groups ORDER BY name", {}, collect);
  return names;
}

Result<std::vector<std::string>> Inventory::select_where(std::string_view expression) {
  auto condition = compile_where(expression);
  if (!condition) return condition.error();
  std::vector<std::string> names;
  HERD_CHECK(db_.query(fmt::format("SELECT n.name FROM nodes n JOIN appliances a ON a.id = n.appliance_id "
                                   "WHERE {} ORDER BY n.name",
                                   condition->sql),
                       condition->params, [&](const Row& r) { names.push_back(text(r[0])); }));
  return names;
}

}  // namespace herd::inventory
