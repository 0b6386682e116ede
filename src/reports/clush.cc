// clush: a ClusterShell groups.d YAML file defining the group source "herd" (or the
// setting clush.source):
//   herd:
//     all: 'compute-0-[0-31],frontend'
//     compute: 'compute-0-[0-31]'
//     rack0: '...'
// Groups are all, appliances, racks, then inventory groups (node_groups.h); node sets
// are folded with ClusterShell's own syntax and single-quoted for YAML.
// Use it with `nodeset -s herd -f @compute` or `clush -g compute` (source herd default).
#include <cctype>

#include "nodeset/node_set.h"
#include "reports/formats.h"
#include "reports/node_groups.h"

namespace herd::reports {

Result<std::string> render_clush(const ClusterView& view, const ReportOptions& options) {
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  nodeset::NodeSet all;
  auto groups = node_groups(view, *selected, /*with_sets=*/true, &all);
  if (!groups) return groups.error();
  std::string source(view.setting("clush.source", "herd"));
  for (char c : source)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      return bad_input("setting clush.source: '{}' may contain only letters, digits, '-' and '_'", source);

  std::string out = generated_header("#");
  fmt::format_to(std::back_inserter(out), "{}:\n  all: '{}'\n", source, all.fold());
  for (const NodeGroup& group : *groups) {
    if (group.name == "all") continue;  // "all" is every node already
    fmt::format_to(std::back_inserter(out), "  {}: '{}'\n", group.name, group.set.fold());
  }
  return out;
}

}  // namespace herd::reports
