// GET /api/v1/image/plan and PUT /api/v1/image/state: what a node should run, and what it
// says it runs (docs/server.md, "Images").
#include <filesystem>

#include "image/catalog.h"
#include "image/image_plan.h"
#include "image/image_report.h"
#include "image/image_status.h"
#include "server/router.h"
#include "util/atomic_file.h"
#include "util/time_text.h"

namespace herd::server {
Result<NodeImage> Router::assigned_image(const std::string& node) {
  std::lock_guard lock(state_.inventory_mutex);
  auto attributes = state_.inventory->resolve_attributes(node, false);
  if (!attributes) return attributes.error();
  NodeImage out;
  if (auto it = attributes->find("image"); it != attributes->end()) out.image = it->second.value;
  if (auto it = attributes->find("image.revision"); it != attributes->end()) out.revision = it->second.value;
  return out;
}

// The node a request is about: the caller's own, or ?node=N for the admin.
static Result<std::string> subject_node(const Caller& caller, const Request& request) {
  if (!caller.admin()) return caller.node;
  std::string node = query_value(request.query, "node");
  if (node.empty()) return bad_input("the admin must say which node: ?node=NAME");
  return node;
}

Response Router::image_plan(const Caller& caller, const Request& request) {
  auto node = subject_node(caller, request);
  if (!node) return error_response(400, node.error().message);
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
  const store::Hash& tree = revision->snapshot.tree;  // the effective tree: no overrides apply yet
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
                          {"overrides", nlohmann::json::array()},
                          {"cmdline", settings.cmdline}});
  r.headers = {{"ETag", etag}, {"Cache-Control", "private, no-cache"}};
  return r;
}

Response Router::put_image_state(const Caller& caller, const Request& request) {
  auto node = subject_node(caller, request);
  if (!node) return error_response(400, node.error().message);
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
