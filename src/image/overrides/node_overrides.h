// A node's effective tree: its image's tree with the node's override layers (global, its
// appliance, its rack, itself) rendered with its data and merged in (docs/image.md,
// "Overrides"). The server computes it for a node's plan, `herd image render` shows it,
// `herd image install --node` deploys it and `herd image status` compares with it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/overrides/override_layers.h"
#include "inventory/inventory.h"
#include "store/object_store.h"
#include "store/refs.h"
#include "util/result.h"

namespace herd::image {

// The inventory read once, for the overrides of any number of nodes.
class NodeData {
 public:
  // Fails when the inventory cannot be read or does not validate (reports/cluster_view.h).
  static Result<std::unique_ptr<NodeData>> load(inventory::Inventory& inventory);
  ~NodeData();

  // What a node's templates see: the data `herd report --data` has for that node alone,
  // plus "node", that node's own entry of "nodes" ({{node.name}}, {{#node.interfaces}}).
  // An unknown node is bad_input.
  Result<nlohmann::json> of(const std::string& node) const;
  // The scopes its layers come from, in order.
  Result<std::vector<OverrideScope>> scopes(const std::string& node) const;

 private:
  struct Loaded;
  explicit NodeData(std::unique_ptr<Loaded> loaded);
  std::unique_ptr<Loaded> loaded_;
};

struct NodeOverrides {
  store::Hash tree;                    // the effective tree (the image's when no layer applies)
  std::vector<OverrideEntry> entries;  // what the layers put there, sorted by path
  std::vector<std::string> paths;      // the plan's "overrides" list
  std::vector<OverrideLayer> layers;   // the layers that applied, in order
};

// The scopes `node`'s layers come from, read from the inventory; unknown is bad_input.
Result<std::vector<OverrideScope>> node_scopes(inventory::Inventory& inventory, const std::string& node);

// The effective tree for `image_tree` of the node whose layers come from `scopes`; `data`
// gives its template data and is called only when some layer applies. New objects are
// stored, not synced.
Result<NodeOverrides> node_overrides(store::ObjectStore& store, const store::Refs& refs,
                                     const std::vector<OverrideScope>& scopes,
                                     const std::function<Result<nlohmann::json>()>& data, const store::Hash& image_tree);
// The same for one node, reading the inventory (only its record when no layer applies).
Result<NodeOverrides> node_overrides(store::ObjectStore& store, const store::Refs& refs, inventory::Inventory& inventory,
                                     const std::string& node, const store::Hash& image_tree);

}  // namespace herd::image
