// AddressAllocator: hands out free host addresses of one network, in a fixed direction.
// Free means: a host address of the network (not the network or broadcast address), not
// the gateway, not inside the dynamic range, and not already assigned to an interface.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>

#include "inventory/database.h"
#include "inventory/inventory.h"
#include "util/ipv4.h"

namespace herd::inventory {

class AddressAllocator {
 public:
  // Reads the network and every address in use on it. `db` must outlive the allocator,
  // and no other writer may assign addresses on this network while it is in use (callers
  // hold a write transaction).
  static Result<AddressAllocator> load(Database& db, const std::string& network, IpOrder order);

  // The next free address, marking it used; bad_input when the network is full.
  Result<std::string> next();

  // Marks a caller-chosen address used. Fails if it is outside the network, reserved or
  // already used; `owner` names the interface in the message.
  Status claim(const std::string& ip, const std::string& owner);

  int64_t network_id() const { return network_id_; }

  // Checks one caller-chosen address with indexed lookups only (no scan of the network),
  // for single-interface changes. Returns the network's id. `exempt` ("node device") may
  // already hold the address: an interface keeping its own address is no clash.
  static Result<int64_t> check_address(Database& db, const std::string& network, const std::string& ip,
                                       const std::string& owner, const std::string& exempt = "");

 private:
  bool reserved(uint32_t ip) const;
  // Takes the network's id, address, prefix, gateway and dynamic range from a row.
  void fill(const Row& row);

  std::string name_;
  int64_t network_id_ = 0;
  Ipv4Network net_;
  uint32_t gateway_ = 0;
  uint32_t dynamic_start_ = 1, dynamic_end_ = 0;  // empty range when start > end
  IpOrder order_ = IpOrder::down;
  uint64_t cursor_ = 0;  // next candidate, as an offset from the walk's first address
  std::unordered_set<uint32_t> used_;
};

}  // namespace herd::inventory
