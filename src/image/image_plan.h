// What the frontend says a node should run: the reply of GET /api/v1/image/plan
// (docs/server.md, "Images"). Parsed from what the server sends, so fuzzed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/deploy_state.h"
#include "store/hash.h"
#include "util/result.h"

namespace herd::image {

struct ImagePlan {
  std::string node, image;
  uint64_t revision = 0;
  store::Hash snapshot, image_tree, tree;  // tree: the effective tree (image + overrides)
  std::vector<std::string> preserve, exclude, overrides;
  std::string cmdline;
  std::string etag;  // the reply's ETag: sent back as If-None-Match by the next update

  // The deploy target this plan names, from `source` (the server's URL).
  DeployedState target(const std::string& source) const;
};

// The reply's JSON; bad_input naming `what` and the field otherwise.
Result<ImagePlan> parse_image_plan(std::string_view text, const std::string& what);

// The ETag a plan naming `snapshot` and effective `tree` has (the server's and the
// node's, so a node that runs it can ask "has it changed?" with If-None-Match).
std::string image_plan_etag(const store::Hash& snapshot, const store::Hash& tree);

}  // namespace herd::image
