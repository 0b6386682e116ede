// herd network add|list|show|set|remove
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"
#include "util/ipv4.h"

namespace herd::cli {
namespace {

struct NetworkOptions {
  std::string name, subnet, gateway, zone, dynamic, dns, comment, rename;
  int mtu = 1500;
  bool pxe = false;
};

// Applies the options given on the command line to `n`.
void apply(const NetworkOptions& o, CLI::App* cmd, inventory::Network& n) {
  if (!o.subnet.empty()) {
    auto net = parse_ipv4_network(o.subnet);
    if (!net) fail(bad_input("'{}': expected a network like 10.1.0.0/16 (host bits zero)", o.subnet));
    n.address = format_ipv4(net->address);
    n.prefix = net->prefix;
  }
  if (cmd->count("--gateway")) n.gateway = o.gateway;
  if (cmd->count("--zone")) n.zone = o.zone;
  if (cmd->count("--mtu")) n.mtu = o.mtu;
  if (cmd->count("--pxe")) n.pxe = o.pxe;
  if (cmd->count("--dns")) n.dns_servers = o.dns;
  if (cmd->count("--comment")) n.comment = o.comment;
  if (cmd->count("--dynamic")) {
    if (o.dynamic.empty()) {
      n.dynamic_start = n.dynamic_end = "";
    } else {
      auto dash = o.dynamic.find('-');
      if (dash == std::string::npos) fail(bad_input("--dynamic '{}': expected START-END, e.g. 10.1.200.1-10.1.200.254", o.dynamic));
      n.dynamic_start = o.dynamic.substr(0, dash);
      n.dynamic_end = o.dynamic.substr(dash + 1);
    }
  }
}

void add_fields(CLI::App* cmd, NetworkOptions& o) {
  cmd->add_option("--gateway", o.gateway, "Default gateway");
  cmd->add_option("--zone", o.zone, "DNS zone (domain) of the network");
  cmd->add_option("--mtu", o.mtu, "MTU");
  cmd->add_option("--pxe", o.pxe, "Offer PXE boot on this network (yes/no)");
  cmd->add_option("--dynamic", o.dynamic, "Dynamic DHCP range START-END for discovery ('' = none)");
  cmd->add_option("--dns", o.dns, "DNS servers, comma-separated (default: the frontend)");
  cmd->add_option("--comment", o.comment, "Free text");
}

}  // namespace

void add_network_command(CLI::App& app, Context& context) {
  auto* network = app.add_subcommand("network", "Add, list, show, change and remove networks");
  network->require_subcommand(1);

  auto add = std::make_shared<NetworkOptions>();
  auto* cmd = network->add_subcommand("add", "Add a network");
  cmd->add_option("name", add->name, "Network name")->required();
  cmd->add_option("subnet", add->subnet, "Address/prefix, e.g. 10.1.0.0/16")->required();
  add_fields(cmd, *add);
  cmd->callback([&context, add, cmd] {
    inventory::Network n;
    n.name = add->name;
    apply(*add, cmd, n);
    unwrap(context.inventory().add_network(n));
    notice("added network {} {}/{}", n.name, n.address, n.prefix);
  });

  cmd = network->add_subcommand("list", "List networks");
  cmd->callback([&context] {
    auto networks = unwrap(context.inventory().networks());
    if (context.json) return print_json(networks);
    Table t({"NAME", "SUBNET", "GATEWAY", "ZONE", "MTU", "PXE", "DYNAMIC", "COMMENT"});
    for (const auto& n : networks)
      t.add({n.name, fmt::format("{}/{}", n.address, n.prefix), n.gateway, n.zone, std::to_string(n.mtu), n.pxe ? "yes" : "no",
             n.dynamic_start.empty() ? "" : n.dynamic_start + "-" + n.dynamic_end, n.comment});
    print_text(t.render());
  });

  auto show = std::make_shared<std::string>();
  cmd = network->add_subcommand("show", "Show one network");
  cmd->add_option("name", *show, "Network name")->required();
  cmd->callback([&context, show] {
    auto n = unwrap(context.inventory().network(*show));
    if (context.json) return print_json(n);
    print_text(fmt::format("name:        {}\nsubnet:      {}/{}\ngateway:     {}\nzone:        {}\nmtu:         {}\n"
                           "pxe:         {}\ndynamic:     {}\ndns servers: {}\ncomment:     {}\n",
                           n.name, n.address, n.prefix, n.gateway, n.zone, n.mtu, n.pxe ? "yes" : "no",
                           n.dynamic_start.empty() ? "" : n.dynamic_start + "-" + n.dynamic_end, n.dns_servers, n.comment));
  });

  auto set = std::make_shared<NetworkOptions>();
  cmd = network->add_subcommand("set", "Change a network");
  cmd->add_option("name", set->name, "Network name")->required();
  cmd->add_option("--subnet", set->subnet, "Address/prefix");
  cmd->add_option("--rename", set->rename, "New name");
  add_fields(cmd, *set);
  cmd->callback([&context, set, cmd] {
    auto n = unwrap(context.inventory().network(set->name));
    apply(*set, cmd, n);
    if (!set->rename.empty()) n.name = set->rename;
    unwrap(context.inventory().update_network(set->name, n));
    notice("changed network {}", n.name);
  });

  auto remove = std::make_shared<std::string>();
  cmd = network->add_subcommand("remove", "Remove a network no interface uses");
  cmd->add_option("name", *remove, "Network name")->required();
  cmd->callback([&context, remove] {
    unwrap(context.inventory().remove_network(*remove));
    notice("removed network {}", *remove);
  });
}

}  // namespace herd::cli
