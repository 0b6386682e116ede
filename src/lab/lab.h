// herd lab: a virtual cluster on this machine. A switch namespace with a bridge, a
// frontend namespace running the DHCP server fed by `herd sync config`, and N node
// namespaces, each a holder (see holder.h) with its own host name and Debian root
// (rootfs_cache.h) running udhcpc and sshd. The nodes are the inventory's nodes
// compute-0-0 ... (lab_inventory.h); they get their addresses by real DHCP.
//
// Every lab lives in <labs root>/<name> ($HERD_LAB_DIR, else /var/lib/herd/lab), where
// state.json records what was made (lab_state.h). Only addresses inside 198.51.100.0/24
// or 203.0.113.0/24 are accepted, and they exist only inside the lab's namespaces.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "lab/lab_state.h"
#include "util/result.h"

namespace herd::lab {

using Progress = std::function<void(const std::string&)>;

struct LabOptions {
  std::string name = "lab";
  int nodes = 4;
  std::string subnet = "198.51.100.0/24";
  DhcpServer dhcp = DhcpServer::dnsmasq;
  std::string labs_root;   // "" = default_labs_root()
  std::string cache_root;  // "" = default_cache_root()
  std::string db_path;     // the inventory's path, recorded for `status` and `list`
  // The frontend's `herd serve` (docs/server.md) without --store and --listen, which
  // `up` adds (the lab's own store, kLabServerPort on the frontend's address). The CLI
  // passes this herd with --db and --pki. Empty = the lab runs no server.
  std::vector<std::string> serve_command;
  // Called once the lab's records are in the inventory (register_lab may have given the
  // frontend its address on the lab network just now) and before herd serve starts: the
  // CLI makes the PKI there, or renews a server certificate that lacks the frontend's
  // new address. An error fails `up` (everything made is removed). Unset = nothing.
  std::function<Status()> prepare_server;
  // Told, one line each, what `up` wrote into the inventory besides the nodes: the lab's
  // network, the frontend node, the frontend's address there (LabRecords::changes). The
  // CLI prints these always, not only on a terminal: they outlive the lab. Unset = progress.
  Progress inventory_changed;
};

// Where the lab frontend's herd serve listens.
inline constexpr int kLabServerPort = 8443;

// $HERD_LAB_DIR, else /var/lib/herd/lab.
std::string default_labs_root();
// $HERD_LAB, else "lab".
std::string default_lab_name();

// bad_input naming the option when a name, node count or subnet is not acceptable.
Status validate_lab_name(const std::string& name);
Status validate_options(const LabOptions& options);

// Brings the lab up, or leaves it as it is when it already runs as asked (a lab that is
// partly up or was asked differently is taken down first). On failure everything made
// is removed again and the error names the step and the node.
Result<LabState> lab_up(inventory::Inventory& inventory, const LabOptions& options, const Progress& progress);

struct DownReport {
  bool existed = false;                 // there was a state file or a namespace to remove
  size_t processes = 0;                 // processes ended
  std::vector<std::string> namespaces;  // network namespaces removed
};

// Ends every process and removes every namespace and file of the lab: the recorded ones
// and any leftovers found by name (namespaces) and namespace membership (processes).
Result<DownReport> lab_down(const std::string& labs_root, const std::string& name);

struct MemberStatus {
  std::string name, role, netns, mac, ip;
  pid_t holder = 0;
  bool running = false;    // its holder process runs
  std::string address;     // the address it holds by DHCP ("" = none); frontend: static
  bool lease = false;      // the DHCP server handed `ip` to `mac`
  bool service = false;    // sshd (nodes) / the DHCP server (frontend) is listening
  bool healthy() const;
};

struct LabStatus {
  LabState state;
  std::vector<MemberStatus> members;  // frontend first, then nodes in order
  bool healthy() const;
};

// Status of a lab; bad_input when there is no such lab.
Result<LabStatus> lab_status(const std::string& labs_root, const std::string& name);

struct LabSummary {
  std::string name, subnet, dhcp, db_path;
  size_t nodes = 0, running = 0;
  bool leftover = false;  // namespaces without a state file here (a crashed run, or another labs root)
};

// Every lab under `labs_root`, and leftover lab namespaces on this machine.
std::vector<LabSummary> lab_list(const std::string& labs_root);

// The holder of lab member `member` ("frontend" or a node name); bad_input if unknown.
Result<ProcessId> member_holder(const LabState& state, const std::string& member);

// Runs `argv` in the member's namespaces and root and returns its exit code.
Result<int> lab_exec(const std::string& labs_root, const std::string& name, const std::string& member,
                     const std::vector<std::string>& argv);

// Runs ssh to `node` from the frontend (keys checked against the generated known hosts),
// with `command` if given, and returns ssh's exit code.
Result<int> lab_ssh(const std::string& labs_root, const std::string& name, const std::string& node,
                    const std::vector<std::string>& command);

}  // namespace herd::lab
