// `herd track restore CHECKPOINT --packages`: the package manager commands that bring the
// root's installed packages back to a checkpoint's list. They are only printed unless the
// caller runs them (run_package_commands, `--packages --yes`).
#pragma once

#include <string>
#include <vector>

#include "track/history.h"
#include "track/packages/package.h"
#include "track/site.h"

namespace herd::track {

struct PackagePlan {
  std::string backend;
  std::vector<PackageChange> changes;  // from the live set to the checkpoint's
  std::vector<std::vector<std::string>> commands;
};

// Compares the root's installed packages with the checkpoint's list. A checkpoint without
// a package list, or a root whose package manager differs from the checkpoint's, is bad_input.
Result<PackagePlan> plan_package_restore(const Site& site, const CheckpointInfo& checkpoint);

// Runs each command in order; the first that fails (cannot start or exits non-zero)
// ends the run with a failure naming it and its output.
Status run_package_commands(const std::vector<std::vector<std::string>>& commands);

// A command as a shell would show it ("apt-get install -y 'a=1.0'").
std::string command_line(const std::vector<std::string>& argv);

}  // namespace herd::track
