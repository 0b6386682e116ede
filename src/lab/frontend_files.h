// The lab frontend's files and its DHCP server. The frontend runs on the host's file tree
// but in its own namespaces; files under <lab dir>/frontend are shown in place of
// /etc/hosts and /etc/ssh/ssh_config there, so its ssh client and DHCP
// server see the lab and never touch the host's own files.
//
//   <lab dir>/frontend/sync.conf        the lab's outputs for `herd sync config`
//   <lab dir>/frontend/hosts            hosts report (dnsmasq serves it as DNS)
//   <lab dir>/frontend/etc-hosts        a copy, rewritten in place, shown as /etc/hosts
//   <lab dir>/frontend/dhcp.conf        dnsmasq, dhcpd or kea report
//   <lab dir>/frontend/ssh_known_hosts  known-hosts report (the nodes' host keys)
//   <lab dir>/frontend/ssh_config       root@ any node with the lab key, keys checked
//   <lab dir>/frontend/id_ed25519       the lab's ssh key
//   <lab dir>/frontend/dhcp.log         the DHCP server's log; dhcp.leases (kea: kea-leases4.csv)
//                                       its leases
#pragma once

#include <string>
#include <vector>

#include "lab/holder.h"
#include "lab/lab_state.h"
#include "util/result.h"

namespace herd::lab {

struct FrontendFiles {
  explicit FrontendFiles(std::string lab_dir) : dir(std::move(lab_dir) + "/frontend") {}
  std::string dir;
  std::string sync_config() const { return dir + "/sync.conf"; }
  std::string hosts() const { return dir + "/hosts"; }
  std::string etc_hosts() const { return dir + "/etc-hosts"; }
  std::string dhcp_config() const { return dir + "/dhcp.conf"; }
  std::string known_hosts() const { return dir + "/ssh_known_hosts"; }
  std::string ssh_config() const { return dir + "/ssh_config"; }
  std::string ssh_key() const { return dir + "/id_ed25519"; }
  std::string dhcp_log() const { return dir + "/dhcp.log"; }
  std::string server_log() const { return dir + "/serve.log"; }
  std::string leases() const { return dir + "/dhcp.leases"; }
  std::string kea_leases() const { return dir + "/kea-leases4.csv"; }
  std::string holder_log() const { return dir + "/holder.log"; }
};

// The sync configuration for the lab's outputs (hosts, DHCP for `server` on `network`,
// known hosts), without reload commands: `herd lab up` restarts the server itself.
std::string lab_sync_config(const FrontendFiles& files, DhcpServer server, const std::string& network);

// The ssh client configuration the frontend uses for every node.
std::string lab_ssh_config(const FrontendFiles& files);

// Bind mounts for the frontend holder (targets that this machine lacks are left out).
std::vector<BindMount> frontend_binds(const FrontendFiles& files);

// The command that runs `server` in the foreground on the frontend's eth0.
SpawnSpec dhcp_server_command(const FrontendFiles& files, DhcpServer server);

struct Lease {
  std::string mac, ip;
};

// The addresses the DHCP server has handed out, oldest first: its lease file, or for
// dhcpd (which records no leases for fixed addresses) the DHCPACK lines of its log.
std::vector<Lease> read_leases(const FrontendFiles& files, DhcpServer server);

// The leases in `text`, the content of that file for `server`; lines that are not
// leases are skipped.
std::vector<Lease> parse_leases(DhcpServer server, std::string_view text);

}  // namespace herd::lab
