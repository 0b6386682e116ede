#include "lab/frontend_files.h"

#include <cstdlib>
#include <filesystem>

#include "util/atomic_file.h"
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
  std::vector<Lease> leases;
  switch (server) {
    case DhcpServer::dnsmasq: {
      // expiry mac ip hostname client-id
      auto text = read_file(f.leases());
      if (!text) break;
      for (const auto& line : split(*text, '\n')) {
        auto w = words(line);
        if (w.size() >= 3) leases.push_back({to_lower(w[1]), w[2]});
      }
      break;
    }
    case DhcpServer::dhcpd: {
      // "DHCPACK on 198.51.100.254 to 02:68:..:.. (name) via eth0"
      auto text = read_file(f.dhcp_log());
      if (!text) break;
      for (const auto& line : split(*text, '\n')) {
        auto w = words(line);
        if (w.size() >= 5 && w[0] == "DHCPACK" && w[1] == "on" && w[3] == "to") leases.push_back({to_lower(w[4]), w[2]});
      }
      break;
    }
    case DhcpServer::kea: {
      // address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,...
      auto text = read_file(f.kea_leases());
      if (!text) break;
      for (const auto& line : split(*text, '\n')) {
        auto fields = split(line, ',');
        if (fields.size() >= 2 && fields[0] != "address" && !fields[1].empty()) leases.push_back({to_lower(fields[1]), fields[0]});
      }
      break;
    }
  }
  return leases;
}

}  // namespace herd::lab
