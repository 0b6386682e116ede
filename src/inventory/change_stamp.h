// A stamp of the inventory's state, for caches of what was read from it.
#pragma once

#include <string>

#include "inventory/database.h"

namespace herd::inventory {

// A value that differs from every earlier one `db` returned once any connection has
// committed a change in between, so a cache of what was read may be kept while it stays
// the same; "" when the backend cannot tell (cache nothing). SQLite: PRAGMA data_version
// (other connections' commits) with total_changes() (this connection's own).
std::string change_stamp(Database& db);

}  // namespace herd::inventory
