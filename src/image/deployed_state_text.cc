// deployed.json's text (deploy_state.h), apart from the state folder's I/O so the
// parser is fuzzed on its own.
#include <nlohmann/json.hpp>

#include "image/deploy_state.h"

namespace herd::image {
namespace {

using nlohmann::json;

Result<store::Hash> hash_field(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return bad_input("{}: \"{}\" is missing or not a string", what, key);
  auto h = store::Hash::parse(it->get<std::string>());
  if (!h || it->get<std::string>().size() != 64) return bad_input("{}: \"{}\" is not a 64-digit hash", what, key);
  return *h;
}

Result<std::vector<std::string>> list_field(const json& j, const char* key, const std::string& what) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return bad_input("{}: \"{}\" is not a list", what, key);
  for (const auto& item : *it) {
    if (!item.is_string()) return bad_input("{}: \"{}\" holds something that is not a string", what, key);
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string encode_deployed_state(const DeployedState& s) {
  json j = {{"image", s.image},
            {"revision", s.revision},
            {"snapshot", s.snapshot.hex()},
            {"image_tree", s.image_tree.hex()},
            {"tree", s.tree.hex()},
            {"time_ns", s.time_ns},
            {"source", s.source},
            {"preserve", s.preserve},
            {"exclude", s.exclude},
            {"overrides", s.overrides}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<DeployedState> decode_deployed_state(std::string_view text, const std::string& what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_input("{}: not a JSON object", what);
  DeployedState s;
  auto image = j.find("image");
  if (image == j.end() || !image->is_string()) return bad_input("{}: \"image\" is missing or not a string", what);
  s.image = image->get<std::string>();
  auto revision = j.find("revision");
  if (revision == j.end() || !revision->is_number_unsigned())
    return bad_input("{}: \"revision\" is missing or not a number", what);
  s.revision = revision->get<uint64_t>();
  for (auto [key, field] : {std::pair{"snapshot", &s.snapshot}, {"image_tree", &s.image_tree}, {"tree", &s.tree}}) {
    auto h = hash_field(j, key, what);
    if (!h) return h.error();
    *field = *h;
  }
  if (auto t = j.find("time_ns"); t != j.end() && t->is_number_integer()) s.time_ns = t->get<int64_t>();
  if (auto src = j.find("source"); src != j.end() && src->is_string()) s.source = src->get<std::string>();
  for (auto [key, field] : {std::pair{"preserve", &s.preserve}, {"exclude", &s.exclude}, {"overrides", &s.overrides}}) {
    auto list = list_field(j, key, what);
    if (!list) return list.error();
    *field = std::move(*list);
  }
  return s;
}

}  // namespace herd::image
