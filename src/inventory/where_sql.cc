#include "inventory/where_sql.h"

#include <array>
#include <string_view>

namespace herd::inventory {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Accumulates SQL text and parameters. Invariant: each `?` in `sql` is appended together with
// its value by param(), so `params` is always in placeholder order.
class SqlWriter {
 public:
  void text(std::string_view fragment) { condition_.sql += fragment; }
  void param(Value value) {
    condition_.sql += '?';
    condition_.params.push_back(std::move(value));
  }
  SqlCondition take() { return std::move(condition_); }

 private:
  SqlCondition condition_;
};

// Attribute scopes from most to least specific, each with how it matches the outer node.
struct ScopeMatch {
  std::string_view scope;
  std::string_view target;  // SQL expression the attribute's target must equal
};
constexpr std::array kScopesMostSpecificFirst = {
    ScopeMatch{"node", "n.name"},
    ScopeMatch{"rack", "CAST(n.rack AS TEXT)"},  // rack targets are the number as text
    ScopeMatch{"appliance", "a.name"},
    ScopeMatch{"os", "n.os"},
    ScopeMatch{"global", "''"},
};

// True when `column` (text) is an integer that fits in BIGINT: -?[0-9]{1,18}. Written with
// TRIM/SUBSTR/LENGTH only, which SQLite and PostgreSQL share, so a CASE can guard the CAST and
// a non-numeric value compares false instead of raising an error.
std::string integer_text_guard(std::string_view column) {
  const std::string c(column);
  return "((LENGTH(" + c + ") BETWEEN 1 AND 18 AND TRIM(" + c + ", '0123456789') = '') OR (LENGTH(" + c +
         ") BETWEEN 2 AND 19 AND SUBSTR(" + c + ", 1, 1) = '-' AND TRIM(SUBSTR(" + c + ", 2), '0123456789') = ''))";
}

class ConditionWriter {
 public:
  SqlCondition write(const WhereExpr& expr) {
    out_.text("(");
    expression(expr);
    out_.text(")");
    return out_.take();
  }

 private:
  void expression(const WhereExpr& expr) {
    switch (expr.kind) {
      case WhereExpr::Kind::comparison:
        comparison(expr.comparison);
        return;
      case WhereExpr::Kind::negation:
        out_.text("NOT (");
        expression(expr.operands.front());
        out_.text(")");
        return;
      case WhereExpr::Kind::all_of:
      case WhereExpr::Kind::any_of: {
        const std::string_view joiner = expr.kind == WhereExpr::Kind::all_of ? " AND " : " OR ";
        out_.text("(");
        for (std::size_t i = 0; i < expr.operands.size(); ++i) {
          if (i) out_.text(joiner);
          expression(expr.operands[i]);
        }
        out_.text(")");
        return;
      }
    }
  }

  void comparison(const Comparison& c) {
    if (c.negated) out_.text("NOT (");
    switch (c.field->source) {
      case FieldSource::node:
        predicate(c, c.field->column);
        break;
      case FieldSource::interface:
        out_.text("EXISTS (SELECT 1 FROM interfaces i WHERE i.node_id = n.id AND ");
        predicate(c, c.field->column);
        out_.text(")");
        break;
      case FieldSource::network:
        out_.text("EXISTS (SELECT 1 FROM interfaces i JOIN networks w ON w.id = i.network_id WHERE i.node_id = n.id AND ");
        predicate(c, c.field->column);
        out_.text(")");
        break;
      case FieldSource::attribute:
        attribute(c);
        break;
    }
    if (c.negated) out_.text(")");
  }

  // One subquery per scope, each true/false when that scope defines the attribute and NULL
  // when it does not; COALESCE takes the most specific defined one, FALSE when none is.
  void attribute(const Comparison& c) {
    out_.text("COALESCE(");
    for (const ScopeMatch& scope : kScopesMostSpecificFirst) {
      out_.text("(SELECT ");
      predicate(c, "t.value");
      out_.text(" FROM attributes t WHERE t.scope = '");
      out_.text(scope.scope);
      out_.text("' AND t.target = ");
      out_.text(scope.target);
      out_.text(" AND t.name = ");
      out_.param(c.attribute);
      out_.text("), ");
    }
    out_.text("FALSE)");
  }

  // The positive predicate of `c` on `column`, which holds the field's value.
  void predicate(const Comparison& c, std::string_view column) {
    if (c.op == CompareOp::is_set) {
      is_set(c, column);
      return;
    }
    // An attribute compared with integers is compared numerically, when its value is one.
    const bool numeric_attribute = c.field->type == FieldType::attribute && c.values.front().is_integer;
    if (numeric_attribute) {
      out_.text("CASE WHEN ");
      out_.text(integer_text_guard(column));
      out_.text(" THEN ");
      compare(c, "CAST(" + std::string(column) + " AS BIGINT)");
      out_.text(" ELSE FALSE END");
      return;
    }
    compare(c, column);
  }

  void is_set(const Comparison& c, std::string_view column) {
    if (c.field->type == FieldType::attribute) {
      out_.text("TRUE");  // the subquery found a row, so the attribute is set at that scope
      return;
    }
    out_.text(column);
    out_.text(" IS NOT NULL");
    if (c.field->type == FieldType::text) {
      out_.text(" AND ");
      out_.text(column);
      out_.text(" <> ''");
    }
  }

  void compare(const Comparison& c, std::string_view operand) {
    switch (c.op) {
      case CompareOp::equal: return binary(operand, " = ", c);
      case CompareOp::less: return binary(operand, " < ", c);
      case CompareOp::less_equal: return binary(operand, " <= ", c);
      case CompareOp::greater: return binary(operand, " > ", c);
      case CompareOp::greater_equal: return binary(operand, " >= ", c);
      case CompareOp::in:
        out_.text(operand);
        out_.text(" IN (");
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          if (i) out_.text(", ");
          value(c, c.values[i]);
        }
        out_.text(")");
        return;
      case CompareOp::like:
        out_.text("LOWER(");
        out_.text(operand);
        out_.text(") LIKE ");
        out_.param(glob_to_like(c.values.front().text, c.values.front().escaped));
        out_.text(" ESCAPE '!'");
        return;
      case CompareOp::is_set: return;  // handled by is_set()
    }
  }

  void binary(std::string_view operand, std::string_view op, const Comparison& c) {
    out_.text(operand);
    out_.text(op);
    value(c, c.values.front());
  }

  // Integers are cast to BIGINT so PostgreSQL types the parameter as such whatever the
  // column's width; mac addresses are stored lowercase, so mac values are lowered to match.
  void value(const Comparison& c, const WhereValue& v) {
    if (v.is_integer) {
      out_.text("CAST(");
      out_.param(v.integer);
      out_.text(" AS BIGINT)");
      return;
    }
    if (c.field->name == "mac") {
      std::string lower = v.text;
      for (char& ch : lower) ch = ascii_lower(ch);
      out_.param(std::move(lower));
      return;
    }
    out_.param(v.text);
  }

  SqlWriter out_;
};

}  // namespace

std::string glob_to_like(const std::string& glob, const std::vector<bool>& escaped) {
  std::string like;
  like.reserve(glob.size() * 2);
  for (std::size_t i = 0; i < glob.size(); ++i) {
    const char c = ascii_lower(glob[i]);
    const bool literal = i < escaped.size() && escaped[i];
    if (c == '*' && !literal)
      like += '%';
    else if (c == '?' && !literal)
      like += '_';
    else if (c == '%' || c == '_' || c == '!') {
      like += '!';
      like += c;
    } else {
      like += c;
    }
  }
  return like;
}

SqlCondition write_where_sql(const WhereExpr& expr) { return ConditionWriter().write(expr); }

}  // namespace herd::inventory
