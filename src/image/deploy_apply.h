// Staging and committing a deploy's plan (deploy.h, passes 2 and 3). Internal to
// src/image/deploy*.cc.
#pragma once

#include <vector>

#include "image/deploy.h"
#include "image/deploy_plan.h"
#include "store/object_stream.h"
#include "track/stat_cache.h"

namespace herd::image {

struct ApplyContext {
  int root_fd = -1;
  std::string root;  // for messages
  store::ObjectSource* source = nullptr;
  const DeployOptions* options = nullptr;
  DeployResult* result = nullptr;
  // Filled in: what lstat says about every file written (for the stat cache), and the
  // inodes replaced or removed (whose records are dropped).
  std::vector<track::StatRecord> written;
  std::vector<std::pair<uint64_t, uint64_t>> gone;
};

// Writes every new entry as a temporary (new folders whole under a temporary name). On
// failure everything staged is removed again and the root is as it was.
Status stage(Plan& plan, ApplyContext& context);
// Renames what was staged into place, removes, changes metadata, links, and sets folder
// metadata. Must follow a successful stage().
Status commit(Plan& plan, ApplyContext& context);

}  // namespace herd::image
