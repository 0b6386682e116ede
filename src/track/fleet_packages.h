// Package lists across many nodes' checkpoints: which version of a package each node has
// (`herd pkg where`), and how each node's package set differs from the set most nodes of
// its appliance share (`herd pkg diff`).
//
// A checkpoint names its package list blob in the snapshot metadata "packages"; nodes
// with the same installed set share one blob, so each distinct blob is read and decoded
// once, and per-node work is a lookup.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "track/fleet.h"
#include "track/packages/package.h"
#include "util/result.h"

namespace herd::track {

struct NodePackages {
  enum class State {
    ok,             // `list` is set
    no_list,        // the checkpoint has no package list (no package manager was found)
    no_checkpoint,
    unreadable,     // `error` says why, naming the node
  };
  std::string node;
  State state = State::no_checkpoint;
  std::shared_ptr<const PackageList> list;  // shared by every node with the same blob
  store::Hash blob;                         // ok: the list's blob
  std::string error;
};
const char* packages_state_name(NodePackages::State state);  // "ok", "no package list", "no checkpoint", "unreadable"

// The package list of each node's checkpoint, in the order given. A blob that cannot be
// read or decoded makes the nodes naming it unreadable; the call does not fail for it.
std::vector<NodePackages> load_fleet_packages(const store::ObjectStore& store, const std::vector<NodeCheckpoint>& nodes);

// A package as named on the command line: NAME or NAME:ARCH. Names are what package
// managers allow: letters, digits and "+-._~" (the first a letter or digit; rpm names
// may hold more, so '@' and '^' pass too). Anything else is bad_input naming it.
struct PackageName {
  std::string name, arch;  // arch "" = any
};
Result<PackageName> parse_package_name(std::string_view text);

// --- herd pkg where

struct WhereGroup {
  enum class State { installed, not_installed, no_list, no_checkpoint, unreadable };
  State state = State::installed;
  std::vector<Package> packages;   // installed: every arch of the name (sorted), as the nodes have them
  std::vector<std::string> nodes;  // in the order given
  std::string error;               // unreadable: the first node's error
};
const char* where_state_name(WhereGroup::State state);

// Groups the nodes by what they have of `package`: installed groups first, largest first
// (ties by version text), then not installed, no package list, no checkpoint, unreadable.
std::vector<WhereGroup> where_package(const std::vector<NodePackages>& nodes, const PackageName& package);

// --- herd pkg diff

// How a group of nodes' package sets differ from their appliance's majority set.
struct PackageDrift {
  std::vector<Package> missing;  // in the majority set, not on these nodes (majority version)
  std::vector<Package> extra;    // on these nodes, not in the majority set
  struct Changed {
    Package majority, node;      // same name and arch, other version
    int order = 0;               // <0 the node's is older, >0 newer (backend rules; 0 unknown)
  };
  std::vector<Changed> changed;
  std::vector<std::string> nodes;  // grouped by package list, else in the order given
  bool empty() const { return missing.empty() && extra.empty() && changed.empty(); }
};

struct ApplianceDrift {
  std::string appliance;
  size_t listed = 0;  // nodes with a package list
  // The majority set: every (name, arch) that more than half of the listed nodes have,
  // at the version most of those nodes have (ties: the newest by the backend's rules).
  // When most nodes share one exact set, this is that set.
  std::vector<Package> majority;
  std::vector<std::string> matching;  // nodes whose set is exactly the majority set
  std::vector<PackageDrift> drifts;   // nodes with equal differences together; most nodes first
  std::vector<std::string> no_list, no_checkpoint;
  std::vector<std::pair<std::string, std::string>> unreadable;  // node, error
  bool differ() const { return !drifts.empty() || !no_list.empty() || !no_checkpoint.empty() || !unreadable.empty(); }
};

// For each appliance (appliance_of: node -> appliance; nodes missing from it count as
// appliance ""), sorted by appliance name.
std::vector<ApplianceDrift> package_drift(const std::vector<NodePackages>& nodes,
                                          const std::map<std::string, std::string>& appliance_of);

}  // namespace herd::track
