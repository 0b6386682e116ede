#include "track/fleet_packages.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <unordered_map>

namespace herd::track {

const char* packages_state_name(NodePackages::State state) {
  switch (state) {
    case NodePackages::State::ok: return "ok";
    case NodePackages::State::no_list: return "no package list";
    case NodePackages::State::no_checkpoint: return "no checkpoint";
    case NodePackages::State::unreadable: return "unreadable";
  }
  return "?";
}

const char* where_state_name(WhereGroup::State state) {
  switch (state) {
    case WhereGroup::State::installed: return "installed";
    case WhereGroup::State::not_installed: return "not installed";
    case WhereGroup::State::no_list: return "no package list";
    case WhereGroup::State::no_checkpoint: return "no checkpoint";
    case WhereGroup::State::unreadable: return "unreadable";
  }
  return "?";
}

std::vector<NodePackages> load_fleet_packages(const store::ObjectStore& store, const std::vector<NodeCheckpoint>& nodes) {
  // Decoded lists (or the error) by blob: each distinct blob is read once.
  std::unordered_map<store::Hash, Result<std::shared_ptr<const PackageList>>> lists;
  std::vector<NodePackages> out;
  out.reserve(nodes.size());
  for (const auto& node : nodes) {
    NodePackages p;
    p.node = node.node;
    if (node.state != NodeCheckpoint::State::ok) {
      p.state = node.state == NodeCheckpoint::State::none ? NodePackages::State::no_checkpoint
                                                          : NodePackages::State::unreadable;
      p.error = node.error;
      out.push_back(std::move(p));
      continue;
    }
    const auto& metadata = node.checkpoint->snapshot.metadata;
    auto it = metadata.find("packages");
    if (it == metadata.end() || it->second.empty()) {
      p.state = NodePackages::State::no_list;
      out.push_back(std::move(p));
      continue;
    }
    auto hash = store::Hash::parse(it->second);
    if (!hash) {
      p.state = NodePackages::State::unreadable;
      p.error = fmt::format("{}: checkpoint {}: bad packages hash '{}'", node.node, node.checkpoint->id.hex(), it->second);
      out.push_back(std::move(p));
      continue;
    }
    auto found = lists.find(*hash);
    if (found == lists.end()) {
      Result<std::shared_ptr<const PackageList>> decoded = [&]() -> Result<std::shared_ptr<const PackageList>> {
        auto text = store.get(*hash, store::ObjectType::blob);
        if (!text) return text.error();
        auto list = decode_packages(*text, "package list " + hash->hex());
        if (!list) return list.error();
        return std::shared_ptr<const PackageList>(std::make_shared<PackageList>(std::move(*list)));
      }();
      found = lists.emplace(*hash, std::move(decoded)).first;
    }
    if (!found->second) {
      p.state = NodePackages::State::unreadable;
      p.error = fmt::format("{}: {}", node.node, found->second.error().message);
    } else {
      p.state = NodePackages::State::ok;
      p.list = *found->second;
      p.blob = *hash;
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<PackageName> parse_package_name(std::string_view text) {
  PackageName out;
  size_t colon = text.find(':');
  out.name = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) out.arch = std::string(text.substr(colon + 1));
  auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+-._~@^").find(c) != std::string_view::npos;
  };
  bool ok = !out.name.empty() && std::isalnum(static_cast<unsigned char>(out.name[0])) &&
            std::all_of(out.name.begin(), out.name.end(), name_char) &&
            (colon == std::string_view::npos ||
             (!out.arch.empty() && std::all_of(out.arch.begin(), out.arch.end(), name_char)));
  if (!ok)
    return bad_input("package '{}': expected NAME or NAME:ARCH (letters, digits and +-._~, starting with a letter or digit)",
                     text);
  return out;
}

std::vector<WhereGroup> where_package(const std::vector<NodePackages>& nodes, const PackageName& package) {
  // What each distinct list has of the package, as a key; computed once per list.
  std::unordered_map<const PackageList*, std::string> key_of;
  std::map<std::string, WhereGroup> installed;
  WhereGroup not_installed{WhereGroup::State::not_installed, {}, {}, {}};
  WhereGroup no_list{WhereGroup::State::no_list, {}, {}, {}};
  WhereGroup no_checkpoint{WhereGroup::State::no_checkpoint, {}, {}, {}};
  WhereGroup unreadable{WhereGroup::State::unreadable, {}, {}, {}};
  for (const auto& node : nodes) {
    switch (node.state) {
      case NodePackages::State::no_list: no_list.nodes.push_back(node.node); continue;
      case NodePackages::State::no_checkpoint: no_checkpoint.nodes.push_back(node.node); continue;
      case NodePackages::State::unreadable:
        if (unreadable.nodes.empty()) unreadable.error = node.error;
        unreadable.nodes.push_back(node.node);
        continue;
      case NodePackages::State::ok: break;
    }
    auto [it, added] = key_of.emplace(node.list.get(), std::string());
    std::vector<Package> matches;
    // Sorted by (name, arch): the name's packages are one run.
    const auto& all = node.list->packages;
    auto first = std::lower_bound(all.begin(), all.end(), package.name,
                                  [](const Package& p, const std::string& name) { return p.name < name; });
    for (auto p = first; p != all.end() && p->name == package.name; ++p)
      if (package.arch.empty() || p->arch == package.arch) matches.push_back(*p);
    if (added)
      for (const auto& m : matches) it->second += m.version + '\t' + m.arch + '\n';
    if (matches.empty()) {
      not_installed.nodes.push_back(node.node);
      continue;
    }
    auto& group = installed[it->second];
    if (group.nodes.empty()) group.packages = std::move(matches);
    group.nodes.push_back(node.node);
  }
  std::vector<WhereGroup> out;
  for (auto& [key, group] : installed) out.push_back(std::move(group));
  std::stable_sort(out.begin(), out.end(),
                   [](const WhereGroup& a, const WhereGroup& b) { return a.nodes.size() > b.nodes.size(); });
  for (auto* group : {&not_installed, &no_list, &no_checkpoint, &unreadable})
    if (!group->nodes.empty()) out.push_back(std::move(*group));
  return out;
}

namespace {

std::string package_key(const Package& p) { return p.name + '\t' + p.arch; }

// Nodes of one appliance that share one package list blob.
struct ListNodes {
  const PackageList* list = nullptr;
  std::vector<std::string> nodes;
};

std::vector<Package> majority_set(const std::vector<ListNodes>& lists, size_t listed, const PackageBackend* backend) {
  // (name, arch) -> version -> nodes having it.
  std::unordered_map<std::string, std::map<std::string, size_t>> votes;
  std::unordered_map<std::string, const Package*> sample;
  for (const auto& l : lists)
    for (const auto& p : l.list->packages) {
      auto key = package_key(p);
      votes[key][p.version] += l.nodes.size();
      sample.emplace(key, &p);
    }
  std::vector<Package> out;
  for (const auto& [key, versions] : votes) {
    size_t total = 0;
    const std::string* best = nullptr;
    size_t best_count = 0;
    for (const auto& [version, count] : versions) {
      total += count;
      bool newer = best && count == best_count &&
                   (backend ? backend->compare_versions(version, *best) > 0 : version > *best);
      if (!best || count > best_count || newer) {
        best = &version;
        best_count = count;
      }
    }
    if (2 * total <= listed) continue;
    const Package* p = sample.at(key);
    out.push_back(Package{p->name, *best, p->arch});
  }
  std::sort(out.begin(), out.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.arch) < std::tie(b.name, b.arch);
  });
  return out;
}

// The difference of `have` from `majority`; both sorted by (name, arch), unique.
PackageDrift drift_of(const std::vector<Package>& majority, const std::vector<Package>& have,
                      const PackageBackend* backend) {
  PackageDrift d;
  auto m = majority.begin();
  auto h = have.begin();
  auto before = [](const Package& a, const Package& b) { return std::tie(a.name, a.arch) < std::tie(b.name, b.arch); };
  while (m != majority.end() || h != have.end()) {
    if (h == have.end() || (m != majority.end() && before(*m, *h))) {
      d.missing.push_back(*m++);
    } else if (m == majority.end() || before(*h, *m)) {
      d.extra.push_back(*h++);
    } else {
      if (m->version != h->version) {
        int order = backend ? backend->compare_versions(h->version, m->version) : 0;
        d.changed.push_back({*m, *h, order < 0 ? -1 : order > 0 ? 1 : 0});
      }
      ++m;
      ++h;
    }
  }
  return d;
}

std::string drift_key(const PackageDrift& d) {
  std::string key;
  for (const auto& p : d.missing) key += "-" + package_key(p) + '\t' + p.version + '\n';
  for (const auto& p : d.extra) key += "+" + package_key(p) + '\t' + p.version + '\n';
  for (const auto& c : d.changed) key += "~" + package_key(c.node) + '\t' + c.node.version + '\n';
  return key;
}

}  // namespace

std::vector<ApplianceDrift> package_drift(const std::vector<NodePackages>& nodes,
                                          const std::map<std::string, std::string>& appliance_of) {
  std::map<std::string, ApplianceDrift> by_appliance;
  // appliance -> lists in first-seen order (index by blob)
  std::map<std::string, std::vector<ListNodes>> lists;
  std::map<std::string, std::unordered_map<store::Hash, size_t>> list_index;
  for (const auto& node : nodes) {
    auto found = appliance_of.find(node.node);
    const std::string appliance = found == appliance_of.end() ? std::string() : found->second;
    auto& a = by_appliance[appliance];
    a.appliance = appliance;
    switch (node.state) {
      case NodePackages::State::no_list: a.no_list.push_back(node.node); continue;
      case NodePackages::State::no_checkpoint: a.no_checkpoint.push_back(node.node); continue;
      case NodePackages::State::unreadable: a.unreadable.emplace_back(node.node, node.error); continue;
      case NodePackages::State::ok: break;
    }
    ++a.listed;
    auto& index = list_index[appliance];
    auto [it, added] = index.emplace(node.blob, lists[appliance].size());
    if (added) lists[appliance].push_back(ListNodes{node.list.get(), {}});
    lists[appliance][it->second].nodes.push_back(node.node);
  }

  std::vector<ApplianceDrift> out;
  for (auto& [name, a] : by_appliance) {
    auto& appliance_lists = lists[name];
    if (!appliance_lists.empty()) {
      auto backend = backend_named(appliance_lists[0].list->backend);
      a.majority = majority_set(appliance_lists, a.listed, backend.get());
      std::map<std::string, size_t> drift_index;  // key -> a.drifts position
      for (auto& l : appliance_lists) {
        auto d = drift_of(a.majority, l.list->packages, backend.get());
        if (d.empty()) {
          a.matching.insert(a.matching.end(), l.nodes.begin(), l.nodes.end());
          continue;
        }
        auto [it, added] = drift_index.emplace(drift_key(d), a.drifts.size());
        if (added) a.drifts.push_back(std::move(d));
        auto& group = a.drifts[it->second].nodes;
        group.insert(group.end(), l.nodes.begin(), l.nodes.end());
      }
      std::stable_sort(a.drifts.begin(), a.drifts.end(), [](const PackageDrift& x, const PackageDrift& y) {
        return x.nodes.size() > y.nodes.size();
      });
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace herd::track
