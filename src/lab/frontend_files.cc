#include "lab/frontend_files.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "util/atomic_file.h"
#include "util/ipv4.h"
#include "util/text.h"

namespace herd::lab {
namespace {

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  for (auto& word : split(trim(line), ' '))
    if (!word.empty()) out.push_back(word);
  return out;
}

std::vector<std::string> base_environment() {
  const char* path = std::getenv("PATH");
  return {std::string("PATH=") + (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG=C.UTF-8"};
}

}  // namespace

std::string lab_sync_config(const FrontendFiles& f, DhcpServer server, const std::string& network) {
  std::string lease_file = server == DhcpServer::kea ? "lease-file = " + f.kea_leases() + "\n" : "";
  return fmt::format(
      "# herd lab: the frontend's generated files. Written by `herd lab up`.\n"
      "[hosts]\npath = {}\n\n"
      "[dhcp]\nkind = {}\nnetwork = {}\npath = {}\n{}\n"
      "[known-hosts]\npath = {}\n",
      f.hosts(), dhcp_server_name(server), network, f.dhcp_config(), lease_file, f.known_hosts());
}

std::string lab_ssh_config(const FrontendFiles& f) {
  return fmt::format(
      "# herd lab: the frontend's ssh client. Nodes are checked against the known hosts\n"
      "# generated from the inventory; nothing is learned on first use.\n"
      "Host *\n"
      "  User root\n"
      "  IdentityFile {}\n"
      "  UserKnownHostsFile {}\n"
      "  GlobalKnownHostsFile /dev/null\n"
      "  StrictHostKeyChecking yes\n"
      "  UpdateHostKeys no\n"
      "  ConnectTimeout 10\n"
      "  LogLevel ERROR\n",
      f.ssh_key(), f.known_hosts());
}

std::vector<BindMount> frontend_binds(const FrontendFiles& f) {
  std::vector<BindMount> binds{{f.etc_hosts(), "/etc/hosts"}};
  if (std::filesystem::exists("/etc/ssh/ssh_config")) binds.push_back({f.ssh_config(), "/etc/ssh/ssh_config"});
  return binds;
}

SpawnSpec dhcp_server_command(const FrontendFiles& f, DhcpServer server) {
  SpawnSpec spec;
  spec.output = f.dhcp_log();
  spec.env = base_environment();
  switch (server) {
    case DhcpServer::dnsmasq:
      spec.argv = {"dnsmasq",       "--keep-in-foreground", "--conf-file=" + f.dhcp_config(),
                   "--no-resolv",   "--no-hosts",           "--addn-hosts=" + f.hosts(),
                   "--interface=eth0", "--bind-interfaces",  "--pid-file=" + f.dir + "/dnsmasq.pid",
                   "--dhcp-leasefile=" + f.leases(), "--log-facility=-", "--log-dhcp"};
      break;
    case DhcpServer::dhcpd:
      spec.argv = {"dhcpd", "-d", "-4", "-cf", f.dhcp_config(), "-lf", f.leases(), "-pf", f.dir + "/dhcpd.pid", "eth0"};
      break;
    case DhcpServer::kea:
      spec.argv = {"kea-dhcp4", "-c", f.dhcp_config()};
      spec.env.push_back("KEA_PIDFILE_DIR=" + f.dir);
      spec.env.push_back("KEA_LOCKFILE_DIR=" + f.dir);
      break;
  }
  return spec;
}

std::vector<Lease> read_leases(const FrontendFiles& f, DhcpServer server) {
  std::string path = server == DhcpServer::dnsmasq ? f.leases() : server == DhcpServer::dhcpd ? f.dhcp_log() : f.kea_leases();
  auto text = read_file(path);
  return text ? parse_leases(server, *text) : std::vector<Lease>{};
}

namespace {

bool is_mac(std::string_view text) {
  if (text.size() != 17) return false;
  for (size_t k = 0; k < text.size(); ++k)
    if (k % 3 == 2 ? text[k] != ':' : !std::isxdigit(static_cast<unsigned char>(text[k]))) return false;
  return true;
}

// Keeps a lease only when both parts are well formed.
void add_lease(std::vector<Lease>& leases, std::string_view mac, std::string_view ip) {
  if (is_mac(mac) && parse_ipv4(ip)) leases.push_back({to_lower(mac), std::string(ip)});
}

}  // namespace

std::vector<Lease> parse_leases(DhcpServer server, std::string_view text) {
  std::vector<Lease> leases;
  for (const auto& line : split(text, '\n')) {
    switch (server) {
      case DhcpServer::dnsmasq: {  // expiry mac ip hostname client-id
        auto w = words(line);
        if (w.size() >= 3) add_lease(leases, w[1], w[2]);
        break;
      }
      case DhcpServer::dhcpd: {  // DHCPACK on 198.51.100.254 to 02:68:..:.. (name) via eth0
        auto w = words(line);
        if (w.size() >= 5 && w[0] == "DHCPACK" && w[1] == "on" && w[3] == "to") add_lease(leases, w[4], w[2]);
        break;
      }
      case DhcpServer::kea: {
        // address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,...
        // The memfile appends every change; state 0 is an assigned lease (1 declined,
        // 2 expired-reclaimed), and a later line for the same address supersedes it.
        auto fields = split(line, ',');
        if (fields.size() < 10 || fields[0] == "address") break;
        std::erase_if(leases, [&](const Lease& l) { return l.ip == fields[0]; });
        if (trim(fields[9]) == "0") add_lease(leases, fields[1], fields[0]);
        break;
      }
    }
  }
  return leases;
}

}  // namespace herd::lab
