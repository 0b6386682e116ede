// A revision's settings (docs/image.md, "The model"): disk layout, kernel command line,
// preserved paths and capture excludes. They are stored in the revision's snapshot
// metadata as text, so they are versioned with the tree and a revision fully describes
// what a node gets.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace herd::image {

struct ImageSettings {
  std::string layout;                // the layout file's text (disk/layout.h); "" = none
  std::string cmdline;               // kernel command line for installs
  std::vector<std::string> preserve; // globs, added to the default preserved paths
  std::vector<std::string> exclude;  // globs, added to the default capture excludes
  bool operator==(const ImageSettings&) const = default;
};

// Writes the settings into `metadata` under layout, cmdline, preserve and exclude (lists
// one item a line).
void put_settings(const ImageSettings& settings, std::map<std::string, std::string>& metadata);
// Reads them back; missing keys are empty settings.
ImageSettings get_settings(const std::map<std::string, std::string>& metadata);

// Checks a preserve or exclude glob the way the tracking spec does (an absolute path
// pattern or a name pattern without '/'); bad_input naming `what` and the glob.
Status check_path_glob(const std::string& glob, const std::string& what);

}  // namespace herd::image
