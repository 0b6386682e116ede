// herd appliance add|list|show|set|remove
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"

namespace herd::cli {

void add_appliance_command(CLI::App& app, Context& context) {
  auto* appliance = app.add_subcommand("appliance", "Add, list, show, change and remove appliances (node kinds)");
  appliance->require_subcommand(1);

  auto add = std::make_shared<inventory::Appliance>();
  auto* cmd = appliance->add_subcommand("add", "Add an appliance");
  cmd->add_option("name", add->name, "Appliance name")->required();
  cmd->add_option("--profile", add->profile, "Root of its profile graph");
  cmd->add_option("--description", add->description, "Description");
  cmd->callback([&context, add] {
    unwrap(context.inventory().add_appliance(*add));
    notice("added appliance {}", add->name);
  });

  cmd = appliance->add_subcommand("list", "List appliances");
  cmd->callback([&context] {
    auto appliances = unwrap(context.inventory().appliances());
    if (context.json) return print_json(appliances);
    Table t({"NAME", "PROFILE", "DESCRIPTION"});
    for (const auto& a : appliances) t.add({a.name, a.profile, a.description});
    print_text(t.render());
  });

  auto show = std::make_shared<std::string>();
  cmd = appliance->add_subcommand("show", "Show one appliance");
  cmd->add_option("name", *show, "Appliance name")->required();
  cmd->callback([&context, show] {
    auto a = unwrap(context.inventory().appliance(*show));
    if (context.json) return print_json(a);
    print_text(fmt::format("name:        {}\nprofile:     {}\ndescription: {}\n", a.name, a.profile, a.description));
  });

  struct SetOptions {
    std::string name, rename, profile, description;
  };
  auto set = std::make_shared<SetOptions>();
  cmd = appliance->add_subcommand("set", "Change an appliance");
  cmd->add_option("name", set->name, "Appliance name")->required();
  cmd->add_option("--rename", set->rename, "New name");
  cmd->add_option("--profile", set->profile, "Root of its profile graph");
  cmd->add_option("--description", set->description, "Description");
  cmd->callback([&context, set, cmd] {
    auto a = unwrap(context.inventory().appliance(set->name));
    if (cmd->count("--rename")) a.name = set->rename;
    if (cmd->count("--profile")) a.profile = set->profile;
    if (cmd->count("--description")) a.description = set->description;
    unwrap(context.inventory().update_appliance(set->name, a));
    notice("changed appliance {}", a.name);
  });

  auto remove = std::make_shared<std::string>();
  cmd = appliance->add_subcommand("remove", "Remove an appliance no node uses");
  cmd->add_option("name", *remove, "Appliance name")->required();
  cmd->callback([&context, remove] {
    unwrap(context.inventory().remove_appliance(*remove));
    notice("removed appliance {}", *remove);
  });
}

}  // namespace herd::cli
