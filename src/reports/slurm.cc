// slurm: NodeName and PartitionName lines for a slurm.conf `Include`.
//
// A node is a Slurm node when it has the attribute slurm.partition (comma-separated
// partition names; empty = defined but in no partition). Its NodeName fields:
//   CPUs           slurm.cpus, else the node's cpus field
//   Sockets, CoresPerSocket, ThreadsPerCore, RealMemory (MB), TmpDisk (MB), Weight
//                  slurm.sockets, slurm.cores_per_socket, slurm.threads_per_core,
//                  slurm.realmemory, slurm.tmpdisk, slurm.weight (positive integers)
//   Gres           slurm.gres      (e.g. "gpu:a100:4")
//   Feature        slurm.features  (comma-separated)
// Nodes with identical fields and partitions are folded once into a node set
// ("compute-0-[0-31]"). A NodeName line joins with ',' the sets having its fields, a
// PartitionName line the sets in that partition (a Slurm host list may hold several
// ranges). Lines are ordered by their first node, partitions by name;
// slurm.default_partition (any node, one value) marks Default=YES.
#include <map>
#include <unordered_map>

#include "nodeset/node_set.h"
#include "reports/formats.h"

namespace herd::reports {
namespace {

struct Field {
  const char* key;        // slurm.conf key
  std::string attribute;  // herd attribute
  bool number;            // positive integer, else a word of letters, digits and `extra`
  const char* extra;
};

const Field kFields[] = {
    {"Sockets", "slurm.sockets", true, ""},
    {"CoresPerSocket", "slurm.cores_per_socket", true, ""},
    {"ThreadsPerCore", "slurm.threads_per_core", true, ""},
    {"RealMemory", "slurm.realmemory", true, ""},
    {"TmpDisk", "slurm.tmpdisk", true, ""},
    {"Weight", "slurm.weight", true, ""},
    {"Gres", "slurm.gres", false, ":,_-.()"},
    {"Feature", "slurm.features", false, ",_-."},
};

Status check_number(std::string_view value, std::string_view node, std::string_view attribute) {
  bool ok = !value.empty() && value.size() <= 18 && value[0] != '0';
  for (char c : value) ok = ok && c >= '0' && c <= '9';
  if (!ok) return bad_input("node {}: attribute {}: '{}' is not a positive integer", node, attribute, value);
  return {};
}

}  // namespace

Result<std::string> render_slurm(const ClusterView& view, const ReportOptions& options) {
  static const std::string kPartition = "slurm.partition", kDefault = "slurm.default_partition", kCpus = "slurm.cpus";
  const int partition_id = view.attribute_id(kPartition), default_id = view.attribute_id(kDefault),
            cpus_id = view.attribute_id(kCpus);
  int field_ids[std::size(kFields)];
  for (size_t k = 0; k < std::size(kFields); ++k) field_ids[k] = view.attribute_id(kFields[k].attribute);
  auto selected = view.selection(options);
  if (!selected) return selected.error();

  // Nodes grouped by (fields, partition value), in order of their first node.
  struct Group {
    std::string fields;
    std::vector<std::string> partitions;
    std::vector<std::string> names;
  };
  std::unordered_map<std::string, size_t> group_of;  // fields + '\n' + partition value
  std::vector<Group> groups;
  std::string default_partition, default_from;
  std::string fields, key;
  for (uint32_t node : view.order()) {
    if (!(*selected)[node]) continue;
    const std::string* partition = view.attribute(node, partition_id);
    if (!partition) continue;
    const std::string& name = view.node(node).name;
    fields.clear();
    fields += " CPUs=";
    if (const std::string* cpus = view.attribute(node, cpus_id)) {
      HERD_CHECK(check_number(*cpus, name, kCpus));
      fields += *cpus;
    } else {
      if (view.node(node).cpus < 1) return bad_input("node {}: cpus {} is not positive", name, view.node(node).cpus);
      fields += std::to_string(view.node(node).cpus);
    }
    for (size_t k = 0; k < std::size(kFields); ++k) {
      const Field& field = kFields[k];
      const std::string* value = view.attribute(node, field_ids[k]);
      if (!value || value->empty()) continue;
      HERD_CHECK(field.number ? check_number(*value, name, field.attribute)
                              : check_word(*value, field.extra, name, field.attribute));
      fields += ' ';
      fields += field.key;
      fields += '=';
      fields += *value;
    }
    key = fields;
    key += '\n';
    key += *partition;
    auto [it, added] = group_of.emplace(key, groups.size());
    if (added) {
      Group group{fields, split_list(*partition), {}};
      for (const std::string& part : group.partitions) HERD_CHECK(check_word(part, "_-.", name, kPartition));
      groups.push_back(std::move(group));
    }
    groups[it->second].names.push_back(name);
    if (const std::string* value = view.attribute(node, default_id); value && !value->empty()) {
      if (default_partition.empty()) {
        default_partition = *value;
        default_from = name;
      } else if (*value != default_partition) {
        return bad_input("node {}: attribute {} is '{}' but node {} says '{}'", name, kDefault, *value, default_from,
                         default_partition);
      }
    }
  }

  // Each group is folded once (the node set library is the costly part at 100,000 nodes).
  // A NodeName line is the groups with its fields, a partition the groups naming it; both
  // join their groups' folds with ',' (a Slurm hostlist may list several ranges).
  std::vector<std::pair<std::string, std::string>> lines;  // fields, node list
  std::unordered_map<std::string, size_t> line_of;
  std::map<std::string, std::string> partitions;
  for (const Group& group : groups) {
    std::string folded = nodeset::fold(group.names);
    auto [it, added] = line_of.emplace(group.fields, lines.size());
    if (added) lines.emplace_back(group.fields, folded);
    else lines[it->second].second += "," + folded;
    for (const std::string& part : group.partitions) {
      std::string& nodes = partitions[part];
      if (!nodes.empty()) nodes += ',';
      nodes += folded;
    }
  }
  if (!default_partition.empty() && !partitions.count(default_partition))
    return bad_input("node {}: attribute {}: partition '{}' has no nodes", default_from, kDefault, default_partition);

  std::string out = generated_header("#");
  out += "# Include this file from slurm.conf: Include /etc/slurm/nodes.conf\n";
  for (const auto& [text, nodes] : lines) {
    out += "NodeName=";
    out += nodes;
    out += text;
    out += " State=UNKNOWN\n";
  }
  for (const auto& [partition, nodes] : partitions)
    fmt::format_to(std::back_inserter(out), "PartitionName={} Nodes={} Default={} MaxTime=INFINITE State=UP\n",
                   partition, nodes, partition == default_partition ? "YES" : "NO");
  return out;
}

}  // namespace herd::reports
