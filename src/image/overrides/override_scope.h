// Where an override tree applies (docs/image.md, "Overrides"): to every node, to an
// appliance's nodes, to a rack's, or to one node. Each scope's tree is a snapshot under
// one ref:
//
//   overrides/global   overrides/appliance/NAME   overrides/rack/N   overrides/node/NAME
//
// A node's layers are taken in that order, a later one winning path by path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::image {

enum class OverrideLevel { global, appliance, rack, node };

struct OverrideScope {
  OverrideLevel level = OverrideLevel::global;
  std::string name;  // "" for global; the appliance, the rack number or the node

  std::string ref() const;   // "overrides/appliance/compute"
  std::string text() const;  // "appliance compute", "global"
  bool operator==(const OverrideScope&) const = default;
};

inline constexpr std::string_view kOverrideRefPrefix = "overrides/";

// A scope from its level and name; a name that cannot be a ref part (or a rack that is
// not a number) is bad_input naming it.
Result<OverrideScope> make_override_scope(OverrideLevel level, const std::string& name);
// The scope a ref names ("overrides/rack/2"); anything else is bad_input.
Result<OverrideScope> parse_override_ref(std::string_view ref);

// The scopes a node's overrides come from, in the order they are layered.
std::vector<OverrideScope> scopes_of_node(const std::string& node, const std::string& appliance, int rack);

}  // namespace herd::image
