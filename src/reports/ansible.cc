// ansible: an Ansible inventory in INI form.
//   [<appliance>]  one line per node: <node> ansible_host=<first address> [ansible.vars]
//   [rack<n>], [<group>]  node names only
//   [herd:children] every group above, so `-l herd` reaches every node herd manages
// ansible_host is the node's first address in device order (left out when it has none);
// the attribute ansible.vars ("key=value key=value") is appended as host variables.
#include "reports/formats.h"
#include "reports/node_groups.h"

namespace herd::reports {

Result<std::string> render_ansible(const ClusterView& view, const ReportOptions& options) {
  const int kVars = view.attribute_id("ansible.vars");
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  auto groups = node_groups(view, *selected);
  if (!groups) return groups.error();

  std::string out = generated_header("#");
  std::vector<char> described(view.cluster().nodes.size(), 0);
  for (const NodeGroup& group : *groups) {
    fmt::format_to(std::back_inserter(out), "\n[{}]\n", group.name);
    for (uint32_t node : group.members) {
      out += view.node(node).name;
      // Host variables once per host, on its first line (its appliance group).
      if (!described[node]) {
        described[node] = 1;
        for (const InterfaceView& iv : view.interfaces(node)) {
          if (!iv.ip) continue;
          out += " ansible_host=";
          append_ip(out, *iv.ip);
          break;
        }
        if (const std::string* vars = view.attribute(node, kVars); vars && !vars->empty()) {
          if (vars->find_first_of("\n\r#[") != std::string::npos)
            return bad_input("node {}: attribute ansible.vars may not contain newlines, '#' or '['", view.node(node).name);
          out += ' ';
          out += *vars;
        }
      }
      out += '\n';
    }
  }
  // Nodes in no group still belong to the inventory.
  std::string ungrouped;
  for (uint32_t node : view.order()) {
    if (!(*selected)[node] || described[node]) continue;
    ungrouped += view.node(node).name;
    ungrouped += '\n';
  }
  if (!ungrouped.empty()) out += "\n[ungrouped]\n" + ungrouped;
  if (!groups->empty()) {
    out += "\n[herd:children]\n";
    for (const NodeGroup& group : *groups) {
      out += group.name;
      out += '\n';
    }
  }
  return out;
}

}  // namespace herd::reports
