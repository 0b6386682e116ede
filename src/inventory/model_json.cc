#include "inventory/model_json.h"

namespace herd::inventory {

void to_json(nlohmann::json& j, const Network& n) {
  j = {{"name", n.name},       {"address", n.address},         {"prefix", n.prefix},
       {"gateway", n.gateway}, {"zone", n.zone},               {"mtu", n.mtu},
       {"pxe", n.pxe},         {"dynamic_start", n.dynamic_start}, {"dynamic_end", n.dynamic_end},
       {"dns_servers", n.dns_servers}, {"comment", n.comment}};
}

void to_json(nlohmann::json& j, const Appliance& a) {
  j = {{"name", a.name}, {"profile", a.profile}, {"description", a.description}};
}

void to_json(nlohmann::json& j, const Interface& i) {
  j = {{"node", i.node}, {"device", i.device}, {"mac", i.mac},   {"ip", i.ip},
       {"network", i.network}, {"vlan", i.vlan ? nlohmann::json(*i.vlan) : nlohmann::json(nullptr)},
       {"name", i.name}, {"alias", i.alias}};
}

void to_json(nlohmann::json& j, const Node& n) {
  j = {{"name", n.name}, {"appliance", n.appliance}, {"rack", n.rack},         {"rank", n.rank},
       {"arch", n.arch}, {"os", n.os},               {"cpus", n.cpus},         {"boot_action", n.boot_action},
       {"comment", n.comment}, {"interfaces", n.interfaces}};
}

void to_json(nlohmann::json& j, const Group& g) {
  j = {{"name", g.name}, {"nodeset", g.nodeset}, {"description", g.description}};
}

void to_json(nlohmann::json& j, const Attribute& a) {
  j = {{"scope", scope_name(a.scope)}, {"target", a.target}, {"name", a.name}, {"value", a.value}, {"secret", a.secret}};
}

nlohmann::json node_with_attributes(const Node& node, const ResolvedAttributes& attributes) {
  nlohmann::json j = node;
  j["attributes"] = nlohmann::json::object();
  for (const auto& [key, a] : attributes) j["attributes"][key] = a.value;
  return j;
}

}  // namespace herd::inventory
