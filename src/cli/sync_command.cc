// herd sync config [--config FILE] [--dry-run]
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "reports/sync.h"
#include "reports/sync_config.h"

namespace herd::cli {
namespace {

struct SyncConfigCommand {
  std::string config = reports::default_sync_config_path();
  bool dry_run = false;
};

std::string describe(const reports::OutputChange& change, bool dry_run) {
  using State = reports::OutputChange::State;
  std::string text;
  switch (change.state) {
    case State::unchanged: return "unchanged";
    case State::skipped: return "skipped (not this frontend)";
    case State::created: text = fmt::format("{} (+{} lines)", dry_run ? "would create" : "created", change.lines_added); break;
    case State::updated:
      text = fmt::format("{} (+{} -{} lines)", dry_run ? "would update" : "updated", change.lines_added, change.lines_removed);
      break;
  }
  if (!change.error.empty()) return text + ", FAILED";
  if (change.reloaded) text += ", reloaded";
  return text;
}

nlohmann::json to_json(const reports::OutputChange& change) {
  return {{"name", change.name},   {"kind", change.kind},         {"path", change.path},
          {"state", reports::state_name(change.state)},           {"lines_added", change.lines_added},
          {"lines_removed", change.lines_removed},                {"written", change.written},
          {"reload", change.reload}, {"reloaded", change.reloaded}, {"error", change.error}};
}

}  // namespace

void add_sync_command(CLI::App& app, Context& context) {
  auto* sync = app.add_subcommand("sync", "Bring derived files up to date with the inventory");
  sync->require_subcommand(1);
  auto o = std::make_shared<SyncConfigCommand>();
  auto* cmd = sync->add_subcommand(
      "config", "Write every generated file configured for this frontend whose content changed, then reload its service");
  cmd->add_option("--config", o->config, "Sync configuration (default: $HERD_SYNC_CONFIG or /etc/herd/sync.conf)");
  cmd->add_flag("--dry-run,-n", o->dry_run, "Only say what would change");
  cmd->callback([&context, o] {
    auto config = unwrap(reports::load_sync_config(o->config));
    auto cluster = unwrap(context.inventory().load_cluster());
    reports::SyncOptions options;
    options.dry_run = o->dry_run;
    auto report = unwrap(reports::sync_outputs(cluster, config, options));
    if (context.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& change : report.outputs) out.push_back(to_json(change));
      print_json(out);
    } else {
      Table table({"OUTPUT", "KIND", "PATH", "CHANGE"});
      for (const auto& change : report.outputs)
        table.add({change.name, change.kind, change.path, describe(change, o->dry_run)});
      print_text(table.render());
    }
    if (!report.ok()) {
      std::string errors;
      for (const auto& change : report.outputs)
        if (!change.error.empty()) errors += fmt::format("\n  [{}] {}", change.name, change.error);
      fail(failure("sync config: some outputs failed:{}", errors));
    }
  });
}

}  // namespace herd::cli
