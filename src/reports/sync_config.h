// The sync configuration: which generated files this frontend keeps, where, and how the
// service using each is told about a change. INI syntax, one section per output:
//
//   # /etc/herd/sync.conf
//   [dhcpd]                      # the output's name; also its kind when it names one
//   kind = dhcpd                 # hosts, dhcpd, kea, dnsmasq, zone, slurm, pbs, ...
//   path = /etc/dhcp/dhcpd.conf  # absolute; required; no two outputs share a path
//   reload = systemctl restart isc-dhcp-server   # /bin/sh command run after a change
//   template = dhcpd.mustache    # user template (relative = beside this file)
//   network = private            # ReportOptions.network
//   zone = cluster.example.org   # ReportOptions.zone
//   reverse = no                 # ReportOptions.reverse (yes/no, true/false, 1/0)
//   lease-file = /var/lib/kea/kea-leases4.csv   # ReportOptions.lease_file (kind kea)
//   mode = 0644                  # octal mode of a newly created file
//   frontend = fe1, fe2          # only on these hosts (short host names); default all
//
// Lines starting with '#' or ';' (after blanks) are comments; a value runs to the end of
// its line (a reload command may contain '#'). Parse errors are bad_input
// "<file>:<line>: <what is wrong>".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"
#include "util/result.h"

namespace herd::reports {

struct OutputConfig {
  std::string name;  // section name
  int line = 0;      // line of the section header, for messages
  Kind kind = Kind::hosts;
  std::string path;
  std::string reload;         // "" = none
  std::string template_path;  // "" = herd's own format; else an absolute or resolved path
  ReportOptions options;      // network, zone, reverse
  unsigned mode = 0644;
  std::vector<std::string> frontends;  // empty = every host
};

struct SyncConfig {
  std::string file;  // where it was read from, for messages
  std::vector<OutputConfig> outputs;
};

// Parses config text. `file` names it in errors and is the base for relative template paths.
Result<SyncConfig> parse_sync_config(std::string_view text, const std::string& file);
// Reads and parses `path`. A missing file is bad_input naming it.
Result<SyncConfig> load_sync_config(const std::string& path);
// $HERD_SYNC_CONFIG, else /etc/herd/sync.conf.
std::string default_sync_config_path();

}  // namespace herd::reports
