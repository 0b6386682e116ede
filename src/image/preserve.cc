#include "image/preserve.h"

#include <algorithm>

#include "image/capture_spec.h"
#include "image/settings.h"
#include "track/glob.h"
#include "track/path.h"

namespace herd::image {
namespace {

const char* const kProtected[] = {"/var/lib/herd/image", "/var/lib/herd/agent"};

Status add_rules(const std::vector<std::string>& globs, const char* what, std::vector<track::SpecRule>& out) {
  for (const auto& glob : globs) {
    HERD_CHECK(check_path_glob(glob, what));
    track::SpecRule rule;
    rule.pattern = glob;
    rule.whole_path = glob.find('/') != std::string::npos;
    out.push_back(std::move(rule));
  }
  return {};
}

}  // namespace

const std::vector<std::string>& default_preserved_paths() {
  static const std::vector<std::string> paths = {
      "/etc/fstab",
      "/etc/hostname",
      "/etc/hosts",
      "/etc/resolv.conf",
      "/etc/network/interfaces",
      "/etc/network/interfaces.d",
      "/etc/netplan",
      "/etc/systemd/network",
      "/etc/NetworkManager/system-connections",
      "/etc/sysconfig/network-scripts/ifcfg-*",
      "/home",
      "/var/log",
      "/var/spool",
      "/var/lib/herd",
      "/etc/ssh/ssh_host_*",
      "/etc/machine-id",
      "/var/lib/dbus/machine-id",
      "/etc/udev/rules.d/70-persistent-net.rules",
  };
  return paths;
}

Result<PathRules> PathRules::make(const std::vector<std::string>& preserve, const std::vector<std::string>& exclude,
                                  const std::vector<std::string>& overrides) {
  PathRules r;
  HERD_CHECK(add_rules(default_preserved_paths(), "preserve", r.preserve_));
  HERD_CHECK(add_rules(preserve, "preserve", r.preserve_));
  auto spec = capture_spec(exclude);
  if (!spec) return spec.error();
  r.exclude_ = spec->rules;
  // The literal part of each whole-path preserved or excluded glob, up to its last '/'
  // before a glob character: /etc/ssh/ssh_host_* keeps /etc/ssh, /proc/* keeps /proc.
  std::vector<const track::SpecRule*> kept;
  for (const auto& rule : r.preserve_) kept.push_back(&rule);
  for (const auto& rule : r.exclude_) kept.push_back(&rule);
  for (const track::SpecRule* p : kept) {
    const track::SpecRule& rule = *p;
    if (!rule.whole_path || rule.pattern[0] != '/') continue;
    size_t glob = rule.pattern.find_first_of("*?[\\");
    std::string literal = rule.pattern.substr(0, glob);
    if (glob != std::string::npos) literal = literal.substr(0, literal.rfind('/'));
    if (!literal.empty()) r.kept_prefixes_.push_back(literal);
  }
  for (const char* p : kProtected) r.kept_prefixes_.push_back(p);
  for (const auto& path : overrides) {
    r.overrides_.insert(path);
    r.override_list_.push_back(path);
  }
  std::sort(r.override_list_.begin(), r.override_list_.end());
  return r;
}

PathRules PathRules::none() {
  PathRules r;
  r.protect_ = false;
  return r;
}

bool PathRules::matches(const std::vector<track::SpecRule>& rules, std::string_view path, std::string_view name) {
  for (const auto& rule : rules)
    if (track::glob_match(rule.pattern, rule.whole_path ? path : name)) return true;
  return false;
}

PathRules::Flags PathRules::classify(std::string_view path, Flags parent) const {
  Flags f = parent;
  std::string_view name = track::base_name(path);
  if (protect_ && !f.protect)
    for (const char* p : kProtected) f.protect = f.protect || path == p;
  if (!f.preserve) f.preserve = matches(preserve_, path, name);
  if (!f.exclude) f.exclude = matches(exclude_, path, name);
  return f;
}

bool PathRules::keeps_beneath(std::string_view folder) const {
  if (!protect_) return false;
  std::string prefix(folder);
  if (prefix != "/") prefix += '/';
  for (const auto& kept : kept_prefixes_)
    if (kept.size() + 1 >= prefix.size() && (kept + '/').compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

bool PathRules::has_override_beneath(std::string_view folder) const {
  std::string prefix(folder);
  if (prefix != "/") prefix += '/';
  auto it = std::lower_bound(override_list_.begin(), override_list_.end(), prefix);
  return it != override_list_.end() && it->compare(0, prefix.size(), prefix) == 0;
}

}  // namespace herd::image
