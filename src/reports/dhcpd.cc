// dhcpd: ISC dhcpd.conf. For each network (or the one --network names):
//   - a subnet declaration with routers, DNS servers, domain name, MTU, the dynamic range
//     and, when the network has pxe on, next-server plus a boot file chosen by client:
//     iPXE (user-class "iPXE") gets pxe.ipxe_url, UEFI firmware (arch 7 or 9) gets
//     pxe.uefi_filename, legacy BIOS gets pxe.bios_filename (iPXE chainloading);
//   - one host declaration per interface that has both a MAC and an address on it, named
//     <node>.<device>, with the node's pxe.filename / pxe.next_server overrides.
// Host declarations are written at top level: dhcpd treats them as global anyway, and
// they take their subnet's options from their fixed address.
#include <algorithm>

#include "reports/formats.h"

namespace herd::reports {
namespace {

void append_subnet(std::string& out, const NetworkView& net, const PxeFiles& files) {
  const auto& network = *net.network;
  fmt::format_to(std::back_inserter(out), "# network {}: {}/{}{}{}\n", network.name, ip_text(net.net.address),
                 net.net.prefix, network.comment.empty() ? "" : " - ", network.comment);
  fmt::format_to(std::back_inserter(out), "subnet {} netmask {} {{\n", ip_text(net.net.address), ip_text(net.net.mask()));
  fmt::format_to(std::back_inserter(out), "  option subnet-mask {};\n", ip_text(net.net.mask()));
  fmt::format_to(std::back_inserter(out), "  option broadcast-address {};\n", ip_text(net.net.broadcast()));
  if (net.gateway) fmt::format_to(std::back_inserter(out), "  option routers {};\n", ip_text(*net.gateway));
  if (!net.zone.empty()) fmt::format_to(std::back_inserter(out), "  option domain-name \"{}\";\n", net.zone);
  if (!net.dns_servers.empty()) {
    out += "  option domain-name-servers ";
    for (size_t k = 0; k < net.dns_servers.size(); ++k) {
      if (k) out += ", ";
      append_ip(out, net.dns_servers[k]);
    }
    out += ";\n";
  }
  if (network.mtu != 1500) fmt::format_to(std::back_inserter(out), "  option interface-mtu {};\n", network.mtu);
  if (net.dynamic_start)
    fmt::format_to(std::back_inserter(out), "  range {} {};\n", ip_text(*net.dynamic_start), ip_text(*net.dynamic_end));
  if (network.pxe) {
    if (net.frontend_ip)
      fmt::format_to(std::back_inserter(out), "  next-server {};\n", ip_text(*net.frontend_ip));
    else
      out += "  # no next-server: the frontend has no address on this network\n";
    if (!files.ipxe.empty())
      fmt::format_to(std::back_inserter(out),
                     "  if exists user-class and option user-class = \"iPXE\" {{\n"
                     "    filename \"{}\";\n"
                     "  }} elsif option arch = 00:07 or option arch = 00:09 {{\n",
                     files.ipxe);
    else
      out += "  if option arch = 00:07 or option arch = 00:09 {\n";
    fmt::format_to(std::back_inserter(out),
                   "    filename \"{}\";\n"
                   "  }} else {{\n"
                   "    filename \"{}\";\n"
                   "  }}\n",
                   files.uefi, files.bios);
  }
  out += "}\n";
}

}  // namespace

Result<std::string> render_dhcpd(const ClusterView& view, const ReportOptions& options) {
  auto inputs = dhcp_inputs(view, options);
  if (!inputs) return inputs.error();
  const auto& [selected, networks, files, overrides] = *inputs;

  std::string out = generated_header("#");
  out += "authoritative;\nddns-update-style none;\ndefault-lease-time 3600;\nmax-lease-time 86400;\n";
  out += "# DHCP option 93, the client's system architecture (RFC 4578): 7 and 9 are UEFI x86-64.\n";
  out += "option arch code 93 = unsigned integer 16;\n";
  if (!view.domain().empty()) fmt::format_to(std::back_inserter(out), "option domain-name \"{}\";\n", view.domain());

  // Host declarations grouped by network, each group in node order.
  std::vector<std::string> hosts(view.networks().size());
  for (uint32_t node : view.order()) {
    if (!selected[node]) continue;
    std::optional<PxeOverride> override_;
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip || iv.mac().empty() || iv.network < 0) continue;
      std::string& text = hosts[iv.network];
      const NetworkView& net = view.networks()[iv.network];
      // Plain appends: this runs for every interface (fmt would reparse its format each time).
      text += "host ";
      text += view.node(node).name;
      text += '.';
      for (char c : iv.device()) text += c == ':' ? '-' : c;
      text += iv.is_infiniband() ? " {\n  hardware infiniband " : " {\n  hardware ethernet ";
      text += iv.mac();
      text += ";\n  fixed-address ";
      append_ip(text, *iv.ip);
      text += ";\n  option host-name \"";
      text += iv.host_name();
      text += "\";\n";
      if (net.network->pxe) {
        if (!override_) {
          auto o = overrides.read(node);
          if (!o) return o.error();
          override_ = *o;
        }
        if (override_->next_server) fmt::format_to(std::back_inserter(text), "  next-server {};\n", ip_text(*override_->next_server));
        if (override_->filename) fmt::format_to(std::back_inserter(text), "  filename \"{}\";\n", *override_->filename);
      }
      text += "}\n";
    }
  }
  for (int index : networks) {
    out += '\n';
    append_subnet(out, view.networks()[index], files);
    if (!hosts[index].empty()) {
      fmt::format_to(std::back_inserter(out), "\n# hosts on network {}\n", view.networks()[index].name());
      out += hosts[index];
    }
  }
  return out;
}

}  // namespace herd::reports
