#include "image/image_report.h"

#include <nlohmann/json.hpp>

namespace herd::image {

using json = nlohmann::json;

std::string encode_image_report(const ImageReport& r) {
  json j;
  j["node"] = r.node;
  j["deployed"] = r.deployed.image.empty() ? json() : json::parse(encode_deployed_state(r.deployed));
  j["reported_ns"] = r.reported_ns;
  j["reboot_needed"] = r.reboot_needed;
  j["reboot_reasons"] = r.reboot_reasons;
  j["repaired"] = r.repaired;
  j["error"] = r.error;
  return j.dump(2) + "\n";
}

// Deeper than any report is: refused at parse time, since dumping or comparing a value
// recurses once a level (a node could send 500,000 levels within the 1 MiB body limit).
constexpr int kMaxReportDepth = 32;

Result<ImageReport> decode_image_report(std::string_view text, const std::string& what) {
  bool too_deep = false;
  json j = json::parse(
      text,
      [&](int depth, json::parse_event_t, json&) {
        if (depth > kMaxReportDepth) too_deep = true;
        return !too_deep;
      },
      false);
  if (too_deep) return bad_input("{}: nested more than {} levels deep", what, kMaxReportDepth);
  if (j.is_discarded() || !j.is_object()) return bad_input("{}: not a JSON object", what);
  ImageReport r;
  auto text_field = [&](const char* key, std::string& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) return bad_input("{}: \"{}\" is not a string", what, key);
    out = it->get<std::string>();
    return {};
  };
  HERD_CHECK(text_field("node", r.node));
  HERD_CHECK(text_field("error", r.error));
  if (auto it = j.find("deployed"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad_input("{}: \"deployed\" is not an object", what);
    auto d = decode_deployed_state(it->dump(), what + ": \"deployed\"");
    if (!d) return d.error();
    r.deployed = std::move(*d);
  }
  if (auto it = j.find("reported_ns"); it != j.end()) {
    if (!it->is_number_integer()) return bad_input("{}: \"reported_ns\" is not a number", what);
    r.reported_ns = it->get<int64_t>();
  }
  if (auto it = j.find("reboot_needed"); it != j.end()) {
    if (!it->is_boolean()) return bad_input("{}: \"reboot_needed\" is not true or false", what);
    r.reboot_needed = it->get<bool>();
  }
  if (auto it = j.find("reboot_reasons"); it != j.end()) {
    if (!it->is_array()) return bad_input("{}: \"reboot_reasons\" is not a list", what);
    for (const auto& v : *it) {
      if (!v.is_string()) return bad_input("{}: \"reboot_reasons\" holds a non-string", what);
      r.reboot_reasons.push_back(v.get<std::string>());
    }
  }
  if (auto it = j.find("repaired"); it != j.end()) {
    if (!it->is_number_unsigned()) return bad_input("{}: \"repaired\" is not a count", what);
    r.repaired = it->get<uint64_t>();
  }
  return r;
}

}  // namespace herd::image
