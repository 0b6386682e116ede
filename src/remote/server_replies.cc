#include "remote/server_replies.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "store/object_batch.h"
#include "track/host_name.h"

namespace herd::remote {

namespace {

nlohmann::json parse_json(std::string_view body) { return nlohmann::json::parse(body, nullptr, false); }

Result<nlohmann::json> json_object(std::string_view body, std::string_view what) {
  auto json = parse_json(body);
  if (!json.is_object()) return failure("{}: the server's reply is not a JSON object", what);
  return json;
}

// A non-negative integer field; 0 when absent.
Result<uint64_t> count_field(const nlohmann::json& json, const char* key, std::string_view what) {
  auto it = json.find(key);
  if (it == json.end()) return uint64_t{0};
  if (!it->is_number_unsigned()) return failure("{}: the reply's \"{}\" is not a count", what, key);
  return it->get<uint64_t>();
}

// A string field, or an error naming it.
Result<std::string> string_field(const nlohmann::json& json, const char* key, std::string_view what) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return failure("{}: the reply has no \"{}\" string", what, key);
  return it->get<std::string>();
}

// `text` with control bytes (and, unless `keep_utf8`, bytes past ASCII) as spaces: safe
// to print on a terminal.
std::string printable(std::string_view text, bool keep_utf8) {
  std::string out(text);
  for (char& ch : out) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f || (byte > 0x7f && !keep_utf8)) ch = ' ';
  }
  return out;
}

bool valid_token(std::string_view token) {
  if (token.empty() || token.size() > 1024) return false;
  for (char c : token)
    if (c <= ' ' || c > '~') return false;
  return true;
}

}  // namespace

Result<store::Hash> parse_ref_reply(std::string_view body, std::string_view what) {
  auto json = json_object(body, what);
  if (!json) return json.error();
  auto text = string_field(*json, "hash", what);
  if (!text) return text.error();
  auto hash = store::Hash::parse(*text);
  if (!hash) return failure("{}: the reply's \"hash\" is not a hash", what);
  return *hash;
}

Result<std::vector<store::Hash>> parse_missing_reply(std::string_view body, std::string_view what) {
  auto hashes = store::decode_hash_list(body);
  if (!hashes) return failure("{}: a reply of {}", what, hashes.error().message);
  return hashes;
}

Result<std::vector<std::string_view>> parse_fetch_reply(std::string_view body, const std::vector<store::Hash>& asked,
                                                       std::string_view what) {
  auto records = store::decode_object_batch(body);
  if (!records) return failure("{}: {}", what, records.error().message);
  if (records->size() > asked.size())
    return failure("{}: {} objects in the reply, {} asked", what, records->size(), asked.size());
  if (records->empty() && !asked.empty()) return failure("{}: no object in the reply, {} asked", what, asked.size());
  std::vector<std::string_view> files;
  files.reserve(records->size());
  for (size_t i = 0; i < records->size(); ++i) {
    const auto& [hash, file] = (*records)[i];
    if (hash != asked[i])
      return failure("{}: reply record {} is object {}, not the {} asked", what, i, hash.hex(), asked[i].hex());
    files.push_back(file);
  }
  return files;
}

Result<UploadReply> parse_upload_reply(std::string_view body, std::string_view what) {
  auto json = json_object(body, what);
  if (!json) return json.error();
  UploadReply reply;
  auto stored = count_field(*json, "stored", what);
  if (!stored) return stored.error();
  auto present = count_field(*json, "present", what);
  if (!present) return present.error();
  reply.stored = *stored;
  reply.present = *present;
  return reply;
}

std::string parse_conflict_current(std::string_view body) {
  auto json = parse_json(body);
  if (!json.is_object()) return "none";
  auto it = json.find("current");
  if (it == json.end() || !it->is_string()) return "none";
  return printable(it->get<std::string>(), /*keep_utf8=*/false);  // shown to the user
}

Result<EnrollReply> parse_enroll_reply(std::string_view body, std::string_view what) {
  auto json = json_object(body, what);
  if (!json) return json.error();
  auto node = string_field(*json, "node", what);
  if (!node) return node.error();
  auto token = string_field(*json, "token", what);
  if (!token) return token.error();
  if (!track::valid_host_name(*node))
    return failure("{}: the server named this node '{}', which is not a node name", what,
                   printable(*node, /*keep_utf8=*/false));
  if (!valid_token(*token)) return failure("{}: the reply's \"token\" is not a token", what);
  return EnrollReply{std::move(*node), std::move(*token)};
}

std::string server_message(std::string_view body) {
  auto json = parse_json(body);
  // The JSON message is UTF-8 text; a body that is not JSON may be anything.
  std::string text = json.is_object() && json.contains("error") && json["error"].is_string()
                         ? printable(json["error"].get<std::string>(), /*keep_utf8=*/true)
                         : printable(body.substr(0, 200), /*keep_utf8=*/false);
  return text.empty() ? "(no message)" : text;
}

}  // namespace herd::remote
