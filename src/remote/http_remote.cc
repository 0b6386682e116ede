#include "remote/http_remote.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace herd::remote {
namespace {

Result<nlohmann::json> json_body(const char* method, const std::string& url, const HttpResponse& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object()) return failure("{} {}: the server's reply is not a JSON object", method, url);
  return json;
}

Result<store::Hash> hash_field(const nlohmann::json& json, const char* key, const std::string& url) {
  if (!json.contains(key) || !json[key].is_string()) return failure("{}: reply has no \"{}\"", url, key);
  auto hash = store::Hash::parse(json[key].get<std::string>());
  if (!hash) return failure("{}: reply's \"{}\" is not a hash", url, key);
  return *hash;
}

}  // namespace

Result<std::optional<store::Hash>> HttpRemote::read_ref(const std::string& name) {
  std::string path = "/api/v1/refs/" + name;
  auto r = client_.get(path);
  if (!r) return r.error();
  if (r->status == 404) return std::optional<store::Hash>();
  if (r->status != 200) return status_error("GET", client_.url(path), *r);
  auto json = json_body("GET", client_.url(path), *r);
  if (!json) return json.error();
  auto hash = hash_field(*json, "hash", client_.url(path));
  if (!hash) return hash.error();
  return std::optional<store::Hash>(*hash);
}

Result<std::vector<store::Hash>> HttpRemote::missing(const std::vector<store::Hash>& hashes) {
  const std::string path = "/api/v1/objects/missing";
  std::vector<store::Hash> out;
  for (size_t start = 0; start < hashes.size(); start += kMaxMissingQuery) {
    size_t n = std::min(kMaxMissingQuery, hashes.size() - start);
    std::string body;
    body.reserve(n * 32);
    for (size_t i = start; i < start + n; ++i)
      body.append(reinterpret_cast<const char*>(hashes[i].bytes.data()), 32);
    auto r = client_.send("POST", path, body, "application/octet-stream");
    if (!r) return r.error();
    if (r->status != 200) return status_error("POST", client_.url(path), *r);
    if (r->body.size() % 32 != 0)
      return failure("POST {}: reply of {} bytes is not a list of hashes", client_.url(path), r->body.size());
    for (size_t off = 0; off < r->body.size(); off += 32) {
      store::Hash h;
      std::memcpy(h.bytes.data(), r->body.data() + off, 32);
      out.push_back(h);
    }
  }
  return out;
}

Result<UploadReply> HttpRemote::upload(const std::string& body, size_t count) {
  const std::string path = "/api/v1/objects";
  auto r = client_.send("POST", path, body, "application/octet-stream");
  if (!r) return r.error();
  if (r->status != 200) return status_error("POST", client_.url(path), *r).with_context(fmt::format("uploading {} objects", count));
  auto json = json_body("POST", client_.url(path), *r);
  if (!json) return json.error();
  UploadReply reply;
  reply.stored = json->value("stored", uint64_t{0});
  reply.present = json->value("present", uint64_t{0});
  return reply;
}

Result<std::string> HttpRemote::fetch(const store::Hash& hash) {
  std::string path = "/api/v1/objects/" + hash.hex();
  auto r = client_.get(path);
  if (!r) return r.error();
  if (r->status != 200) return status_error("GET", client_.url(path), *r);
  return std::move(r->body);
}

Status HttpRemote::compare_and_swap(const std::string& name, const std::optional<store::Hash>& expected,
                                    const store::Hash& value) {
  std::string path = "/api/v1/refs/" + name;
  nlohmann::json request = {{"expected", expected ? nlohmann::json(expected->hex()) : nlohmann::json(nullptr)},
                            {"value", value.hex()}};
  auto r = client_.send("PUT", path, request.dump(), "application/json");
  if (!r) return r.error();
  if (r->status == 200) return {};
  if (r->status == 409) {
    auto json = nlohmann::json::parse(r->body, nullptr, false);
    std::string current = "none";
    if (json.is_object() && json.contains("current") && json["current"].is_string()) current = json["current"].get<std::string>();
    return failure("ref conflict: the server's {} is now {}, not {} ({})", name, current,
                   expected ? expected->hex() : std::string("absent"), server_message(*r));
  }
  return status_error("PUT", client_.url(path), *r);
}

}  // namespace herd::remote
