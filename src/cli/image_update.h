// What the update commands share (image_update_command.cc, image_node_update.cc): the
// flags, and running a deploy with progress, action lines and the summary printed.
#pragma once

#include <string>

#include "cli/track_remote.h"
#include "image/deploy.h"
#include "store/object_stream.h"

namespace herd::cli {

class Context;

struct UpdateFlags {
  std::string revision;  // --revision
  bool dry_run = false, verify = false, list = false;
  std::string root = "/";
  int jobs = 4;
  std::string image;     // --image NAME[:REV]: local mode
  RemoteOptions remote;
};

struct UpdateOutcome {
  image::DeployResult result;
};

// Deploys and prints (text or JSON). Throws CommandError on failure.
UpdateOutcome run_deploy_printing(Context& context, const std::string& root, store::ObjectSource& source,
                                  const image::DeployedState& target, const UpdateFlags& flags);

// `herd image update` on an enrolled node: the plan from the server, objects from it,
// and the outcome reported back (image_node_update.cc).
void run_node_update(Context& context, const UpdateFlags& flags);

}  // namespace herd::cli
