// The inventory's model: one plain struct per record kind. These are values read from or
// written to the Database; they hold names, not pointers, so they can be compared,
// printed and serialised directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace herd::inventory {

struct Network {
  std::string name;
  std::string address;        // network address, dotted IPv4, host bits zero
  int prefix = 24;
  std::string gateway;        // "" = none
  std::string zone;           // DNS zone, e.g. "local" or "cluster.example.org"; "" = none
  int mtu = 1500;
  bool pxe = false;           // DHCP on this network offers PXE boot
  std::string dynamic_start;  // dynamic DHCP range for discovery; both "" = none
  std::string dynamic_end;
  std::string dns_servers;    // comma-separated; "" = the frontend's address on this network
  std::string comment;
};

struct Appliance {
  std::string name;
  std::string profile;  // root of the profile graph used to install it
  std::string description;
};

struct Interface {
  std::string node;     // owning node's name
  std::string device;   // eth0, ib0, bond0, ...
  std::string mac;      // lowercase aa:bb:cc:dd:ee:ff, "" = unknown
  std::string ip;       // dotted IPv4, "" = none
  std::string network;  // network name, "" = none
  std::optional<int> vlan;
  std::string name;     // host name on this network, "" = the node's name
  std::string alias;    // extra host name(s) on this network, comma-separated

  // The name this interface answers to on its network.
  const std::string& host_name() const { return name.empty() ? node : name; }
};

struct Node {
  std::string name;
  std::string appliance;
  int rack = 0;
  int rank = 0;
  std::string arch = "x86_64";
  std::string os = "linux";
  int cpus = 1;
  std::string boot_action = "os";  // os | install | ...
  std::string comment;
  std::vector<Interface> interfaces;
};

struct Group {
  std::string name;
  std::string nodeset;  // folded node set expression
  std::string description;
};

// Attribute scopes, from least to most specific; the most specific value wins.
enum class Scope { global, os, appliance, rack, node };
const char* scope_name(Scope scope);
std::optional<Scope> parse_scope(std::string_view text);

struct Attribute {
  Scope scope = Scope::global;
  std::string target;  // "" for global; os name, appliance name, rack number or node name
  std::string name;
  std::string value;
  bool secret = false;
};

// An attribute's effective value for one node and the scope it came from.
struct ResolvedAttribute {
  std::string value;
  Scope scope = Scope::global;
  std::string target;
  bool secret = false;
};
using ResolvedAttributes = std::map<std::string, ResolvedAttribute>;

// Everything the generated service files need, read in one pass. Nodes are sorted by
// name; each node's interfaces by device. `attributes[i]` belongs to `nodes[i]` and holds
// the resolved non-secret attributes.
struct Cluster {
  std::map<std::string, std::string> settings;  // cluster_name, frontend, domain, ...
  std::vector<Network> networks;
  std::vector<Appliance> appliances;
  std::vector<Node> nodes;
  std::vector<ResolvedAttributes> attributes;
  std::vector<Group> groups;
};

}  // namespace herd::inventory
