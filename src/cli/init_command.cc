// herd init: a new cluster with its frontend node, its private network and the base appliances.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "util/ipv4.h"

#include <filesystem>

namespace herd::cli {
namespace {

struct InitOptions {
  std::string cluster = "cluster";
  std::string frontend = "frontend";
  std::string network = "private";
  std::string subnet = "10.1.0.0/16";
  std::string frontend_ip;  // default: first host address of the subnet
  std::string domain = "local";
  std::string mac;
};

void run_init(Context& context, const InitOptions& o) {
  if (context.database_exists()) fail(bad_input("{}: an inventory already exists here", context.db_path));
  auto net = parse_ipv4_network(o.subnet);
  if (!net) fail(bad_input("--subnet '{}': expected a network like 10.1.0.0/16 (host bits zero)", o.subnet));
  std::string ip = o.frontend_ip.empty() ? format_ipv4(net->first_host()) : o.frontend_ip;

  // One transaction; on failure the new file is removed too, so a failed init leaves nothing.
  auto& inv = context.create_inventory();
  auto& db = inv.database();
  inventory::Transaction tx(db);
  auto setup = [&]() -> Status {
    HERD_CHECK(tx.begin());
    HERD_CHECK(inv.set_setting("cluster_name", o.cluster));
    HERD_CHECK(inv.set_setting("domain", o.domain));
    HERD_CHECK(inv.set_setting("frontend", o.frontend));
    inventory::Network network;
    network.name = o.network;
    network.address = format_ipv4(net->address);
    network.prefix = net->prefix;
    network.zone = o.domain;
    network.pxe = true;
    HERD_CHECK(inv.add_network(network));
    HERD_CHECK(inv.add_appliance({"frontend", "frontend", "The cluster's frontend: inventory, services, images"}));
    HERD_CHECK(inv.add_appliance({"compute", "compute", "Compute node"}));
    inventory::NodeTemplate t;
    t.appliance = "frontend";
    t.rack = 0;
    t.rank = 0;
    t.network = o.network;
    t.ips = {ip};
    if (!o.mac.empty()) t.macs = {o.mac};
    auto added = inv.add_nodes({o.frontend}, t);
    if (!added) return added.error();
    return tx.commit();
  };
  if (auto status = setup(); !status) {
    std::error_code ec;
    std::filesystem::remove(context.db_path, ec);
    std::filesystem::remove(context.db_path + "-wal", ec);
    std::filesystem::remove(context.db_path + "-shm", ec);
    fail(status.error());
  }
  notice("created cluster '{}' in {}: frontend {} ({}) on network {} {}", o.cluster, context.db_path, o.frontend, ip,
         o.network, o.subnet);
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create a cluster: inventory, frontend node, private network, appliances");
  cmd->add_option("--name", options->cluster, "Cluster name")->capture_default_str();
  cmd->add_option("--frontend", options->frontend, "Frontend node name")->capture_default_str();
  cmd->add_option("--network", options->network, "Private network name")->capture_default_str();
  cmd->add_option("--subnet", options->subnet, "Private network address/prefix")->capture_default_str();
  cmd->add_option("--frontend-ip", options->frontend_ip, "Frontend address (default: first host of the subnet)");
  cmd->add_option("--frontend-mac", options->mac, "Frontend MAC on the private network");
  cmd->add_option("--domain", options->domain, "DNS domain of the private network")->capture_default_str();
  cmd->callback([&context, options] { run_init(context, *options); });
}

}  // namespace herd::cli
