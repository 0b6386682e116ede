// herd image override set|list|show|remove and herd image render: per-scope trees over images.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "cli/image_commands.h"

namespace herd::cli {

void add_image_override_commands(CLI::App&, Context&, std::shared_ptr<std::string>) {}

}  // namespace herd::cli
