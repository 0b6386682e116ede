// herd image import NAME FILE: a tar archive or an OCI image layout as a new revision.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/image_commands.h"

namespace herd::cli {

void add_image_import_command(CLI::App&, Context&, std::shared_ptr<std::string>) {}

}  // namespace herd::cli
