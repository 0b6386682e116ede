// The registry of report kinds: names, descriptions, usual paths. Kept apart from the
// writers so the sync config parser (and its fuzzer) need only this file.
#include <array>

#include "reports/report.h"

namespace herd::reports {
namespace {

constexpr std::array<KindInfo, 11> kKinds = {{
    {Kind::hosts, "hosts", "/etc/hosts: every interface address with its names", "/etc/hosts"},
    {Kind::dhcpd, "dhcpd", "ISC dhcpd.conf: subnets, PXE/iPXE boot, a fixed address per MAC", "/etc/dhcp/dhcpd.conf"},
    {Kind::kea, "kea", "kea-dhcp4 configuration (JSON): subnets, PXE/iPXE classes, reservations",
     "/etc/kea/kea-dhcp4.conf"},
    {Kind::dnsmasq, "dnsmasq", "dnsmasq: DHCP ranges, PXE boot, hosts by MAC, DNS host records",
     "/etc/dnsmasq.d/herd.conf"},
    {Kind::zone, "zone", "BIND zone file: forward (--network/--zone) or reverse (--reverse --network)",
     "/var/lib/bind/herd.zone"},
    {Kind::slurm, "slurm", "Slurm NodeName/PartitionName lines, folded, from slurm.* attributes",
     "/etc/slurm/nodes.conf"},
    {Kind::pbs, "pbs", "PBS/Torque server_priv/nodes file from pbs.* attributes", "/var/spool/torque/server_priv/nodes"},
    {Kind::known_hosts, "known-hosts", "ssh_known_hosts from ssh.host_key.* attributes", "/etc/ssh/ssh_known_hosts"},
    {Kind::genders, "genders", "genders file: appliance, rack, arch, os, groups and genders attribute",
     "/etc/genders"},
    {Kind::ansible, "ansible", "Ansible INI inventory grouped by appliance, rack and group",
     "/etc/ansible/hosts"},
    {Kind::clush, "clush", "ClusterShell groups.d YAML: all, appliances, racks, groups",
     "/etc/clustershell/groups.d/herd.yaml"},
}};

}  // namespace

std::span<const KindInfo> kinds() { return kKinds; }

const KindInfo& kind_info(Kind kind) {
  for (const auto& info : kKinds)
    if (info.kind == kind) return info;
  return kKinds[0];  // unreachable: every Kind is in the table
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& info : kKinds)
    if (info.name == name) return info.kind;
  if (name == "known_hosts") return Kind::known_hosts;
  return std::nullopt;
}

}  // namespace herd::reports
