#include "inventory/where_fields.h"

#include <array>

#include "util/text.h"

namespace herd::inventory {
namespace {

// Every field, in the order the documentation lists them.
constexpr std::array kFields = {
    Field{"name", FieldType::text, FieldSource::node, "n.name", false},
    Field{"appliance", FieldType::text, FieldSource::node, "a.name", false},
    Field{"rack", FieldType::integer, FieldSource::node, "n.rack", false},
    Field{"rank", FieldType::integer, FieldSource::node, "n.rank", false},
    Field{"arch", FieldType::text, FieldSource::node, "n.arch", false},
    Field{"os", FieldType::text, FieldSource::node, "n.os", false},
    Field{"cpus", FieldType::integer, FieldSource::node, "n.cpus", false},
    Field{"boot_action", FieldType::text, FieldSource::node, "n.boot_action", false},
    Field{"comment", FieldType::text, FieldSource::node, "n.comment", false},
    Field{"ip", FieldType::text, FieldSource::interface, "i.ip", true},
    Field{"mac", FieldType::text, FieldSource::interface, "i.mac", true},
    Field{"network", FieldType::text, FieldSource::network, "w.name", true},
    Field{"device", FieldType::text, FieldSource::interface, "i.device", false},
    Field{"vlan", FieldType::integer, FieldSource::interface, "i.vlan", true},
};

struct Alias {
  std::string_view alias;
  std::string_view field;
};
constexpr std::array kAliases = {Alias{"boot", "boot_action"}};

constexpr Field kAttribute{"attr", FieldType::attribute, FieldSource::attribute, "", true};

const Field* find_canonical(std::string_view name) {
  for (const Field& field : kFields)
    if (field.name == name) return &field;
  return nullptr;
}

}  // namespace

const Field* find_field(std::string_view name) {
  const std::string lower = to_lower(name);
  for (const Alias& alias : kAliases)
    if (alias.alias == lower) return find_canonical(alias.field);
  return find_canonical(lower);
}

const Field& attribute_field() { return kAttribute; }

std::string known_field_names() {
  std::string names;
  for (const Field& field : kFields) {
    names += field.name;
    names += ", ";
  }
  return names + "attr.NAME";
}

}  // namespace herd::inventory
