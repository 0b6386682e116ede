#include "server/requests.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "store/object_batch.h"

namespace herd::server {
namespace {

Result<nlohmann::json> parse_object(std::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad_input("the body is not valid JSON");
  if (!j.is_object()) return bad_input("the body is not a JSON object");
  return j;
}

Result<std::string> string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return bad_input("\"{}\" is missing", key);
  if (!it->is_string()) return bad_input("\"{}\" is not a string", key);
  return it->get<std::string>();
}

Result<store::Hash> hash_field(const nlohmann::json& value, const char* key) {
  if (!value.is_string()) return bad_input("\"{}\" is not a hash string", key);
  const auto& text = value.get_ref<const std::string&>();
  auto h = store::Hash::parse(text);
  if (!h) return bad_input("\"{}\" is not 64 hex digits", key);
  return *h;
}

}  // namespace

Result<std::vector<store::Hash>> parse_hash_path_list(std::string_view text, size_t max_count) {
  std::vector<store::Hash> out;
  if (text.empty()) return bad_input("the batch names no object");
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (out.size() == max_count) return bad_input("more than {} objects in one batch", max_count);
    auto h = store::Hash::parse(item);
    if (item.size() != 64 || !h || h->hex() != item)
      return bad_input("batch item {}: {:?} is not 64 lowercase hex digits", out.size() + 1, std::string(item.substr(0, 80)));
    out.push_back(*h);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::vector<store::Hash>> parse_hash_list(std::string_view body, size_t max_count) {
  if (body.size() / 32 > max_count) return bad_input("{} hashes asked at once, at most {}", body.size() / 32, max_count);
  auto hashes = store::decode_hash_list(body);
  if (!hashes) return bad_input("the body: {}", hashes.error().message);
  return hashes;
}

Result<EnrollRequest> parse_enroll_request(std::string_view json) {
  auto j = parse_object(json);
  if (!j) return j.error();
  EnrollRequest r;
  auto token = string_field(*j, "join_token");
  if (!token) return token.error();
  r.join_token = std::move(*token);
  auto host = string_field(*j, "hostname");
  if (!host) return host.error();
  r.hostname = std::move(*host);
  if (auto it = j->find("macs"); it != j->end() && !it->is_null()) {
    if (!it->is_array()) return bad_input("\"macs\" is not an array");
    if (it->size() > 64) return bad_input("\"macs\" has {} entries, at most 64", it->size());
    for (const auto& m : *it) {
      if (!m.is_string()) return bad_input("\"macs\" holds something other than a string");
      r.macs.push_back(m.get<std::string>());
    }
  }
  return r;
}

Result<RefUpdate> parse_ref_update(std::string_view json) {
  auto j = parse_object(json);
  if (!j) return j.error();
  RefUpdate u;
  auto expected = j->find("expected");
  if (expected == j->end()) return bad_input("\"expected\" is missing (null for a new ref)");
  if (!expected->is_null()) {
    auto h = hash_field(*expected, "expected");
    if (!h) return h.error();
    u.expected = *h;
  }
  auto value = j->find("value");
  if (value == j->end()) return bad_input("\"value\" is missing");
  auto h = hash_field(*value, "value");
  if (!h) return h.error();
  u.value = *h;
  return u;
}

}  // namespace herd::server
