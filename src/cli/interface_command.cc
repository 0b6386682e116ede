// herd interface add|list|set|remove
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"

namespace herd::cli {
namespace {

struct InterfaceOptions {
  std::string node, device, mac, ip, network, name, alias, rename, ip_order = "down";
  int vlan = 0;
};

void add_fields(CLI::App* cmd, InterfaceOptions& o) {
  cmd->add_option("--mac", o.mac, "MAC address");
  cmd->add_option("--ip", o.ip, "IPv4 address (default with --network: the next free one)");
  cmd->add_option("--network", o.network, "Network the address belongs to");
  cmd->add_option("--vlan", o.vlan, "VLAN id (0 = none)");
  cmd->add_option("--name", o.name, "Host name on this network (default: the node's name)");
  cmd->add_option("--alias", o.alias, "Extra host names on this network, comma-separated");
}

void apply(const InterfaceOptions& o, CLI::App* cmd, inventory::Interface& i) {
  if (cmd->count("--mac")) i.mac = o.mac;
  if (cmd->count("--network")) i.network = o.network;
  if (cmd->count("--ip")) i.ip = o.ip;
  else if (cmd->count("--network")) i.ip.clear();  // a new network: allocate there
  if (cmd->count("--vlan")) i.vlan = o.vlan ? std::optional<int>(o.vlan) : std::nullopt;
  if (cmd->count("--name")) i.name = o.name;
  if (cmd->count("--alias")) i.alias = o.alias;
}

}  // namespace

void add_interface_command(CLI::App& app, Context& context) {
  auto* interface = app.add_subcommand("interface", "Add, list, change and remove node interfaces");
  interface->require_subcommand(1);

  auto add = std::make_shared<InterfaceOptions>();
  auto* cmd = interface->add_subcommand("add", "Add an interface to a node");
  cmd->add_option("node", add->node, "Node name")->required();
  cmd->add_option("device", add->device, "Device, e.g. eth1 or ib0")->required();
  add_fields(cmd, *add);
  cmd->add_option("--ip-order", add->ip_order, "Allocate from the top of the subnet down or up")->capture_default_str();
  cmd->callback([&context, add, cmd] {
    if (add->ip_order != "down" && add->ip_order != "up")
      fail(bad_input("--ip-order must be 'down' or 'up', got '{}'", add->ip_order));
    inventory::Interface i;
    i.node = add->node;
    i.device = add->device;
    apply(*add, cmd, i);
    unwrap(context.inventory().add_interface(i, add->ip_order == "up" ? inventory::IpOrder::up : inventory::IpOrder::down));
    notice("added interface {} {}", i.node, i.device);
  });

  auto list = std::make_shared<Selection>();
  cmd = interface->add_subcommand("list", "List interfaces (of all nodes, or a selection)");
  add_selection_options(cmd, *list);
  cmd->callback([&context, list] {
    auto names = context.select_nodes(*list, /*required=*/false);
    std::vector<inventory::Interface> interfaces;
    // An empty vector means "every node" to the inventory: a selection of none lists none.
    if (!list->any() || !names.empty()) interfaces = unwrap(context.inventory().interfaces(names));
    if (context.json) return print_json(interfaces);
    Table t({"NODE", "DEVICE", "MAC", "IP", "NETWORK", "VLAN", "NAME", "ALIAS"});
    for (const auto& i : interfaces)
      t.add({i.node, i.device, i.mac, i.ip, i.network, i.vlan ? std::to_string(*i.vlan) : "", i.name, i.alias});
    print_text(t.render());
  });

  auto set = std::make_shared<InterfaceOptions>();
  cmd = interface->add_subcommand("set", "Change an interface");
  cmd->add_option("node", set->node, "Node name")->required();
  cmd->add_option("device", set->device, "Device")->required();
  cmd->add_option("--rename", set->rename, "New device name");
  add_fields(cmd, *set);
  cmd->callback([&context, set, cmd] {
    auto& inv = context.inventory();
    std::optional<inventory::Interface> current;
    for (auto& i : unwrap(inv.interfaces({set->node})))
      if (i.device == set->device) current = i;
    if (!current) fail(bad_input("node '{}' has no interface {}", set->node, set->device));
    apply(*set, cmd, *current);
    if (cmd->count("--rename")) current->device = set->rename;
    unwrap(inv.update_interface(set->node, set->device, *current));
    notice("changed interface {} {}", set->node, current->device);
  });

  auto remove = std::make_shared<InterfaceOptions>();
  cmd = interface->add_subcommand("remove", "Remove an interface");
  cmd->add_option("node", remove->node, "Node name")->required();
  cmd->add_option("device", remove->device, "Device")->required();
  cmd->callback([&context, remove] {
    unwrap(context.inventory().remove_interface(remove->node, remove->device));
    notice("removed interface {} {}", remove->node, remove->device);
  });
}

}  // namespace herd::cli
