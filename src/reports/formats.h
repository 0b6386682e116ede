// The writer of each kind, one per file (hosts.cc, dhcpd.cc, ...), and the small helpers
// they share. Internal to src/reports: callers use render() in report.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/cluster_view.h"
#include "reports/report.h"
#include "util/result.h"

namespace herd::reports {

Result<std::string> render_hosts(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_dhcpd(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_kea(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_dnsmasq(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_zone(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_slurm(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_pbs(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_known_hosts(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_genders(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_ansible(const ClusterView& view, const ReportOptions& options);
Result<std::string> render_clush(const ClusterView& view, const ReportOptions& options);

// Appends dotted-quad `ip` to `out` (faster than format_ipv4 for 100,000s of addresses).
void append_ip(std::string& out, uint32_t ip);
std::string ip_text(uint32_t ip);

// A comma-separated attribute value split into trimmed, non-empty items.
std::vector<std::string> split_list(std::string_view value);

// bad_input unless every character of `value` is a letter, digit or one of `extra`.
// `what` names the node and attribute in the message.
Status check_word(std::string_view value, std::string_view extra, std::string_view node, std::string_view attribute);

// Whether an attribute value means yes ("1", "yes", "true", "on", any case).
bool is_true(std::string_view value);

// The networks options.network selects: all, or the named one (bad_input if unknown).
Result<std::vector<int>> selected_networks(const ClusterView& view, const ReportOptions& options);

// bad_input if two of `networks` overlap (a DHCP server needs each address in one subnet).
Status check_disjoint(const ClusterView& view, const std::vector<int>& networks);

// bad_input if an alias of a selected node names the same thing twice in one zone: an
// alias used twice, or an alias equal to a host name (DNS allows no CNAME beside other data).
Status check_aliases(const ClusterView& view, const std::vector<char>& selected);

// The DHCP boot file settings shared by dhcpd, kea and dnsmasq (see docs/reports.md).
struct PxeFiles {
  std::string bios;   // setting pxe.bios_filename, default undionly.kpxe
  std::string uefi;   // setting pxe.uefi_filename, default ipxe.efi
  std::string ipxe;   // setting pxe.ipxe_url; what iPXE itself is given ("" = no iPXE branch)
};
Result<PxeFiles> pxe_files(const ClusterView& view);

// Per-node DHCP overrides from attributes pxe.filename and pxe.next_server.
struct PxeOverride {
  const std::string* filename = nullptr;
  std::optional<uint32_t> next_server;
};
class PxeOverrides {
 public:
  explicit PxeOverrides(const ClusterView& view);
  Result<PxeOverride> read(uint32_t node) const;

 private:
  const ClusterView& view_;
  int filename_, next_server_;
};

// What every DHCP format reads first: the selected nodes, the selected networks (checked
// to be disjoint), the boot files and the per-node boot overrides.
struct DhcpInputs {
  std::vector<char> selected;  // by node index
  std::vector<int> networks;   // network indexes
  PxeFiles files;
  PxeOverrides overrides;
};
Result<DhcpInputs> dhcp_inputs(const ClusterView& view, const ReportOptions& options);

}  // namespace herd::reports
