#include "track/packages/package.h"

#include <algorithm>
#include <map>

#include "track/packages/dpkg.h"
#include "track/packages/rpm.h"
#include "util/text.h"

namespace herd::track {

bool valid_package_field(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\t' || c == '\n' || c == '\0'; });
}

void sort_packages(std::vector<Package>& packages) {
  std::sort(packages.begin(), packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.arch, a.version) < std::tie(b.name, b.arch, b.version);
  });
  packages.erase(std::unique(packages.begin(), packages.end(),
                             [](const Package& a, const Package& b) { return a.name == b.name && a.arch == b.arch; }),
                 packages.end());
}

std::string encode_packages(const PackageList& list) {
  std::string out = fmt::format("herd-packages 1 {}\n", list.backend);
  for (const Package& p : list.packages) out += fmt::format("{}\t{}\t{}\n", p.name, p.version, p.arch);
  return out;
}

Result<PackageList> decode_packages(std::string_view text, const std::string& what) {
  PackageList list;
  size_t end = text.find('\n');
  if (end == std::string_view::npos) return bad_input("{}: not a package list", what);
  auto header = split(text.substr(0, end), ' ');
  if (header.size() != 3 || header[0] != "herd-packages" || header[1] != "1" || !valid_package_field(header[2]))
    return bad_input("{}: not a package list (version 1)", what);
  list.backend = header[2];
  size_t pos = end + 1;
  int line = 1;
  while (pos < text.size()) {
    ++line;
    end = text.find('\n', pos);
    if (end == std::string_view::npos) return bad_input("{}: line {} has no end", what, line);
    auto fields = split(text.substr(pos, end - pos), '\t');
    pos = end + 1;
    if (fields.size() != 3 || !valid_package_field(fields[0]) || !valid_package_field(fields[1]) || !valid_package_field(fields[2]))
      return bad_input("{}: line {} is not name<TAB>version<TAB>arch", what, line);
    Package p{fields[0], fields[1], fields[2]};
    if (!list.packages.empty() && !(std::tie(list.packages.back().name, list.packages.back().arch) <
                                    std::tie(p.name, p.arch)))
      return bad_input("{}: line {} is out of order", what, line);
    list.packages.push_back(std::move(p));
  }
  return list;
}

const char* package_change_name(PackageChange::Kind kind) {
  switch (kind) {
    case PackageChange::Kind::added: return "added";
    case PackageChange::Kind::removed: return "removed";
    case PackageChange::Kind::upgraded: return "upgraded";
    case PackageChange::Kind::downgraded: return "downgraded";
  }
  return "?";
}

std::vector<PackageChange> diff_packages(const PackageList& before, const PackageList& after,
                                         const PackageBackend* backend) {
  std::map<std::pair<std::string, std::string>, std::pair<const Package*, const Package*>> all;
  for (const Package& p : before.packages) all[{p.name, p.arch}].first = &p;
  for (const Package& p : after.packages) all[{p.name, p.arch}].second = &p;
  std::vector<PackageChange> out;
  for (const auto& [key, pair] : all) {
    auto [b, a] = pair;
    PackageChange change;
    change.name = key.first;
    change.arch = key.second;
    if (b) change.before = b->version;
    if (a) change.after = a->version;
    if (!a) {
      change.kind = PackageChange::Kind::removed;
    } else if (!b) {
      change.kind = PackageChange::Kind::added;
    } else if (a->version == b->version) {
      continue;
    } else {
      int order = backend ? backend->compare_versions(a->version, b->version) : 1;
      change.kind = order < 0 ? PackageChange::Kind::downgraded : PackageChange::Kind::upgraded;
    }
    out.push_back(std::move(change));
  }
  return out;
}

std::unique_ptr<PackageBackend> backend_named(std::string_view name) {
  if (name == "dpkg") return std::make_unique<DpkgBackend>();
  if (name == "rpm") return std::make_unique<RpmBackend>();
  return nullptr;
}

std::unique_ptr<PackageBackend> detect_backend(int root_fd) {
  for (const char* name : {"dpkg", "rpm"}) {
    auto backend = backend_named(name);
    if (backend->detect(root_fd)) return backend;
  }
  return nullptr;
}

EpochVersion split_epoch_version(std::string_view v) {
  EpochVersion out;
  size_t colon = v.find(':');
  if (colon != std::string_view::npos) {
    long long e = 0;
    if (parse_int(v.substr(0, colon), e)) out.epoch = e;
    v.remove_prefix(colon + 1);
  }
  size_t dash = v.rfind('-');
  if (dash != std::string_view::npos) {
    out.release = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  out.version = v;
  return out;
}

}  // namespace herd::track
