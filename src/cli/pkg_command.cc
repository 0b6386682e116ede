// herd pkg where|diff: installed packages across the nodes, from each node's latest
// checkpoint in the frontend's store. The work is in src/track/fleet_packages.h.
#include <CLI/CLI.hpp>

#include <map>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/fleet_output.h"
#include "cli/output.h"
#include "track/fleet.h"
#include "track/fleet_packages.h"

namespace herd::cli {
namespace {

struct StoreOptions {
  std::string store;
  std::string checkpoint = "latest";
};

void add_store_options(CLI::App* cmd, StoreOptions& o) {
  cmd->add_option("--store", o.store, "Store folder (default $HERD_STORE, else /var/lib/herd/store)");
  cmd->add_option("--checkpoint", o.checkpoint, "latest (default) or latest~N of every node");
}

// The package lists of the selected nodes' checkpoints.
std::vector<track::NodePackages> load_packages(const StoreOptions& o, const std::vector<std::string>& names) {
  unsigned back = unwrap(track::parse_fleet_checkpoint(o.checkpoint));
  std::string root = o.store.empty() ? store::default_store_root() : o.store;
  auto store = unwrap(store::ObjectStore::open(root));
  store::Refs refs(root);
  auto nodes = unwrap(track::load_fleet_checkpoints(store, refs, names, back));
  return track::load_fleet_packages(store, nodes);
}

nlohmann::json package_json(const track::Package& p) {
  return {{"name", p.name}, {"version", p.version}, {"arch", p.arch}};
}

// --- where

struct WhereCommand {
  std::string package;
  Selection selection;
  StoreOptions store;
};

std::string versions_text(const std::vector<track::Package>& packages) {
  std::string out;
  for (const auto& p : packages) out += (out.empty() ? "" : ", ") + p.version + " (" + p.arch + ")";
  return out;
}

void run_where(Context& context, const WhereCommand& o) {
  auto package = unwrap(track::parse_package_name(o.package));
  auto names = context.select_nodes(o.selection);
  auto groups = track::where_package(load_packages(o.store, names), package);
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& g : groups) {
      auto j = node_group_json(g.nodes);
      j["state"] = track::where_state_name(g.state);
      nlohmann::json versions = nlohmann::json::array();
      for (const auto& p : g.packages) versions.push_back(package_json(p));
      j["packages"] = versions;
      if (!g.error.empty()) j["error"] = g.error;
      out.push_back(std::move(j));
    }
    print_json({{"package", o.package}, {"nodes", names.size()}, {"groups", out}});
    return;
  }
  GroupLines lines;
  for (const auto& g : groups) {
    std::string what = g.state == track::WhereGroup::State::installed ? versions_text(g.packages)
                                                                      : track::where_state_name(g.state);
    if (!g.error.empty()) what += ": " + g.error;
    lines.add(g.nodes, what);
  }
  print_text(lines.render());
}

// --- diff

struct DiffCommand {
  Selection selection;
  StoreOptions store;
};

const char* order_name(int order) { return order < 0 ? "older" : order > 0 ? "newer" : "other"; }

nlohmann::json drift_json(const track::PackageDrift& d) {
  auto j = node_group_json(d.nodes);
  nlohmann::json missing = nlohmann::json::array(), extra = nlohmann::json::array(), changed = nlohmann::json::array();
  for (const auto& p : d.missing) missing.push_back(package_json(p));
  for (const auto& p : d.extra) extra.push_back(package_json(p));
  for (const auto& c : d.changed)
    changed.push_back({{"name", c.node.name}, {"arch", c.node.arch}, {"majority", c.majority.version},
                       {"version", c.node.version}, {"order", order_name(c.order)}});
  j["missing"] = missing;
  j["extra"] = extra;
  j["changed"] = changed;
  return j;
}

std::string drift_text(const track::PackageDrift& d) {
  std::string out;
  for (const auto& p : d.missing) out += fmt::format("      missing  {} {} ({})\n", p.name, p.version, p.arch);
  for (const auto& p : d.extra) out += fmt::format("      extra    {} {} ({})\n", p.name, p.version, p.arch);
  for (const auto& c : d.changed)
    out += fmt::format("      {:<8} {} {} -> {} ({})\n", order_name(c.order), c.node.name, c.majority.version,
                       c.node.version, c.node.arch);
  return out;
}

void run_diff(Context& context, const DiffCommand& o) {
  auto names = context.select_nodes(o.selection);
  std::map<std::string, std::string> appliance_of;
  for (const auto& node : unwrap(context.inventory().nodes(names))) appliance_of[node.name] = node.appliance;
  auto drifts = track::package_drift(load_packages(o.store, names), appliance_of);
  bool differ = false;
  for (const auto& a : drifts) differ = differ || a.differ();
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : drifts) {
      nlohmann::json majority = nlohmann::json::array(), groups = nlohmann::json::array(),
                     unreadable = nlohmann::json::array();
      for (const auto& p : a.majority) majority.push_back(package_json(p));
      for (const auto& d : a.drifts) groups.push_back(drift_json(d));
      for (const auto& [node, error] : a.unreadable) unreadable.push_back({{"node", node}, {"error", error}});
      out.push_back({{"appliance", a.appliance},
                     {"listed", a.listed},
                     {"majority", majority},
                     {"matching", node_group_json(a.matching)},
                     {"differing", groups},
                     {"no_package_list", node_group_json(a.no_list)},
                     {"no_checkpoint", node_group_json(a.no_checkpoint)},
                     {"unreadable", unreadable}});
    }
    print_json({{"nodes", names.size()}, {"differ", differ}, {"appliances", out}});
  } else {
    std::string out;
    for (const auto& a : drifts) {
      size_t total = a.listed + a.no_list.size() + a.no_checkpoint.size() + a.unreadable.size();
      out += fmt::format("appliance {}: {} nodes, {} with a package list; majority set of {} packages\n",
                         a.appliance.empty() ? "(none)" : a.appliance, total, a.listed, a.majority.size());
      GroupLines lines;
      if (!a.matching.empty()) lines.add(a.matching, "same as the majority");
      std::string text = lines.render("  ");
      for (const auto& d : a.drifts) {
        GroupLines one;
        one.add(d.nodes, fmt::format("differ: {} missing, {} extra, {} at another version", d.missing.size(),
                                     d.extra.size(), d.changed.size()));
        text += one.render("  ") + drift_text(d);
      }
      GroupLines rest;
      if (!a.no_list.empty()) rest.add(a.no_list, "no package list");
      if (!a.no_checkpoint.empty()) rest.add(a.no_checkpoint, "no checkpoint");
      for (const auto& [node, error] : a.unreadable) rest.add({node}, "unreadable: " + error);
      out += text + rest.render("  ");
    }
    print_text(out);
  }
  // Like diff(1): 0 when every node has its appliance's majority set, 1 otherwise.
  if (differ) throw ExitWith{1};
}

}  // namespace

void add_pkg_command(CLI::App& app, Context& context) {
  auto* pkg = app.add_subcommand("pkg", "Installed packages across the nodes, from their checkpoints in the store");
  pkg->require_subcommand(1);

  auto where = std::make_shared<WhereCommand>();
  auto* cmd = pkg->add_subcommand("where", "Which version of a package each node has, nodes with one version together");
  cmd->add_option("package", where->package, "NAME or NAME:ARCH, e.g. openssh-server")->required();
  add_selection_options(cmd, where->selection);
  add_store_options(cmd, where->store);
  cmd->callback([&context, where] { run_where(context, *where); });

  auto diff = std::make_shared<DiffCommand>();
  cmd = pkg->add_subcommand("diff",
                            "Per appliance: nodes whose packages differ from the majority set; exit 0 same, 1 differ");
  add_selection_options(cmd, diff->selection);
  add_store_options(cmd, diff->store);
  cmd->callback([&context, diff] { run_diff(context, *diff); });
}

}  // namespace herd::cli
