#include "lab/lab_state.h"

#include <nlohmann/json.hpp>

#include <limits>

#include "util/atomic_file.h"

namespace herd::lab {
namespace {

nlohmann::json to_json(const ProcessId& id) { return {{"pid", id.pid}, {"start_time", id.start_time}}; }

// A recorded process; anything but a PID in 1..INT_MAX and a whole non-negative start
// time reads as "none", so a damaged file can never name a process that is not ours.
ProcessId process_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  auto pid = j.find("pid");
  auto start = j.find("start_time");
  if (pid == j.end() || start == j.end() || !pid->is_number_integer() || !start->is_number_unsigned()) return {};
  auto pid_value = pid->get<long long>();
  if (pid_value < 1 || pid_value > std::numeric_limits<pid_t>::max()) return {};
  return {static_cast<pid_t>(pid_value), start->get<uint64_t>()};
}

nlohmann::json to_json(const MemberState& m) {
  return {{"name", m.name}, {"netns", m.netns}, {"port", m.port},
          {"mac", m.mac},   {"ip", m.ip},       {"holder", to_json(m.holder)}};
}

MemberState member_from_json(const nlohmann::json& j) {
  MemberState m;
  m.name = j.value("name", "");
  m.netns = j.value("netns", "");
  m.port = j.value("port", "");
  m.mac = j.value("mac", "");
  m.ip = j.value("ip", "");
  if (j.contains("holder")) m.holder = process_from_json(j["holder"]);
  return m;
}

}  // namespace

const char* dhcp_server_name(DhcpServer server) {
  switch (server) {
    case DhcpServer::dnsmasq: return "dnsmasq";
    case DhcpServer::dhcpd: return "dhcpd";
    case DhcpServer::kea: return "kea";
  }
  return "?";
}

Result<DhcpServer> parse_dhcp_server(std::string_view text) {
  for (auto server : {DhcpServer::dnsmasq, DhcpServer::dhcpd, DhcpServer::kea})
    if (text == dhcp_server_name(server)) return server;
  return bad_input("--dhcp '{}': expected dnsmasq, dhcpd or kea", text);
}

const MemberState* LabState::member(const std::string& wanted) const {
  if (wanted == frontend.name) return &frontend;
  for (const auto& node : nodes)
    if (node.name == wanted) return &node;
  return nullptr;
}

std::vector<std::string> LabState::namespaces() const {
  std::vector<std::string> names;
  if (!switch_netns.empty()) names.push_back(switch_netns);
  if (!frontend.netns.empty()) names.push_back(frontend.netns);
  for (const auto& node : nodes) names.push_back(node.netns);
  return names;
}

Result<LabState> load_state(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_state(*text, path);
}

Result<LabState> parse_state(std::string_view text, const std::string& path) {
  try {
    auto j = nlohmann::json::parse(text);
    LabState s;
    s.name = j.at("name").get<std::string>();
    s.subnet = j.value("subnet", "");
    s.network = j.value("network", "");
    s.db_path = j.value("db_path", "");
    std::string dhcp_text = j.value("dhcp", "dnsmasq");
    auto dhcp = parse_dhcp_server(dhcp_text);
    if (!dhcp) return failure("{}: unknown DHCP server '{}'", path, dhcp_text);
    s.dhcp = *dhcp;
    s.switch_netns = j.value("switch_netns", "");
    if (j.contains("frontend")) s.frontend = member_from_json(j["frontend"]);
    for (const auto& node : j.value("nodes", nlohmann::json::array())) s.nodes.push_back(member_from_json(node));
    if (j.contains("dhcp_server")) s.dhcp_server = process_from_json(j["dhcp_server"]);
    if (j.contains("herd_server")) s.herd_server = process_from_json(j["herd_server"]);
    return s;
  } catch (const nlohmann::json::exception& e) {
    return failure("{}: not a lab state file: {}", path, e.what());
  }
}

Status save_state(const std::string& path, const LabState& s) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : s.nodes) nodes.push_back(to_json(node));
  nlohmann::json j = {{"name", s.name},
                      {"subnet", s.subnet},
                      {"network", s.network},
                      {"db_path", s.db_path},
                      {"dhcp", dhcp_server_name(s.dhcp)},
                      {"switch_netns", s.switch_netns},
                      {"frontend", to_json(s.frontend)},
                      {"nodes", nodes},
                      {"dhcp_server", to_json(s.dhcp_server)},
                      {"herd_server", to_json(s.herd_server)}};
  return write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace herd::lab
