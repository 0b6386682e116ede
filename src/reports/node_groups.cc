#include "reports/node_groups.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "nodeset/node_set.h"

namespace herd::reports {
namespace {

bool valid_group_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

Result<std::vector<uint32_t>> group_members(const ClusterView& view, const inventory::Group& group) {
  auto set = nodeset::NodeSet::parse(group.nodeset);
  if (!set) return set.error().with_context(fmt::format("group {}: node set '{}'", group.name, group.nodeset));
  std::vector<uint32_t> members;
  for (const std::string& name : set->expand())
    if (auto index = view.find_node(name)) members.push_back(*index);
  std::vector<uint32_t> rank(view.cluster().nodes.size());
  for (size_t k = 0; k < view.order().size(); ++k) rank[view.order()[k]] = static_cast<uint32_t>(k);
  std::sort(members.begin(), members.end(), [&](uint32_t a, uint32_t b) { return rank[a] < rank[b]; });
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

Result<std::vector<NodeGroup>> node_groups(const ClusterView& view, const std::vector<char>& selected, bool with_sets,
                                           nodeset::NodeSet* all) {
  std::vector<NodeGroup> groups;
  std::map<std::string, size_t> index;
  auto add = [&](const std::string& name, NodeGroup::Source source) -> Result<NodeGroup*> {
    if (!valid_group_name(name))
      return bad_input("group '{}': a group name is letters, digits, '-', '_' and '.'", name);
    auto [it, added] = index.emplace(name, groups.size());
    if (added) groups.push_back(NodeGroup{name, source, {}});
    return &groups[it->second];
  };
  std::map<std::string, std::vector<uint32_t>> appliances;
  std::map<int, std::vector<uint32_t>> racks;
  for (uint32_t node : view.order()) {
    if (!selected[node]) continue;
    if (!view.node(node).appliance.empty()) appliances[view.node(node).appliance].push_back(node);
    racks[view.node(node).rack].push_back(node);
  }
  for (auto& [name, members] : appliances) {
    auto group = add(name, NodeGroup::Source::appliance);
    if (!group) return bad_input("node {}: appliance '{}': a group name is letters, digits, '-', '_' and '.'",
                                 view.node(members[0]).name, name);
    (*group)->members = std::move(members);
  }
  for (auto& [rack, members] : racks) {
    auto group = add(fmt::format("rack{}", rack), NodeGroup::Source::rack);
    if (!group) return group.error();
    std::vector<uint32_t>& into = (*group)->members;
    into.insert(into.end(), members.begin(), members.end());
  }
  std::vector<const inventory::Group*> sorted;
  for (const auto& group : view.cluster().groups) sorted.push_back(&group);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const inventory::Group* group : sorted) {
    auto members = group_members(view, *group);
    if (!members) return members.error();
    std::erase_if(*members, [&](uint32_t node) { return !selected[node]; });
    if (members->empty()) continue;
    auto target = add(group->name, NodeGroup::Source::group);
    if (!target) return target.error();
    std::vector<uint32_t>& into = (*target)->members;
    into.insert(into.end(), members->begin(), members->end());
  }
  // Merged groups need their members back in natural order, once each.
  std::vector<uint32_t> rank(view.cluster().nodes.size());
  for (size_t k = 0; k < view.order().size(); ++k) rank[view.order()[k]] = static_cast<uint32_t>(k);
  for (auto& group : groups) {
    auto& m = group.members;
    if (std::adjacent_find(m.begin(), m.end(), [&](uint32_t a, uint32_t b) { return rank[a] >= rank[b]; }) != m.end()) {
      std::sort(m.begin(), m.end(), [&](uint32_t a, uint32_t b) { return rank[a] < rank[b]; });
      m.erase(std::unique(m.begin(), m.end()), m.end());
    }
  }
  std::erase_if(groups, [](const NodeGroup& g) { return g.members.empty(); });
  // Sets straight from each group's names: the node set library builds a set from names
  // much faster than it unites many sets.
  if (with_sets)
    for (auto& group : groups) group.set = nodeset::NodeSet::from_names(member_names(view, group.members));
  if (all) {
    std::vector<std::string> names;
    for (uint32_t node : view.order())
      if (selected[node]) names.push_back(view.node(node).name);
    *all = nodeset::NodeSet::from_names(names);
  }
  return groups;
}

std::vector<std::string> member_names(const ClusterView& view, const std::vector<uint32_t>& members) {
  std::vector<std::string> names;
  names.reserve(members.size());
  for (uint32_t node : members) names.push_back(view.node(node).name);
  return names;
}

}  // namespace herd::reports
