// --where: the node selection language, compiled to a parameterized SQL condition.
//
//   herd node list --where 'appliance == "compute" and rack in (0, 1) and attr.gpu == "yes"'
//
// The language is documented in docs/where.md. In short: comparisons of node fields,
// interface fields and effective attributes (`attr.NAME`, after scope resolution), joined by
// `and`, `or`, `not` and parentheses.
//
// Compilation is three steps, each in its own file:
//   where_lexer   text   -> tokens          (lexical errors: bad characters, strings, numbers)
//   where_parser  tokens -> WhereExpr       (syntax, unknown fields, type mismatches, limits)
//   where_sql     WhereExpr -> SqlCondition (cannot fail: a parsed expression is valid)
//
// Security invariant: no byte of user input ever reaches the SQL text. Values and attribute
// names become `?` parameters; the SQL text is made only of fixed fragments chosen by field
// and operator. The `secrets` table is never named in any fragment.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/database.h"
#include "util/result.h"

namespace herd::inventory {

// Limits that keep hostile input from exhausting the stack or the database's parser.
constexpr std::size_t kWhereMaxLength = 4096;     // bytes of expression text
constexpr int kWhereMaxDepth = 64;                // nested '(' and 'not'
constexpr int kWhereMaxComparisons = 256;         // comparisons in one expression

// A boolean SQL condition and its parameters, in placeholder order. `sql` is wrapped in
// parentheses, is never NULL-valued (every comparison yields true or false), and refers to
// the outer query's aliases `n` (nodes) and `a` (appliances).
struct SqlCondition {
  std::string sql;
  std::vector<Value> params;
};

// Compiles a --where expression into a boolean SQL condition usable as
//   SELECT n.name FROM nodes n JOIN appliances a ON a.id = n.appliance_id WHERE <sql> ORDER BY n.name
// The SQL is portable to SQLite and PostgreSQL (`?` placeholders, standard functions only).
// Bad input returns bad_input with a message such as
//   "--where: column 14: expected a value after '=='"
// where the column is 1-based and counts characters (UTF-8 code points).
Result<SqlCondition> compile_where(std::string_view expression);

}  // namespace herd::inventory
