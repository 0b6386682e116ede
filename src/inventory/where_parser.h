// Parser of the --where language: tokens -> a valid WhereExpr.
//
// Grammar (keywords are case-insensitive):
//   expression := conjunction ('or' conjunction)*
//   conjunction:= negation ('and' negation)*
//   negation   := 'not' negation | '(' expression ')' | comparison
//   comparison := field ( compare value
//                       | ['not'] 'in' '(' value (',' value)* ')'
//                       | ['not'] 'like' text
//                       | 'is' ['not'] 'set' )
//   field      := name | rack | ... (see where_fields.h) | attr.NAME
//   compare    := '==' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
//   value      := text | integer
#pragma once

#include <string_view>
#include <vector>

#include "inventory/where_ast.h"
#include "inventory/where_lexer.h"
#include "util/result.h"

namespace herd::inventory {

// Parses `tokens` (from lex_where(expression); `expression` is needed for error columns).
// Fails with bad_input naming the column of a syntax error, an unknown field, a value of the
// wrong type, an operator the field does not support, or a breached limit (kWhereMaxDepth,
// kWhereMaxComparisons).
Result<WhereExpr> parse_where(std::string_view expression, const std::vector<Token>& tokens);

}  // namespace herd::inventory
