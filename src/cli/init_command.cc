// herd init: a new cluster with its frontend node, its private network and the base appliances.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "inventory/new_cluster.h"
#include "server/pki.h"

#include <filesystem>

namespace herd::cli {
namespace {

void run_init(Context& context, const inventory::NewCluster& spec, std::string pki) {
  if (context.database_exists()) fail(bad_input("{}: an inventory already exists here", context.db_path));
  auto ip = unwrap(inventory::frontend_address(spec));
  if (pki.empty()) pki = server::default_pki_dir(context.db_path);
  // The PKI is made after the inventory; on failure the new inventory file is removed too
  // (create_pki removes what it wrote), so a failed init leaves nothing.
  auto status = inventory::create_cluster(context.create_inventory(), spec);
  if (status) {
    auto identity = server::frontend_identity(context.inventory());
    status = identity ? server::create_pki(pki, *identity) : Status(identity.error());
  }
  if (!status) {
    std::error_code ec;
    std::filesystem::remove(context.db_path, ec);
    std::filesystem::remove(context.db_path + "-wal", ec);
    std::filesystem::remove(context.db_path + "-shm", ec);
    fail(status.error());
  }
  notice("created cluster '{}' in {}: frontend {} ({}) on network {} {}; PKI in {}", spec.cluster, context.db_path,
         spec.frontend, ip, spec.network, spec.subnet, pki);
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<inventory::NewCluster>();
  auto pki = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("init", "Create a cluster: inventory, frontend node, private network, appliances");
  cmd->add_option("--name", options->cluster, "Cluster name")->capture_default_str();
  cmd->add_option("--frontend", options->frontend, "Frontend node name")->capture_default_str();
  cmd->add_option("--network", options->network, "Private network name")->capture_default_str();
  cmd->add_option("--subnet", options->subnet, "Private network address/prefix")->capture_default_str();
  cmd->add_option("--frontend-ip", options->frontend_ip, "Frontend address (default: first host of the subnet)");
  cmd->add_option("--frontend-mac", options->mac, "Frontend MAC on the private network");
  cmd->add_option("--domain", options->domain, "DNS domain of the private network")->capture_default_str();
  cmd->add_option("--pki", *pki, "PKI folder for herd serve (default: $HERD_PKI, else pki beside the database)");
  cmd->callback([&context, options, pki] { run_init(context, *options, *pki); });
}

}  // namespace herd::cli
