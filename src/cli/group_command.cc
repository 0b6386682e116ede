// herd group add|list|show|set|remove: named node sets, usable as @name everywhere.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"

namespace herd::cli {

void add_group_command(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("group", "Named node sets, usable as @name wherever nodes are selected");
  group->require_subcommand(1);

  auto add = std::make_shared<inventory::Group>();
  auto* cmd = group->add_subcommand("add", "Add a group");
  cmd->add_option("name", add->name, "Group name")->required();
  cmd->add_option("nodes", add->nodeset, "Node set, may use other @groups (resolved now)")->required();
  cmd->add_option("--description", add->description, "Description");
  cmd->callback([&context, add] {
    unwrap(context.inventory().add_group(*add));
    notice("added group {}", add->name);
  });

  cmd = group->add_subcommand("list", "List groups");
  cmd->callback([&context] {
    auto groups = unwrap(context.inventory().groups());
    if (context.json) return print_json(groups);
    Table t({"NAME", "NODES", "DESCRIPTION"});
    for (const auto& g : groups) t.add({g.name, g.nodeset, g.description});
    print_text(t.render());
  });

  auto show = std::make_shared<std::string>();
  cmd = group->add_subcommand("show", "Show one group");
  cmd->add_option("name", *show, "Group name")->required();
  cmd->callback([&context, show] {
    auto g = unwrap(context.inventory().group(*show));
    if (context.json) return print_json(g);
    print_text(fmt::format("name:        {}\nnodes:       {}\ndescription: {}\n", g.name, g.nodeset, g.description));
  });

  struct SetOptions {
    std::string name, rename, nodes, description;
  };
  auto set = std::make_shared<SetOptions>();
  cmd = group->add_subcommand("set", "Change a group");
  cmd->add_option("name", set->name, "Group name")->required();
  cmd->add_option("--nodes", set->nodes, "New node set");
  cmd->add_option("--rename", set->rename, "New name");
  cmd->add_option("--description", set->description, "Description");
  cmd->callback([&context, set, cmd] {
    auto g = unwrap(context.inventory().group(set->name));
    if (cmd->count("--rename")) g.name = set->rename;
    if (cmd->count("--nodes")) g.nodeset = set->nodes;
    if (cmd->count("--description")) g.description = set->description;
    unwrap(context.inventory().update_group(set->name, g));
    notice("changed group {}", g.name);
  });

  auto remove = std::make_shared<std::string>();
  cmd = group->add_subcommand("remove", "Remove a group (its nodes stay)");
  cmd->add_option("name", *remove, "Group name")->required();
  cmd->callback([&context, remove] {
    unwrap(context.inventory().remove_group(*remove));
    notice("removed group {}", *remove);
  });
}

}  // namespace herd::cli
