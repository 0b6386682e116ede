// herd node add|list|show|set|remove|rename
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"
#include "nodeset/node_set.h"
#include "util/text.h"

namespace herd::cli {
namespace {

struct AddOptions {
  std::string names;
  int count = 0;
  inventory::NodeTemplate tmpl;
  int rack = -1, rank = -1;
  std::string ip_order = "down";
  std::string macs, ips;
};

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  for (auto& part : split(text, ',')) {
    auto t = std::string(trim(part));
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

void run_add(Context& context, AddOptions& o) {
  auto& inv = context.inventory();
  auto& t = o.tmpl;
  if (o.rack >= 0) t.rack = o.rack;
  if (o.rank >= 0) t.rank = o.rank;
  if (o.ip_order != "down" && o.ip_order != "up") fail(bad_input("--ip-order must be 'down' or 'up', got '{}'", o.ip_order));
  t.ip_order = o.ip_order == "up" ? inventory::IpOrder::up : inventory::IpOrder::down;
  t.macs = comma_list(o.macs);
  t.ips = comma_list(o.ips);

  std::vector<std::string> names;
  if (!o.names.empty() && o.count > 0) fail(bad_input("give node names or --count, not both"));
  if (o.count > 0) {
    // Rocks naming: APPLIANCE-RACK-RANK from the next free rank of the rack.
    int rack = t.rack.value_or(0);
    int first = t.rank ? *t.rank : unwrap(inv.next_free_rank(rack));
    for (int i = 0; i < o.count; ++i) names.push_back(fmt::format("{}-{}-{}", t.appliance, rack, first + i));
    t.rank = first;
    t.rack = rack;
  } else {
    if (o.names.empty()) fail(bad_input("give node names (a node set such as compute-0-[0-63]) or --count"));
    // New names cannot be @groups: resolve without the inventory.
    names = unwrap(nodeset::NodeSet::parse(o.names)).expand();
  }
  auto added = unwrap(inv.add_nodes(names, t));
  if (context.json) {
    print_json(added);
    return;
  }
  std::vector<std::string> added_names;
  for (const auto& n : added) added_names.push_back(n.name);
  notice("added {} node(s): {}", added.size(), nodeset::fold(added_names));
}

std::string primary_ip(const inventory::Node& n) {
  for (const auto& i : n.interfaces)
    if (!i.ip.empty()) return i.ip;
  return "";
}

void run_list(Context& context, const Selection& selection) {
  auto& inv = context.inventory();
  std::vector<inventory::Node> nodes;
  if (selection.any()) {
    // An empty vector means "every node" to the inventory: a selection of none lists none.
    auto names = context.select_nodes(selection, /*required=*/false);
    if (!names.empty()) nodes = unwrap(inv.nodes(names));
  } else {
    nodes = unwrap(inv.nodes());
  }
  if (context.json) {
    print_json(nodes);
    return;
  }
  Table table({"NAME", "APPLIANCE", "RACK", "RANK", "CPUS", "ARCH", "OS", "BOOT", "IP", "COMMENT"});
  for (const auto& n : nodes)
    table.add({n.name, n.appliance, std::to_string(n.rack), std::to_string(n.rank), std::to_string(n.cpus), n.arch, n.os,
               n.boot_action, primary_ip(n), n.comment});
  print_text(table.render());
}

void run_show(Context& context, const std::string& name) {
  auto& inv = context.inventory();
  auto node = unwrap(inv.node(name));
  auto attributes = unwrap(inv.resolve_attributes(name, /*include_secrets=*/false));
  if (context.json) {
    print_json(inventory::node_with_attributes(node, attributes));
    return;
  }
  std::string out = fmt::format(
      "name:        {}\nappliance:   {}\nrack:        {}\nrank:        {}\ncpus:        {}\narch:        {}\n"
      "os:          {}\nboot action: {}\ncomment:     {}\n",
      node.name, node.appliance, node.rack, node.rank, node.cpus, node.arch, node.os, node.boot_action, node.comment);
  if (!node.interfaces.empty()) {
    out += "interfaces:\n";
    Table t({"  DEVICE", "MAC", "IP", "NETWORK", "VLAN", "NAME", "ALIAS"});
    for (const auto& i : node.interfaces)
      t.add({"  " + i.device, i.mac, i.ip, i.network, i.vlan ? std::to_string(*i.vlan) : "", i.name, i.alias});
    out += t.render();
  }
  if (!attributes.empty()) {
    out += "attributes:\n";
    for (const auto& [key, a] : attributes) out += fmt::format("  {} = {}\n", key, a.value);
  }
  print_text(out);
}

struct SetOptions {
  Selection selection;
  std::string appliance, arch, os, boot_action, comment;
  int rack = -1, rank = -1, cpus = -1;
  bool comment_given = false;
};

void run_set(Context& context, SetOptions& o, CLI::App* cmd) {
  auto names = context.select_nodes(o.selection);
  inventory::NodeChanges c;
  if (cmd->count("--appliance")) c.appliance = o.appliance;
  if (cmd->count("--arch")) c.arch = o.arch;
  if (cmd->count("--os")) c.os = o.os;
  if (cmd->count("--boot-action")) c.boot_action = o.boot_action;
  if (cmd->count("--comment")) c.comment = o.comment;
  if (cmd->count("--rack")) c.rack = o.rack;
  if (cmd->count("--rank")) c.rank = o.rank;
  if (cmd->count("--cpus")) c.cpus = o.cpus;
  unwrap(context.inventory().update_nodes(names, c));
  notice("changed {} node(s): {}", names.size(), nodeset::fold(names));
}

}  // namespace

void add_node_command(CLI::App& app, Context& context) {
  auto* node = app.add_subcommand("node", "Add, list, show, change, remove and rename nodes");
  node->require_subcommand(1);

  auto add = std::make_shared<AddOptions>();
  auto* cmd = node->add_subcommand("add", "Add nodes; names, ranks and addresses are assigned in bulk");
  cmd->add_option("nodes", add->names, "Node set to add, e.g. compute-0-[0-63]");
  cmd->add_option("--count", add->count, "Add N nodes named APPLIANCE-RACK-RANK from the next free rank");
  cmd->add_option("--appliance,-a", add->tmpl.appliance, "Appliance of the new nodes")->required();
  cmd->add_option("--rack", add->rack, "Rack (default: from names like compute-R-K, else 0)");
  cmd->add_option("--rank", add->rank, "First rank (default: from the name, else the next free rank in the rack)");
  cmd->add_option("--network", add->tmpl.network, "Give each node an interface on this network with the next free address");
  cmd->add_option("--device", add->tmpl.device, "Interface device name")->capture_default_str();
  cmd->add_option("--mac", add->macs, "MAC addresses, comma-separated, one per node in order");
  cmd->add_option("--ip", add->ips, "Addresses, comma-separated, one per node in order (default: allocated)");
  cmd->add_option("--ip-order", add->ip_order, "Allocate addresses from the top of the subnet down (Rocks) or up")
      ->capture_default_str();
  cmd->add_option("--cpus", add->tmpl.cpus, "CPU count")->capture_default_str();
  cmd->add_option("--arch", add->tmpl.arch, "Architecture")->capture_default_str();
  cmd->add_option("--os", add->tmpl.os, "Operating system")->capture_default_str();
  cmd->add_option("--boot-action", add->tmpl.boot_action, "Boot action: os, install, ...")->capture_default_str();
  cmd->add_option("--comment", add->tmpl.comment, "Free text");
  cmd->callback([&context, add] { run_add(context, *add); });

  auto list_selection = std::make_shared<Selection>();
  cmd = node->add_subcommand("list", "List nodes (all, or a selection)");
  add_selection_options(cmd, *list_selection);
  cmd->callback([&context, list_selection] { run_list(context, *list_selection); });

  auto show_name = std::make_shared<std::string>();
  cmd = node->add_subcommand("show", "Show one node with its interfaces and effective attributes");
  cmd->add_option("node", *show_name, "Node name")->required();
  cmd->callback([&context, show_name] { run_show(context, *show_name); });

  auto set = std::make_shared<SetOptions>();
  cmd = node->add_subcommand("set", "Change fields of the selected nodes");
  add_selection_options(cmd, set->selection);
  cmd->add_option("--appliance", set->appliance, "Appliance");
  cmd->add_option("--rack", set->rack, "Rack");
  cmd->add_option("--rank", set->rank, "Rank");
  cmd->add_option("--cpus", set->cpus, "CPU count");
  cmd->add_option("--arch", set->arch, "Architecture");
  cmd->add_option("--os", set->os, "Operating system");
  cmd->add_option("--boot-action", set->boot_action, "Boot action: os, install, ...");
  cmd->add_option("--comment", set->comment, "Free text");
  cmd->callback([&context, set, cmd] { run_set(context, *set, cmd); });

  auto remove = std::make_shared<Selection>();
  cmd = node->add_subcommand("remove", "Remove the selected nodes with their interfaces and attributes");
  add_selection_options(cmd, *remove);
  cmd->callback([&context, remove] {
    auto names = context.select_nodes(*remove);
    unwrap(context.inventory().remove_nodes(names));
    notice("removed {} node(s): {}", names.size(), nodeset::fold(names));
  });

  auto rename = std::make_shared<std::pair<std::string, std::string>>();
  cmd = node->add_subcommand("rename", "Rename a node (attributes and groups follow)");
  cmd->add_option("node", rename->first, "Current name")->required();
  cmd->add_option("new-name", rename->second, "New name")->required();
  cmd->callback([&context, rename] {
    unwrap(context.inventory().rename_node(rename->first, rename->second));
    notice("renamed {} to {}", rename->first, rename->second);
  });
}

}  // namespace herd::cli
