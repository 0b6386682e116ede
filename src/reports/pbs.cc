// pbs: a PBS/Torque server_priv/nodes file, one line per node:
//   <node> np=<n> [gpus=<g>] [<property>...]
// A node is listed when it has the attribute pbs.np or pbs.node set to yes. np is pbs.np,
// else the node's cpus field; gpus is pbs.gpus; properties are pbs.properties
// (comma-separated) followed by the node's appliance and rack ("compute rack0").
#include "reports/formats.h"

namespace herd::reports {
namespace {

Status check_count(std::string_view value, std::string_view node, std::string_view attribute) {
  bool ok = !value.empty() && value.size() <= 9;
  for (char c : value) ok = ok && c >= '0' && c <= '9';
  if (!ok) return bad_input("node {}: attribute {}: '{}' is not a count", node, attribute, value);
  return {};
}

}  // namespace

Result<std::string> render_pbs(const ClusterView& view, const ReportOptions& options) {
  static const std::string kNp = "pbs.np", kGpus = "pbs.gpus", kProperties = "pbs.properties";
  const int np_id = view.attribute_id(kNp), node_id = view.attribute_id("pbs.node"), gpus_id = view.attribute_id(kGpus),
            properties_id = view.attribute_id(kProperties);
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  std::string out = generated_header("#");
  for (uint32_t node : view.order()) {
    if (!(*selected)[node]) continue;
    const std::string* np = view.attribute(node, np_id);
    const std::string* flag = view.attribute(node, node_id);
    if (!np && !(flag && is_true(*flag))) continue;
    const auto& n = view.node(node);
    out += n.name;
    if (np) {
      HERD_CHECK(check_count(*np, n.name, kNp));
      fmt::format_to(std::back_inserter(out), " np={}", *np);
    } else {
      fmt::format_to(std::back_inserter(out), " np={}", n.cpus);
    }
    if (const std::string* gpus = view.attribute(node, gpus_id); gpus && !gpus->empty()) {
      HERD_CHECK(check_count(*gpus, n.name, kGpus));
      fmt::format_to(std::back_inserter(out), " gpus={}", *gpus);
    }
    if (const std::string* properties = view.attribute(node, properties_id)) {
      for (const std::string& property : split_list(*properties)) {
        HERD_CHECK(check_word(property, "_-.", n.name, kProperties));
        out += ' ';
        out += property;
      }
    }
    if (!n.appliance.empty()) {
      HERD_CHECK(check_word(n.appliance, "_-.", n.name, "appliance"));
      out += ' ';
      out += n.appliance;
    }
    fmt::format_to(std::back_inserter(out), " rack{}\n", n.rack);
  }
  return out;
}

}  // namespace herd::reports
