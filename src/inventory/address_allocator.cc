#include "inventory/address_allocator.h"

namespace herd::inventory {

namespace {

// Calls `fill` with the network's definition row; false when there is no such network.
Result<bool> read_network(Database& db, const std::string& network, const std::function<void(const Row&)>& fill) {
  bool found = false;
  HERD_CHECK(db.query("SELECT id, address, prefix, gateway, dynamic_start, dynamic_end FROM networks WHERE name = ?",
                      {network}, [&](const Row& r) {
                        found = true;
                        fill(r);
                      }));
  return found;
}

}  // namespace

Result<int64_t> AddressAllocator::check_address(Database& db, const std::string& network, const std::string& ip,
                                                const std::string& owner, const std::string& exempt) {
  AddressAllocator a;
  a.name_ = network;
  auto found = read_network(db, network, [&](const Row& r) { a.fill(r); });
  if (!found) return found.error();
  if (!*found) return bad_input("unknown network '{}'", network);
  HERD_CHECK(a.claim(ip, owner));
  std::string holder;
  HERD_CHECK(db.query("SELECT n.name, i.device FROM interfaces i JOIN nodes n ON n.id = i.node_id "
                      "WHERE i.network_id = ? AND i.ip = ?",
                      {a.network_id_, ip}, [&](const Row& r) { holder = to_text(r[0]) + " " + to_text(r[1]); }));
  if (!holder.empty() && holder != exempt) return bad_input("{}: {} is already used by {} on network '{}'", owner, ip, holder, network);
  return a.network_id_;
}

void AddressAllocator::fill(const Row& r) {
  network_id_ = std::get<int64_t>(r[0]);
  net_.address = parse_ipv4(to_text(r[1])).value_or(0);
  net_.prefix = static_cast<int>(std::get<int64_t>(r[2]));
  gateway_ = parse_ipv4(to_text(r[3])).value_or(0);
  if (auto s = parse_ipv4(to_text(r[4])), e = parse_ipv4(to_text(r[5])); s && e) {
    dynamic_start_ = *s;
    dynamic_end_ = *e;
  }
}

Result<AddressAllocator> AddressAllocator::load(Database& db, const std::string& network, IpOrder order) {
  AddressAllocator a;
  a.name_ = network;
  a.order_ = order;
  auto found = read_network(db, network, [&](const Row& r) { a.fill(r); });
  if (!found) return found.error();
  if (!*found) return bad_input("unknown network '{}'", network);
  HERD_CHECK(db.query("SELECT ip FROM interfaces WHERE network_id = ? AND ip IS NOT NULL", {a.network_id_},
                      [&](const Row& r) {
                        if (auto ip = parse_ipv4(to_text(r[0]))) a.used_.insert(*ip);
                      }));
  return a;
}

bool AddressAllocator::reserved(uint32_t ip) const {
  return ip == gateway_ || (ip >= dynamic_start_ && ip <= dynamic_end_);
}

Result<std::string> AddressAllocator::next() {
  uint64_t count = uint64_t{net_.last_host()} - net_.first_host() + 1;
  while (cursor_ < count) {
    uint32_t ip = order_ == IpOrder::down ? static_cast<uint32_t>(net_.last_host() - cursor_)
                                          : static_cast<uint32_t>(net_.first_host() + cursor_);
    ++cursor_;
    if (reserved(ip) || used_.count(ip)) continue;
    used_.insert(ip);
    return format_ipv4(ip);
  }
  return bad_input("network '{}' ({}/{}) has no free address left", name_, format_ipv4(net_.address), net_.prefix);
}

Status AddressAllocator::claim(const std::string& ip_text, const std::string& owner) {
  auto ip = parse_ipv4(ip_text);
  if (!ip) return bad_input("{}: '{}' is not an IPv4 address", owner, ip_text);
  if (!net_.contains(*ip) || *ip < net_.first_host() || *ip > net_.last_host())
    return bad_input("{}: {} is not a host address of network '{}' ({}/{})", owner, ip_text, name_,
                     format_ipv4(net_.address), net_.prefix);
  if (*ip == gateway_) return bad_input("{}: {} is the gateway of network '{}'", owner, ip_text, name_);
  if (!used_.insert(*ip).second) return bad_input("{}: {} is already in use on network '{}'", owner, ip_text, name_);
  return {};
}

}  // namespace herd::inventory
