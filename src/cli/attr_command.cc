// herd attr set|unset|list: attributes scoped global < os < appliance < rack < node.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "inventory/model_json.h"

namespace herd::cli {
namespace {

constexpr const char* kMasked = "********";

// Where an attribute is set: exactly one of the scope options, or none for global.
struct ScopeOptions {
  std::string node, appliance, os;
  int rack = -1;
};

void add_scope_options(CLI::App* cmd, ScopeOptions& o) {
  cmd->add_option("--node", o.node, "Node set: set at node scope on each");
  cmd->add_option("--appliance", o.appliance, "Appliance scope");
  cmd->add_option("--rack", o.rack, "Rack scope");
  cmd->add_option("--os", o.os, "OS scope");
}

// The (scope, target) pairs the options name; global when none is given.
std::vector<std::pair<inventory::Scope, std::string>> targets(Context& context, const ScopeOptions& o) {
  int given = !o.node.empty() + !o.appliance.empty() + (o.rack >= 0) + !o.os.empty();
  if (given > 1) fail(bad_input("give one of --node, --appliance, --rack, --os (or none for global)"));
  using inventory::Scope;
  if (!o.appliance.empty()) return {{Scope::appliance, o.appliance}};
  if (o.rack >= 0) return {{Scope::rack, std::to_string(o.rack)}};
  if (!o.os.empty()) return {{Scope::os, o.os}};
  if (o.node.empty()) return {{Scope::global, ""}};
  std::vector<std::pair<Scope, std::string>> out;
  for (auto& name : context.select_nodes({o.node, "", ""})) out.emplace_back(Scope::node, name);
  return out;
}

std::string where(inventory::Scope scope, const std::string& target) {
  return target.empty() ? inventory::scope_name(scope) : fmt::format("{} {}", inventory::scope_name(scope), target);
}

struct SetOptions {
  ScopeOptions scope;
  std::string name, value;
  bool secret = false;
};

struct ListOptions {
  std::string node, scope;
  bool blame = false, secrets = false;
};

void run_list(Context& context, const ListOptions& o) {
  auto& inv = context.inventory();
  if (!o.node.empty()) {
    auto resolved = unwrap(inv.resolve_attributes(o.node, /*include_secrets=*/true));
    if (context.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& [name, a] : resolved) {
        nlohmann::json row = {{"name", name}, {"value", a.secret && !o.secrets ? kMasked : a.value}, {"secret", a.secret}};
        if (o.blame) row["scope"] = inventory::scope_name(a.scope), row["target"] = a.target;
        j.push_back(row);
      }
      return print_json(j);
    }
    Table t(o.blame ? std::vector<std::string>{"NAME", "VALUE", "FROM"} : std::vector<std::string>{"NAME", "VALUE"});
    for (const auto& [name, a] : resolved) {
      std::string value = a.secret && !o.secrets ? kMasked : a.value;
      if (o.blame) t.add({name, value, where(a.scope, a.target)});
      else t.add({name, value});
    }
    return print_text(t.render());
  }
  std::optional<inventory::Scope> scope;
  if (!o.scope.empty()) {
    scope = inventory::parse_scope(o.scope);
    if (!scope) fail(bad_input("--scope '{}': expected global, os, appliance, rack or node", o.scope));
  }
  auto attributes = unwrap(inv.attributes(scope, /*include_secrets=*/true));
  for (auto& a : attributes)
    if (a.secret && !o.secrets) a.value = kMasked;
  if (context.json) return print_json(attributes);
  Table t({"SCOPE", "TARGET", "NAME", "VALUE"});
  for (const auto& a : attributes) t.add({inventory::scope_name(a.scope), a.target, a.name, a.value});
  print_text(t.render());
}

}  // namespace

void add_attr_command(CLI::App& app, Context& context) {
  auto* attr = app.add_subcommand("attr", "Attributes scoped global < os < appliance < rack < node; the most specific wins");
  attr->require_subcommand(1);

  auto set = std::make_shared<SetOptions>();
  auto* cmd = attr->add_subcommand("set", "Set an attribute (global unless a scope is given)");
  cmd->add_option("name", set->name, "Attribute name, e.g. slurm.partition")->required();
  cmd->add_option("value", set->value, "Value")->required();
  add_scope_options(cmd, set->scope);
  cmd->add_flag("--secret", set->secret, "Store apart; never printed unless asked with --secrets");
  cmd->callback([&context, set] {
    auto& inv = context.inventory();
    auto chosen = targets(context, set->scope);
    inventory::Transaction tx(inv.database());
    unwrap(tx.begin());
    for (const auto& [scope, target] : chosen) unwrap(inv.set_attribute({scope, target, set->name, set->value, set->secret}));
    unwrap(tx.commit());
    notice("set {} at {}{}", set->name, where(chosen[0].first, chosen[0].second),
           chosen.size() > 1 ? fmt::format(" and {} more", chosen.size() - 1) : "");
  });

  auto unset = std::make_shared<SetOptions>();
  cmd = attr->add_subcommand("unset", "Remove an attribute from a scope");
  cmd->add_option("name", unset->name, "Attribute name")->required();
  add_scope_options(cmd, unset->scope);
  cmd->callback([&context, unset] {
    auto& inv = context.inventory();
    auto chosen = targets(context, unset->scope);
    inventory::Transaction tx(inv.database());
    unwrap(tx.begin());
    for (const auto& [scope, target] : chosen) unwrap(inv.unset_attribute(scope, target, unset->name));
    unwrap(tx.commit());
    notice("unset {} at {}{}", unset->name, where(chosen[0].first, chosen[0].second),
           chosen.size() > 1 ? fmt::format(" and {} more", chosen.size() - 1) : "");
  });

  auto list = std::make_shared<ListOptions>();
  cmd = attr->add_subcommand("list", "List attributes as set, or a node's effective attributes");
  cmd->add_option("node", list->node, "Show this node's effective attributes");
  cmd->add_flag("--blame", list->blame, "With a node: show the scope each value comes from");
  cmd->add_flag("--secrets", list->secrets, "Print secret values instead of ********");
  cmd->add_option("--scope", list->scope, "Only attributes set at this scope");
  cmd->callback([&context, list] { run_list(context, *list); });
}

}  // namespace herd::cli
