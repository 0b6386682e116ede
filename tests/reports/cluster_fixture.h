// A small but rich Cluster for the report tests: four networks (PXE on one, a VLAN
// network, an InfiniBand one), a frontend, compute nodes in two racks with Slurm, PBS,
// genders and ssh attributes, a node without a MAC, one without an address, aliases,
// a per-node PXE override and two groups. Addresses stay inside 198.51.100.0/24 and
// 203.0.113.0/24.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "inventory/model.h"

namespace herd::reports::testing {

inline constexpr const char* kEd25519Key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICnyf0GNEl2nVfUicz07elPrmYZJLoFveetqDWa3u58a root@compute-0-0";
inline constexpr const char* kEcdsaKey =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBD0s/Mp1U88rbr/S+asfG0Iocf5V+OptEh+r9WF+"
    "emfBhNkIr2K5DJXExflCPH0xWFMv+J9b/wSTAMEaJdypHWg= root@frontend";
inline constexpr const char* kInfinibandMac = "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:22:33";

inline void set_attribute(inventory::Cluster& cluster, const std::string& node, const std::string& name,
                          const std::string& value) {
  for (size_t i = 0; i < cluster.nodes.size(); ++i)
    if (cluster.nodes[i].name == node) cluster.attributes[i][name] = inventory::ResolvedAttribute{value};
}

inline inventory::Interface interface(const std::string& node, const std::string& device, const std::string& network,
                                      const std::string& ip, const std::string& mac = "") {
  inventory::Interface i;
  i.node = node;
  i.device = device;
  i.network = network;
  i.ip = ip;
  i.mac = mac;
  return i;
}

inline inventory::Cluster sample_cluster() {
  using namespace inventory;
  Cluster c;
  c.settings = {{"cluster_name", "herd-test"}, {"domain", "cluster.example.org"}, {"frontend", "frontend"}};

  Network priv{"private", "198.51.100.0", 25, "198.51.100.1", "local", 1500, true, "198.51.100.100", "198.51.100.120"};
  priv.comment = "install and management";
  Network storage{"storage", "198.51.100.128", 26, "", "storage", 9000, false};
  Network ipmi{"ipmi", "203.0.113.0", 25, "", "ipmi", 1500, false};
  ipmi.dns_servers = "198.51.100.1";
  Network ib{"ib", "203.0.113.128", 25, "", "ib", 2044, false};
  c.networks = {ib, ipmi, priv, storage};
  c.appliances = {{"compute", "compute", "Compute node"}, {"frontend", "frontend", "Frontend"}, {"login", "login", "Login node"}};

  auto node = [&](const std::string& name, const std::string& appliance, int rack, int rank, int cpus) {
    Node n;
    n.name = name;
    n.appliance = appliance;
    n.rack = rack;
    n.rank = rank;
    n.cpus = cpus;
    return n;
  };

  Node fe = node("frontend", "frontend", 0, 0, 8);
  auto fe0 = interface("frontend", "eth0", "private", "198.51.100.1", "52:54:00:00:00:01");
  fe0.alias = "www,install";
  fe.interfaces = {fe0, interface("frontend", "eth1", "", "")};

  std::vector<Node> nodes = {fe};
  for (int k : {0, 1, 2, 3, 10}) {
    std::string name = "compute-0-" + std::to_string(k);
    Node n = node(name, "compute", 0, k, 32);
    char mac[32];
    std::snprintf(mac, sizeof mac, "52:54:00:00:01:%02x", k);
    char bmc[32];
    std::snprintf(bmc, sizeof bmc, "52:54:00:00:02:%02x", k);
    n.interfaces.push_back(interface(name, "eth0", "private", "198.51.100." + std::to_string(10 + k), mac));
    auto ipmi_if = interface(name, "ipmi", "ipmi", "203.0.113." + std::to_string(10 + k), bmc);
    ipmi_if.name = name + "-ipmi";
    n.interfaces.push_back(ipmi_if);
    auto ib0 = interface(name, "ib0", "ib", "203.0.113." + std::to_string(138 + k), k == 0 ? kInfinibandMac : "");
    n.interfaces.push_back(ib0);
    if (k == 1) {
      auto vlan = interface(name, "eth0.20", "storage", "198.51.100.131");
      vlan.vlan = 20;
      n.interfaces.push_back(vlan);
    }
    nodes.push_back(n);
  }
  for (int k : {0, 1}) {
    std::string name = "compute-1-" + std::to_string(k);
    Node n = node(name, "compute", 1, k, 64);
    n.interfaces.push_back(interface(name, "eth0", "private", "198.51.100." + std::to_string(40 + k),
                                     "52:54:00:00:03:0" + std::to_string(k)));
    nodes.push_back(n);
  }
  Node login = node("login-0-0", "login", 0, 20, 16);
  login.interfaces.push_back(interface("login-0-0", "eth0", "private", "198.51.100.30"));  // no MAC yet
  nodes.push_back(login);
  Node spare = node("spare-0-0", "compute", 0, 30, 32);
  spare.interfaces.push_back(interface("spare-0-0", "eth0", "", "", "52:54:00:00:04:00"));  // no address
  nodes.push_back(spare);

  std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) { return a.name < b.name; });
  c.nodes = nodes;
  c.attributes.resize(c.nodes.size());
  for (const auto& n : c.nodes) {
    if (n.appliance != "compute" || n.name == "spare-0-0") continue;
    bool gpu = n.rack == 1;
    set_attribute(c, n.name, "slurm.partition", gpu ? "gpu,batch" : "batch");
    set_attribute(c, n.name, "slurm.default_partition", "batch");
    set_attribute(c, n.name, "slurm.sockets", "2");
    set_attribute(c, n.name, "slurm.cores_per_socket", gpu ? "16" : "8");
    set_attribute(c, n.name, "slurm.threads_per_core", "2");
    set_attribute(c, n.name, "slurm.realmemory", gpu ? "256000" : "128000");
    if (gpu) {
      set_attribute(c, n.name, "slurm.gres", "gpu:2");
      set_attribute(c, n.name, "slurm.features", "gpu,a100");
    }
    set_attribute(c, n.name, "pbs.np", gpu ? "64" : "32");
    set_attribute(c, n.name, "genders", gpu ? "gpu" : "ib,mpi");
  }
  set_attribute(c, "compute-0-3", "pxe.filename", "custom.efi");
  set_attribute(c, "compute-0-3", "pxe.next_server", "198.51.100.5");
  set_attribute(c, "compute-0-0", "ssh.host_key.ed25519", kEd25519Key);
  set_attribute(c, "frontend", "ssh.host_key.ecdsa", kEcdsaKey);
  set_attribute(c, "frontend", "ansible.vars", "ansible_connection=local");
  set_attribute(c, "login-0-0", "pbs.node", "yes");
  c.groups = {{"gpu", "compute-1-[0-1]", "GPU nodes"}, {"ibnodes", "compute-0-[0-3,10]", "InfiniBand"}};
  return c;
}

}  // namespace herd::reports::testing
