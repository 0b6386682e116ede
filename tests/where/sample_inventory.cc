#include "sample_inventory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <tuple>

#include "inventory/schema.h"
#include "inventory/where.h"

namespace herd::inventory::testing {
namespace {

void must(const Status& status, std::string_view what) {
  if (!status) {
    ADD_FAILURE() << what << ": " << status.error().message;
    std::abort();
  }
}

const Value kNull = nullptr;

void fill(Database& db) {
  auto exec = [&](std::string_view sql, const std::vector<Value>& params) { must(db.exec(sql, params), sql); };
  for (const auto& [id, name, address] : std::vector<std::tuple<int64_t, std::string, std::string>>{
           {1, "private", "10.1.0.0"}, {2, "ib", "10.2.0.0"}})
    exec("INSERT INTO networks (id, name, address, prefix) VALUES (?, ?, ?, 16)", {id, name, address});
  for (const auto& [id, name] : std::vector<std::pair<int64_t, std::string>>{{1, "compute"}, {2, "gpu"}, {3, "login"}})
    exec("INSERT INTO appliances (id, name) VALUES (?, ?)", {id, name});

  struct NodeRow {
    int64_t id;
    std::string name;
    int64_t appliance, rack, rank;
    std::string arch, os;
    int64_t cpus;
    std::string boot, comment;
  };
  for (const NodeRow& n : std::vector<NodeRow>{
           {1, "compute-0-0", 1, 0, 0, "x86_64", "linux", 16, "os", ""},
           {2, "compute-0-1", 1, 0, 1, "x86_64", "linux", 32, "os", "spare 50% off"},
           {3, "compute-1-0", 1, 1, 0, "x86_64", "rocky", 16, "install", ""},
           {4, "gpu-1-1", 2, 1, 1, "aarch64", "linux", 64, "os", "A100"},
           {5, "login-0", 3, 2, 0, "x86_64", "linux", 8, "os", "it's the login node"},
       })
    exec("INSERT INTO nodes (id, name, appliance_id, rack, rank, arch, os, cpus, boot_action, comment) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         {n.id, n.name, n.appliance, n.rack, n.rank, n.arch, n.os, n.cpus, n.boot, n.comment});

  const std::vector<std::vector<Value>> interfaces = {
      {int64_t{1}, "eth0", "aa:bb:cc:00:00:01", "10.1.255.254", int64_t{1}, kNull},
      {int64_t{1}, "ib0", kNull, "10.2.255.254", int64_t{2}, kNull},
      {int64_t{2}, "eth0", "aa:bb:cc:00:00:02", "10.1.255.253", int64_t{1}, int64_t{10}},
      {int64_t{3}, "eth0", kNull, "10.1.255.252", int64_t{1}, kNull},
      {int64_t{4}, "eth0", "aa:bb:cc:00:00:04", "10.1.255.251", int64_t{1}, int64_t{20}},
      {int64_t{4}, "ib0", kNull, "10.2.255.251", int64_t{2}, kNull},
      {int64_t{5}, "eth0", "aa:bb:cc:00:00:05", "10.1.1.1", int64_t{1}, kNull},
      {int64_t{5}, "eth1", kNull, kNull, kNull, kNull},
  };
  for (const auto& row : interfaces)
    exec("INSERT INTO interfaces (node_id, device, mac, ip, network_id, vlan) VALUES (?, ?, ?, ?, ?, ?)", row);

  const std::vector<std::vector<std::string>> attributes = {
      {"global", "", "kernel", "stock"},
      {"os", "linux", "kernel", "linux-kernel"},
      {"os", "rocky", "kernel", "rocky-kernel"},
      {"appliance", "gpu", "kernel", "gpu-kernel"},
      {"rack", "2", "kernel", "rack2-kernel"},
      {"node", "compute-0-1", "kernel", "custom"},
      {"global", "", "mem", "64"},
      {"os", "rocky", "mem", "96"},
      {"appliance", "gpu", "mem", "512"},
      {"appliance", "login", "mem", "32"},
      {"rack", "1", "mem", "128"},
      {"rack", "01", "mem", "999"},
      {"node", "compute-0-1", "mem", "lots"},
      {"global", "", "gpu", "no"},
      {"appliance", "gpu", "gpu", "yes"},
      {"node", "compute-0-1", "gpu", "maybe"},
      {"global", "", "site", "lab"},
      {"global", "", "slurm.partition", "batch"},
      {"node", "login-0", "slurm.partition", "interactive"},
      {"node", "compute-0-0", "discount", "50%_off!"},
      {"node", "compute-0-0", "star", "a*b"},
      {"node", "compute-0-0", "big", "99999999999999999999"},
      {"node", "compute-0-1", "neg", "007"},
      {"node", "login-0", "neg", "-5"},
      {"node", "login-0", "weird", "x' or 1=1 --"},
  };
  for (const auto& a : attributes)
    exec("INSERT INTO attributes (scope, target, name, value) VALUES (?, ?, ?, ?)", {a[0], a[1], a[2], a[3]});
  const std::vector<std::vector<std::string>> secrets = {
      {"global", "", "gpu", "secret-yes"},
      {"node", "compute-0-0", "password", "hunter2"},
      {"node", "login-0", "root_hash", "xyz"},
  };
  for (const auto& s : secrets)
    exec("INSERT INTO secrets (scope, target, name, value) VALUES (?, ?, ?, ?)", {s[0], s[1], s[2], s[3]});
}

}  // namespace

std::unique_ptr<Database> open_sample_inventory(const std::string& path) {
  auto db = open_sqlite(path, true);
  if (!db) {
    ADD_FAILURE() << "open_sqlite: " << db.error().message;
    std::abort();
  }
  must(migrate(**db), "migrate");
  fill(**db);
  return std::move(*db);
}

const std::vector<std::string>& all_sample_nodes() {
  static const std::vector<std::string> names = {"compute-0-0", "compute-0-1", "compute-1-0", "gpu-1-1", "login-0"};
  return names;
}

Result<std::vector<std::string>> select_nodes(Database& db, std::string_view expression) {
  auto condition = compile_where(expression);
  if (!condition) return condition.error();
  std::vector<std::string> names;
  HERD_CHECK(db.query("SELECT n.name FROM nodes n JOIN appliances a ON a.id = n.appliance_id WHERE " +
                          condition->sql + " ORDER BY n.name",
                      condition->params, [&](const Row& row) { names.push_back(to_text(row[0])); }));
  return names;
}

void expect_selects(Database& db, std::string_view expression, const std::vector<std::string>& expected) {
  auto selected = select_nodes(db, expression);
  ASSERT_TRUE(selected.ok()) << expression << "\n  -> " << selected.error().message;
  EXPECT_EQ(*selected, expected) << expression;
}

void expect_error(std::string_view expression, std::string_view message) {
  auto compiled = compile_where(expression);
  ASSERT_FALSE(compiled.ok()) << expression << "\n  compiled to " << compiled->sql;
  EXPECT_EQ(compiled.error().kind, ErrorKind::bad_input) << expression;
  EXPECT_EQ(compiled.error().message, message) << expression;
}

}  // namespace herd::inventory::testing
