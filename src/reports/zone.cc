// zone: a BIND zone file, forward or reverse.
//
// Forward: every address whose interface's zone (its network's zone, else the domain) is
// the chosen zone: "<host name> IN A <ip>", aliases as "<alias> IN CNAME <host name>".
// The zone is options.zone, else options.network's zone, else the only zone there is.
//
// Reverse (options.reverse with options.network): the in-addr.arpa zone holding that
// network, cut at whole octets (a /20 or /16 network gets the /16 zone, a /26 the /24
// zone), with a PTR to the fqdn of every address inside it, whatever its network.
//
// SOA and NS name the frontend (setting `frontend`): its name in this zone when it has an
// address here (its A record is always written, whichever nodes are selected), else its
// name in the domain; the setting dns.nameserver (an fqdn) overrides both.
#include <algorithm>
#include <set>

#include "reports/formats.h"

namespace herd::reports {
namespace {

// The fully qualified name server of `zone` (no trailing dot), and whether it lies inside
// the zone (then it must have an A record in it).
Result<std::string> name_server(const ClusterView& view, std::string_view zone) {
  if (auto ns = view.setting("dns.nameserver"); !ns.empty()) {
    std::string name(ns);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (!valid_dns_name(name)) return bad_input("setting dns.nameserver: '{}' is not a valid DNS name", ns);
    return name;
  }
  if (auto frontend = view.frontend()) {
    for (const InterfaceView& iv : view.interfaces(*frontend))
      if (iv.ip && iv.zone == zone) return iv.fqdn;
  }
  std::string_view frontend = view.frontend_name();
  if (frontend.empty())
    return bad_input("zone {}: no name server: set the frontend setting (or dns.nameserver)", zone);
  std::string name(frontend);
  if (!view.domain().empty()) name += "." + view.domain();
  if (name.size() > zone.size() && name.ends_with(zone) && name[name.size() - zone.size() - 1] == '.')
    return bad_input("zone {}: the name server {} is inside the zone but the frontend has no address in it", zone, name);
  return name;
}

void append_soa(std::string& out, std::string_view zone, std::string_view ns, uint32_t serial) {
  out += generated_header(";");
  fmt::format_to(std::back_inserter(out),
                 "$ORIGIN {0}.\n$TTL 3600\n"
                 "@\tIN SOA\t{1}. hostmaster.{0}. (\n"
                 "\t\t{2}\t; serial\n\t\t10800\t; refresh\n\t\t900\t; retry\n\t\t604800\t; expire\n"
                 "\t\t3600 )\t; negative TTL\n"
                 "\tIN NS\t{1}.\n",
                 zone, ns, serial);
}

Result<std::string> forward_zone(const ClusterView& view, const ReportOptions& options, const std::vector<char>& selected) {
  std::string zone = options.zone;
  if (zone.empty() && !options.network.empty()) {
    int index = view.find_network(options.network);
    if (index < 0) return bad_input("network {}: no such network", options.network);
    zone = view.networks()[index].zone;
    if (zone.empty()) return bad_input("network {}: has no zone (and no domain is set)", options.network);
  }
  if (zone.empty()) {
    std::set<std::string_view> zones;
    for (const auto& net : view.networks())
      if (!net.zone.empty()) zones.insert(net.zone);
    if (zones.empty() && !view.domain().empty()) zones.insert(view.domain());
    if (zones.size() != 1)
      return bad_input("zone: {} zones ({}); choose one with --zone or --network", zones.size(),
                       fmt::join(zones, ", "));
    zone = *zones.begin();
  }
  if (zone.back() == '.') zone.pop_back();
  if (!valid_dns_name(zone)) return bad_input("zone '{}' is not a valid DNS name", zone);
  HERD_CHECK(check_aliases(view, selected));
  auto ns = name_server(view, zone);
  if (!ns) return ns.error();

  std::string out;
  append_soa(out, zone, *ns, options.serial);
  auto frontend = view.frontend();
  for (uint32_t node : view.order()) {
    if (!selected[node] && node != frontend) continue;
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip || iv.zone != zone) continue;
      out += iv.host_name();
      out += "\tIN A\t";
      append_ip(out, *iv.ip);
      out += '\n';
      if (!selected[node]) continue;
      for (const std::string& alias : iv.aliases) {
        out += alias;
        out += "\tIN CNAME\t";
        out += iv.host_name();
        out += '\n';
      }
    }
  }
  return out;
}

Result<std::string> reverse_zone(const ClusterView& view, const ReportOptions& options, const std::vector<char>& selected) {
  if (options.network.empty()) return bad_input("zone --reverse: name the network with --network");
  int index = view.find_network(options.network);
  if (index < 0) return bad_input("network {}: no such network", options.network);
  const NetworkView& net = view.networks()[index];
  int octets = reverse_zone_octets(net.net.prefix);
  std::string zone = reverse_zone_name(net.net.address, octets);
  uint32_t mask = prefix_mask(octets * 8), base = net.net.address & mask;
  auto ns = name_server(view, net.zone);
  if (!ns) return ns.error();

  std::vector<const InterfaceView*> records;
  for (const InterfaceView& iv : view.all_interfaces())
    if (iv.ip && selected[iv.node] && (*iv.ip & mask) == base) records.push_back(&iv);
  std::sort(records.begin(), records.end(), [](auto* a, auto* b) { return *a->ip < *b->ip; });

  std::string out;
  append_soa(out, zone, *ns, options.serial);
  for (const InterfaceView* iv : records) {
    out += reverse_label(*iv->ip, octets);
    out += "\tIN PTR\t";
    out += iv->fqdn;
    out += ".\n";
  }
  return out;
}

}  // namespace

Result<std::string> render_zone(const ClusterView& view, const ReportOptions& options) {
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  return options.reverse ? reverse_zone(view, options, *selected) : forward_zone(view, options, *selected);
}

std::optional<uint32_t> find_zone_serial(std::string_view text) {
  size_t soa = text.find(" SOA");
  if (soa == std::string_view::npos) soa = text.find("\tSOA");
  if (soa == std::string_view::npos) return std::nullopt;
  size_t open = text.find('(', soa);
  if (open == std::string_view::npos) return std::nullopt;
  size_t i = open + 1;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  uint64_t value = 0;
  size_t start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 10) value = value * 10 + static_cast<uint64_t>(text[i++] - '0');
  if (i == start || value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

}  // namespace herd::reports
