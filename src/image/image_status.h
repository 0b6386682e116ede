// Where the frontend keeps each node's newest image report (image_report.h): one file per
// node beside the store, replaced atomically by herd serve, read by `herd image status`.
//
//   <store's parent>/image-status/NODE.json
#pragma once

#include <map>
#include <string>

#include "image/image_report.h"
#include "util/result.h"

namespace herd::image {

std::string status_dir(const std::string& store_root);
std::string status_path(const std::string& store_root, const std::string& node);

// Every node's report, by node. A report that does not decode is skipped and named in
// `problems` (a frontend keeps working with a damaged file).
std::map<std::string, ImageReport> load_reports(const std::string& store_root, std::vector<std::string>& problems);

}  // namespace herd::image
