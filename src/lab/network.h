// The lab's network: one network namespace per member and a switch namespace holding a
// bridge. Each member's eth0 is one end of a veth pair whose other end is a port of the
// bridge; both ends are created directly inside their namespaces, so the host's own
// network namespace never holds a lab interface, address or route.
//
// Every namespace of lab L is named "herd-L-<member>": "herd-L-sw" (the switch),
// "herd-L-fe" (the frontend) and "herd-L-<node name>", so leftovers of a crashed run are
// found by name alone.
#pragma once

#include <string>
#include <vector>

#include "lab/process.h"
#include "util/result.h"

namespace herd::lab {

std::string netns_prefix(const std::string& lab);
std::string netns_name(const std::string& lab, const std::string& member);

// Names of the network namespaces that start with `prefix` (all of them for "herd-").
std::vector<std::string> list_netns(const std::string& prefix);

// Creates namespaces; one that exists already is an error naming it.
Status add_netns(const std::vector<std::string>& names);
// Deletes namespaces; missing ones are skipped.
Status delete_netns(const std::vector<std::string>& names);

// A bridge port: `port` is the switch side's name, `netns` gets the other end as eth0
// with MAC `mac`.
struct Port {
  std::string port, netns, mac;
};

// Creates bridge br0 in `switch_netns` and one veth pair per port, each port up and on
// the bridge; the member ends are left down (the member brings its eth0 up).
Status build_switch(const std::string& switch_netns, const std::vector<Port>& ports);

// Gives the member in `netns` the static address `cidr` (a.b.c.d/p) on eth0 and brings
// lo and eth0 up.
Status set_static_address(const std::string& netns, const std::string& cidr);

// Every process whose network namespace is `netns` (by inode, read from /proc).
std::vector<ProcessId> processes_in_netns(const std::string& netns);

// Whether a process in the network namespace of `member` (any process inside it, e.g.
// its holder) has a socket listening on `port`: TCP LISTEN, or UDP bound, on any address.
bool is_listening(const ProcessId& member, bool tcp, int port);

}  // namespace herd::lab
