// What a lab is made of, recorded in <lab dir>/state.json before each part is created, so
// `herd lab down` removes exactly what `up` made (processes by PID and start time,
// namespaces by name) even after a crash half-way through `up`.
#pragma once

#include <string>
#include <vector>

#include "lab/process.h"
#include "util/result.h"

namespace herd::lab {

enum class DhcpServer { dnsmasq, dhcpd, kea };
const char* dhcp_server_name(DhcpServer server);
Result<DhcpServer> parse_dhcp_server(std::string_view text);

struct MemberState {
  std::string name;    // "frontend" or the node's name in the inventory
  std::string netns;   // its network namespace
  std::string port;    // its bridge port in the switch namespace
  std::string mac;     // eth0's MAC
  std::string ip;      // the address the inventory gives it on the lab network
  ProcessId holder;    // empty until started
};

struct LabState {
  std::string name;
  std::string subnet;   // a.b.c.d/p
  std::string network;  // the inventory network the lab is
  std::string db_path;  // the inventory the lab registered its nodes in
  DhcpServer dhcp = DhcpServer::dnsmasq;
  std::string switch_netns;
  MemberState frontend;
  std::vector<MemberState> nodes;
  ProcessId dhcp_server;  // inside the frontend
  ProcessId herd_server;  // herd serve inside the frontend; pid 0 = none

  // The frontend or a node by name; nullptr if the lab has no such member.
  const MemberState* member(const std::string& name) const;
  // Every network namespace the lab uses.
  std::vector<std::string> namespaces() const;
};

// Parses state.json text; `source` names it in errors. Malformed text is a failure.
Result<LabState> parse_state(std::string_view text, const std::string& source);
Result<LabState> load_state(const std::string& path);
Status save_state(const std::string& path, const LabState& state);

}  // namespace herd::lab
