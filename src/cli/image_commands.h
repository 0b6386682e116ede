// The parts of `herd image` (image_command.cc adds the noun and the catalog verbs, then
// calls these).
#pragma once

#include <memory>
#include <string>

#include "util/result.h"

namespace CLI {
class App;
}

namespace herd::cli {

class Context;

// capture, upload, exec, shell (image_capture_command.cc).
void add_image_capture_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);
// import (image_import_command.cc).
void add_image_import_command(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);
// install (image_install_command.cc).
void add_image_install_command(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);
// update (image_update_command.cc).
void add_image_update_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);
// override set|list|show|remove, render (image_override_command.cc).
void add_image_override_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);
// deploy, rollback, status (image_fleet_command.cc).
void add_image_fleet_commands(CLI::App& noun, Context& context, std::shared_ptr<std::string> store);

// Checks a layout's text before a revision takes it (bad input names the file and line);
// image_install_command.cc.
Status check_layout(const std::string& text, const std::string& file);

}  // namespace herd::cli
