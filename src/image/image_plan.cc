#include "image/image_plan.h"

#include <nlohmann/json.hpp>

#include "image/image_name.h"

namespace herd::image {

using json = nlohmann::json;

DeployedState ImagePlan::target(const std::string& source) const {
  DeployedState t;
  t.image = image;
  t.revision = revision;
  t.snapshot = snapshot;
  t.image_tree = image_tree;
  t.tree = tree;
  t.source = source;
  t.preserve = preserve;
  t.exclude = exclude;
  t.overrides = overrides;
  return t;
}

std::string image_plan_etag(const store::Hash& snapshot, const store::Hash& tree) {
  return fmt::format("\"{}-{}\"", snapshot.hex(), tree.hex());
}

Result<ImagePlan> parse_image_plan(std::string_view text, const std::string& what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_input("{}: not a JSON object", what);
  ImagePlan p;
  auto str = [&](const char* key, std::string& out, bool required) -> Status {
    auto it = j.find(key);
    if (it == j.end() && !required) return {};
    if (it == j.end() || !it->is_string()) return bad_input("{}: \"{}\" is missing or not a string", what, key);
    out = it->get<std::string>();
    return {};
  };
  HERD_CHECK(str("node", p.node, true));
  HERD_CHECK(str("image", p.image, true));
  HERD_CHECK(str("cmdline", p.cmdline, false));
  if (!valid_image_name(p.image)) return bad_input("{}: \"image\" {:?} is not an image name", what, p.image);
  auto rev = j.find("revision");
  if (rev == j.end() || !rev->is_number_unsigned() || rev->get<uint64_t>() == 0)
    return bad_input("{}: \"revision\" is missing or not a revision number", what);
  p.revision = rev->get<uint64_t>();
  for (auto [key, field] : {std::pair{"snapshot", &p.snapshot}, {"image_tree", &p.image_tree}, {"tree", &p.tree}}) {
    std::string hex;
    HERD_CHECK(str(key, hex, true));
    auto h = store::Hash::parse(hex);
    if (!h || hex.size() != 64) return bad_input("{}: \"{}\" is not 64 hex digits", what, key);
    *field = *h;
  }
  for (auto [key, field] : {std::pair{"preserve", &p.preserve}, {"exclude", &p.exclude}, {"overrides", &p.overrides}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_array()) return bad_input("{}: \"{}\" is not a list", what, key);
    for (const auto& v : *it) {
      if (!v.is_string()) return bad_input("{}: \"{}\" holds a non-string", what, key);
      field->push_back(v.get<std::string>());
    }
  }
  p.etag = image_plan_etag(p.snapshot, p.tree);
  return p;
}

}  // namespace herd::image
