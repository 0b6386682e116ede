#include "reports/cluster_view.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

#include "reports/report.h"
#include "util/text.h"

namespace herd::reports {
namespace {

// Names that are written into configuration files as bare words.
bool valid_token(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':'))
      return false;
  return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// 6 or 20 lowercase hex octets joined by ':'.
bool valid_mac(std::string_view mac) {
  if (mac.size() != 17 && mac.size() != 59) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2 ? mac[i] != ':' : !is_hex(mac[i])) return false;
  }
  return true;
}

Result<std::optional<uint32_t>> parse_optional_ip(std::string_view text, std::string_view what) {
  if (text.empty()) return std::optional<uint32_t>{};
  auto ip = parse_ipv4(text);
  if (!ip) return bad_input("{}: '{}' is not an IPv4 address", what, text);
  return std::optional<uint32_t>{*ip};
}

Result<NetworkView> check_network(const inventory::Network& network, const std::string& domain) {
  std::string what = fmt::format("network {}", network.name);
  NetworkView view;
  view.network = &network;
  if (!valid_token(network.name) || network.name.find(':') != std::string::npos)
    return bad_input("{}: a network name is letters, digits, '-', '_' and '.'", what);
  auto net = parse_ipv4_network(fmt::format("{}/{}", network.address, network.prefix));
  if (!net)
    return bad_input("{}: '{}/{}' is not a network address (bad address, prefix, or host bits set)", what,
                     network.address, network.prefix);
  view.net = *net;
  auto inside = [&](const std::optional<uint32_t>& ip, std::string_view field) -> Status {
    if (ip && !view.net.contains(*ip))
      return bad_input("{}: {} {} is outside {}/{}", what, field, format_ipv4(*ip), network.address, network.prefix);
    return {};
  };
  auto gateway = parse_optional_ip(network.gateway, what + ": gateway");
  if (!gateway) return gateway.error();
  view.gateway = *gateway;
  HERD_CHECK(inside(view.gateway, "gateway"));
  auto start = parse_optional_ip(network.dynamic_start, what + ": dynamic_start");
  if (!start) return start.error();
  auto end = parse_optional_ip(network.dynamic_end, what + ": dynamic_end");
  if (!end) return end.error();
  if (start->has_value() != end->has_value())
    return bad_input("{}: dynamic_start and dynamic_end must be set together", what);
  HERD_CHECK(inside(*start, "dynamic_start"));
  HERD_CHECK(inside(*end, "dynamic_end"));
  if (*start && **start > **end)
    return bad_input("{}: dynamic range {} - {} ends before it starts", what, network.dynamic_start,
                     network.dynamic_end);
  view.dynamic_start = *start;
  view.dynamic_end = *end;
  for (const std::string& part : split(network.dns_servers, ',')) {
    std::string_view server = trim(part);
    if (server.empty()) continue;
    auto ip = parse_ipv4(server);
    if (!ip) return bad_input("{}: dns_servers: '{}' is not an IPv4 address", what, server);
    view.dns_servers.push_back(*ip);
  }
  if (!network.zone.empty() && !valid_dns_name(network.zone))
    return bad_input("{}: zone '{}' is not a valid DNS name", what, network.zone);
  if (network.mtu < 68 || network.mtu > 65535)
    return bad_input("{}: mtu {} is outside 68-65535", what, network.mtu);
  view.zone = network.zone.empty() ? domain : network.zone;
  return view;
}

}  // namespace

bool valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  char previous = '.';
  for (char c : name) {
    if (c == '.') {
      if (previous == '.' || previous == '-') return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
      if (c == '-' && previous == '.') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    previous = c;
  }
  return previous != '.' && previous != '-';
}

bool natural_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = a[i] >= '0' && a[i] <= '9', db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      size_t ei = i, ej = j;
      while (ei < a.size() && a[ei] >= '0' && a[ei] <= '9') ++ei;
      while (ej < b.size() && b[ej] >= '0' && b[ej] <= '9') ++ej;
      // Compare values by significant digits, then by text (so "07" and "7" still order).
      size_t si = i, sj = j;
      while (si + 1 < ei && a[si] == '0') ++si;
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      if (ei - si != ej - sj) return ei - si < ej - sj;
      if (int c = a.substr(si, ei - si).compare(b.substr(sj, ej - sj)); c != 0) return c < 0;
      if (ei - i != ej - j) return ei - i < ej - j;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::string natural_key(std::string_view name) {
  std::string key;
  key.reserve(name.size() + 8);
  size_t i = 0;
  while (i < name.size()) {
    if (name[i] < '0' || name[i] > '9') {
      key += name[i++];
      continue;
    }
    size_t end = i;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    size_t significant = i;
    while (significant + 1 < end && name[significant] == '0') ++significant;
    // '0' keeps a digit run's place against other characters (no character lies
    // between '0' and '9' but digits); lengths fit a byte for any real node name.
    key += '0';
    key += static_cast<char>(std::min<size_t>(end - significant, 255));
    key.append(name.substr(significant, end - significant));
    key += static_cast<char>(std::min<size_t>(end - i, 255));
    i = end;
  }
  return key;
}

int reverse_zone_octets(int prefix) { return std::clamp(prefix / 8, 1, 3); }

std::string reverse_zone_name(uint32_t ip, int octets) {
  std::string out;
  for (int k = octets - 1; k >= 0; --k) fmt::format_to(std::back_inserter(out), "{}.", (ip >> (24 - 8 * k)) & 255);
  out += "in-addr.arpa";
  return out;
}

std::string reverse_label(uint32_t ip, int octets) {
  std::string out;
  for (int k = 3; k >= octets; --k) {
    if (!out.empty()) out += '.';
    fmt::format_to(std::back_inserter(out), "{}", (ip >> (24 - 8 * k)) & 255);
  }
  return out;
}

Result<ClusterView> ClusterView::build(const inventory::Cluster& cluster) {
  ClusterView view;
  view.cluster_ = &cluster;
  auto setting = [&](const char* name) {
    auto it = cluster.settings.find(name);
    return it == cluster.settings.end() ? std::string() : it->second;
  };
  view.domain_ = setting("domain");
  view.cluster_name_ = setting("cluster_name");
  if (!view.domain_.empty() && !valid_dns_name(view.domain_))
    return bad_input("setting domain: '{}' is not a valid DNS name", view.domain_);
  if (!cluster.attributes.empty() && cluster.attributes.size() != cluster.nodes.size())
    return bad_input("cluster: {} attribute sets for {} nodes", cluster.attributes.size(), cluster.nodes.size());

  // Networks in name order, whatever order the inventory gave.
  std::vector<const inventory::Network*> networks;
  for (const auto& network : cluster.networks) networks.push_back(&network);
  std::sort(networks.begin(), networks.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const inventory::Network* pointer : networks) {
    const auto& network = *pointer;
    if (view.find_network(network.name) >= 0) return bad_input("network {}: defined twice", network.name);
    auto checked = check_network(network, view.domain_);
    if (!checked) return checked.error();
    view.networks_.push_back(std::move(*checked));
  }

  const auto& nodes = cluster.nodes;
  if (nodes.size() >= UINT32_MAX) return bad_input("cluster: too many nodes");
  view.by_name_.resize(nodes.size());
  std::iota(view.by_name_.begin(), view.by_name_.end(), 0u);
  if (!std::is_sorted(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a.name < b.name; }))
    std::sort(view.by_name_.begin(), view.by_name_.end(),
              [&](uint32_t a, uint32_t b) { return nodes[a].name < nodes[b].name; });
  for (size_t k = 0; k < view.by_name_.size(); ++k) {
    const auto& name = nodes[view.by_name_[k]].name;
    if (!valid_dns_name(name)) return bad_input("node '{}': the name is not a valid host name", name);
    if (k > 0 && nodes[view.by_name_[k - 1]].name == name) return bad_input("node {}: listed twice", name);
  }
  {
    // Natural keys in one buffer (no allocation per node), sorted as byte strings.
    std::string arena;
    std::vector<std::pair<size_t, size_t>> spans;  // offset, length
    spans.reserve(nodes.size());
    for (const auto& node : nodes) {
      std::string key = natural_key(node.name);
      spans.emplace_back(arena.size(), key.size());
      arena += key;
    }
    auto key = [&](uint32_t index) { return std::string_view(arena).substr(spans[index].first, spans[index].second); };
    view.order_ = view.by_name_;
    std::sort(view.order_.begin(), view.order_.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  }
  view.frontend_ = view.find_node(setting("frontend"));

  // Interfaces, flattened in node index order, each node's sorted by device.
  size_t total = 0;
  for (const auto& node : nodes) total += node.interfaces.size();
  view.interfaces_.reserve(total);
  view.first_interface_.reserve(nodes.size() + 1);
  std::vector<std::pair<uint32_t, uint32_t>> ips;  // (ip, interface index)
  // Ethernet MACs as numbers (fast to sort); InfiniBand ones as text.
  std::vector<std::pair<uint64_t, uint32_t>> macs;
  std::vector<std::pair<std::string_view, uint32_t>> long_macs;
  ips.reserve(total);
  macs.reserve(total);
  std::vector<const inventory::Interface*> sorted;
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    const auto& node = nodes[n];
    view.first_interface_.push_back(view.interfaces_.size());
    size_t first = view.interfaces_.size();
    sorted.clear();
    for (const auto& interface : node.interfaces) sorted.push_back(&interface);
    std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->device < b->device; });
    for (const inventory::Interface* pointer : sorted) {
      const auto& interface = *pointer;
      auto what = [&] { return fmt::format("node {} interface {}", node.name, interface.device); };
      if (!valid_token(interface.device)) return bad_input("{}: bad device name", what());
      if (view.interfaces_.size() > first && view.interfaces_.back().device() == interface.device)
        return bad_input("{}: listed twice", what());
      InterfaceView iv;
      iv.interface = &interface;
      iv.node = n;
      if (!interface.mac.empty()) {
        if (!valid_mac(interface.mac))
          return bad_input("{}: mac '{}' is not 6 or 20 lowercase hex octets joined by ':'", what(), interface.mac);
        if (interface.mac.size() == 17) {
          uint64_t value = 0;
          auto hex = [](char c) { return static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
          for (size_t k = 0; k < 17; k += 3) value = (value << 8) | (hex(interface.mac[k]) << 4) | hex(interface.mac[k + 1]);
          macs.emplace_back(value, static_cast<uint32_t>(view.interfaces_.size()));
        } else {
          long_macs.emplace_back(interface.mac, static_cast<uint32_t>(view.interfaces_.size()));
        }
      }
      if (!valid_dns_name(interface.host_name()))
        return bad_input("{}: host name '{}' is not a valid host name", what(), interface.host_name());
      if (!interface.ip.empty()) {
        iv.ip = parse_ipv4(interface.ip);
        if (!iv.ip) return bad_input("{}: ip '{}' is not an IPv4 address", what(), interface.ip);
      }
      if (!interface.network.empty()) {
        iv.network = view.find_network(interface.network);
        if (iv.network < 0) return bad_input("{}: unknown network '{}'", what(), interface.network);
      } else if (iv.ip) {
        // An address without a network belongs to the network that contains it, if any.
        for (size_t k = 0; k < view.networks_.size() && iv.network < 0; ++k)
          if (view.networks_[k].net.contains(*iv.ip)) iv.network = static_cast<int>(k);
      }
      if (iv.ip && iv.network >= 0) {
        const auto& net = view.networks_[iv.network];
        if (!net.net.contains(*iv.ip))
          return bad_input("{}: ip {} is outside network {} ({}/{})", what(), interface.ip, net.name(),
                           format_ipv4(net.net.address), net.net.prefix);
        if (net.net.prefix < 31 && (*iv.ip == net.net.address || *iv.ip == net.net.broadcast()))
          return bad_input("{}: ip {} is the network or broadcast address of {}", what(), interface.ip, net.name());
      }
      if (iv.ip) ips.emplace_back(*iv.ip, static_cast<uint32_t>(view.interfaces_.size()));
      if (!interface.alias.empty())
      for (const std::string& part : split(interface.alias, ',')) {
        std::string_view alias = trim(part);
        if (alias.empty()) continue;
        if (!valid_dns_name(alias)) return bad_input("{}: alias '{}' is not a valid host name", what(), alias);
        iv.aliases.emplace_back(alias);
      }
      iv.zone = iv.network >= 0 ? view.networks_[iv.network].zone : view.domain_;
      iv.fqdn = interface.host_name();
      if (!iv.zone.empty()) {
        iv.fqdn += '.';
        iv.fqdn += iv.zone;
      }
      iv.owns_short_name = std::none_of(view.interfaces_.begin() + static_cast<ptrdiff_t>(first), view.interfaces_.end(),
                                        [&](const InterfaceView& v) { return v.host_name() == interface.host_name(); });
      view.interfaces_.push_back(std::move(iv));
    }
  }
  view.first_interface_.push_back(view.interfaces_.size());

  auto owner = [&](uint32_t index) {
    const auto& iv = view.interfaces_[index];
    return fmt::format("node {} interface {}", nodes[iv.node].name, iv.device());
  };
  std::sort(ips.begin(), ips.end());
  for (size_t k = 1; k < ips.size(); ++k)
    if (ips[k].first == ips[k - 1].first)
      return bad_input("{}: ip {} is also used by {}", owner(ips[k].second), format_ipv4(ips[k].first),
                       owner(ips[k - 1].second));
  std::sort(macs.begin(), macs.end());
  for (size_t k = 1; k < macs.size(); ++k)
    if (macs[k].first == macs[k - 1].first)
      return bad_input("{}: mac {} is also used by {}", owner(macs[k].second), view.interfaces_[macs[k].second].mac(),
                       owner(macs[k - 1].second));
  std::sort(long_macs.begin(), long_macs.end());
  for (size_t k = 1; k < long_macs.size(); ++k)
    if (long_macs[k].first == long_macs[k - 1].first)
      return bad_input("{}: mac {} is also used by {}", owner(long_macs[k].second), long_macs[k].first,
                       owner(long_macs[k - 1].second));

  // Attributes: intern names. Consecutive nodes usually carry the same names in the same
  // (map) order, so the previous node's ids are tried first; a hash lookup otherwise.
  std::unordered_map<std::string, int> ids;
  std::vector<std::pair<const std::string*, int>> previous, current;
  view.first_attribute_.reserve(nodes.size() + 1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    view.first_attribute_.push_back(view.attribute_entries_.size());
    if (n >= cluster.attributes.size()) continue;
    current.clear();
    size_t j = 0;
    for (const auto& [name, resolved] : cluster.attributes[n]) {
      int id;
      if (j < previous.size() && *previous[j].first == name) {
        id = previous[j].second;
      } else {
        auto [it, added] = ids.emplace(name, static_cast<int>(view.attribute_names_.size()));
        if (added) view.attribute_names_.push_back(name);
        id = it->second;
      }
      current.emplace_back(&name, id);
      view.attribute_entries_.emplace_back(id, &resolved.value);
      ++j;
    }
    std::swap(previous, current);
  }
  view.first_attribute_.push_back(view.attribute_entries_.size());

  // The frontend's address per network; default DNS server.
  if (view.frontend_) {
    for (const auto& iv : view.interfaces(*view.frontend_)) {
      if (iv.network >= 0 && iv.ip && !view.networks_[iv.network].frontend_ip)
        view.networks_[iv.network].frontend_ip = iv.ip;
    }
  }
  for (auto& net : view.networks_)
    if (net.dns_servers.empty() && net.frontend_ip) net.dns_servers.push_back(*net.frontend_ip);
  return view;
}

int ClusterView::find_network(std::string_view name) const {
  for (size_t k = 0; k < networks_.size(); ++k)
    if (networks_[k].name() == name) return static_cast<int>(k);
  return -1;
}

std::optional<uint32_t> ClusterView::find_node(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  const auto& nodes = cluster_->nodes;
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [&](uint32_t index, std::string_view n) { return nodes[index].name < n; });
  if (it == by_name_.end() || nodes[*it].name != name) return std::nullopt;
  return *it;
}

int ClusterView::attribute_id(std::string_view name) const {
  for (size_t k = 0; k < attribute_names_.size(); ++k)
    if (attribute_names_[k] == name) return static_cast<int>(k);
  return -1;
}

std::string_view ClusterView::setting(const std::string& name, std::string_view fallback) const {
  auto it = cluster_->settings.find(name);
  return it == cluster_->settings.end() || it->second.empty() ? fallback : std::string_view(it->second);
}

Result<std::vector<char>> ClusterView::selection(const ReportOptions& options) const {
  std::vector<char> selected(cluster_->nodes.size(), options.nodes ? 0 : 1);
  if (options.nodes) {
    for (const std::string& name : *options.nodes) {
      auto index = find_node(name);
      if (!index) return bad_input("node {}: no such node", name);
      selected[*index] = 1;
    }
  }
  return selected;
}

}  // namespace herd::reports
