// ClusterView: a Cluster checked once and indexed for the report writers.
//
// Building the view validates everything the formats rely on, so each writer can assume:
//   - every network has a valid address/prefix (host bits zero), its gateway, dynamic range
//     and dns_servers are addresses inside it (dns servers may be anywhere), its zone is a
//     valid DNS name or empty;
//   - node names, interface host names and aliases are valid DNS names (letters, digits,
//     '-' and '.' between labels) and node names are unique;
//   - an interface's ip parses, lies inside its network and is neither that network's
//     address nor its broadcast address; no ip and no mac is used twice;
//   - macs are 6 (Ethernet) or 20 (InfiniBand) lowercase hex octets joined by ':'.
// Failures are bad_input naming the network, node and device at fault.
//
// The view holds pointers into the Cluster: the Cluster must outlive it and not change.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.h"
#include "util/ipv4.h"
#include "util/result.h"

namespace herd::reports {

struct ReportOptions;

struct NetworkView {
  const inventory::Network* network = nullptr;
  Ipv4Network net;
  std::optional<uint32_t> gateway;
  std::optional<uint32_t> dynamic_start, dynamic_end;  // both set or neither
  // The network's dns_servers, or else the frontend's address on it; may be empty.
  std::vector<uint32_t> dns_servers;
  // The network's zone, else the cluster's `domain` setting; "" = none.
  std::string zone;
  // The frontend's address on this network (the DHCP next-server), if it has one.
  std::optional<uint32_t> frontend_ip;

  const std::string& name() const { return network->name; }
};

struct InterfaceView {
  const inventory::Interface* interface = nullptr;
  uint32_t node = 0;      // index into Cluster::nodes
  int network = -1;       // index into ClusterView::networks(), -1 = none
  std::optional<uint32_t> ip;
  // host_name() + "." + zone (the network's zone, else the domain), or just the host name.
  std::string fqdn;
  // The zone fqdn was made with ("" = none).
  std::string zone;
  // Whether the short host name is written for this interface (hosts file, known_hosts):
  // true for the first interface in device order of each distinct host name on a node.
  bool owns_short_name = false;
  std::vector<std::string> aliases;  // alias split on ',' and trimmed

  const std::string& host_name() const { return interface->host_name(); }
  const std::string& device() const { return interface->device; }
  const std::string& mac() const { return interface->mac; }
  bool is_infiniband() const { return interface->mac.size() == 59; }
};

class ClusterView {
 public:
  // Validates and indexes `cluster` (see the file comment). `cluster` must outlive the view.
  static Result<ClusterView> build(const inventory::Cluster& cluster);

  const inventory::Cluster& cluster() const { return *cluster_; }
  const inventory::Node& node(uint32_t index) const { return cluster_->nodes[index]; }
  // Node indexes in natural name order ("n2" before "n10"); every writer uses this order.
  const std::vector<uint32_t>& order() const { return order_; }
  // Interfaces of node `index`, in device order.
  std::span<const InterfaceView> interfaces(uint32_t index) const {
    return {interfaces_.data() + first_interface_[index], first_interface_[index + 1] - first_interface_[index]};
  }
  const std::vector<InterfaceView>& all_interfaces() const { return interfaces_; }
  // Networks in name order.
  const std::vector<NetworkView>& networks() const { return networks_; }
  // Index of the network called `name`, or -1.
  int find_network(std::string_view name) const;
  // Index of the node called `name`, or nullopt.
  std::optional<uint32_t> find_node(std::string_view name) const;

  // Attribute names are interned when the view is built. Look a name up once with
  // attribute_id() (-1: no node has it), then per node with attribute(node, id): a scan
  // of that node's few entries instead of a std::map search per node and name.
  int attribute_id(std::string_view name) const;
  const std::string* attribute(uint32_t node, int id) const {
    if (id < 0) return nullptr;
    for (size_t k = first_attribute_[node]; k < first_attribute_[node + 1]; ++k)
      if (attribute_entries_[k].first == id) return attribute_entries_[k].second;
    return nullptr;
  }
  // The node's resolved attribute `name`, or nullptr (convenience; slower).
  const std::string* attribute(uint32_t node, std::string_view name) const { return attribute(node, attribute_id(name)); }
  // A cluster setting, or `fallback` when unset or empty.
  std::string_view setting(const std::string& name, std::string_view fallback = {}) const;
  const std::string& domain() const { return domain_; }
  const std::string& cluster_name() const { return cluster_name_; }
  // The frontend node (setting `frontend`), if it is a node of the cluster.
  std::optional<uint32_t> frontend() const { return frontend_; }
  // The frontend's name, "" when unset.
  std::string_view frontend_name() const { return setting("frontend"); }

  // Which nodes `options.nodes` selects: one flag per node index. Unknown names are bad_input.
  Result<std::vector<char>> selection(const ReportOptions& options) const;

 private:
  const inventory::Cluster* cluster_ = nullptr;
  std::vector<NetworkView> networks_;
  std::vector<uint32_t> order_;
  std::vector<uint32_t> by_name_;  // node indexes sorted by name (byte order)
  std::vector<InterfaceView> interfaces_;
  std::vector<size_t> first_interface_;  // size nodes + 1
  std::vector<std::string> attribute_names_;  // id -> name
  std::vector<std::pair<int, const std::string*>> attribute_entries_;  // (id, value), per node
  std::vector<size_t> first_attribute_;  // size nodes + 1
  std::string domain_, cluster_name_;
  std::optional<uint32_t> frontend_;
};

// Whether `name` is a valid DNS host name: labels of letters, digits and '-' (not at
// either end), 1-63 characters each, joined by single dots, 253 characters at most.
bool valid_dns_name(std::string_view name);

// Natural order of node names: digit runs compare as numbers ("n2" < "n10"); equal
// values order the shorter text first ("n7" < "n07").
bool natural_less(std::string_view a, std::string_view b);
// A byte string whose plain (memcmp) order is natural_less's order: each digit run
// becomes '0', the count of its significant digits, those digits, and its full length.
std::string natural_key(std::string_view name);

// Name of the reverse zone (without the trailing dot) that holds `ip` when reverse zones
// are cut at `octets` leading octets (1-3), e.g. (198.51.100.7, 3) -> "100.51.198.in-addr.arpa".
std::string reverse_zone_name(uint32_t ip, int octets);
// The reverse zone octets for a network: its prefix rounded down to a whole octet, 1-3.
int reverse_zone_octets(int prefix);
// The owner name of `ip` relative to its reverse zone of `octets` octets, e.g. "7".
std::string reverse_label(uint32_t ip, int octets);

}  // namespace herd::reports
