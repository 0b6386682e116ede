// herd image install NAME[:REV] --disk DEV: an image onto a blank disk, bootable.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/image_commands.h"

namespace herd::cli {

void add_image_install_command(CLI::App&, Context&, std::shared_ptr<std::string>) {}

Status check_layout(const std::string&, const std::string&) { return {}; }

}  // namespace herd::cli
