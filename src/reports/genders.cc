// genders: a genders(5) file for nodeattr/pdsh -g. Each node's attributes are:
//   <appliance>, rack=<n>, arch=<arch>, os=<os>, every inventory group holding the node,
//   and the items of its `genders` attribute (comma-separated "name" or "name=value").
// Nodes with the same attributes share one line under their folded node set:
//   compute-0-[0-31] compute,rack=0,arch=x86_64,os=linux,gpu
// Lines are ordered by their first node. A name with several numeric parts is folded
// along its last one only, the hostrange form libgenders reads.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "nodeset/node_set.h"
#include "reports/formats.h"
#include "reports/node_groups.h"

namespace herd::reports {
namespace {

// A genders attribute name or value: no whitespace, ',', '=' or '#'.
bool valid_item(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_.:/+@%").find(c) != std::string_view::npos))
      return false;
  return true;
}

}  // namespace

Result<std::string> render_genders(const ClusterView& view, const ReportOptions& options) {
  const int kGenders = view.attribute_id("genders");
  auto selected = view.selection(options);
  if (!selected) return selected.error();

  // Inventory groups per node.
  std::vector<std::vector<const std::string*>> groups_of(view.cluster().nodes.size());
  for (const auto& group : view.cluster().groups) {
    auto members = group_members(view, group);
    if (!members) return members.error();
    if (!valid_item(group.name)) return bad_input("group '{}': not a valid genders attribute name", group.name);
    for (uint32_t node : *members) groups_of[node].push_back(&group.name);
  }

  std::unordered_map<std::string, size_t> line_of;
  std::vector<std::pair<std::string, std::vector<std::string>>> lines;
  std::string attrs;
  std::vector<std::string> items;
  for (uint32_t node : view.order()) {
    if (!(*selected)[node]) continue;
    const auto& n = view.node(node);
    attrs.clear();
    items.clear();
    // Each attribute once, in the order appliance, rack, arch, os, groups, extras.
    auto add = [&](std::string item) {
      if (std::find(items.begin(), items.end(), item) != items.end()) return;
      if (!attrs.empty()) attrs += ',';
      attrs += item;
      items.push_back(std::move(item));
    };
    if (!n.appliance.empty()) {
      if (!valid_item(n.appliance)) return bad_input("node {}: appliance '{}' is not a valid genders attribute", n.name, n.appliance);
      add(n.appliance);
    }
    if (!valid_item(n.arch) || !valid_item(n.os))
      return bad_input("node {}: arch '{}' or os '{}' is not a valid genders value", n.name, n.arch, n.os);
    add(fmt::format("rack={}", n.rack));
    add("arch=" + n.arch);
    add("os=" + n.os);
    std::vector<const std::string*>& groups = groups_of[node];
    std::sort(groups.begin(), groups.end(), [](auto* a, auto* b) { return *a < *b; });
    for (const std::string* group : groups) add(*group);
    if (const std::string* extra = view.attribute(node, kGenders)) {
      for (const std::string& item : split_list(*extra)) {
        size_t eq = item.find('=');
        bool ok = eq == std::string::npos ? valid_item(item)
                                          : valid_item(std::string_view(item).substr(0, eq)) &&
                                                valid_item(std::string_view(item).substr(eq + 1));
        if (!ok) return bad_input("node {}: attribute genders: '{}' is not name or name=value", n.name, item);
        add(item);
      }
    }
    auto [it, added] = line_of.emplace(attrs, lines.size());
    if (added) lines.emplace_back(attrs, std::vector<std::string>{});
    lines[it->second].second.push_back(n.name);
  }
  // libgenders reads one bracket range per name ("compute-0-[0-31]"), so fold only the
  // last numeric part.
  nodeset::FoldOptions last_axis;
  last_axis.fold_axis = std::vector<int64_t>{-1};
  std::string out = generated_header("#");
  for (const auto& [text, names] : lines)
    fmt::format_to(std::back_inserter(out), "{} {}\n", nodeset::NodeSet::from_names(names).fold(last_axis), text);
  return out;
}

}  // namespace herd::reports
