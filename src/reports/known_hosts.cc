// known-hosts: an ssh_known_hosts file. For each node with host keys (attributes
// ssh.host_key.ed25519, ssh.host_key.ecdsa, ssh.host_key.rsa: the public key line as in
// /etc/ssh/ssh_host_*_key.pub, comment optional) one line per key:
//   <names and addresses> <key type> <base64 key>
// where the names are every interface's fqdn, short host name and aliases, and every
// interface address, so ssh trusts the node by any name it is reached by. The optional
// setting ssh.cert_authority (a public key line) adds "@cert-authority *.<zone>,..." for
// hosts that present certificates signed by that CA.
#include <algorithm>
#include <cctype>
#include <set>

#include "reports/formats.h"
#include "util/text.h"

namespace herd::reports {
namespace {

bool is_base64(std::string_view text) {
  if (text.size() < 16 || text.size() % 4 != 0) return false;
  for (char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return false;
  return true;
}

// Whether key type `type` is a key of the algorithm `family` ("ed25519", "ecdsa", "rsa",
// or "" for any), including FIDO (sk-) and certificate-less forms OpenSSH writes.
bool type_matches(std::string_view type, std::string_view family) {
  auto starts = [&](std::string_view prefix) { return type.substr(0, prefix.size()) == prefix; };
  bool ed25519 = type == "ssh-ed25519" || type == "sk-ssh-ed25519@openssh.com";
  bool ecdsa = starts("ecdsa-sha2-") || starts("sk-ecdsa-sha2-");
  bool rsa = type == "ssh-rsa";
  if (family == "ed25519") return ed25519;
  if (family == "ecdsa") return ecdsa;
  if (family == "rsa") return rsa;
  return ed25519 || ecdsa || rsa;
}

// "type base64 [comment]" -> "type base64"; empty on a malformed line or when the type
// is not of `family`.
std::string key_part(std::string_view line, std::string_view family = "") {
  line = trim(line);
  size_t space = line.find_first_of(" \t");
  if (space == std::string_view::npos) return {};
  std::string_view type = line.substr(0, space);
  std::string_view rest = trim(line.substr(space));
  std::string_view key = rest.substr(0, rest.find_first_of(" \t"));
  if (!type_matches(type, family) || !is_base64(key)) return {};
  return fmt::format("{} {}", type, key);
}

}  // namespace

Result<std::string> render_known_hosts(const ClusterView& view, const ReportOptions& options) {
  static const std::string kKeys[] = {"ssh.host_key.ed25519", "ssh.host_key.ecdsa", "ssh.host_key.rsa"};
  const int ids[] = {view.attribute_id(kKeys[0]), view.attribute_id(kKeys[1]), view.attribute_id(kKeys[2])};
  static const std::string_view kFamilies[] = {"ed25519", "ecdsa", "rsa"};
  auto selected = view.selection(options);
  if (!selected) return selected.error();
  std::string out = generated_header("#");
  if (auto ca = view.setting("ssh.cert_authority"); !ca.empty()) {
    std::string key = key_part(ca);
    if (key.empty()) return bad_input("setting ssh.cert_authority: not a public key line ('type base64 [comment]')");
    std::set<std::string> patterns;
    if (!view.domain().empty()) patterns.insert("*." + view.domain());
    for (const auto& net : view.networks())
      if (!net.zone.empty()) patterns.insert("*." + net.zone);
    if (patterns.empty()) patterns.insert("*");
    fmt::format_to(std::back_inserter(out), "@cert-authority {} {}\n", fmt::join(patterns, ","), key);
  }
  // The last key line parsed, per family: nodes usually share values resolved from one
  // scope, so most lines are not parsed again.
  std::string last_value[3], last_key[3];
  std::string names;
  std::vector<std::string_view> seen;
  for (uint32_t node : view.order()) {
    if (!(*selected)[node]) continue;
    const std::string* values[3];
    bool any = false;
    for (int k = 0; k < 3; ++k) {
      values[k] = view.attribute(node, ids[k]);
      if (values[k] && values[k]->empty()) values[k] = nullptr;
      any |= values[k] != nullptr;
    }
    if (!any) continue;
    const auto& name = view.node(node).name;
    // Names first (node, fqdn, short, aliases), then addresses; each once.
    names.clear();
    seen.clear();
    auto add = [&](std::string_view item) {
      for (std::string_view s : seen)
        if (s == item) return;
      if (!names.empty()) names += ',';
      names += item;
      seen.push_back(item);
    };
    add(name);
    std::string alias_fqdn;
    for (const InterfaceView& iv : view.interfaces(node)) {
      add(iv.fqdn);
      add(iv.host_name());
      for (const auto& alias : iv.aliases) {
        if (!iv.zone.empty()) {
          // Not in `seen` (it would dangle); aliases are unique per zone anyway.
          names += ',';
          names += alias;
          names += '.';
          names += iv.zone;
        }
        add(alias);
      }
    }
    for (const InterfaceView& iv : view.interfaces(node)) {
      if (!iv.ip) continue;
      names += ',';
      append_ip(names, *iv.ip);
    }
    for (int k = 0; k < 3; ++k) {
      if (!values[k]) continue;
      if (*values[k] != last_value[k]) {
        std::string key = key_part(*values[k], kFamilies[k]);
        if (key.empty())
          return bad_input("node {}: attribute {}: not an {} public key line ('type base64 [comment]')", name, kKeys[k],
                           kFamilies[k]);
        last_value[k] = *values[k];
        last_key[k] = std::move(key);
      }
      out += names;
      out += ' ';
      out += last_key[k];
      out += '\n';
    }
  }
  return out;
}

}  // namespace herd::reports
