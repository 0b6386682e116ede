// Routes of the HTTP API (docs/server.md, "Requests"). A Router belongs to one worker
// thread: it owns that thread's ObjectStore (an ObjectStore is one writer, see
// store/object_store.h) and shares everything else through ServerState, which must
// outlive it. Handlers are grouped by concept: object_routes.cc, ref_routes.cc,
// enroll.cc, inventory_routes.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "image/overrides/node_overrides.h"
#include "server/auth.h"
#include "server/http_types.h"
#include "server/requests.h"
#include "server/state.h"
#include "store/object_store.h"
#include "store/refs.h"

namespace herd::server {

// Body limits: uploads 256 MiB, "which do you lack" 32 MB (a million hashes), else 1 MiB.
inline constexpr uint64_t kMaxUploadBody = 256ull << 20;
inline constexpr uint64_t kMaxJsonBody = 1ull << 20;
// A fetch reply stops after the record that reaches this size (the client asks again).
inline constexpr uint64_t kFetchReplyTarget = 64ull << 20;
// At most this many objects in one GET /api/v1/objects/batch/H1,H2,...
inline constexpr size_t kMaxBatchHashes = 96;
// The largest body a request for `method` `path` may have.
uint64_t body_limit(std::string_view method, std::string_view path);

class Router {
 public:
  // Opens this thread's store. Fails naming the store folder.
  static Result<std::unique_ptr<Router>> open(ServerState& state);

  // Never throws; unexpected failures are 500 with the error's message.
  Response handle(const Request& request);

 private:
  Router(ServerState& state, store::ObjectStore store)
      : state_(state), store_(std::move(store)), refs_(state.config.store_root) {}
  Response route(const Request& request);

  // object_routes.cc
  Response get_object(const Caller& caller, const Request& request, std::string_view hex);
  Response missing_objects(const Caller& caller, const Request& request);
  Response fetch_objects(const Caller& caller, const Request& request);
  Response get_object_batch(const Caller& caller, const Request& request, std::string_view list);
  Response upload_objects(const Caller& caller, const Request& request);
  // ref_routes.cc
  Response list_refs(const Caller& caller, const Request& request);
  Response get_ref(const Caller& caller, const std::string& name);
  Response put_ref(const Caller& caller, const std::string& name, const Request& request);
  // enroll.cc
  Response enroll(const Request& request);
  // image_routes.cc
  Response image_plan(const Caller& caller, const Request& request);
  Response put_image_state(const Caller& caller, const Request& request);
  Result<NodeImage> assigned_image(const std::string& node);
  // The node's effective tree for `image_tree`, with rendered/NODE set to it (removed
  // when no override applies) so the node may read what its overrides added.
  Result<image::NodeOverrides> effective_tree(const std::string& node, const store::Hash& image_tree);
  Result<image::NodeOverrides> cached_overrides(const std::string& node, const store::Hash& image_tree);
  // inventory_routes.cc
  Response list_nodes(const Caller& caller, const Request& request);
  Response show_node(const Caller& caller, const std::string& name);

  // What the caller may read: nullopt for the admin (everything), else the node's view.
  // A failure is the server's (500).
  Result<std::optional<ReadableView>> view_for(const Caller& caller);

  ServerState& state_;
  store::ObjectStore store_;
  store::Refs refs_;
  // A node's effective tree as last computed, valid while the inventory's change stamp,
  // the image tree and the trees of the node's layers are the same.
  struct CachedOverrides {
    std::string stamp;
    store::Hash image_tree;
    std::vector<image::OverrideScope> scopes;
    image::NodeOverrides result;
  };
  std::unordered_map<std::string, CachedOverrides> overrides_cache_;
};

// The HTTP status for a failed Result: bad_input -> `bad`, failed -> 500.
inline int status_for(const Error& error, int bad = 400) { return error.kind == ErrorKind::bad_input ? bad : 500; }

}  // namespace herd::server
