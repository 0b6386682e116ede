// kea: a kea-dhcp4 configuration file. Kea accepts comments, so the file starts with the
// usual header in "//" lines. Each network becomes a subnet4 entry whose "id" is the
// network address as a number: stable when networks are added or removed, unique since
// networks do not overlap (Kea keys leases by subnet id). PXE networks get next-server and
// the BIOS boot file; two global client classes give iPXE clients pxe.ipxe_url and UEFI
// firmware pxe.uefi_filename (class values win over the subnet's). Interfaces with a MAC
// and an address become reservations, with the node's pxe.* overrides.
//
// Written by hand rather than through a JSON library: 100,000 reservations must take
// milliseconds. Every string written is a validated name or address, or goes through
// json_string().
#include <nlohmann/json.hpp>

#include "reports/formats.h"

namespace herd::reports {
namespace {

std::string json_string(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

void append_option(std::string& out, bool& first, std::string_view name, std::string_view data) {
  out += first ? "\n" : ",\n";
  first = false;
  fmt::format_to(std::back_inserter(out), "          {{ \"name\": \"{}\", \"data\": {} }}", name, json_string(data));
}

}  // namespace

Result<std::string> render_kea(const ClusterView& view, const ReportOptions& options) {
  auto inputs = dhcp_inputs(view, options);
  if (!inputs) return inputs.error();
  const auto& [selected, networks, files, overrides] = *inputs;

  std::string out = generated_header("//");
  out += "{\n\"Dhcp4\": {\n";
  out += "  \"interfaces-config\": { \"interfaces\": [";
  auto interfaces = split_list(view.setting("dhcp.interfaces", "*"));
  for (size_t k = 0; k < interfaces.size(); ++k) out += (k ? ", " : " ") + json_string(interfaces[k]);
  out += " ] },\n";
  out += "  \"lease-database\": { \"type\": \"memfile\", \"lfc-interval\": 3600";
  if (!options.lease_file.empty()) out += ", \"name\": " + json_string(options.lease_file);
  out += " },\n";
  out += "  \"valid-lifetime\": 3600,\n  \"max-valid-lifetime\": 86400,\n";
  if (!view.domain().empty())
    fmt::format_to(std::back_inserter(out), "  \"option-data\": [ {{ \"name\": \"domain-name\", \"data\": {} }} ],\n",
                   json_string(view.domain()));
  bool any_pxe = false;
  for (int index : networks) any_pxe |= view.networks()[index].network->pxe;
  if (any_pxe) {
    out += "  \"client-classes\": [\n";
    if (!files.ipxe.empty())
      fmt::format_to(std::back_inserter(out),
                     "    {{ \"name\": \"herd-ipxe\", \"test\": \"substring(option[77].hex,0,4) == 'iPXE'\", "
                     "\"boot-file-name\": {} }},\n",
                     json_string(files.ipxe));
    fmt::format_to(std::back_inserter(out),
                   "    {{ \"name\": \"herd-uefi\", \"test\": \"{}(option[93].hex == 0x0007 or option[93].hex == 0x0009)\", "
                   "\"boot-file-name\": {} }}\n  ],\n",
                   files.ipxe.empty() ? "" : "not member('herd-ipxe') and ", json_string(files.uefi));
  }

  // Reservations per network, in node order.
  std::vector<std::string> reservations(view.networks().size());
  for (uint32_t node : view.order()) {
    if (!selected[node]) continue;
    std::optional<PxeOverride> override_;
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip || iv.mac().empty() || iv.network < 0) continue;
      std::string& text = reservations[iv.network];
      text += text.empty() ? "\n" : ",\n";
      text += "        { \"hw-address\": \"";
      text += iv.mac();
      text += "\", \"ip-address\": \"";
      append_ip(text, *iv.ip);
      text += "\", \"hostname\": \"";
      text += iv.host_name();
      text += '"';
      if (view.networks()[iv.network].network->pxe) {
        if (!override_) {
          auto o = overrides.read(node);
          if (!o) return o.error();
          override_ = *o;
        }
        if (override_->next_server) fmt::format_to(std::back_inserter(text), ", \"next-server\": \"{}\"", ip_text(*override_->next_server));
        if (override_->filename) fmt::format_to(std::back_inserter(text), ", \"boot-file-name\": {}", json_string(*override_->filename));
      }
      text += " }";
    }
  }

  out += "  \"subnet4\": [";
  bool first_subnet = true;
  for (int index : networks) {
    const NetworkView& net = view.networks()[index];
    const auto& network = *net.network;
    if (net.net.address == 0) return bad_input("network {}: kea cannot number subnet 0.0.0.0", network.name);
    out += first_subnet ? "\n" : ",\n";
    first_subnet = false;
    fmt::format_to(std::back_inserter(out),
                   "    {{\n      \"id\": {},\n      \"subnet\": \"{}/{}\",\n      \"user-context\": {{ \"network\": {}",
                   net.net.address, ip_text(net.net.address), net.net.prefix, json_string(network.name));
    if (!network.comment.empty()) fmt::format_to(std::back_inserter(out), ", \"comment\": {}", json_string(network.comment));
    out += " },\n";
    if (net.dynamic_start)
      fmt::format_to(std::back_inserter(out), "      \"pools\": [ {{ \"pool\": \"{} - {}\" }} ],\n",
                     ip_text(*net.dynamic_start), ip_text(*net.dynamic_end));
    if (network.pxe) {
      if (net.frontend_ip) fmt::format_to(std::back_inserter(out), "      \"next-server\": \"{}\",\n", ip_text(*net.frontend_ip));
      fmt::format_to(std::back_inserter(out), "      \"boot-file-name\": {},\n", json_string(files.bios));
    }
    out += "      \"option-data\": [";
    bool first = true;
    if (net.gateway) append_option(out, first, "routers", ip_text(*net.gateway));
    if (!net.dns_servers.empty()) {
      std::string servers;
      for (size_t k = 0; k < net.dns_servers.size(); ++k) {
        if (k) servers += ", ";
        append_ip(servers, net.dns_servers[k]);
      }
      append_option(out, first, "domain-name-servers", servers);
    }
    if (!net.zone.empty()) append_option(out, first, "domain-name", net.zone);
    if (network.mtu != 1500) append_option(out, first, "interface-mtu", std::to_string(network.mtu));
    out += first ? " ],\n" : "\n      ],\n";
    out += "      \"reservations\": [";
    out += reservations[index];
    out += reservations[index].empty() ? " ]\n    }" : "\n      ]\n    }";
  }
  out += first_subnet ? " ]\n}\n}\n" : "\n  ]\n}\n}\n";
  return out;
}

}  // namespace herd::reports
