// fuzz_lab_files: libFuzzer over what `herd lab down/status/list` read back from disk.
// The first byte picks the reader ('0' state.json, '1' dnsmasq leases, '2' dhcpd log,
// '3' Kea lease CSV; any byte, modulo 4), the rest is the file. Every input either
// parses or fails with an error naming the file (never an exception or a crash), and
// every lease found keeps parse_leases' promises: a non-empty lower-case MAC, one lease
// at most per line, nothing spanning lines.
//
//   ./fuzz_lab_files fuzz/lab/corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lab/frontend_files.h"
#include "lab/lab_state.h"

namespace {

using herd::lab::DhcpServer;

void check_state(std::string_view text) {
  const std::string source = "/var/lib/herd/lab/fuzz/state.json";
  auto state = herd::lab::parse_state(text, source);
  if (!state.ok()) {
    if (state.error().message.find(source) == std::string::npos) std::abort();
    return;
  }
  // A parsed state is usable: its DHCP server's name reads back, every node is found by
  // name, and the namespaces are the switch, the frontend and one per node at most.
  auto server = herd::lab::parse_dhcp_server(herd::lab::dhcp_server_name(state->dhcp));
  if (!server.ok() || *server != state->dhcp) std::abort();
  for (const auto& node : state->nodes)
    if (state->member(node.name) == nullptr) std::abort();
  if (state->namespaces().size() > state->nodes.size() + 2) std::abort();
}

void check_leases(DhcpServer server, std::string_view text) {
  auto leases = herd::lab::parse_leases(server, text);
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  if (leases.size() > lines) std::abort();
  for (const auto& lease : leases) {
    if (lease.mac.empty()) std::abort();
    for (char c : lease.mac)
      if ((c >= 'A' && c <= 'Z') || c == '\n') std::abort();
    if (lease.ip.find('\n') != std::string::npos) std::abort();
    if (server == DhcpServer::dnsmasq && lease.mac.size() != 17) std::abort();
    if (server == DhcpServer::kea && (lease.mac.find(',') != std::string::npos || lease.ip.find(',') != std::string::npos))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: check_state(text); break;
    case 1: check_leases(DhcpServer::dnsmasq, text); break;
    case 2: check_leases(DhcpServer::dhcpd, text); break;
    case 3: check_leases(DhcpServer::kea, text); break;
  }
  return 0;
}
