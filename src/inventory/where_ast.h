// The parsed form of a --where expression. A WhereExpr produced by parse_where is valid:
// every field exists, every value has the type its field needs, and it is within the limits of
// where.h. The SQL writer relies on this and therefore cannot fail.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inventory/where_fields.h"

namespace herd::inventory {

// Positive comparison operators. The negated spellings (!=, not in, not like, is not set) are
// the same operators with Comparison::negated set: `x != v` means exactly `not (x == v)`.
enum class CompareOp { equal, less, less_equal, greater, greater_equal, in, like, is_set };

struct WhereValue {
  bool is_integer = false;
  std::int64_t integer = 0;    // when is_integer
  std::string text;            // when !is_integer: decoded string
  std::vector<bool> escaped;   // when !is_integer: which bytes of `text` were backslashed
};

struct Comparison {
  const Field* field = nullptr;  // never null; attribute_field() for attr.NAME
  std::string attribute;         // NAME of attr.NAME, else empty
  CompareOp op = CompareOp::equal;
  bool negated = false;
  // equal and ordering: exactly one value; in: one or more, all of one type; like: one text
  // value (the glob pattern); is_set: none.
  std::vector<WhereValue> values;
};

struct WhereExpr {
  enum class Kind { comparison, all_of, any_of, negation };
  Kind kind = Kind::comparison;
  Comparison comparison;            // kind == comparison
  std::vector<WhereExpr> operands;  // all_of, any_of: two or more; negation: exactly one
};

}  // namespace herd::inventory
