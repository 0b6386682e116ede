// A new cluster's first records: settings, the private network, the base appliances and
// the frontend node. Used by `herd init` and by `herd lab up` on an empty inventory.
#pragma once

#include <string>

#include "inventory/inventory.h"
#include "util/result.h"

namespace herd::inventory {

struct NewCluster {
  std::string cluster = "cluster";
  std::string frontend = "frontend";
  std::string network = "private";
  std::string subnet = "10.1.0.0/16";
  std::string frontend_ip;  // "" = first host address of the subnet
  std::string domain = "local";
  std::string mac;          // frontend MAC on the private network; "" = unknown
};

// Writes the records of `spec` in one transaction into an empty inventory. A bad subnet
// or address is bad_input naming the option; on any error nothing is written.
Status create_cluster(Inventory& inventory, const NewCluster& spec);

// The frontend address `spec` gives or implies; bad_input on a malformed subnet.
Result<std::string> frontend_address(const NewCluster& spec);

}  // namespace herd::inventory
