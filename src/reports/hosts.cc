// hosts: /etc/hosts. One line per interface address, in node order then device order:
//   <ip> <fqdn> [<short name>] [<alias fqdn> <alias>]...
// The short name is written only on the first interface (device order) that carries it,
// so a name resolves to one address (the node's primary one) through the hosts file.
#include "reports/formats.h"

namespace herd::reports {

Result<std::string> render_hosts(const ClusterView& view, const ReportOptions& options) {
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  std::string out = generated_header("#");
  out += "127.0.0.1\tlocalhost.localdomain localhost\n";
  out += "::1\tlocalhost6.localdomain6 localhost6 ip6-localhost ip6-loopback\n";
  out.reserve(out.size() + view.all_interfaces().size() * 48);
  for (uint32_t node : view.order()) {
    if (!(*selected)[node]) continue;
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip) continue;
      append_ip(out, *iv.ip);
      out += '\t';
      out += iv.fqdn;
      if (iv.owns_short_name && iv.fqdn.size() != iv.host_name().size()) {
        out += ' ';
        out += iv.host_name();
      }
      for (const std::string& alias : iv.aliases) {
        if (!iv.zone.empty()) {
          out += ' ';
          out += alias;
          out += '.';
          out += iv.zone;
        }
        out += ' ';
        out += alias;
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace herd::reports
