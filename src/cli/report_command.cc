// herd report KIND [NODES] | herd report --list | herd report --data
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "cli/table.h"
#include "reports/cluster_view.h"
#include "reports/report.h"
#include "reports/template.h"
#include "reports/template_data.h"

namespace herd::cli {
namespace {

struct ReportCommand {
  std::string kind;
  Selection selection;
  std::string template_path;
  std::string network, zone;
  bool reverse = false;
  uint32_t serial = 1;
  bool list = false;
  bool data = false;
};

void list_kinds(const Context& context) {
  if (context.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& info : reports::kinds())
      out.push_back({{"kind", info.name}, {"description", info.description}, {"path", info.default_path}});
    return print_json(out);
  }
  Table table({"KIND", "USUAL PATH", "DESCRIPTION"});
  for (const auto& info : reports::kinds())
    table.add({std::string(info.name), std::string(info.default_path), std::string(info.description)});
  print_text(table.render());
}

}  // namespace

void add_report_command(CLI::App& app, Context& context) {
  auto o = std::make_shared<ReportCommand>();
  auto* cmd = app.add_subcommand("report", "Print a generated service file (hosts, dhcpd, zone, slurm, ...)");
  cmd->footer(
      "Examples:\n"
      "  herd report --list\n"
      "  herd report hosts\n"
      "  herd report dhcpd --network private\n"
      "  herd report zone --network private --reverse\n"
      "  herd report slurm @compute\n"
      "  herd report hosts --template /etc/herd/hosts.mustache\n"
      "  herd report --data > data.json     # what a template sees");
  cmd->add_option("kind", o->kind, "What to print (see --list)");
  add_selection_options(cmd, o->selection);
  cmd->add_option("--template", o->template_path, "Render this mustache template instead of herd's format");
  cmd->add_option("--network", o->network, "DHCP: only this network; zone: the zone (or reverse zone) of this network");
  cmd->add_option("--zone", o->zone, "zone: the forward zone to write");
  cmd->add_flag("--reverse", o->reverse, "zone: write the reverse (in-addr.arpa) zone of --network");
  cmd->add_option("--serial", o->serial, "zone: SOA serial (herd sync config manages it)");
  cmd->add_flag("--list", o->list, "List the kinds with a description");
  cmd->add_flag("--data", o->data, "Print the data templates see, as JSON");
  cmd->callback([&context, o] {
    if (o->list) return list_kinds(context);
    // `herd report --data NODES`: with --data the kind is optional, so a first word that
    // is not a kind is the node set.
    if (o->data && !o->kind.empty() && !reports::parse_kind(o->kind) && o->selection.nodes.empty()) {
      o->selection.nodes = o->kind;
      o->kind.clear();
    }
    std::optional<reports::Kind> kind = reports::Kind::hosts;
    if (!o->kind.empty()) kind = reports::parse_kind(o->kind);
    if (!kind) fail(bad_input("report: unknown kind '{}' (see herd report --list)", o->kind));
    if (o->kind.empty() && !o->data) fail(bad_input("report: name a kind (see herd report --list)"));

    reports::ReportOptions options;
    options.network = o->network;
    options.zone = o->zone;
    options.reverse = o->reverse;
    options.serial = o->serial;
    if (o->selection.any()) options.nodes = context.select_nodes(o->selection, /*required=*/false);

    auto cluster = unwrap(context.inventory().load_cluster());
    auto view = unwrap(reports::ClusterView::build(cluster));
    if (o->data || !o->template_path.empty()) {
      auto data = unwrap(reports::template_data(view, *kind, options));
      if (o->data) return print_json(data);
      return print_text(unwrap(reports::render_template_file(o->template_path, data)));
    }
    print_text(unwrap(reports::render(*kind, view, options)));
  });
}

}  // namespace herd::cli
