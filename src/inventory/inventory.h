// Inventory: the cluster's records and every rule that keeps them consistent, on top of a
// Database. Each mutating call is one transaction: on any error nothing is written.
// Error messages name the record and field at fault; bad input returns ErrorKind::bad_input.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inventory/database.h"
#include "inventory/model.h"
#include "nodeset/node_set.h"
#include "util/result.h"

namespace herd::inventory {

// Which way bulk add walks a network for free addresses. Rocks counts down from the top.
enum class IpOrder { down, up };

// How `add_nodes` fills in what the caller left out.
struct NodeTemplate {
  std::string appliance;          // required
  std::optional<int> rack;        // default: parsed from a name like compute-R-K, else 0
  std::optional<int> rank;        // first rank; default: parsed from the name, else next free
  std::string arch = "x86_64";
  std::string os = "linux";
  int cpus = 1;
  std::string boot_action = "os";
  std::string comment;
  std::string network;            // "" = no interface is created
  std::string device = "eth0";
  IpOrder ip_order = IpOrder::down;
  std::vector<std::string> macs;  // optional, one per node in order
  std::vector<std::string> ips;   // optional, one per node in order (else allocated)
};

// A change to some fields of nodes; unset optionals are left alone.
struct NodeChanges {
  std::optional<std::string> appliance, arch, os, boot_action, comment;
  std::optional<int> rack, rank, cpus;
};

class Inventory : public nodeset::GroupResolver {
 public:
  // `db` must outlive the Inventory. The schema must be migrated already.
  explicit Inventory(Database& db) : db_(db) {}

  Database& database() { return db_; }

  // Settings: cluster_name, domain, frontend.
  Result<std::optional<std::string>> setting(const std::string& name);
  Status set_setting(const std::string& name, const std::string& value);

  // Networks.
  Status add_network(const Network& network);
  Result<std::vector<Network>> networks();
  Result<Network> network(const std::string& name);
  Status update_network(const std::string& name, const Network& updated);
  Status remove_network(const std::string& name);  // fails while interfaces use it

  // Appliances.
  Status add_appliance(const Appliance& appliance);
  Result<std::vector<Appliance>> appliances();
  Result<Appliance> appliance(const std::string& name);
  Status update_appliance(const std::string& name, const Appliance& updated);
  Status remove_appliance(const std::string& name);  // fails while nodes use it

  // Nodes. `names` are expanded node names; all are added or none.
  Result<std::vector<Node>> add_nodes(const std::vector<std::string>& names, const NodeTemplate& tmpl);
  // Nodes by name, sorted by name, with interfaces. Empty `names` = every node.
  // An unknown name is bad_input.
  Result<std::vector<Node>> nodes(const std::vector<std::string>& names = {});
  Result<Node> node(const std::string& name);
  Status update_nodes(const std::vector<std::string>& names, const NodeChanges& changes);
  Status remove_nodes(const std::vector<std::string>& names);
  Status rename_node(const std::string& from, const std::string& to);
  // One past the highest rank in `rack` (0 for an empty rack).
  Result<int> next_free_rank(int rack);
  // Every node name, sorted.
  Result<std::vector<std::string>> node_names();

  // Interfaces. An empty ip with a network allocates the next free address.
  Status add_interface(const Interface& interface, IpOrder order = IpOrder::down);
  Result<std::vector<Interface>> interfaces(const std::vector<std::string>& nodes = {});
  Status update_interface(const std::string& node, const std::string& device, const Interface& updated);
  Status remove_interface(const std::string& node, const std::string& device);

  // Groups (named node sets).
  Status add_group(const Group& group);
  Result<std::vector<Group>> groups();
  Result<Group> group(const std::string& name);
  Status update_group(const std::string& name, const Group& updated);
  Status remove_group(const std::string& name);

  // Attributes. Secrets live in their own table and are returned only when asked.
  Status set_attribute(const Attribute& attribute);
  Status unset_attribute(Scope scope, const std::string& target, const std::string& name);
  Result<std::vector<Attribute>> attributes(std::optional<Scope> scope, bool include_secrets);
  // Effective attributes of one node, with the scope each came from.
  Result<ResolvedAttributes> resolve_attributes(const std::string& node, bool include_secrets);

  // Everything generated files need, in one read.
  Result<Cluster> load_cluster();

  // GroupResolver: @appliance, @rackN, @group and @all.
  Result<std::vector<std::string>> resolve(std::string_view group) const override;
  std::vector<std::string> list() const override;

  // Node selection by a --where expression (see inventory/where.h) or raw read-only SQL
  // whose first column is node names (run by the caller on a read-only connection).
  Result<std::vector<std::string>> select_where(std::string_view expression);

 private:
  Database& db_;
};

}  // namespace herd::inventory
