#include "inventory/inventory_csv.h"

#include <filesystem>
#include <map>

#include "inventory/csv.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

const std::vector<std::string> kSettings = {"name", "value"};
const std::vector<std::string> kNetworks = {"name", "address", "prefix", "gateway", "zone", "mtu",
                                            "pxe", "dynamic_start", "dynamic_end", "dns_servers", "comment"};
const std::vector<std::string> kAppliances = {"name", "profile", "description"};
const std::vector<std::string> kNodes = {"name", "appliance", "rack", "rank", "arch", "os", "cpus", "boot_action", "comment"};
const std::vector<std::string> kInterfaces = {"node", "device", "mac", "ip", "network", "vlan", "name", "alias"};
const std::vector<std::string> kGroups = {"name", "nodeset", "description"};
const std::vector<std::string> kAttributes = {"scope", "target", "name", "value"};

Status write_table(const std::string& folder, const char* file, const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  append_csv_row(out, header);
  for (const auto& row : rows) append_csv_row(out, row);
  return write_file_atomically(folder + "/" + file, out, 0600);
}

// One parsed file whose rows are read by column name.
class Sheet {
 public:
  static Result<Sheet> load(const std::string& folder, const std::string& file, const std::vector<std::string>& columns) {
    auto text = read_file(folder + "/" + file);
    if (!text) return text.error();
    auto table = parse_csv(*text, file);
    if (!table) return table.error();
    Sheet sheet;
    sheet.file_ = file;
    for (size_t i = 0; i < table->header.size(); ++i) {
      const auto& name = table->header[i];
      if (std::find(columns.begin(), columns.end(), name) == columns.end())
        return bad_input("{}: line 1: unknown column '{}' (expected {})", file, name, join(columns, ","));
      sheet.index_[name] = i;
    }
    for (const auto& c : columns)
      if (!sheet.index_.count(c)) return bad_input("{}: line 1: missing column '{}'", file, c);
    sheet.table_ = std::move(*table);
    return sheet;
  }

  size_t size() const { return table_.rows.size(); }
  const std::string& get(size_t row, const std::string& column) const { return table_.rows[row][index_.at(column)]; }
  std::string where(size_t row) const { return fmt::format("{}: line {}", file_, table_.lines[row]); }

  Result<int> integer(size_t row, const std::string& column) const {
    long long v;
    if (!parse_int(get(row, column), v) || v < INT32_MIN || v > INT32_MAX)
      return bad_input("{}: {} '{}' is not an integer", where(row), column, get(row, column));
    return static_cast<int>(v);
  }

 private:
  std::string file_;
  CsvTable table_;
  std::map<std::string, size_t> index_;
};

Result<bool> boolean(const Sheet& s, size_t row, const std::string& column) {
  auto v = to_lower(s.get(row, column));
  if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
  if (v == "0" || v == "no" || v == "false" || v == "off" || v.empty()) return false;
  return bad_input("{}: {} '{}' is not yes or no", s.where(row), column, s.get(row, column));
}

#define HERD_AT(sheet, row, expr)                                              \
  do {                                                                         \
    if (auto herd_status_ = (expr); !herd_status_)                             \
      return herd_status_.error().with_context((sheet).where(row));            \
  } while (0)

template <typename T>
Status assign(Result<T> value, T& out) {
  if (!value) return value.error();
  out = *value;
  return {};
}

}  // namespace

Status export_csv(Inventory& inv, const std::string& folder, bool include_secrets) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return failure("{}: cannot create folder: {}", folder, ec.message());
  auto cluster = inv.load_cluster();
  if (!cluster) return cluster.error();

  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : cluster->settings) rows.push_back({name, value});
  HERD_CHECK(write_table(folder, "settings.csv", kSettings, rows));

  rows.clear();
  for (const auto& n : cluster->networks)
    rows.push_back({n.name, n.address, std::to_string(n.prefix), n.gateway, n.zone, std::to_string(n.mtu),
                    n.pxe ? "yes" : "no", n.dynamic_start, n.dynamic_end, n.dns_servers, n.comment});
  HERD_CHECK(write_table(folder, "networks.csv", kNetworks, rows));

  rows.clear();
  for (const auto& a : cluster->appliances) rows.push_back({a.name, a.profile, a.description});
  HERD_CHECK(write_table(folder, "appliances.csv", kAppliances, rows));

  rows.clear();
  std::vector<std::vector<std::string>> interface_rows;
  for (const auto& n : cluster->nodes) {
    rows.push_back({n.name, n.appliance, std::to_string(n.rack), std::to_string(n.rank), n.arch, n.os,
                    std::to_string(n.cpus), n.boot_action, n.comment});
    for (const auto& i : n.interfaces)
      interface_rows.push_back({i.node, i.device, i.mac, i.ip, i.network, i.vlan ? std::to_string(*i.vlan) : "", i.name, i.alias});
  }
  HERD_CHECK(write_table(folder, "nodes.csv", kNodes, rows));
  HERD_CHECK(write_table(folder, "interfaces.csv", kInterfaces, interface_rows));

  rows.clear();
  for (const auto& g : cluster->groups) rows.push_back({g.name, g.nodeset, g.description});
  HERD_CHECK(write_table(folder, "groups.csv", kGroups, rows));

  auto attributes = inv.attributes(std::nullopt, include_secrets);
  if (!attributes) return attributes.error();
  std::vector<std::vector<std::string>> secret_rows;
  rows.clear();
  for (const auto& a : *attributes)
    (a.secret ? secret_rows : rows).push_back({scope_name(a.scope), a.target, a.name, a.value});
  HERD_CHECK(write_table(folder, "attributes.csv", kAttributes, rows));
  if (include_secrets) HERD_CHECK(write_table(folder, "secrets.csv", kAttributes, secret_rows));
  return {};
}

Result<size_t> import_csv(Inventory& inv, const std::string& folder) {
  if (!std::filesystem::is_directory(folder)) return bad_input("{}: not a folder of CSV files", folder);
  auto settings = Sheet::load(folder, "settings.csv", kSettings);
  if (!settings) return settings.error();
  auto networks = Sheet::load(folder, "networks.csv", kNetworks);
  if (!networks) return networks.error();
  auto appliances = Sheet::load(folder, "appliances.csv", kAppliances);
  if (!appliances) return appliances.error();
  auto nodes = Sheet::load(folder, "nodes.csv", kNodes);
  if (!nodes) return nodes.error();
  auto interfaces = Sheet::load(folder, "interfaces.csv", kInterfaces);
  if (!interfaces) return interfaces.error();
  auto groups = Sheet::load(folder, "groups.csv", kGroups);
  if (!groups) return groups.error();
  auto attributes = Sheet::load(folder, "attributes.csv", kAttributes);
  if (!attributes) return attributes.error();
  bool has_secrets = std::filesystem::exists(folder + "/secrets.csv");
  std::optional<Sheet> secrets;
  if (has_secrets) {
    auto loaded = Sheet::load(folder, "secrets.csv", kAttributes);
    if (!loaded) return loaded.error();
    secrets = std::move(*loaded);
  }

  Database& db = inv.database();
  Transaction tx(db);
  HERD_CHECK(tx.begin());
  for (const char* table : {"interfaces", "nodes", "groups", "attributes", "appliances", "networks", "settings"})
    HERD_CHECK(db.exec(fmt::format("DELETE FROM {}", table)));
  if (has_secrets) HERD_CHECK(db.exec("DELETE FROM secrets"));

  for (size_t r = 0; r < settings->size(); ++r)
    HERD_AT(*settings, r, inv.set_setting(settings->get(r, "name"), settings->get(r, "value")));

  for (size_t r = 0; r < networks->size(); ++r) {
    const Sheet& s = *networks;
    Network n;
    n.name = s.get(r, "name");
    n.address = s.get(r, "address");
    HERD_AT(s, r, assign(s.integer(r, "prefix"), n.prefix));
    n.gateway = s.get(r, "gateway");
    n.zone = s.get(r, "zone");
    HERD_AT(s, r, assign(s.integer(r, "mtu"), n.mtu));
    HERD_AT(s, r, assign(boolean(s, r, "pxe"), n.pxe));
    n.dynamic_start = s.get(r, "dynamic_start");
    n.dynamic_end = s.get(r, "dynamic_end");
    n.dns_servers = s.get(r, "dns_servers");
    n.comment = s.get(r, "comment");
    HERD_AT(s, r, inv.add_network(n));
  }

  for (size_t r = 0; r < appliances->size(); ++r) {
    const Sheet& s = *appliances;
    HERD_AT(s, r, inv.add_appliance({s.get(r, "name"), s.get(r, "profile"), s.get(r, "description")}));
  }

  for (size_t r = 0; r < nodes->size(); ++r) {
    const Sheet& s = *nodes;
    NodeTemplate t;
    t.appliance = s.get(r, "appliance");
    int rack = 0, rank = 0;
    HERD_AT(s, r, assign(s.integer(r, "rack"), rack));
    HERD_AT(s, r, assign(s.integer(r, "rank"), rank));
    t.rack = rack;
    t.rank = rank;
    t.arch = s.get(r, "arch");
    t.os = s.get(r, "os");
    HERD_AT(s, r, assign(s.integer(r, "cpus"), t.cpus));
    t.boot_action = s.get(r, "boot_action");
    t.comment = s.get(r, "comment");
    auto added = inv.add_nodes({s.get(r, "name")}, t);
    if (!added) return added.error().with_context(s.where(r));
  }

  for (size_t r = 0; r < interfaces->size(); ++r) {
    const Sheet& s = *interfaces;
    Interface i;
    i.node = s.get(r, "node");
    i.device = s.get(r, "device");
    i.mac = s.get(r, "mac");
    i.ip = s.get(r, "ip");
    i.network = s.get(r, "network");
    if (!s.get(r, "vlan").empty()) {
      int vlan = 0;
      HERD_AT(s, r, assign(s.integer(r, "vlan"), vlan));
      i.vlan = vlan;
    }
    i.name = s.get(r, "name");
    i.alias = s.get(r, "alias");
    if (i.ip.empty() && !i.network.empty())
      return bad_input("{}: an interface on network '{}' needs its address", s.where(r), i.network);
    HERD_AT(s, r, inv.add_interface(i));
  }

  for (size_t r = 0; r < groups->size(); ++r) {
    const Sheet& s = *groups;
    HERD_AT(s, r, inv.add_group({s.get(r, "name"), s.get(r, "nodeset"), s.get(r, "description")}));
  }

  auto load_attributes = [&](const Sheet& s, bool secret) -> Status {
    for (size_t r = 0; r < s.size(); ++r) {
      auto scope = parse_scope(s.get(r, "scope"));
      if (!scope) return bad_input("{}: unknown scope '{}' (global, os, appliance, rack, node)", s.where(r), s.get(r, "scope"));
      HERD_AT(s, r, inv.set_attribute({*scope, s.get(r, "target"), s.get(r, "name"), s.get(r, "value"), secret}));
    }
    return {};
  };
  HERD_CHECK(load_attributes(*attributes, false));
  if (secrets) {
    HERD_CHECK(load_attributes(*secrets, true));
  } else {
    HERD_CHECK(db.exec("DELETE FROM secrets WHERE (scope = 'node' AND target NOT IN (SELECT name FROM nodes)) "
                       "OR (scope = 'appliance' AND target NOT IN (SELECT name FROM appliances))"));
  }
  HERD_CHECK(tx.commit());
  return nodes->size();
}

}  // namespace herd::inventory
