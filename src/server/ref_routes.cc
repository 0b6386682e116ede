// GET /api/v1/refs?prefix=P, GET /api/v1/refs/NAME, PUT /api/v1/refs/NAME.
#include "server/router.h"

namespace herd::server {
namespace {

constexpr size_t kMissingListed = 100;

// A node may touch only checkpoints/<its name> and captures/<its name> (a golden client's
// upload); anything else is 403 whether or not it exists, so a node cannot learn which
// refs exist.
bool may_touch(const Caller& caller, const std::string& name) {
  return caller.admin() || name == "checkpoints/" + caller.node || name == "captures/" + caller.node;
}

Response forbidden(const std::string& name) { return error_response(403, fmt::format("ref {} is not yours", name)); }

nlohmann::json hash_or_null(const std::optional<store::Hash>& h) { return h ? nlohmann::json(h->hex()) : nlohmann::json(); }

}  // namespace

Response Router::list_refs(const Caller& caller, const Request& request) {
  nlohmann::json refs = nlohmann::json::object();
  if (caller.admin()) {
    auto list = refs_.list(query_value(request.query, "prefix"));
    if (!list) return error_response(500, list.error().message);
    for (const auto& [name, hash] : *list) refs[name] = hash.hex();
  } else {
    std::string own = "checkpoints/" + caller.node;
    auto value = refs_.read(own);
    if (!value) return error_response(500, value.error().message);
    if (*value) refs[own] = (*value)->hex();
  }
  return json_response(200, {{"refs", refs}});
}

Response Router::get_ref(const Caller& caller, const std::string& name) {
  if (!may_touch(caller, name)) return forbidden(name);
  if (!store::valid_ref_name(name)) return error_response(400, fmt::format("not a ref name: {:?}", name));
  auto value = refs_.read(name);
  if (!value) return error_response(status_for(value.error()), value.error().message);
  if (!*value) return error_response(404, fmt::format("no ref {}", name));
  return json_response(200, {{"name", name}, {"hash", (*value)->hex()}});
}

Response Router::put_ref(const Caller& caller, const std::string& name, const Request& request) {
  if (!may_touch(caller, name)) return forbidden(name);
  if (!store::valid_ref_name(name)) return error_response(400, fmt::format("not a ref name: {:?}", name));
  auto update = parse_ref_update(request.body);
  if (!update) return error_response(400, update.error().message);

  auto view = view_for(caller);
  if (!view) return error_response(500, view.error().message);
  auto missing = unreadable_reached(store_, *view ? &**view : nullptr, update->value, kMissingListed);
  if (!missing) return json_response(status_for(missing.error(), 422), {{"error", missing.error().message}, {"missing", nlohmann::json::array()}});
  if (!missing->empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& h : *missing) list.push_back(h.hex());
    return json_response(422, {{"error", fmt::format("{} reaches objects the store lacks", update->value.hex())}, {"missing", list}});
  }
  auto swapped = refs_.compare_and_swap(name, update->expected, update->value);
  if (!swapped) {
    if (swapped.error().message.rfind("ref conflict:", 0) == 0) {
      auto current = refs_.read(name);
      return json_response(409, {{"error", swapped.error().message},
                                 {"current", current ? hash_or_null(*current) : nlohmann::json()}});
    }
    return error_response(status_for(swapped.error()), swapped.error().message);
  }
  return json_response(200, {{"name", name}, {"hash", update->value.hex()}});
}

}  // namespace herd::server
