// herd inventory export|import: the whole inventory as CSV files.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/output.h"
#include "inventory/inventory_csv.h"

namespace herd::cli {

void add_inventory_command(CLI::App& app, Context& context) {
  auto* inventory = app.add_subcommand("inventory", "Export or import the whole inventory as CSV files");
  inventory->require_subcommand(1);

  struct Options {
    std::string folder;
    bool secrets = false;
  };
  auto exp = std::make_shared<Options>();
  auto* cmd = inventory->add_subcommand("export", "Write the inventory as CSV files into a folder");
  cmd->add_option("folder", exp->folder, "Folder to write")->required();
  cmd->add_flag("--secrets", exp->secrets, "Also write secrets.csv with secret attributes");
  cmd->callback([&context, exp] {
    unwrap(inventory::export_csv(context.inventory(), exp->folder, exp->secrets));
    notice("exported the inventory to {}", exp->folder);
  });

  auto imp = std::make_shared<Options>();
  cmd = inventory->add_subcommand("import",
                                  "Replace the inventory with CSV files from a folder (all or nothing)");
  cmd->add_option("folder", imp->folder, "Folder with the CSV files of `herd inventory export`")->required();
  cmd->callback([&context, imp] {
    auto count = unwrap(inventory::import_csv(context.inventory(), imp->folder));
    notice("imported {} node(s) from {}", count, imp->folder);
  });
}

}  // namespace herd::cli
