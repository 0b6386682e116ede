#include "image/overrides/node_overrides.h"

#include "image/overrides/override_refs.h"
#include "reports/cluster_view.h"
#include "reports/template_data.h"

namespace herd::image {

// The view points into the cluster: both live here, never moved.
struct NodeData::Loaded {
  inventory::Cluster cluster;
  std::optional<reports::ClusterView> view;
};

NodeData::NodeData(std::unique_ptr<Loaded> loaded) : loaded_(std::move(loaded)) {}
NodeData::~NodeData() = default;

Result<std::unique_ptr<NodeData>> NodeData::load(inventory::Inventory& inventory) {
  auto cluster = inventory.load_cluster();
  if (!cluster) return cluster.error();
  auto loaded = std::make_unique<Loaded>();
  loaded->cluster = std::move(*cluster);
  auto view = reports::ClusterView::build(loaded->cluster);
  if (!view) return view.error();
  loaded->view.emplace(std::move(*view));
  return std::unique_ptr<NodeData>(new NodeData(std::move(loaded)));
}

Result<nlohmann::json> NodeData::of(const std::string& node) const {
  reports::ReportOptions options;
  options.nodes = std::vector<std::string>{node};
  auto data = reports::template_data(*loaded_->view, reports::Kind::hosts, options);
  if (!data) return data.error();
  auto& nodes = (*data)["nodes"];
  if (nodes.size() != 1) return bad_input("unknown node {}", node);
  (*data)["kind"] = "image-override";
  (*data)["node"] = nodes[0];
  return data;
}

Result<std::vector<OverrideScope>> NodeData::scopes(const std::string& node) const {
  for (const auto& n : loaded_->cluster.nodes)
    if (n.name == node) return scopes_of_node(n.name, n.appliance, n.rack);
  return bad_input("unknown node {}", node);
}

Result<std::vector<OverrideScope>> node_scopes(inventory::Inventory& inventory, const std::string& node) {
  auto record = inventory.node(node);
  if (!record) return record.error();
  return scopes_of_node(record->name, record->appliance, record->rack);
}

Result<NodeOverrides> node_overrides(store::ObjectStore& store, const store::Refs& refs,
                                     const std::vector<OverrideScope>& scopes,
                                     const std::function<Result<nlohmann::json>()>& data, const store::Hash& image_tree) {
  NodeOverrides out;
  auto layers = existing_layers(store, refs, scopes);
  if (!layers) return layers.error();
  out.tree = image_tree;
  out.layers = std::move(*layers);
  if (out.layers.empty()) return out;
  auto node_data = data();
  if (!node_data) return node_data.error();
  auto entries = layer_overrides(store, out.layers, *node_data);
  if (!entries) return entries.error();
  auto merged = merge_overrides(store, image_tree, *entries);
  if (!merged) return merged.error();
  out.tree = merged->tree;
  out.paths = std::move(merged->paths);
  out.entries = std::move(*entries);
  return out;
}

Result<NodeOverrides> node_overrides(store::ObjectStore& store, const store::Refs& refs, inventory::Inventory& inventory,
                                     const std::string& node, const store::Hash& image_tree) {
  auto scopes = node_scopes(inventory, node);
  if (!scopes) return scopes.error();
  auto data = [&]() -> Result<nlohmann::json> {
    auto loaded = NodeData::load(inventory);
    if (!loaded) return loaded.error();
    return (*loaded)->of(node);
  };
  return node_overrides(store, refs, *scopes, data, image_tree);
}

}  // namespace herd::image
