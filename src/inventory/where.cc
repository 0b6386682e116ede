#include "inventory/where.h"

#include "inventory/where_lexer.h"
#include "inventory/where_parser.h"
#include "inventory/where_sql.h"

namespace herd::inventory {

Result<SqlCondition> compile_where(std::string_view expression) {
  if (expression.size() > kWhereMaxLength)
    return bad_input("--where: the expression is {} bytes long; the limit is {}", expression.size(),
                     kWhereMaxLength);
  auto tokens = lex_where(expression);
  if (!tokens) return tokens.error();
  if (tokens->size() == 1) return bad_input("--where: the expression is empty");
  auto parsed = parse_where(expression, *tokens);
  if (!parsed) return parsed.error();
  return write_where_sql(*parsed);
}

}  // namespace herd::inventory
