// herd: one command for the whole cluster. Nouns and verbs, `herd NOUN VERB`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{"herd: manage a Linux cluster as one machine.\n"
               "The inventory of nodes is the truth; service files, node lists and selections derive from it."};
  app.name("herd");
  app.set_version_flag("--version", std::string("herd ") + herd::cli::kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `herd node list --json`

  herd::cli::Context context;
  context.db_path = herd::cli::default_db_path();
  app.add_option("--db", context.db_path, "Inventory database (default: $HERD_DB or /var/lib/herd/herd.db)");
  app.add_flag("--json", context.json, "Print lists and records as JSON");

  herd::cli::add_init_command(app, context);
  herd::cli::add_node_command(app, context);
  herd::cli::add_interface_command(app, context);
  herd::cli::add_network_command(app, context);
  herd::cli::add_appliance_command(app, context);
  herd::cli::add_group_command(app, context);
  herd::cli::add_attr_command(app, context);
  herd::cli::add_nodeset_command(app, context);
  herd::cli::add_report_command(app, context);
  herd::cli::add_sync_command(app, context);
  herd::cli::add_inventory_command(app, context);
  herd::cli::add_lab_command(app, context);
  herd::cli::add_store_command(app, context);
  herd::cli::add_track_command(app, context);
  herd::cli::add_track_remote_command(app, context);
  herd::cli::add_track_compare_command(app, context);
  herd::cli::add_pkg_command(app, context);
  herd::cli::add_serve_command(app, context);
  herd::cli::add_token_command(app, context);
  herd::cli::add_run_command(app, context);
  herd::cli::add_copy_command(app, context);
  herd::cli::add_gather_command(app, context);
  herd::cli::add_image_command(app, context);
  herd::cli::add_completion_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Bad usage: CLI11's message, then exit 2 as for any bad input.
    std::cerr << "herd: " << e.what() << "\n";
    if (e.get_name() == "RequiredError" || e.get_name() == "ArgumentMismatch")
      std::cerr << "Run with --help for usage.\n";
    return 2;
  } catch (const herd::cli::ExitWith& e) {
    std::fflush(stdout);
    return e.code;
  } catch (const herd::cli::CommandError& e) {
    std::fflush(stdout);
    std::cerr << "herd: " << e.error.message << "\n";
    return e.error.exit_code();
  }
  return 0;
}
