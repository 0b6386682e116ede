#include "util/ipv4.h"

#include <fmt/format.h>

#include "util/text.h"

namespace herd {

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  uint32_t address = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    uint32_t part = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      part = part * 10 + static_cast<uint32_t>(text[i] - '0');
      ++i;
    }
    size_t digits = i - start;
    if (digits == 0 || part > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
    address = (address << 8) | part;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return address;
}

std::string format_ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

uint32_t prefix_mask(int prefix) {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffffffffu;
  return ~((1u << (32 - prefix)) - 1);
}

std::optional<Ipv4Network> parse_ipv4_network(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  long long prefix = 0;
  if (!address || !parse_int(text.substr(slash + 1), prefix) || prefix < 0 || prefix > 32) return std::nullopt;
  Ipv4Network network{*address, static_cast<int>(prefix)};
  if ((*address & network.mask()) != *address) return std::nullopt;
  return network;
}

}  // namespace herd
