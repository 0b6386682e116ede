// User templates: mustache (kainjow) over the template data (template_data.h).
//
// Differences from HTML mustache, because the output is a configuration file:
//   - {{name}} does not HTML-escape (neither does {{{name}}});
//   - an empty string is false in a section, like false or an empty list, so
//     {{#ip}}...{{/ip}} skips what has no address;
//   - {{> name}} includes the file "name.mustache" from the template's own folder.
// Errors are bad_input naming the template file, with the line and column when the
// parser reports a position: "/etc/herd/hosts.mustache:3:7: Unclosed section "nodes"".
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace herd::reports {

// Renders template `text`; `name` is used in error messages and `folder` is where
// partials are read from ("" = no partials).
Result<std::string> render_template(std::string_view text, const nlohmann::json& data, std::string_view name,
                                    const std::string& folder = "");

// Reads the template file at `path` and renders it. A missing file is bad_input.
Result<std::string> render_template_file(const std::string& path, const nlohmann::json& data);

}  // namespace herd::reports
