#include "server/router.h"

#include <exception>

namespace herd::server {
namespace {

constexpr std::string_view kApi = "/api/v1/";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

Response method_not_allowed(const Request& request) {
  return error_response(405, fmt::format("{} is not allowed on {}", request.method, request.path));
}

}  // namespace

uint64_t body_limit(std::string_view method, std::string_view path) {
  if (method == "POST" && path == "/api/v1/objects") return kMaxUploadBody;
  if (method == "POST" && path == "/api/v1/objects/missing") return 32ull * kMaxMissingHashes;
  if (method == "POST" && path == "/api/v1/objects/fetch") return 32ull * kMaxFetchHashes;
  return kMaxJsonBody;
}

Result<std::unique_ptr<Router>> Router::open(ServerState& state) {
  auto store = store::ObjectStore::open(state.config.store_root);
  if (!store) return store.error();
  return std::unique_ptr<Router>(new Router(state, std::move(*store)));
}

Result<std::optional<ReadableView>> Router::view_for(const Caller& caller) {
  if (caller.admin()) return std::optional<ReadableView>();
  auto assigned = assigned_image(caller.node);
  if (!assigned) return assigned.error();
  auto view = state_.access.view(store_, refs_, caller.node, assigned->image);
  if (!view) return view.error();
  return std::optional<ReadableView>(std::move(*view));
}

Response Router::handle(const Request& request) {
  try {
    return route(request);
  } catch (const std::exception& e) {
    return error_response(500, fmt::format("internal error: {}", e.what()));
  }
}

Response Router::route(const Request& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (!starts_with(path, kApi)) return error_response(404, fmt::format("no such path: {}", path));
  std::string_view rest = std::string_view(path).substr(kApi.size());

  // Unauthenticated.
  if (rest == "health") {
    if (method != "GET") return method_not_allowed(request);
    return json_response(200, {{"status", "ok"}, {"version", state_.config.version}});
  }
  if (rest == "ca") {
    if (method != "GET") return method_not_allowed(request);
    Response r;
    r.content_type = "application/x-pem-file";
    r.body = state_.ca_pem;
    return r;
  }
  if (rest == "enroll") {
    if (method != "POST") return method_not_allowed(request);
    return enroll(request);
  }

  bool known = rest == "objects" || rest == "objects/missing" || starts_with(rest, "objects/") || rest == "refs" ||
               starts_with(rest, "refs/") || rest == "nodes" || starts_with(rest, "nodes/") || rest == "image/plan" ||
               rest == "image/state";
  if (!known) return error_response(404, fmt::format("no such path: {}", path));
  auto caller = authenticate(state_, request.authorization);
  if (!caller) {
    Response r = error_response(status_for(caller.error(), 401), caller.error().message);
    if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  Response r = [&] {
    if (rest == "objects") return method == "POST" ? upload_objects(*caller, request) : method_not_allowed(request);
    if (rest == "objects/missing") return method == "POST" ? missing_objects(*caller, request) : method_not_allowed(request);
    if (rest == "objects/fetch") return method == "POST" ? fetch_objects(*caller, request) : method_not_allowed(request);
    if (starts_with(rest, "objects/batch/"))
      return method == "GET" ? get_object_batch(*caller, request, rest.substr(14)) : method_not_allowed(request);
    if (rest == "image/plan") return method == "GET" ? image_plan(*caller, request) : method_not_allowed(request);
    if (rest == "image/state") return method == "PUT" ? put_image_state(*caller, request) : method_not_allowed(request);
    if (starts_with(rest, "objects/"))
      return method == "GET" ? get_object(*caller, request, rest.substr(8)) : method_not_allowed(request);
    if (rest == "refs") return method == "GET" ? list_refs(*caller, request) : method_not_allowed(request);
    if (starts_with(rest, "refs/")) {
      std::string name(rest.substr(5));
      if (method == "GET") return get_ref(*caller, name);
      if (method == "PUT") return put_ref(*caller, name, request);
      return method_not_allowed(request);
    }
    if (rest == "nodes") return method == "GET" ? list_nodes(*caller, request) : method_not_allowed(request);
    return method == "GET" ? show_node(*caller, std::string(rest.substr(6))) : method_not_allowed(request);
  }();
  r.caller = caller->describe();
  return r;
}

}  // namespace herd::server
