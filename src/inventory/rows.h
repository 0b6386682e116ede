// Row decoding shared by the inventory's implementation files (not a public interface).
#pragma once

#include "inventory/database.h"
#include "inventory/model.h"

namespace herd::inventory {

// Columns: node_id, node name, device, mac, ip, network name, vlan, name, alias.
extern const char* const kInterfaceSelect;
Interface interface_from_row(const Row& row);

}  // namespace herd::inventory
