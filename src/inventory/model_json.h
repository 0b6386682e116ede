// The model as JSON: the one shape used by `--json` output, the HTTP API and templates.
// Field names equal the struct members; optional values absent are null.
#pragma once

#include <nlohmann/json.hpp>

#include "inventory/model.h"

namespace herd::inventory {

void to_json(nlohmann::json& j, const Network& n);
void to_json(nlohmann::json& j, const Appliance& a);
void to_json(nlohmann::json& j, const Interface& i);
void to_json(nlohmann::json& j, const Node& n);
void to_json(nlohmann::json& j, const Group& g);
void to_json(nlohmann::json& j, const Attribute& a);

// One node as `herd node show --json` prints it: the node and its effective attributes
// ({"name": value}; pass them without secrets).
nlohmann::json node_with_attributes(const Node& node, const ResolvedAttributes& attributes);

}  // namespace herd::inventory
