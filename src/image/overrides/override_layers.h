// A node's override layers, flattened and merged into its image's tree (docs/image.md,
// "Overrides"). Pure store work: the caller finds the layers and the node's data.
//
// Layering: later layers win path by path; a non-folder replaces whatever an earlier
// layer had at its path, a folder's subtree included. A file named NAME.mustache is a
// template: rendered with the node's data and stored as NAME (a layer holding both NAME
// and NAME.mustache is bad input). Override entries never join a hardlink group.
//
// Merging into the image tree: a non-folder entry replaces what the image has at its
// path; a folder the image has keeps the image's metadata (an override folder only says
// where its files go); a folder the image lacks is added with the override's metadata.
// Every untouched subtree is the image's own, shared in the store.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/overrides/override_scope.h"
#include "store/object_store.h"
#include "store/tree.h"
#include "util/result.h"

namespace herd::image {

inline constexpr std::string_view kTemplateSuffix = ".mustache";
inline constexpr uint64_t kMaxTemplateBytes = 1 << 20;

struct OverrideLayer {
  OverrideScope scope;
  store::Hash tree;
};

// One entry a node gets from its overrides.
struct OverrideEntry {
  std::string path;           // canonical: "/etc/hostname"
  store::TreeEntry entry;     // named as the last part of `path`; a template's rendering
  OverrideScope scope;        // the layer it came from
  std::string template_name;  // "hostname.mustache" when rendered, else ""
};

// The entries of `layers` (read from `store`), sorted by path, templates rendered with
// `data` and their output stored. A template that does not parse or render is bad_input
// naming the layer and path ("appliance compute: /etc/hosts.mustache:3:7: ...").
Result<std::vector<OverrideEntry>> layer_overrides(store::ObjectStore& store, const std::vector<OverrideLayer>& layers,
                                                   const nlohmann::json& data);

struct MergedTree {
  store::Hash tree;                // the effective tree
  std::vector<std::string> paths;  // what overrides put there (folders only when added), sorted
};

// `image_tree` with `entries` (as layer_overrides gives them) in place; new trees are
// stored in `store` (not synced).
Result<MergedTree> merge_overrides(store::ObjectStore& store, const store::Hash& image_tree,
                                   const std::vector<OverrideEntry>& entries);

}  // namespace herd::image
