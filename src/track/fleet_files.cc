#include "track/fleet_files.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "track/path.h"
#include "track/tree_diff.h"

namespace herd::track {

using store::EntryType;

const char* file_state_name(FileVersion::State state) {
  switch (state) {
    case FileVersion::State::present: return "present";
    case FileVersion::State::absent: return "absent";
    case FileVersion::State::no_checkpoint: return "no checkpoint";
    case FileVersion::State::unreadable: return "unreadable";
  }
  return "?";
}

std::string version_key(const store::TreeEntry& e) {
  std::string what;
  switch (e.type) {
    case EntryType::file: what = e.content.hex(); break;
    case EntryType::folder: what = e.content.hex(); break;
    case EntryType::symlink: what = e.link_target; break;
    case EntryType::char_device:
    case EntryType::block_device: what = std::to_string(e.rdev); break;
    default: break;
  }
  // NUL never occurs in a type name, mode or owner; it separates the fields unambiguously
  // even when a symlink target holds spaces.
  std::string key = fmt::format("{}", store::entry_type_name(e.type));
  key += '\0';
  key += what;
  key += '\0';
  key += mode_string(e.mode);
  key += '\0';
  key += owner_string(e);
  return key;
}

bool FileComparison::agree() const {
  return groups.size() == 1 && (groups[0].version.state == FileVersion::State::present ||
                                groups[0].version.state == FileVersion::State::absent);
}

namespace {

// Looks a path up in many trees. Level i maps a tree hash (the folder reached after i
// components) to that folder's entry for component i, so each distinct tree is read
// once and decoded trees are not kept (10,000 distinct /etc trees would be large).
class PathLookup {
 public:
  PathLookup(const store::ObjectStore& store, std::vector<std::string_view> parts)
      : store_(store), parts_(std::move(parts)), levels_(parts_.size()) {}

  // The entry at the path in root tree `root`; nullopt when absent. Errors name the tree.
  Result<std::optional<store::TreeEntry>> find(const store::Hash& root) {
    store::TreeEntry current;
    current.type = EntryType::folder;
    current.content = root;
    for (size_t level = 0; level < parts_.size(); ++level) {
      if (current.type != EntryType::folder) return std::optional<store::TreeEntry>();
      auto child = child_of(level, current.content);
      if (!child) return child.error();
      if (!*child) return std::optional<store::TreeEntry>();
      current = **child;
    }
    return std::optional<store::TreeEntry>(std::move(current));
  }

 private:
  Result<std::optional<store::TreeEntry>> child_of(size_t level, const store::Hash& tree) {
    auto& cache = levels_[level];
    if (auto it = cache.find(tree); it != cache.end()) return it->second;
    auto bytes = store_.get(tree, store::ObjectType::tree);
    if (!bytes) return bytes.error();
    auto decoded = store::decode_tree(*bytes, "tree " + tree.hex());
    if (!decoded) return decoded.error();
    std::optional<store::TreeEntry> found;
    auto& entries = decoded->entries;
    auto it = std::lower_bound(entries.begin(), entries.end(), parts_[level],
                               [](const store::TreeEntry& e, std::string_view name) { return e.name < name; });
    if (it != entries.end() && it->name == parts_[level]) found = std::move(*it);
    cache.emplace(tree, found);
    return found;
  }

  const store::ObjectStore& store_;
  std::vector<std::string_view> parts_;
  std::vector<std::unordered_map<store::Hash, std::optional<store::TreeEntry>>> levels_;
};

}  // namespace

Result<FileComparison> compare_path(const store::ObjectStore& store, const std::vector<NodeCheckpoint>& nodes,
                                    std::string_view path) {
  auto canonical = normalize_path(path);
  if (!canonical) return canonical.error();
  FileComparison out;
  out.path = *canonical;
  PathLookup lookup(store, path_components(out.path));

  // Versions by key, in first-seen order; nodes without a version kept apart.
  std::map<std::string, size_t> index;  // key -> groups position
  std::vector<FileGroup> versions;
  FileGroup none;
  none.version.state = FileVersion::State::no_checkpoint;
  std::vector<FileGroup> unreadable;
  auto add_unreadable = [&](const std::string& node, std::string error) {
    FileGroup group;
    group.version.state = FileVersion::State::unreadable;
    group.version.error = std::move(error);
    group.nodes.push_back(node);
    unreadable.push_back(std::move(group));
  };

  for (const auto& node : nodes) {
    if (node.state == NodeCheckpoint::State::none) {
      none.nodes.push_back(node.node);
      continue;
    }
    if (node.state == NodeCheckpoint::State::unreadable) {
      add_unreadable(node.node, node.error);
      continue;
    }
    auto entry = lookup.find(node.checkpoint->snapshot.tree);
    if (!entry) {
      add_unreadable(node.node, fmt::format("{}: {}", node.node, entry.error().message));
      continue;
    }
    FileVersion version;
    std::string key = "absent";  // never a version_key (those start with a type name and NUL)
    if (*entry) {
      version.state = FileVersion::State::present;
      version.entry = std::move(**entry);
      key = version_key(version.entry);
    }
    auto [it, added] = index.emplace(key, versions.size());
    if (added) versions.push_back(FileGroup{std::move(version), {}});
    versions[it->second].nodes.push_back(node.node);
  }

  // Largest first; ties: present before absent, then by key (stable across runs).
  std::vector<std::pair<std::string, size_t>> order(index.begin(), index.end());
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    const auto& ga = versions[a.second];
    const auto& gb = versions[b.second];
    if (ga.nodes.size() != gb.nodes.size()) return ga.nodes.size() > gb.nodes.size();
    if (ga.version.state != gb.version.state) return ga.version.state == FileVersion::State::present;
    return a.first < b.first;
  });
  for (const auto& [key, position] : order) {
    if (out.reference < 0 && versions[position].version.state == FileVersion::State::present)
      out.reference = static_cast<int>(out.groups.size());
    out.groups.push_back(std::move(versions[position]));
  }
  if (!none.nodes.empty()) out.groups.push_back(std::move(none));
  for (auto& group : unreadable) out.groups.push_back(std::move(group));
  return out;
}

}  // namespace herd::track
