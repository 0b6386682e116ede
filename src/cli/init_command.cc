// herd init: a new cluster with its frontend node, its private network and the base appliances;
// or, with --from-image, the re-key of a frontend that an installed image carries.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/init_from_image.h"
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
  auto clone = std::make_shared<FromImageOptions>();
  auto from_image = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("init", "Create a cluster: inventory, frontend node, private network, appliances");
  cmd->footer(
      "With --from-image: re-key the frontend an installed image carries (its inventory at ROOT/var/lib/herd/herd.db, "
      "PKI at ROOT/var/lib/herd/pki): cluster renamed --name, frontend node renamed --frontend (default: the --name), "
      "--public-address recorded; a new CA, server certificate and admin token; every join token and node credential "
      "of the old cluster revoked. Networks, nodes, attributes and images are kept.");
  auto* name = cmd->add_option("--name", options->cluster, "Cluster name")->capture_default_str();
  auto* frontend = cmd->add_option("--frontend", options->frontend, "Frontend node name")->capture_default_str();
  auto* network = cmd->add_option("--network", options->network, "Private network name")->capture_default_str();
  auto* subnet = cmd->add_option("--subnet", options->subnet, "Private network address/prefix")->capture_default_str();
  auto* ip = cmd->add_option("--frontend-ip", options->frontend_ip, "Frontend address (default: first host of the subnet)");
  auto* mac = cmd->add_option("--frontend-mac", options->mac, "Frontend MAC on the private network");
  auto* domain = cmd->add_option("--domain", options->domain, "DNS domain of the private network")->capture_default_str();
  auto* pki_option =
      cmd->add_option("--pki", *pki, "PKI folder for herd serve (default: $HERD_PKI, else pki beside the database)");
  auto* from = cmd->add_flag("--from-image", *from_image,
                             "Re-key a cloned frontend (an installed image of one) instead of making a cluster");
  auto* address = cmd->add_option("--public-address", clone->public_address,
                                  "With --from-image: the address (IPv4 or DNS name) nodes reach the clone at");
  auto* root = cmd->add_option("--root", clone->root, "With --from-image: the clone's root folder (default: --db and --pki)");
  for (auto* option : {network, subnet, ip, mac, domain}) option->excludes(from);
  address->needs(from);
  root->needs(from)->excludes(pki_option);
  cmd->callback([&context, options, pki, clone, from_image, name, frontend] {
    if (!*from_image) return run_init(context, *options, *pki);
    if (name->count() == 0) fail(bad_input("--from-image needs --name: the clone's cluster name"));
    if (clone->public_address.empty()) fail(bad_input("--from-image needs --public-address: where nodes reach the clone"));
    clone->cluster = options->cluster;
    clone->frontend = frontend->count() ? options->frontend : options->cluster;
    clone->pki = *pki;
    run_init_from_image(context, *clone);
  });
}

}  // namespace herd::cli
