// GET /api/v1/nodes[?select=NODESET] and GET /api/v1/nodes/NAME: the JSON of
// `herd node list --json` and `herd node show --json` (inventory/model_json.h).
#include "inventory/model_json.h"
#include "nodeset/node_set.h"
#include "server/router.h"

namespace herd::server {

Response Router::list_nodes(const Caller& caller, const Request& request) {
  if (!caller.admin()) return error_response(403, "a node may read only its own entry (GET /api/v1/nodes/NAME)");
  std::string select = query_value(request.query, "select");
  std::lock_guard lock(state_.inventory_mutex);
  auto& inv = *state_.inventory;
  std::vector<inventory::Node> nodes;
  if (select.empty()) {
    auto all = inv.nodes();
    if (!all) return error_response(500, all.error().message);
    nodes = std::move(*all);
  } else {
    auto set = nodeset::NodeSet::parse(select, &inv);
    if (!set) return error_response(400, set.error().message);
    auto names = set->expand();
    if (!names.empty()) {
      auto chosen = inv.nodes(names);
      if (!chosen) return error_response(status_for(chosen.error()), chosen.error().message);
      nodes = std::move(*chosen);
    }
  }
  return json_response(200, {{"nodes", nodes}});
}

Response Router::show_node(const Caller& caller, const std::string& name) {
  if (!caller.admin() && name != caller.node) return error_response(403, "a node may read only its own entry");
  std::lock_guard lock(state_.inventory_mutex);
  auto& inv = *state_.inventory;
  auto node = inv.node(name);
  if (!node) return error_response(status_for(node.error(), 404), node.error().message);
  auto attributes = inv.resolve_attributes(name, /*include_secrets=*/false);
  if (!attributes) return error_response(500, attributes.error().message);
  return json_response(200, inventory::node_with_attributes(*node, *attributes));
}

}  // namespace herd::server
