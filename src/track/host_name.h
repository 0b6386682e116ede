// The rule for a host's name in the store: it becomes part of ref names
// (checkpoints/<host>) and of the agent's state, so letters, digits, '.', '_' and '-'
// only, not starting with '.', at most 255 bytes.
#pragma once

#include <string>
#include <string_view>

namespace herd::track {

bool valid_host_name(std::string_view name);

// "<user running herd>@<host>": the author of a checkpoint or image revision.
std::string user_at(const std::string& host);
// This machine's host name (gethostname), "localhost" when it has none.
std::string this_host_name();

}  // namespace herd::track
