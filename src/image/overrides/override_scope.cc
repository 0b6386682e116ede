#include "image/overrides/override_scope.h"

#include "store/refs.h"
#include "util/text.h"

namespace herd::image {
namespace {

const char* level_name(OverrideLevel level) {
  switch (level) {
    case OverrideLevel::global: return "global";
    case OverrideLevel::appliance: return "appliance";
    case OverrideLevel::rack: return "rack";
    case OverrideLevel::node: return "node";
  }
  return "?";
}

}  // namespace

std::string OverrideScope::ref() const {
  std::string out = std::string(kOverrideRefPrefix) + level_name(level);
  if (level != OverrideLevel::global) out += "/" + name;
  return out;
}

std::string OverrideScope::text() const {
  return level == OverrideLevel::global ? "global" : fmt::format("{} {}", level_name(level), name);
}

Result<OverrideScope> make_override_scope(OverrideLevel level, const std::string& name) {
  OverrideScope scope{level, level == OverrideLevel::global ? "" : name};
  if (level == OverrideLevel::global) return scope;
  if (name.empty() || name.find('/') != std::string::npos || !store::valid_ref_name(scope.ref()))
    return bad_input("{} {:?} cannot name an override (letters, digits, '.', '_' and '-')", level_name(level), name);
  if (level == OverrideLevel::rack) {
    long long rack = 0;
    if (!parse_int(name, rack) || rack < 0 || std::to_string(rack) != name)
      return bad_input("rack {:?} is not a rack number", name);
  }
  return scope;
}

Result<OverrideScope> parse_override_ref(std::string_view ref) {
  if (!starts_with(ref, kOverrideRefPrefix)) return bad_input("{} is not an override ref", ref);
  std::string_view rest = ref.substr(kOverrideRefPrefix.size());
  if (rest == "global") return OverrideScope{};
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad_input("{} is not an override ref", ref);
  std::string_view level = rest.substr(0, slash);
  std::string name(rest.substr(slash + 1));
  if (level == "appliance") return make_override_scope(OverrideLevel::appliance, name);
  if (level == "rack") return make_override_scope(OverrideLevel::rack, name);
  if (level == "node") return make_override_scope(OverrideLevel::node, name);
  return bad_input("{} is not an override ref", ref);
}

std::vector<OverrideScope> scopes_of_node(const std::string& node, const std::string& appliance, int rack) {
  return {OverrideScope{},
          OverrideScope{OverrideLevel::appliance, appliance},
          OverrideScope{OverrideLevel::rack, std::to_string(rack)},
          OverrideScope{OverrideLevel::node, node}};
}

}  // namespace herd::image
