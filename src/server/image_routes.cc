// GET /api/v1/image/plan and PUT /api/v1/image/state: what a node should run, and what it
// says it runs (docs/server.md, "Images").
#include <filesystem>

#include "image/catalog.h"
#include "image/image_plan.h"
#include "image/image_report.h"
#include "image/image_status.h"
#include "image/overrides/override_refs.h"
#include "server/router.h"
#include "store/snapshot.h"
#include "util/atomic_file.h"
#include "util/text.h"
#include "util/time_text.h"

namespace herd::server {
Result<NodeImage> Router::assigned_image(const std::string& node) {
  std::lock_guard lock(state_.inventory_mutex);
  // Asked on every object request of every node (view_for): cached until the inventory
  // changes (state.h).
  HERD_CHECK(state_.inventory_cache.refresh(*state_.db));
  auto& cached = state_.inventory_cache.node_images;
  if (auto it = cached.find(node); it != cached.end()) return it->second;
  auto attributes = state_.inventory->resolve_attributes(node, false);
  if (!attributes) return attributes.error();
  NodeImage out;
  if (auto it = attributes->find("image"); it != attributes->end()) out.image = it->second.value;
  if (auto it = attributes->find("image.revision"); it != attributes->end()) out.revision = it->second.value;
  cached.emplace(node, out);
  return out;
}

// Rendering a node's overrides reads the whole inventory (its data), so it is done again
// only when the inventory, the image tree or one of the node's layers changed.
Result<image::NodeOverrides> Router::cached_overrides(const std::string& node, const store::Hash& image_tree) {
  std::lock_guard lock(state_.inventory_mutex);
  auto mark = state_.inventory->database().change_mark();
  std::string stamp = mark ? fmt::format("{}.{}", mark->others, mark->own) : "";  // "": cache nothing
  auto it = overrides_cache_.find(node);
  if (!stamp.empty() && it != overrides_cache_.end() && it->second.stamp == stamp && it->second.image_tree == image_tree) {
    auto layers = image::existing_layers(store_, refs_, it->second.scopes);
    if (!layers) return layers.error();
    const auto& had = it->second.result.layers;
    bool same = layers->size() == had.size() &&
                std::equal(layers->begin(), layers->end(), had.begin(),
                           [](const auto& a, const auto& b) { return a.scope == b.scope && a.tree == b.tree; });
    if (same) return it->second.result;
  }
  auto scopes = image::node_scopes(*state_.inventory, node);
  if (!scopes) return scopes.error();
  auto data = [&]() -> Result<nlohmann::json> {
    auto loaded = image::NodeData::load(*state_.inventory);
    if (!loaded) return loaded.error();
    return (*loaded)->of(node);
  };
  auto effective = image::node_overrides(store_, refs_, *scopes, data, image_tree);
  if (!effective) return effective.error();
  if (!stamp.empty()) overrides_cache_[node] = CachedOverrides{stamp, image_tree, std::move(*scopes), *effective};
  return effective;
}

// rendered/NODE names a snapshot of the node's effective tree (kind=rendered), written
// only when that tree changes.
Result<image::NodeOverrides> Router::effective_tree(const std::string& node, const store::Hash& image_tree) {
  auto effective = cached_overrides(node, image_tree);
  if (!effective) return effective.error();
  const std::string ref = "rendered/" + node;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto current = refs_.read(ref);
    if (!current) return current.error();
    if (effective->layers.empty()) {
      if (!*current) return effective;
      auto removed = refs_.remove(ref, **current);
      if (removed) return effective;
      if (!starts_with(removed.error().message, "ref conflict:")) return removed.error();
      continue;
    }
    if (*current) {
      auto bytes = store_.get(**current, store::ObjectType::snapshot);
      if (!bytes) return bytes.error();
      auto old = store::decode_snapshot(*bytes, ref);
      if (old && old->tree == effective->tree) return effective;
    }
    store::Snapshot s;
    s.tree = effective->tree;
    s.time_ns = now_ns();
    s.author = "herd serve";
    s.metadata = {{"kind", "rendered"}, {"node", node}, {"image_tree", image_tree.hex()}};
    auto id = store_.put(store::ObjectType::snapshot, store::encode_snapshot(s));
    if (!id) return id.error();
    HERD_CHECK(store_.sync());
    auto swapped = refs_.compare_and_swap(ref, *current, *id);
    if (swapped) return effective;
    if (!starts_with(swapped.error().message, "ref conflict:")) return swapped.error();
  }
  return failure("{}: other writers keep moving it", ref);
}

// The node a request is about: the caller's own, or ?node=N for the admin. A node naming
// another node is refused (403), not quietly answered for itself.
static Result<std::string> subject_node(const Caller& caller, const Request& request, int& status) {
  std::string node = query_value(request.query, "node");
  status = 400;
  if (!caller.admin()) {
    if (!node.empty() && node != caller.node) {
      status = 403;
      return bad_input("node {} may not act for node {}", caller.node, node);
    }
    return caller.node;
  }
  if (node.empty()) return bad_input("the admin must say which node: ?node=NAME");
  return node;
}

Response Router::image_plan(const Caller& caller, const Request& request) {
  int refused = 400;
  auto node = subject_node(caller, request, refused);
  if (!node) return error_response(refused, node.error().message);
  auto assigned = assigned_image(*node);
  if (!assigned) return error_response(status_for(assigned.error(), 404), assigned.error().message);
  if (assigned->image.empty())
    return error_response(404, fmt::format("node {} has no image assigned (herd attr set image NAME --node {})", *node, *node));
  std::string wanted = query_value(request.query, "revision");
  if (wanted.empty()) wanted = assigned->revision;
  std::string ref_text = wanted.empty() ? assigned->image : assigned->image + ":" + wanted;
  image::Catalog catalog(store_, refs_);
  auto revision = catalog.resolve(ref_text);
  if (!revision)
    return error_response(status_for(revision.error(), 404), fmt::format("node {}: {}", *node, revision.error().message));
  auto settings = revision->settings();
  auto effective = effective_tree(*node, revision->snapshot.tree);
  if (!effective)
    return error_response(status_for(effective.error(), 500), fmt::format("node {}: {}", *node, effective.error().message));
  const store::Hash& tree = effective->tree;
  std::string etag = image::image_plan_etag(revision->id, tree);
  Response r;
  r.headers = {{"ETag", etag}, {"Cache-Control", "private, no-cache"}};
  if (!request.if_none_match.empty() && request.if_none_match == etag) {
    r.status = 304;
    return r;
  }
  r = json_response(200, {{"node", *node},
                          {"image", revision->image},
                          {"revision", revision->number},
                          {"snapshot", revision->id.hex()},
                          {"image_tree", revision->snapshot.tree.hex()},
                          {"tree", tree.hex()},
                          {"preserve", settings.preserve},
                          {"exclude", settings.exclude},
                          {"overrides", effective->paths},
                          {"cmdline", settings.cmdline}});
  r.headers = {{"ETag", etag}, {"Cache-Control", "private, no-cache"}};
  return r;
}

Response Router::put_image_state(const Caller& caller, const Request& request) {
  int refused = 400;
  auto node = subject_node(caller, request, refused);
  if (!node) return error_response(refused, node.error().message);
  auto report = image::decode_image_report(request.body, "the report");
  if (!report) return error_response(400, report.error().message);
  report->node = *node;
  report->reported_ns = now_ns();
  std::string dir = image::status_dir(state_.config.store_root);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error_response(500, fmt::format("{}: {}", dir, ec.message()));
  if (auto s = write_file_atomically(image::status_path(state_.config.store_root, *node), image::encode_image_report(*report), 0600);
      !s)
    return error_response(500, s.error().message);
  return json_response(200, {{"node", *node}, {"recorded", true}});
}

}  // namespace herd::server
