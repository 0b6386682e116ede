#include "inventory/where_parser.h"

#include <fmt/format.h>

#include "inventory/where.h"
#include "inventory/where_error.h"
#include "util/text.h"

namespace herd::inventory {
namespace {

constexpr std::string_view kOperators = "==, !=, <, <=, >, >=, in, not in, like, not like, is set, is not set";

bool is_keyword(std::string_view word) {
  const std::string lower = to_lower(word);
  for (std::string_view keyword : {"and", "or", "not", "in", "like", "is", "set"})
    if (lower == keyword) return true;
  return false;
}

struct Operator {
  CompareOp op;
  bool negated;
};

Operator compare_operator(std::string_view spelling) {
  if (spelling == "!=" || spelling == "<>") return {CompareOp::equal, true};
  if (spelling == "<") return {CompareOp::less, false};
  if (spelling == "<=") return {CompareOp::less_equal, false};
  if (spelling == ">") return {CompareOp::greater, false};
  if (spelling == ">=") return {CompareOp::greater_equal, false};
  return {CompareOp::equal, false};  // == and =
}

// Recursive descent over the token list. Invariants: `pos_` never passes the final `end`
// token; `depth_` counts the '(' and prefix 'not' enclosing the current position and never
// exceeds kWhereMaxDepth, which bounds the recursion.
class Parser {
 public:
  Parser(std::string_view source, const std::vector<Token>& tokens) : source_(source), tokens_(tokens) {}

  Result<WhereExpr> run() {
    auto expr = expression();
    if (!expr) return expr;
    if (peek().kind != TokenKind::end)
      return error_here(fmt::format("expected 'and', 'or' or the end of the expression, found {}",
                                    describe(peek())));
    return expr;
  }

 private:
  // expression := conjunction ('or' conjunction)*
  Result<WhereExpr> expression() { return chain("or", WhereExpr::Kind::any_of, &Parser::conjunction); }

  // conjunction := negation ('and' negation)*
  Result<WhereExpr> conjunction() { return chain("and", WhereExpr::Kind::all_of, &Parser::negation); }

  Result<WhereExpr> chain(std::string_view keyword, WhereExpr::Kind kind, Result<WhereExpr> (Parser::*operand)()) {
    auto first = (this->*operand)();
    if (!first || !peek_word(keyword)) return first;
    WhereExpr chained;
    chained.kind = kind;
    chained.operands.push_back(std::move(*first));
    while (peek_word(keyword)) {
      ++pos_;
      auto next = (this->*operand)();
      if (!next) return next;
      chained.operands.push_back(std::move(*next));
    }
    return chained;
  }

  // negation := 'not' negation | '(' expression ')' | comparison
  Result<WhereExpr> negation() {
    if (peek_word("not")) {
      HERD_CHECK(enter_nesting());
      ++pos_;
      auto operand = negation();
      if (!operand) return operand;
      --depth_;
      WhereExpr negated;
      negated.kind = WhereExpr::Kind::negation;
      negated.operands.push_back(std::move(*operand));
      return negated;
    }
    if (peek().kind == TokenKind::open_paren) {
      HERD_CHECK(enter_nesting());
      const std::size_t open = peek().offset;
      ++pos_;
      auto inner = expression();
      if (!inner) return inner;
      if (peek().kind == TokenKind::end)
        return error_here(fmt::format("expected ')' to close the '(' at column {}", where_column(source_, open)));
      if (peek().kind != TokenKind::close_paren)
        return error_here(fmt::format("expected 'and', 'or' or ')', found {}", describe(peek())));
      ++pos_;
      --depth_;
      return inner;
    }
    return comparison();
  }

  Status enter_nesting() {
    if (depth_ >= kWhereMaxDepth)
      return error_here(fmt::format("nested more than {} levels deep", kWhereMaxDepth));
    ++depth_;
    return {};
  }

  Result<WhereExpr> comparison() {
    WhereExpr expr;
    Comparison& comparison = expr.comparison;
    const Token& field_token = peek();
    if (field_token.kind == TokenKind::attribute) {
      comparison.field = &attribute_field();
      comparison.attribute = field_token.text;
    } else if (field_token.kind == TokenKind::word && !is_keyword(field_token.text)) {
      comparison.field = find_field(field_token.text);
      if (comparison.field == nullptr)
        return error_here(fmt::format("unknown field '{}' (known fields: {})", printable_excerpt(field_token.text),
                                      known_field_names()));
    } else {
      return error_here(fmt::format("expected a field name, found {}", describe(field_token)));
    }
    if (++comparisons_ > kWhereMaxComparisons)
      return error_here(fmt::format("more than {} comparisons", kWhereMaxComparisons));
    ++pos_;
    HERD_CHECK(comparison_operator(field_token, comparison));
    return expr;
  }

  // Parses what follows the field: the operator and its values.
  Status comparison_operator(const Token& field_token, Comparison& comparison) {
    const Token& op_token = peek();
    if (op_token.kind == TokenKind::compare) {
      const Operator op = compare_operator(op_token.text);
      comparison.op = op.op;
      comparison.negated = op.negated;
      ++pos_;
      return single_value(op_token, comparison);
    }
    if (peek_word("is")) {
      ++pos_;
      comparison.negated = take_word("not");
      if (!take_word("set")) return error_here(fmt::format("expected 'set' or 'not set' after 'is', found {}", describe(peek())));
      comparison.op = CompareOp::is_set;
      if (!comparison.field->nullable)
        return where_error(source_, op_token.offset,
                           fmt::format("'is set' applies to attributes and to ip, mac, network and vlan; "
                                       "'{}' always has a value",
                                       comparison.field->name));
      return {};
    }
    if (peek_word("not")) {
      ++pos_;
      comparison.negated = true;
      if (!peek_word("in") && !peek_word("like"))
        return error_here(fmt::format("expected 'in' or 'like' after 'not', found {}", describe(peek())));
    }
    if (peek_word("in")) {
      ++pos_;
      comparison.op = CompareOp::in;
      return value_list(comparison);
    }
    if (peek_word("like")) {
      const Token& like_token = peek();
      ++pos_;
      comparison.op = CompareOp::like;
      if (comparison.field->type == FieldType::integer)
        return where_error(source_, like_token.offset,
                           fmt::format("'like' matches text, but '{}' is an integer field", comparison.field->name));
      if (peek().kind != TokenKind::text)
        return error_here(fmt::format("expected a quoted pattern after 'like'{}", found_suffix()));
      comparison.values.push_back(value_of(peek()));
      ++pos_;
      return {};
    }
    return error_here(fmt::format("expected an operator after '{}' ({}), found {}",
                                  printable_excerpt(source_.substr(field_token.offset, field_token.length)),
                                  kOperators, describe(op_token)));
  }

  Status single_value(const Token& op_token, Comparison& comparison) {
    if (!is_value(peek()))
      return error_here(fmt::format("expected a value after '{}'{}", op_token.text, found_suffix()));
    HERD_CHECK(check_type(comparison, peek()));
    comparison.values.push_back(value_of(peek()));
    ++pos_;
    return {};
  }

  // '(' value (',' value)* ')'
  Status value_list(Comparison& comparison) {
    if (peek().kind != TokenKind::open_paren)
      return error_here(fmt::format("expected '(' and a list of values after 'in'{}", found_suffix()));
    ++pos_;
    for (;;) {
      if (!is_value(peek())) return error_here(fmt::format("expected a value in the list{}", found_suffix()));
      HERD_CHECK(check_type(comparison, peek()));
      if (!comparison.values.empty() && comparison.values.front().is_integer != (peek().kind == TokenKind::integer))
        return error_here("a list cannot mix text and integer values");
      comparison.values.push_back(value_of(peek()));
      ++pos_;
      if (peek().kind == TokenKind::close_paren) break;
      if (peek().kind != TokenKind::comma)
        return error_here(fmt::format("expected ',' or ')' after a value in the list{}", found_suffix()));
      ++pos_;
    }
    ++pos_;
    return {};
  }

  // A value must match its field's type; attributes take either.
  Status check_type(const Comparison& comparison, const Token& value) {
    const Field& field = *comparison.field;
    const auto shown = printable_excerpt(source_.substr(value.offset, value.length));
    if (field.type == FieldType::integer && value.kind != TokenKind::integer)
      return error_here(fmt::format("'{}' is an integer field: compare it with an integer, not {}", field.name, shown));
    if (field.type == FieldType::text && value.kind != TokenKind::text)
      return error_here(fmt::format("'{}' is a text field: quote the value, as in \"{}\"", field.name, shown));
    return {};
  }

  static bool is_value(const Token& token) {
    return token.kind == TokenKind::text || token.kind == TokenKind::integer;
  }

  static WhereValue value_of(const Token& token) {
    WhereValue value;
    value.is_integer = token.kind == TokenKind::integer;
    value.integer = token.integer;
    if (!value.is_integer) {
      value.text = token.text;
      value.escaped = token.escaped;
    }
    return value;
  }

  const Token& peek() const { return tokens_[pos_]; }

  bool peek_word(std::string_view keyword) const {
    return peek().kind == TokenKind::word && to_lower(peek().text) == keyword;
  }

  bool take_word(std::string_view keyword) {
    if (!peek_word(keyword)) return false;
    ++pos_;
    return true;
  }

  // How a token is named in an error message.
  std::string describe(const Token& token) const {
    if (token.kind == TokenKind::end) return "the end of the expression";
    const auto text = printable_excerpt(source_.substr(token.offset, token.length));
    return token.kind == TokenKind::text ? text : fmt::format("'{}'", text);
  }

  // ", found X" naming the current token, or "" at the end of the expression, so that
  // "expected a value after '=='" reads naturally when the expression simply stops. A bare
  // word where a value belongs is most likely text that lacks its quotes: say so.
  std::string found_suffix() const {
    const Token& token = peek();
    if (token.kind == TokenKind::end) return "";
    if (token.kind == TokenKind::word && !is_keyword(token.text))
      return fmt::format(", found {} (quote text values: \"{}\")", describe(token), printable_excerpt(token.text));
    return fmt::format(", found {}", describe(token));
  }

  Error error_here(std::string_view message) const { return where_error(source_, peek().offset, message); }

  std::string_view source_;
  const std::vector<Token>& tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int comparisons_ = 0;
};

}  // namespace

Result<WhereExpr> parse_where(std::string_view expression, const std::vector<Token>& tokens) {
  return Parser(expression, tokens).run();
}

}  // namespace herd::inventory
