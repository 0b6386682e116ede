// A small inventory for --where tests: the real schema (migrate) in SQLite, filled with nodes,
// interfaces and attributes chosen to exercise every field, operator and scope rule.
//
// Nodes (appliance, rack, rank, arch, os, cpus, boot_action, comment):
//   compute-0-0  compute 0 0 x86_64  linux 16 os      ""
//   compute-0-1  compute 0 1 x86_64  linux 32 os      "spare 50% off"
//   compute-1-0  compute 1 0 x86_64  rocky 16 install ""
//   gpu-1-1      gpu     1 1 aarch64 linux 64 os      "A100"
//   login-0      login   2 0 x86_64  linux  8 os      "it's the login node"
// Interfaces (device mac ip network vlan):
//   compute-0-0  eth0 aa:bb:cc:00:00:01 10.1.255.254 private -   ib0 - 10.2.255.254 ib -
//   compute-0-1  eth0 aa:bb:cc:00:00:02 10.1.255.253 private 10
//   compute-1-0  eth0 -                 10.1.255.252 private -
//   gpu-1-1      eth0 aa:bb:cc:00:00:04 10.1.255.251 private 20  ib0 - 10.2.255.251 ib -
//   login-0      eth0 aa:bb:cc:00:00:05 10.1.1.1     private -   eth1 - - - -
// Effective attributes (scope that wins in brackets):
//   kernel: compute-0-0 linux-kernel [os], compute-0-1 custom [node], compute-1-0 rocky-kernel
//           [os], gpu-1-1 gpu-kernel [appliance], login-0 rack2-kernel [rack]; "stock" [global]
//           is shadowed everywhere
//   mem:    compute-0-0 64 [global], compute-0-1 lots [node], compute-1-0 128 [rack],
//           gpu-1-1 128 [rack], login-0 32 [appliance]; a rack "01" row must match nothing
//   gpu:    gpu-1-1 yes [appliance], compute-0-1 maybe [node], others no [global]
//   site:   lab everywhere [global]; slurm.partition: login-0 interactive, others batch
//   node-only: compute-0-0 discount "50%_off!", star "a*b", big "99999999999999999999";
//              compute-0-1 neg "007"; login-0 neg "-5", weird "x' or 1=1 --"
// Secrets (must never be reachable): global gpu "secret-yes", compute-0-0 password "hunter2",
//   login-0 root_hash "xyz".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/database.h"
#include "util/result.h"

namespace herd::inventory::testing {

// Creates the sample inventory at `path` (":memory:" by default). Aborts the test on failure.
std::unique_ptr<Database> open_sample_inventory(const std::string& path = ":memory:");

// Every node name of the sample inventory, sorted.
const std::vector<std::string>& all_sample_nodes();

// Compiles `expression` and runs it as select_where does; the selected node names, sorted.
Result<std::vector<std::string>> select_nodes(Database& db, std::string_view expression);

// Expects `expression` to compile, run, and select exactly `expected` (sorted names).
void expect_selects(Database& db, std::string_view expression, const std::vector<std::string>& expected);

// Expects `expression` to fail with bad_input and exactly `message`.
void expect_error(std::string_view expression, std::string_view message);

}  // namespace herd::inventory::testing
