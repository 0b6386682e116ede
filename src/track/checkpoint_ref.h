// Naming a checkpoint on the command line:
//   latest        the newest checkpoint of the host
//   latest~N      N checkpoints before it (latest~0 = latest)
//   1a2b3c...     a prefix of at least 4 hex digits of one checkpoint in the host's
//                 history (it must be unique there), or a whole 64-digit snapshot hash
// Unknown, ambiguous or malformed names are bad_input saying which.
#pragma once

#include <string>
#include <string_view>

#include "track/history.h"

namespace herd::track {

Result<CheckpointInfo> resolve_checkpoint(const store::ObjectStore& store, const store::Refs& refs,
                                          const std::string& ref, std::string_view name);

}  // namespace herd::track
