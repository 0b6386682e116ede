// SQL writer of the --where language: a valid WhereExpr -> a parameterized SQL condition.
//
// What each comparison becomes (P is the predicate on one value, e.g. `x = ?`):
//   node field       P(n.col) or P(a.name)                      columns are NOT NULL
//   interface field  EXISTS (SELECT 1 FROM interfaces i [JOIN networks w] WHERE i.node_id = n.id
//                    AND P(i.col))                              true if any interface matches
//   attr.NAME        COALESCE((SELECT P(t.value) FROM attributes t WHERE <node scope>),
//                             (... rack ...), (... appliance ...), (... os ...),
//                             (... global ...), FALSE)
//                    the most specific scope that defines NAME decides; unset is false
//   negated forms    NOT (positive form)
// So every comparison is true or false, never NULL, and `not` is plain boolean negation.
#pragma once

#include "inventory/where.h"
#include "inventory/where_ast.h"

namespace herd::inventory {

// Writes `expr` as a parenthesized SQL condition over the aliases n (nodes) and a
// (appliances). Values and attribute names are all parameters, in placeholder order.
SqlCondition write_where_sql(const WhereExpr& expr);

// A glob (`*` any run, `?` one character; a backslashed `*` or `?` is literal) as a SQL LIKE
// pattern with escape character '!', lowercased (ASCII) because --where `like` ignores case.
std::string glob_to_like(const std::string& glob, const std::vector<bool>& escaped);

}  // namespace herd::inventory
