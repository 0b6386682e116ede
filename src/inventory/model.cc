#include "inventory/model.h"

namespace herd::inventory {

const char* scope_name(Scope scope) {
  switch (scope) {
    case Scope::global: return "global";
    case Scope::os: return "os";
    case Scope::appliance: return "appliance";
    case Scope::rack: return "rack";
    case Scope::node: return "node";
  }
  return "global";
}

std::optional<Scope> parse_scope(std::string_view text) {
  for (Scope s : {Scope::global, Scope::os, Scope::appliance, Scope::rack, Scope::node})
    if (text == scope_name(s)) return s;
  return std::nullopt;
}

}  // namespace herd::inventory
