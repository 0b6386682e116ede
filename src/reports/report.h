// The generated service files ("reports"): one kind per file format, each a pure
// function of a Cluster and ReportOptions. Rendering never touches the database or the
// file system; `herd report` prints the text and `herd sync config` writes it.
//
// Every renderer validates what it reads (network addresses, interface addresses inside
// their network, host names, attribute values) and returns bad_input naming the network,
// node, interface or attribute at fault instead of writing a broken file. Output is
// deterministic: the same Cluster and options always give the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/model.h"
#include "util/result.h"

namespace herd::reports {

class ClusterView;

enum class Kind { hosts, dhcpd, kea, dnsmasq, zone, slurm, pbs, known_hosts, genders, ansible, clush };

struct KindInfo {
  Kind kind;
  std::string_view name;         // as typed on the command line: "known-hosts"
  std::string_view description;  // one line for `herd report --list`
  std::string_view default_path; // where the file usually lives, for docs and examples
};

// Every kind, in the order `herd report --list` shows them.
std::span<const KindInfo> kinds();
const KindInfo& kind_info(Kind kind);
std::optional<Kind> parse_kind(std::string_view name);

struct ReportOptions {
  // Only these nodes (exact names); nullopt = every node. An unknown name is bad_input.
  std::optional<std::vector<std::string>> nodes;
  // dhcpd/kea/dnsmasq: only this network ("" = every network).
  // zone: the forward zone of this network's zone, or with `reverse` its reverse zone.
  std::string network;
  // zone: the forward zone by name ("" = from `network`, or the only zone there is).
  std::string zone;
  // zone: write the reverse (in-addr.arpa) zone of `network` instead of a forward zone.
  bool reverse = false;
  // kea: the memfile lease file ("" = Kea's built-in default under /var/lib/kea).
  std::string lease_file;
  // zone: the SOA serial. `herd sync config` keeps it while the records are unchanged
  // and advances it when they change (see sync.h).
  uint32_t serial = 1;
};

// Renders one kind. Builds and validates a ClusterView first; to render several kinds of
// one Cluster, build the view once and use the overload below.
Result<std::string> render(Kind kind, const inventory::Cluster& cluster, const ReportOptions& options);
Result<std::string> render(Kind kind, const ClusterView& view, const ReportOptions& options);

// The serial of the first SOA record in zone file text (the number after "SOA ... ("),
// or nullopt when there is none.
std::optional<uint32_t> find_zone_serial(std::string_view zone_text);

// The first lines of every generated file, each prefixed by `comment` ("#", ";", "//").
std::string generated_header(std::string_view comment);

}  // namespace herd::reports
