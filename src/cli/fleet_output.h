// Output shared by the frontend-wide commands (track compare, pkg where, pkg diff): groups
// of nodes printed as folded node sets with their size, aligned, one group a line.
#pragma once

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nodeset/node_set.h"

namespace herd::cli {

// A group's nodes in JSON: the folded set, the count and the names.
inline nlohmann::json node_group_json(const std::vector<std::string>& nodes) {
  return {{"nodes", nodeset::fold(nodes)}, {"count", nodes.size()}, {"node_list", nodes}};
}

// Lines "NODES  (COUNT)  WHAT" with the node and count columns padded to line up.
class GroupLines {
 public:
  void add(const std::vector<std::string>& nodes, std::string what) {
    rows_.push_back({nodeset::fold(nodes), "(" + std::to_string(nodes.size()) + ")", std::move(what)});
  }
  std::string render(const std::string& indent = "") const {
    size_t a = 0, b = 0;
    for (const auto& r : rows_) {
      a = std::max(a, r[0].size());
      b = std::max(b, r[1].size());
    }
    std::string out;
    for (const auto& r : rows_) {
      std::string line = indent + r[0] + std::string(a - r[0].size() + 2, ' ') + r[1];
      if (!r[2].empty()) line += std::string(b - r[1].size() + 2, ' ') + r[2];
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<std::array<std::string, 3>> rows_;
};

}  // namespace herd::cli
