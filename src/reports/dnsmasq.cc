// dnsmasq: a file for /etc/dnsmasq.d. DHCP and DNS in one:
//   - per network: dhcp-range tagged herd-net-<network> (the dynamic range, else "static"
//     so only known hosts get addresses), router, DNS servers, domain name, MTU, and for
//     pxe networks three dhcp-boot lines (iPXE, UEFI, BIOS) with the frontend as server;
//   - per interface with a MAC and an address: dhcp-host=<mac>,<ip>,<host name>; nodes with
//     pxe.filename / pxe.next_server get their own tag and dhcp-boot line, and the network
//     lines exclude them (tag:!herd-boot-override) so exactly one dhcp-boot line matches;
//   - per interface with an address: host-record=<fqdn>,<short>,<ip> (A and PTR) and
//     cname=<alias fqdn>,<alias>,<fqdn> for aliases.
// InfiniBand interfaces (20-octet addresses) get no dhcp-host: dnsmasq cannot match them.
#include "reports/formats.h"

namespace herd::reports {

Result<std::string> render_dnsmasq(const ClusterView& view, const ReportOptions& options) {
  auto inputs = dhcp_inputs(view, options);
  if (!inputs) return inputs.error();
  const auto& [selected, networks, files, overrides] = *inputs;
  HERD_CHECK(check_aliases(view, selected));
  std::vector<char> wanted(view.networks().size(), 0);
  for (int index : networks) wanted[index] = 1;

  std::string out = generated_header("#");
  bool any_pxe = false;
  for (int index : networks) any_pxe |= view.networks()[index].network->pxe;
  if (any_pxe) {
    out += "\n# PXE clients: iPXE announces itself in user-class; UEFI x86-64 firmware sends arch 7 or 9.\n";
    if (!files.ipxe.empty()) out += "dhcp-userclass=set:herd-ipxe,iPXE\n";
    out += "dhcp-match=set:herd-uefi,option:client-arch,7\ndhcp-match=set:herd-uefi,option:client-arch,9\n";
  }
  for (int index : networks) {
    const NetworkView& net = view.networks()[index];
    const auto& network = *net.network;
    std::string tag = "herd-net-" + network.name;
    fmt::format_to(std::back_inserter(out), "\n# network {}: {}/{}{}{}\n", network.name, ip_text(net.net.address),
                   net.net.prefix, network.comment.empty() ? "" : " - ", network.comment);
    if (net.dynamic_start)
      fmt::format_to(std::back_inserter(out), "dhcp-range=set:{},{},{},{},12h\n", tag, ip_text(*net.dynamic_start),
                     ip_text(*net.dynamic_end), ip_text(net.net.mask()));
    else
      fmt::format_to(std::back_inserter(out), "dhcp-range=set:{},{},static,{}\n", tag, ip_text(net.net.address),
                     ip_text(net.net.mask()));
    if (net.gateway) fmt::format_to(std::back_inserter(out), "dhcp-option=tag:{},option:router,{}\n", tag, ip_text(*net.gateway));
    if (!net.dns_servers.empty()) {
      fmt::format_to(std::back_inserter(out), "dhcp-option=tag:{},option:dns-server", tag);
      for (uint32_t server : net.dns_servers) {
        out += ',';
        append_ip(out, server);
      }
      out += '\n';
    }
    if (!net.zone.empty()) fmt::format_to(std::back_inserter(out), "dhcp-option=tag:{},option:domain-name,{}\n", tag, net.zone);
    if (network.mtu != 1500) fmt::format_to(std::back_inserter(out), "dhcp-option=tag:{},option:mtu,{}\n", tag, network.mtu);
    if (network.pxe) {
      std::string server = net.frontend_ip ? ",," + ip_text(*net.frontend_ip) : "";
      if (!files.ipxe.empty())
        fmt::format_to(std::back_inserter(out), "dhcp-boot=tag:{},tag:!herd-boot-override,tag:herd-ipxe,{}{}\n", tag,
                       files.ipxe, server);
      std::string not_ipxe = files.ipxe.empty() ? "" : "tag:!herd-ipxe,";
      fmt::format_to(std::back_inserter(out), "dhcp-boot=tag:{},tag:!herd-boot-override,{}tag:herd-uefi,{}{}\n", tag,
                     not_ipxe, files.uefi, server);
      fmt::format_to(std::back_inserter(out), "dhcp-boot=tag:{},tag:!herd-boot-override,{}tag:!herd-uefi,{}{}\n", tag,
                     not_ipxe, files.bios, server);
    }
  }

  std::string hosts, records;
  for (uint32_t node : view.order()) {
    if (!selected[node]) continue;
    const std::string& name = view.node(node).name;
    std::optional<PxeOverride> override_;
    bool has_override = false;
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip || iv.network < 0 || !wanted[iv.network]) continue;
      if (!iv.mac().empty() && iv.is_infiniband()) {
        fmt::format_to(std::back_inserter(hosts), "# {} {}: InfiniBand address, not served by dnsmasq\n", name, iv.device());
      } else if (!iv.mac().empty()) {
        bool pxe = view.networks()[iv.network].network->pxe;
        if (pxe && !override_) {
          auto o = overrides.read(node);
          if (!o) return o.error();
          override_ = *o;
          has_override = override_->filename || override_->next_server;
        }
        hosts += "dhcp-host=";
        hosts += iv.mac();
        if (pxe && has_override) fmt::format_to(std::back_inserter(hosts), ",set:herd-boot-override,set:herd-host-{}", name);
        hosts += ',';
        append_ip(hosts, *iv.ip);
        hosts += ',';
        hosts += iv.host_name();
        hosts += '\n';
      }
      records += "host-record=";
      records += iv.fqdn;
      if (iv.owns_short_name && iv.fqdn.size() != iv.host_name().size()) {
        records += ',';
        records += iv.host_name();
      }
      records += ',';
      append_ip(records, *iv.ip);
      records += '\n';
      for (const std::string& alias : iv.aliases) {
        records += "cname=";
        if (!iv.zone.empty()) {
          records += alias;
          records += '.';
          records += iv.zone;
          records += ',';
        }
        records += alias;
        records += ',';
        records += iv.fqdn;
        records += '\n';
      }
    }
    if (has_override) {
      const auto& file = override_->filename ? *override_->filename : files.bios;
      fmt::format_to(std::back_inserter(hosts), "dhcp-boot=tag:herd-host-{},{}{}\n", name, file,
                     override_->next_server ? ",," + ip_text(*override_->next_server) : std::string());
    }
  }
  if (!hosts.empty()) {
    out += "\n# hosts by MAC address\n";
    out += hosts;
  }
  if (!records.empty()) {
    out += "\n# DNS: A and PTR records, aliases\n";
    out += records;
  }
  return out;
}

}  // namespace herd::reports
