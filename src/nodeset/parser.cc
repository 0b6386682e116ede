#include "nodeset/parser.h"

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nodeset/group_resolver.h"
#include "nodeset/pattern.h"
#include "nodeset/python_text.h"
#include "nodeset/range_set_parser.h"
#include "nodeset/syntax_error.h"
#include "util/text.h"

namespace herd::nodeset {
namespace {

constexpr std::string_view kOperators = ",!&^";
constexpr int kMaxGroupDepth = 16;
// Most group names ("@rack[1-100]") or wildcard masks ("n[1-100]*") one operand may
// name: each is resolved or matched on its own.
constexpr size_t kMaxNamesPerOperand = 100'000;
constexpr auto npos = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A piece of the parsed line and where it starts, to report columns.
struct Piece {
  std::string_view text;
  size_t offset = 0;  // of text[0] in the line, 0-based

  Piece sub(size_t position, size_t count = npos) const { return {text.substr(position, count), offset + position}; }
  bool empty() const { return text.empty(); }
  size_t column(size_t position = 0) const { return offset + position + 1; }
};

Piece lstrip(Piece piece) {
  std::string_view stripped = python::lstrip(piece.text);
  return {stripped, piece.offset + (piece.text.size() - stripped.size())};
}

Piece rstrip(Piece piece) { return {python::rstrip(piece.text), piece.offset}; }

// Text between brackets, possibly rewritten by digits touching the brackets.
struct RangeText {
  std::string text;
  TextOrigin origin;
};

// ClusterShell's _amend_trailing_digits: "n[1-2,5]0" reads as "n[10-20/10,50]".
void amend_trailing_digits(RangeText& range, std::string_view digits) {
  std::vector<std::string> parts;
  for (const std::string& part : split(range.text, ',')) {
    std::vector<std::string> bounds = split(part, '-');
    for (std::string& bound : bounds) bound += digits;
    std::string amended = join(bounds, "-");
    if (bounds.size() > 1) amended += "/1" + std::string(digits.size(), '0');
    parts.push_back(std::move(amended));
  }
  range.text = join(parts, ",");
  range.origin.exact = false;
}

// ClusterShell's _amend_leading_digits: "n1[0-5]" reads as "n[10-15]"; it rewrites each
// contiguous run of the range set, so "n1[5-10]" is n[15-110].
Status amend_leading_digits(RangeText& range, std::string_view digits) {
  Result<RangeSet> set = parse_range_set(range.text, range.origin);
  if (!set) return set.error();
  std::vector<std::string> runs;
  for (const std::string& run : split(set->fold(), ',')) {
    std::vector<std::string> bounds = split(run, '-');
    for (std::string& bound : bounds) bound.insert(0, digits);
    runs.push_back(join(bounds, "-"));
  }
  range.text = join(runs, ",");
  range.origin.exact = false;
  return {};
}

// One operand of the expression and the operator before it.
struct Term {
  char operation = ',';
  std::string pattern;
  std::vector<RangeSet> axes;  // one per placeholder of pattern
  size_t column = 1;           // where the operand starts
};

// Builds a term's pattern and axes from name text and bracket groups.
class TermBuilder {
 public:
  // Name text outside brackets: digit runs become single-index axes.
  Status add_text(Piece text) {
    std::vector<Index> indexes;
    size_t bad = split_name(text.text, pattern_, indexes, LongDigits::reject);
    if (bad != npos) return syntax_error(text.column(bad), "number too large (herd allows 18 digits)");
    for (const Index& index : indexes) axes_.push_back(RangeSet::of(index));
    return {};
  }
  Status add_range(const RangeText& range) {
    Result<RangeSet> set = parse_range_set(range.text, range.origin);
    if (!set) return set.error();
    pattern_.append_placeholder();
    axes_.push_back(std::move(*set));
    return {};
  }
  Term finish(char operation, size_t column) { return Term{operation, pattern_.pattern(), std::move(axes_), column}; }

 private:
  PatternBuilder pattern_;
  std::vector<RangeSet> axes_;
};

// ClusterShell's _scan_string: splits a line into terms.
class Scanner {
 public:
  explicit Scanner(std::string_view line) : rest_(lstrip(rstrip(Piece{line, 0}))) {}

  Result<std::vector<Term>> scan() {
    std::vector<Term> terms;
    while (!rest_.empty()) {
      rest_ = lstrip(rest_);
      char operation = next_operation_;
      size_t column = rest_.column();
      TermBuilder term;
      size_t operator_at = rest_.text.find_first_of(kOperators);
      size_t bracket_at = rest_.text.find('[');
      Status status = bracket_at != npos && (operator_at == npos || operator_at > bracket_at)
                          ? scan_bracketed(term)
                          : scan_plain(term, operator_at);
      if (!status) return status.error();
      terms.push_back(term.finish(operation, column));
    }
    return terms;
  }

 private:
  // An operand with brackets: "pfx[range]pfx[range]...sfx", up to the next operator.
  Status scan_bracketed(TermBuilder& term) {
    Piece suffix = rest_;
    size_t bracket_at = suffix.text.find('[');
    size_t operator_at = suffix.text.find_first_of(kOperators);
    while (bracket_at != npos && (operator_at == npos || operator_at > bracket_at)) {
      Piece prefix = suffix.sub(0, bracket_at);
      Piece after = suffix.sub(bracket_at + 1);
      size_t close = after.text.find(']');
      if (close == npos) return syntax_error(after.column(after.text.size()), "unclosed '['");
      RangeText range{std::string(after.text.substr(0, close)), TextOrigin{after.column()}};
      suffix = after.sub(close + 1);
      if (size_t bad = prefix.text.find(']'); bad != npos) return syntax_error(prefix.column(bad), "unexpected ']'");
      size_t next_close = suffix.text.find(']');
      size_t next_open = suffix.text.find('[');
      if (next_close != npos && (next_open == npos || next_close < next_open))
        return syntax_error(suffix.column(next_close), "unexpected ']'");

      size_t trailing = 0;
      while (trailing < suffix.text.size() && is_digit(suffix.text[trailing])) ++trailing;
      if (trailing > 0) {
        if (range.text.find('/') != npos)
          return syntax_error(suffix.column(), "digits right after a range with a step");
        amend_trailing_digits(range, suffix.text.substr(0, trailing));
        suffix = suffix.sub(trailing);
      }
      size_t leading = 0;
      while (leading < prefix.text.size() && is_digit(prefix.text[prefix.text.size() - 1 - leading])) ++leading;
      if (leading > 0) {
        HERD_CHECK(amend_leading_digits(range, prefix.text.substr(prefix.text.size() - leading)));
        prefix = prefix.sub(0, prefix.text.size() - leading);
      }
      HERD_CHECK(term.add_text(prefix));

      bracket_at = suffix.text.find('[');
      operator_at = suffix.text.find_first_of(kOperators);
      if (!suffix.empty() && suffix.text[0] == '[') return syntax_error(suffix.column(), "unexpected '[' right after ']'");
      HERD_CHECK(term.add_range(range));
    }
    if (operator_at == npos) {
      rest_ = Piece{};
    } else {
      next_operation_ = suffix.text[operator_at];
      rest_ = suffix.sub(operator_at + 1);
      if (rest_.empty()) return missing_operand(suffix.column(operator_at), "after");
      suffix = suffix.sub(0, operator_at);
    }
    return term.add_text(rstrip(suffix));
  }

  // An operand without brackets: a single name.
  Status scan_plain(TermBuilder& term, size_t operator_at) {
    Piece name = rest_;
    if (operator_at == npos) {
      rest_ = Piece{};
    } else {
      next_operation_ = name.text[operator_at];
      rest_ = name.sub(operator_at + 1);
      name = name.sub(0, operator_at);
      if (name.empty()) return missing_operand(name.column(), "before");
      if (rest_.empty()) return missing_operand(name.column(operator_at), "after");
    }
    if (size_t bad = name.text.find(']'); bad != npos) return syntax_error(name.column(bad), "unexpected ']'");
    name = rstrip(name);
    if (name.empty()) return syntax_error(name.column(), "empty node name");
    return term.add_text(name);
  }

  Error missing_operand(size_t column, std::string_view where) const {
    return syntax_error(column, fmt::format("missing node set {} '{}'", where, next_operation_));
  }

  Piece rest_;
  char next_operation_ = ',';
};

// Shell-style matching with '*' and '?' only: brackets never reach a mask.
bool wildcard_match(std::string_view mask, std::string_view name) {
  size_t m = 0, n = 0, star = npos, resume = 0;
  while (n < name.size()) {
    if (m < mask.size() && (mask[m] == '?' || mask[m] == name[n])) {
      ++m;
      ++n;
    } else if (m < mask.size() && mask[m] == '*') {
      star = m++;
      resume = n;
    } else if (star != npos) {
      m = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (m < mask.size() && mask[m] == '*') ++m;
  return m == mask.size();
}

// ClusterShell's ParsingEngine.parse_string: applies terms left to right, resolving
// groups and wildcards through the resolver.
class ExpressionParser {
 public:
  explicit ExpressionParser(const GroupResolver* groups) : groups_(groups) {}

  // `where` names the line's origin in syntax errors ("in group @rack0"), "" for the user's.
  Result<NodeSet> parse(std::string_view line, int depth, bool wildcards, std::string_view where = "") {
    Result<std::vector<Term>> terms = Scanner(line).scan();
    if (!terms) return where.empty() ? terms.error() : terms.error().with_context(where);
    NodeSet result;
    std::vector<NodeSet> united;  // operands of consecutive ',': (r , a) , b = r , (a , b)
    for (Term& term : *terms) {
      NodeSet operand = NodeSet::from_pattern(term.pattern, std::move(term.axes));
      if (groups_ && term.pattern[0] == '@') {
        Result<NodeSet> members = resolve_groups(operand, term.column, depth);
        if (!members) return members.error();
        operand = std::move(*members);
      } else if (groups_ && wildcards && term.pattern.find_first_of("*?") != npos) {
        Result<NodeSet> matches = match_wildcards(operand, term.column, depth);
        if (!matches) return matches.error();
        operand = std::move(*matches);
      }
      if (term.operation == ',') {
        united.push_back(std::move(operand));
        continue;
      }
      result.unite(union_of(std::move(united)));
      united.clear();
      switch (term.operation) {
        case '!': result.subtract(operand); break;
        case '&': result.intersect(operand); break;
        case '^': result.symmetric_difference(operand); break;
      }
    }
    result.unite(union_of(std::move(united)));
    return result;
  }

 private:
  // The members of each group named by `names` ("@rack[1-2]" names @rack1 and @rack2).
  Result<NodeSet> resolve_groups(const NodeSet& names, size_t column, int depth) {
    if (depth >= kMaxGroupDepth)
      return bad_input("{}: groups nested more than {} deep (does a group contain itself?)", names.fold(), kMaxGroupDepth);
    if (names.size() > kMaxNamesPerOperand)
      return syntax_error(column, fmt::format("more than {} group names", kMaxNamesPerOperand));
    std::vector<NodeSet> members;
    for (const std::string& name : names.expand()) {
      std::string_view group = std::string_view(name).substr(1);
      Result<std::vector<std::string>> texts = group == "*" ? every_group_member() : groups_->resolve(group);
      if (!texts) return texts.error();
      // Like ClusterShell: members are joined with ',' and parsed as one expression.
      Result<NodeSet> parsed = parse(join(*texts, ","), depth + 1, true, fmt::format("in group @{}", group));
      if (!parsed) return parsed.error();
      members.push_back(std::move(*parsed));
    }
    return union_of(std::move(members));
  }

  Result<std::vector<std::string>> every_group_member() const {
    std::vector<std::string> texts;
    for (const std::string& group : groups_->list()) {
      Result<std::vector<std::string>> members = groups_->resolve(group);
      if (!members) return members.error();
      texts.insert(texts.end(), members->begin(), members->end());
    }
    return texts;
  }

  // Every node of every group that matches one of the masks in `masks` ("n*", "r?n1").
  Result<NodeSet> match_wildcards(const NodeSet& masks, size_t column, int depth) {
    if (masks.size() > kMaxNamesPerOperand)
      return syntax_error(column, fmt::format("more than {} wildcard masks", kMaxNamesPerOperand));
    if (!all_nodes_) {
      Result<std::vector<std::string>> texts = every_group_member();
      if (!texts) return texts.error();
      Result<NodeSet> all = parse(join(*texts, ","), depth + 1, false, "in the members of all groups");
      if (!all) return all.error();
      all_nodes_ = all->expand();
    }
    std::vector<std::string> matches;
    for (const std::string& mask : masks.expand())
      for (const std::string& node : *all_nodes_)
        if (wildcard_match(mask, node)) matches.push_back(node);
    return NodeSet::from_names(matches);
  }

  const GroupResolver* groups_;
  std::optional<std::vector<std::string>> all_nodes_;  // computed once per parse
};

}  // namespace

Result<NodeSet> parse_node_set(std::string_view text, const GroupResolver* groups) {
  return ExpressionParser(groups).parse(text, 0, true);
}

}  // namespace herd::nodeset
