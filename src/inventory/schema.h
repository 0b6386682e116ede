// The inventory schema and its migrations. The database records its version in
// schema_version; herd applies every newer migration itself, in one transaction each.
//
// Tables (version 1):
//   networks(id, name UNIQUE, address, prefix, gateway, zone, mtu, pxe, dynamic_start,
//            dynamic_end, dns_servers, comment)      address is the network address, IPv4
//   appliances(id, name UNIQUE, profile, description)
//   nodes(id, name UNIQUE, appliance_id -> appliances, rack, rank, arch, os, cpus,
//         boot_action, comment)
//   interfaces(id, node_id -> nodes ON DELETE CASCADE, device, mac UNIQUE, ip,
//              network_id -> networks, vlan, name, alias, UNIQUE(node_id, device),
//              UNIQUE(network_id, ip))               mac lowercase aa:bb:..; name = the host
//                                                    name on that network ("" = node name)
//   groups(id, name UNIQUE, nodeset)                 nodeset is a folded node set expression
//   attributes(scope, target, name, value, PRIMARY KEY(scope, target, name))
//   secrets(scope, target, name, value, PRIMARY KEY(scope, target, name))
//        scope in ('global','os','appliance','rack','node'); target is '' for global, else
//        the os name, appliance name, rack number or node name
//   settings(name PRIMARY KEY, value)                cluster-wide settings (cluster name, ...)
//
// Version 2 adds the credentials of `herd serve` (inventory/credentials.h):
//   join_tokens(id PRIMARY KEY, secret_sha256, appliance, uses_left, expires, created, revoked)
//   node_credentials(id PRIMARY KEY, node_id -> nodes ON DELETE CASCADE, secret_sha256,
//                    created, revoked)              hashes are 64 lowercase hex digits;
//                                                    times Unix seconds; expires NULL = never
#pragma once

#include "inventory/database.h"

namespace herd::inventory {

constexpr int kSchemaVersion = 2;

// Brings `db` up to kSchemaVersion. Fails (changing nothing) if the database is newer
// than this herd knows.
Status migrate(Database& db);

// Returns the schema version recorded in `db`, 0 for an empty database.
Result<int> schema_version(Database& db);

}  // namespace herd::inventory
