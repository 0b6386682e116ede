// herd image deploy|rollback|status: images across the cluster, from the frontend.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/image_commands.h"

namespace herd::cli {

void add_image_fleet_commands(CLI::App&, Context&, std::shared_ptr<std::string>) {}

}  // namespace herd::cli
