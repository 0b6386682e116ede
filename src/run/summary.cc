#include "run/summary.h"

#include <algorithm>

#include <fmt/format.h>

#include "nodeset/node_set.h"

namespace herd::run {

Summary summarize(const std::vector<NodeResult>& results) {
  Summary s;
  s.total = results.size();
  bool unreachable = false;
  for (const auto& r : results) {
    switch (r.status) {
      case NodeStatus::ok: ++s.ok; break;
      case NodeStatus::unreachable: s.unreachable.push_back(r.node); unreachable = true; break;
      case NodeStatus::timeout: s.timed_out.push_back(r.node); break;
      case NodeStatus::failed: s.exit_codes[r.exit_code].push_back(r.node); break;
    }
    if (r.status != NodeStatus::ok) s.exit_status = std::max(s.exit_status, r.exit_code);
  }
  if (unreachable) s.exit_status = 255;
  return s;
}

std::vector<std::string> Summary::failed() const {
  std::vector<std::string> all = unreachable;
  all.insert(all.end(), timed_out.begin(), timed_out.end());
  for (const auto& [code, nodes] : exit_codes) all.insert(all.end(), nodes.begin(), nodes.end());
  return all;
}

std::vector<std::string> Summary::lines() const {
  std::vector<std::string> out;
  if (!unreachable.empty())
    out.push_back(fmt::format("unreachable (exit 255): {} ({})", nodeset::fold(unreachable), unreachable.size()));
  if (!timed_out.empty())
    out.push_back(fmt::format("timed out: {} ({})", nodeset::fold(timed_out), timed_out.size()));
  for (const auto& [code, nodes] : exit_codes)
    out.push_back(fmt::format("exit {}: {} ({})", code, nodeset::fold(nodes), nodes.size()));
  return out;
}

}  // namespace herd::run
