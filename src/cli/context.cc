#include "cli/context.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unordered_set>

#include "inventory/schema.h"
#include "nodeset/node_set.h"

namespace herd::cli {

std::string default_db_path() {
  const char* env = std::getenv("HERD_DB");
  if (env && *env) return env;
  return "/var/lib/herd/herd.db";
}

bool Context::database_exists() const { return std::filesystem::exists(db_path); }

inventory::Database& Context::database() {
  inventory();
  return *db_;
}

inventory::Inventory& Context::inventory() {
  if (!inventory_) {
    db_ = unwrap(inventory::open_sqlite(db_path, /*create=*/false));
    unwrap(inventory::migrate(*db_));
    inventory_ = std::make_unique<inventory::Inventory>(*db_);
  }
  return *inventory_;
}

inventory::Inventory& Context::create_inventory() {
  db_ = unwrap(inventory::open_sqlite(db_path, /*create=*/true));
  unwrap(inventory::migrate(*db_));
  inventory_ = std::make_unique<inventory::Inventory>(*db_);
  return *inventory_;
}

Result<const nodeset::GroupResolver*> Context::group_resolver() {
  try {
    return static_cast<const nodeset::GroupResolver*>(&inventory());
  } catch (const CommandError& e) {
    return e.error;
  }
}

std::vector<std::string> Context::select_nodes(const Selection& selection, bool required) {
  if (!selection.any()) {
    if (required) fail(bad_input("no nodes selected: give a node set, --where or --query"));
    return {};
  }
  auto& inv = inventory();
  std::optional<std::vector<std::string>> chosen;
  // Several ways given at once select the nodes that every one of them selects.
  auto narrow = [&](std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (!chosen) {
      chosen = std::move(names);
      return;
    }
    std::vector<std::string> both;
    std::set_intersection(chosen->begin(), chosen->end(), names.begin(), names.end(), std::back_inserter(both));
    chosen = std::move(both);
  };
  if (!selection.nodes.empty()) {
    auto set = unwrap(nodeset::NodeSet::parse(selection.nodes, &inv));
    narrow(set.expand());
  }
  if (!selection.where.empty()) narrow(unwrap(inv.select_where(selection.where)));
  if (!selection.query.empty()) {
    auto reader = unwrap(inventory::open_sqlite_read_only(db_path));
    std::vector<std::string> names;
    auto status = reader->query(selection.query, {}, [&](const inventory::Row& row) {
      if (!row.empty()) names.push_back(inventory::to_text(row[0]));
    });
    if (!status) fail(status.error().with_context("--query"));
    narrow(std::move(names));
  }
  // Every name must be a node of the inventory.
  auto all = unwrap(inv.node_names());
  std::vector<std::string> unknown;
  std::set_difference(chosen->begin(), chosen->end(), all.begin(), all.end(), std::back_inserter(unknown));
  if (!unknown.empty()) fail(bad_input("unknown node(s): {}", nodeset::fold(unknown)));
  if (chosen->empty() && required) fail(bad_input("the selection matches no node"));
  return *chosen;
}

void add_selection_options(CLI::App* command, Selection& selection, bool positional) {
  if (positional) command->add_option("nodes", selection.nodes, "Node set, e.g. compute-0-[0-31] or @rack1,@gpu");
  command->add_option("--where", selection.where,
                      "Select nodes by expression, e.g. 'appliance == \"compute\" and rack in (0, 1)'");
  command->add_option("--query", selection.query,
                      "Select nodes by read-only SQL whose first column is node names");
}

}  // namespace herd::cli
