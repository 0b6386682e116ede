// One function per noun; each adds its subcommands to the top-level app.
#pragma once

namespace CLI {
class App;
}

namespace herd::cli {

class Context;

void add_init_command(CLI::App& app, Context& context);
void add_nodeset_command(CLI::App& app, Context& context);
void add_node_command(CLI::App& app, Context& context);
void add_interface_command(CLI::App& app, Context& context);
void add_network_command(CLI::App& app, Context& context);
void add_appliance_command(CLI::App& app, Context& context);
void add_group_command(CLI::App& app, Context& context);
void add_attr_command(CLI::App& app, Context& context);
void add_inventory_command(CLI::App& app, Context& context);
void add_report_command(CLI::App& app, Context& context);
void add_sync_command(CLI::App& app, Context& context);
void add_lab_command(CLI::App& app, Context& context);
void add_store_command(CLI::App& app, Context& context);
void add_track_command(CLI::App& app, Context& context);
// Adds init, push, pull and agent to the `track` noun: call after add_track_command.
void add_track_remote_command(CLI::App& app, Context& context);
// Adds `compare` to the `track` noun: call after add_track_command.
void add_track_compare_command(CLI::App& app, Context& context);
void add_pkg_command(CLI::App& app, Context& context);
void add_serve_command(CLI::App& app, Context& context);
void add_token_command(CLI::App& app, Context& context);
void add_run_command(CLI::App& app, Context& context);
void add_copy_command(CLI::App& app, Context& context);
void add_gather_command(CLI::App& app, Context& context);
// herd image: the catalog, capture, exec, update, deploy (image_command.cc and friends).
void add_image_command(CLI::App& app, Context& context);
void add_completion_command(CLI::App& app, Context& context);

}  // namespace herd::cli
