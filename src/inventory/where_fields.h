// The fields a --where expression can compare, and where each lives in the schema.
#pragma once

#include <string>
#include <string_view>

namespace herd::inventory {

// What a field's values are. `attribute` values are text that may also compare numerically.
enum class FieldType { text, integer, attribute };

// Which row holds the field: the node's own row (or its appliance's), any of its interfaces,
// or its effective attribute.
enum class FieldSource { node, interface, network, attribute };

struct Field {
  std::string_view name;    // canonical name, lowercase
  FieldType type;
  FieldSource source;
  // SQL column that holds the value: `n.` nodes, `a.` appliances, `i.` interfaces,
  // `w.` networks (joined to the interface). Empty for attributes. Fixed text, never input.
  std::string_view column;
  bool nullable;            // whether the column may hold NULL or '' (meaning "not set")
};

// The field called `name` (case-insensitive, aliases included), or nullptr if none is.
// Attributes are not looked up here: `attr.NAME` is its own token.
const Field* find_field(std::string_view name);

// The field that stands for `attr.NAME`.
const Field& attribute_field();

// "name, appliance, ..., attr.NAME": the known fields for an error message.
std::string known_field_names();

}  // namespace herd::inventory
