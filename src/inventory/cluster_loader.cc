// load_cluster: the whole inventory in one pass, attributes resolved per node, for the
// generated service files. Cost is one scan per table, then a map merge per node.
#include <unordered_map>

#include "inventory/inventory.h"
#include "inventory/rows.h"

namespace herd::inventory {

Result<Cluster> Inventory::load_cluster() {
  Cluster cluster;
  HERD_CHECK(db_.query("SELECT name, value FROM settings", {}, [&](const Row& r) {
    cluster.settings[to_text(r[0])] = to_text(r[1]);
  }));
  auto networks = this->networks();
  if (!networks) return networks.error();
  cluster.networks = std::move(*networks);
  auto appliances = this->appliances();
  if (!appliances) return appliances.error();
  cluster.appliances = std::move(*appliances);
  auto nodes = this->nodes();
  if (!nodes) return nodes.error();
  cluster.nodes = std::move(*nodes);
  auto groups = this->groups();
  if (!groups) return groups.error();
  cluster.groups = std::move(*groups);

  // scope -> target -> name -> value, non-secret only.
  std::unordered_map<std::string, std::unordered_map<std::string, ResolvedAttributes>> by_scope;
  HERD_CHECK(db_.query("SELECT scope, target, name, value FROM attributes", {}, [&](const Row& r) {
    Scope scope = parse_scope(to_text(r[0])).value_or(Scope::global);
    by_scope[to_text(r[0])][to_text(r[1])][to_text(r[2])] = ResolvedAttribute{to_text(r[3]), scope, to_text(r[1]), false};
  }));
  auto layer = [&](const char* scope, const std::string& target) -> const ResolvedAttributes* {
    auto s = by_scope.find(scope);
    if (s == by_scope.end()) return nullptr;
    auto t = s->second.find(target);
    return t == s->second.end() ? nullptr : &t->second;
  };
  cluster.attributes.reserve(cluster.nodes.size());
  for (const auto& node : cluster.nodes) {
    ResolvedAttributes resolved;
    // Least specific first; each later layer overwrites.
    for (const ResolvedAttributes* l : {layer("global", ""), layer("os", node.os), layer("appliance", node.appliance),
                                         layer("rack", std::to_string(node.rack)), layer("node", node.name)}) {
      if (!l) continue;
      for (const auto& [name, value] : *l) resolved[name] = value;
    }
    cluster.attributes.push_back(std::move(resolved));
  }
  return cluster;
}

}  // namespace herd::inventory
