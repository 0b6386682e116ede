// The whole inventory as a folder of CSV files, one per record kind, for spreadsheets and
// for moving a cluster between frontends. Export then import gives the same inventory.
//
//   settings.csv    name,value
//   networks.csv    name,address,prefix,gateway,zone,mtu,pxe,dynamic_start,dynamic_end,dns_servers,comment
//   appliances.csv  name,profile,description
//   nodes.csv       name,appliance,rack,rank,arch,os,cpus,boot_action,comment
//   interfaces.csv  node,device,mac,ip,network,vlan,name,alias
//   groups.csv      name,nodeset,description
//   attributes.csv  scope,target,name,value
//   secrets.csv     scope,target,name,value        (only when asked for)
#pragma once

#include <string>

#include "inventory/inventory.h"

namespace herd::inventory {

// Writes every file into `folder` (created if missing), each atomically.
Status export_csv(Inventory& inventory, const std::string& folder, bool include_secrets);

// Replaces the inventory's content with the files in `folder`, in one transaction: every
// rule that guards single commands applies, and the first error (file, line, field)
// leaves the inventory as it was. secrets.csv is optional: without it, existing secrets
// whose targets survive are kept. Returns the number of nodes imported.
Result<size_t> import_csv(Inventory& inventory, const std::string& folder);

}  // namespace herd::inventory
