// The data a user template sees: the Cluster as one JSON document, the same for every
// kind, restricted to the selected nodes. `herd report --data` prints it; docs/reports.md
// describes every field. Mustache cannot look up names containing '.', so settings and
// attributes appear twice: as a map with '.' replaced by '_' (`attr.slurm_partition`) and
// as a list of {name, value} pairs. Every object in a list carries "first" and "last"
// booleans so templates can write separators (JSON commas).
#pragma once

#include <nlohmann/json.hpp>

#include "reports/cluster_view.h"
#include "reports/report.h"
#include "util/result.h"

namespace herd::reports {

// Fails only on bad input the view did not catch (an unknown selected node, a group
// whose node set does not parse).
Result<nlohmann::json> template_data(const ClusterView& view, Kind kind, const ReportOptions& options);

}  // namespace herd::reports
