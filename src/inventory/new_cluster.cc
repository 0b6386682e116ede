#include "inventory/new_cluster.h"

#include "util/ipv4.h"

namespace herd::inventory {

Result<std::string> frontend_address(const NewCluster& spec) {
  auto net = parse_ipv4_network(spec.subnet);
  if (!net) return bad_input("--subnet '{}': expected a network like 10.1.0.0/16 (host bits zero)", spec.subnet);
  return spec.frontend_ip.empty() ? format_ipv4(net->first_host()) : spec.frontend_ip;
}

Status create_cluster(Inventory& inv, const NewCluster& spec) {
  auto ip = frontend_address(spec);
  if (!ip) return ip.error();
  auto net = *parse_ipv4_network(spec.subnet);
  Transaction tx(inv.database());
  HERD_CHECK(tx.begin());
  HERD_CHECK(inv.set_setting("cluster_name", spec.cluster));
  HERD_CHECK(inv.set_setting("domain", spec.domain));
  HERD_CHECK(inv.set_setting("frontend", spec.frontend));
  Network network;
  network.name = spec.network;
  network.address = format_ipv4(net.address);
  network.prefix = net.prefix;
  network.zone = spec.domain;
  network.pxe = true;
  HERD_CHECK(inv.add_network(network));
  HERD_CHECK(inv.add_appliance({"frontend", "frontend", "The cluster's frontend: inventory, services, images"}));
  HERD_CHECK(inv.add_appliance({"compute", "compute", "Compute node"}));
  NodeTemplate t;
  t.appliance = "frontend";
  t.rack = 0;
  t.rank = 0;
  t.network = spec.network;
  t.ips = {*ip};
  if (!spec.mac.empty()) t.macs = {spec.mac};
  auto added = inv.add_nodes({spec.frontend}, t);
  if (!added) return added.error();
  return tx.commit();
}

}  // namespace herd::inventory
