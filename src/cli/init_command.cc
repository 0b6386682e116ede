// herd init: a new cluster with its frontend node, its private network and the base appliances.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "inventory/new_cluster.h"

#include <filesystem>

namespace herd::cli {
namespace {

void run_init(Context& context, const inventory::NewCluster& spec) {
  if (context.database_exists()) fail(bad_input("{}: an inventory already exists here", context.db_path));
  auto ip = unwrap(inventory::frontend_address(spec));
  // On failure the new file is removed too, so a failed init leaves nothing.
  if (auto status = inventory::create_cluster(context.create_inventory(), spec); !status) {
    std::error_code ec;
    std::filesystem::remove(context.db_path, ec);
    std::filesystem::remove(context.db_path + "-wal", ec);
    std::filesystem::remove(context.db_path + "-shm", ec);
    fail(status.error());
  }
  notice("created cluster '{}' in {}: frontend {} ({}) on network {} {}", spec.cluster, context.db_path, spec.frontend,
         ip, spec.network, spec.subnet);
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<inventory::NewCluster>();
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
