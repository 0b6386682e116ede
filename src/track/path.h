// Paths inside a tracked root. A tracked path is written as if the root were "/":
// "/etc/ssh/sshd_config". The canonical form starts with '/', has no empty, "." or ".."
// component, no NUL and no trailing '/'; the root itself is "/".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::track {

// The canonical form of `path`, or bad_input naming it: it must start with '/' and may
// not contain ".." or NUL. Repeated '/', "." components and a trailing '/' are dropped.
Result<std::string> normalize_path(std::string_view path);

// The components of a canonical path ("/" has none). Views into `path`.
std::vector<std::string_view> path_components(std::string_view path);

// "/etc" + "hosts" -> "/etc/hosts"; "/" + "etc" -> "/etc".
std::string join_path(std::string_view parent, std::string_view name);

// Whether canonical `path` is `prefix` or lies beneath it ("/etc" is within "/").
bool path_within(std::string_view path, std::string_view prefix);

// The last component ("" for "/").
std::string_view base_name(std::string_view path);

// The parent of a canonical path ("/" for "/etc" and for "/").
std::string_view parent_path(std::string_view path);

}  // namespace herd::track
