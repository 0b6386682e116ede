#include "reports/template_data.h"

#include <algorithm>

#include "nodeset/node_set.h"
#include "reports/formats.h"
#include "reports/node_groups.h"

namespace herd::reports {
namespace {

using nlohmann::json;

std::string underscored(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

std::string optional_ip(const std::optional<uint32_t>& ip) { return ip ? ip_text(*ip) : std::string(); }

// Adds "first" and "last" to every object of an array.
void mark_ends(json& list) {
  for (size_t k = 0; k < list.size(); ++k) {
    if (!list[k].is_object()) continue;
    list[k]["first"] = k == 0;
    list[k]["last"] = k + 1 == list.size();
  }
}

json strings(const std::vector<std::string>& items) {
  json list = json::array();
  for (const auto& item : items) list.push_back(item);
  return list;
}

json network_json(const NetworkView& net) {
  const auto& n = *net.network;
  std::vector<std::string> dns;
  for (uint32_t ip : net.dns_servers) dns.push_back(ip_text(ip));
  int octets = reverse_zone_octets(net.net.prefix);
  return json{{"name", n.name},
              {"address", ip_text(net.net.address)},
              {"prefix", net.net.prefix},
              {"cidr", fmt::format("{}/{}", ip_text(net.net.address), net.net.prefix)},
              {"netmask", ip_text(net.net.mask())},
              {"broadcast", ip_text(net.net.broadcast())},
              {"gateway", optional_ip(net.gateway)},
              {"zone", net.zone},
              {"mtu", n.mtu},
              {"pxe", n.pxe},
              {"has_dynamic", net.dynamic_start.has_value()},
              {"dynamic_start", optional_ip(net.dynamic_start)},
              {"dynamic_end", optional_ip(net.dynamic_end)},
              {"dns_servers", strings(dns)},
              {"dns_servers_text", fmt::format("{}", fmt::join(dns, ", "))},
              {"next_server", optional_ip(net.frontend_ip)},
              {"reverse_zone", reverse_zone_name(net.net.address, octets)},
              {"comment", n.comment}};
}

json interface_json(const ClusterView& view, const InterfaceView& iv) {
  const auto& i = *iv.interface;
  json out{{"device", i.device},
           {"mac", i.mac},
           {"ip", optional_ip(iv.ip)},
           {"network", iv.network >= 0 ? view.networks()[iv.network].name() : std::string()},
           {"pxe", iv.network >= 0 && view.networks()[iv.network].network->pxe},
           {"has_vlan", i.vlan.has_value()},
           {"vlan", i.vlan ? std::to_string(*i.vlan) : std::string()},
           {"name", iv.host_name()},
           {"fqdn", iv.fqdn},
           {"zone", std::string(iv.zone)},
           {"primary", iv.owns_short_name},
           {"infiniband", iv.is_infiniband()},
           {"aliases", strings(iv.aliases)}};
  if (iv.ip && iv.network >= 0) {
    int octets = reverse_zone_octets(view.networks()[iv.network].net.prefix);
    out["reverse_zone"] = reverse_zone_name(*iv.ip, octets);
    out["reverse_label"] = reverse_label(*iv.ip, octets);
  } else {
    out["reverse_zone"] = "";
    out["reverse_label"] = "";
  }
  return out;
}

}  // namespace

Result<nlohmann::json> template_data(const ClusterView& view, Kind kind, const ReportOptions& options) {
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  const auto& cluster = view.cluster();

  json settings = json::object(), setting_list = json::array();
  for (const auto& [name, value] : cluster.settings) {
    settings[underscored(name)] = value;
    setting_list.push_back({{"name", name}, {"value", value}});
  }
  mark_ends(setting_list);

  json networks = json::array();
  for (const auto& net : view.networks()) networks.push_back(network_json(net));
  mark_ends(networks);

  json appliances = json::array();
  for (const auto& a : cluster.appliances)
    appliances.push_back({{"name", a.name}, {"profile", a.profile}, {"description", a.description}});
  mark_ends(appliances);

  auto groups = node_groups(view, *selected, /*with_sets=*/true);
  if (!groups) return groups.error();
  std::vector<std::vector<std::string>> groups_of(cluster.nodes.size());
  json group_list = json::array();
  const char* sources[] = {"appliance", "rack", "group"};
  for (const NodeGroup& group : *groups) {
    auto names = member_names(view, group.members);
    for (uint32_t node : group.members) groups_of[node].push_back(group.name);
    group_list.push_back({{"name", group.name},
                          {"source", sources[static_cast<int>(group.source)]},
                          {"nodeset", group.set.fold()},
                          {"nodes", strings(names)}});
  }
  mark_ends(group_list);

  json nodes = json::array();
  auto frontend = view.frontend();
  for (uint32_t index : view.order()) {
    if (!(*selected)[index]) continue;
    const auto& n = view.node(index);
    json interfaces = json::array();
    std::string ip, fqdn, mac;
    for (const InterfaceView& iv : view.interfaces(index)) {
      interfaces.push_back(interface_json(view, iv));
      if (ip.empty() && iv.ip) {
        ip = ip_text(*iv.ip);
        fqdn = iv.fqdn;
      }
      if (mac.empty()) mac = iv.mac();
    }
    mark_ends(interfaces);
    json attr = json::object(), attribute_list = json::array();
    if (index < cluster.attributes.size()) {
      for (const auto& [name, resolved] : cluster.attributes[index]) {
        attr[underscored(name)] = resolved.value;
        attribute_list.push_back({{"name", name}, {"value", resolved.value}});
      }
    }
    mark_ends(attribute_list);
    nodes.push_back({{"name", n.name},
                     {"appliance", n.appliance},
                     {"rack", n.rack},
                     {"rank", n.rank},
                     {"arch", n.arch},
                     {"os", n.os},
                     {"cpus", n.cpus},
                     {"boot_action", n.boot_action},
                     {"comment", n.comment},
                     {"frontend", frontend == index},
                     {"ip", ip},
                     {"fqdn", fqdn.empty() ? n.name : fqdn},
                     {"mac", mac},
                     {"interfaces", std::move(interfaces)},
                     {"attr", std::move(attr)},
                     {"attributes", std::move(attribute_list)},
                     {"groups", strings(groups_of[index])}});
  }
  mark_ends(nodes);

  return json{{"kind", std::string(kind_info(kind).name)},
              {"options",
               {{"network", options.network}, {"zone", options.zone}, {"reverse", options.reverse}, {"serial", options.serial}}},
              {"header", {{"hash", generated_header("#")}, {"semicolon", generated_header(";")}, {"slashes", generated_header("//")}}},
              {"cluster",
               {{"name", view.cluster_name()}, {"domain", view.domain()}, {"frontend", std::string(view.frontend_name())}}},
              {"settings", std::move(settings)},
              {"setting_list", std::move(setting_list)},
              {"networks", std::move(networks)},
              {"appliances", std::move(appliances)},
              {"groups", std::move(group_list)},
              {"nodes", std::move(nodes)}};
}

}  // namespace herd::reports
