// IPv4 addresses and prefixes as integers, with strict parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd {

// Parses dotted-quad text ("198.51.100.7"); nullopt on anything else (no leading zeros,
// no spaces, exactly four parts 0-255).
std::optional<uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(uint32_t address);

// The mask of a prefix length 0..32, e.g. 24 -> 0xffffff00.
uint32_t prefix_mask(int prefix);

struct Ipv4Network {
  uint32_t address = 0;  // host bits zero
  int prefix = 32;

  uint32_t mask() const { return prefix_mask(prefix); }
  uint32_t broadcast() const { return address | ~mask(); }
  bool contains(uint32_t ip) const { return (ip & mask()) == address; }
  // First and last addresses usable by hosts (network and broadcast excluded for prefix < 31).
  uint32_t first_host() const { return prefix >= 31 ? address : address + 1; }
  uint32_t last_host() const { return prefix >= 31 ? broadcast() : broadcast() - 1; }
};

// Parses "198.51.100.0/24"; nullopt if malformed or host bits are set.
std::optional<Ipv4Network> parse_ipv4_network(std::string_view text);

}  // namespace herd
