// Properties of --where over generated input, checked against the sample SQLite inventory:
//   - every generated valid expression compiles, runs, and `not (e)` selects exactly the
//     nodes `e` does not (no comparison is ever NULL);
//   - any text at all either compiles to SQL that runs or fails with a --where bad_input;
//   - values and attribute names never change the SQL text (they are parameters).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iterator>

#include "inventory/where.h"
#include "sample_inventory.h"

namespace herd::inventory {
namespace {

Database& shared_db() {
  static const std::unique_ptr<Database> db = testing::open_sample_inventory();
  return *db;
}

template <typename T>
T pick(const std::vector<T>& choices) {
  return choices[*rc::gen::inRange<std::size_t>(0, choices.size())];
}

// `text` as a --where string literal in `quote` quotes.
std::string quoted(const std::string& text, char quote) {
  std::string out(1, quote);
  for (const char c : text) {
    if (c == '\\' || c == quote) out += '\\';
    out += c;
  }
  return out + quote;
}

std::string keyword(const std::string& lower) {
  switch (*rc::gen::inRange(0, 3)) {
    case 0: return lower;
    case 1: {
      std::string upper = lower;
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      return upper;
    }
    default: {
      std::string title = lower;
      title[0] = static_cast<char>(title[0] - 'a' + 'A');
      return title;
    }
  }
}

// Any text a value can hold: valid UTF-8 without NUL, quotes and backslashes included.
rc::Gen<std::string> any_text() {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
          rc::gen::map(rc::gen::inRange(1, 128), [](int c) { return std::string(1, static_cast<char>(c)); }),
          rc::gen::element<std::string>("\u00e9", "\u00df", "\U0001F411", "\u00a0", "\\", "\"", "'", "*", "%"))),
      [](const std::vector<std::string>& pieces) {
        std::string text;
        for (const auto& piece : pieces) text += piece;
        return text;
      });
}

std::string text_value() {
  if (*rc::gen::inRange(0, 4) == 0) return quoted(*rc::gen::resize(16, any_text()), pick<char>({'"', '\''}));
  return quoted(pick<std::string>({"compute-0-0", "gpu-1-1", "", "yes", "no", "64", "lots", "10.1.1.1", "ib",
                                    "aa:bb:cc:00:00:02", "x' or 1=1 --", "50%_off!", "a*b", "it's", "-5"}),
                pick<char>({'"', '\''}));
}

std::string integer_value() {
  if (*rc::gen::inRange(0, 4) == 0) return std::to_string(*rc::gen::arbitrary<std::int64_t>());
  return std::to_string(*rc::gen::inRange(-10, 200));
}

std::string glob() {
  return quoted(pick<std::string>({"*", "compute-*", "?pu-*", "*0", "10.2.*", "a\\*b", "50%*", "*_*", "*!", "Y*"}),
                pick<char>({'"', '\''}));
}

std::string value_list(std::string (*value)()) {
  std::string list = "(" + value();
  const int more = *rc::gen::inRange(0, 3);
  for (int i = 0; i < more; ++i) list += ", " + value();
  return list + ")";
}

std::string ordering_operator() { return pick<std::string>({"==", "=", "!=", "<>", "<", "<=", ">", ">="}); }

std::string comparison() {
  const std::vector<std::string> text_fields = {"name", "appliance", "arch", "os", "boot", "boot_action",
                                                "comment", "ip", "mac", "network", "device"};
  const std::vector<std::string> integer_fields = {"rack", "rank", "cpus", "vlan"};
  const std::vector<std::string> attributes = {"attr.gpu", "attr.mem", "attr.kernel", "attr.neg", "attr.nothing",
                                               "attr.slurm.partition", "attr.big", "attr.password", "attr.star"};
  const std::vector<std::string> nullable = {"ip", "mac", "network", "vlan"};
  const int kind = *rc::gen::inRange(0, 3);
  const std::string field = kind == 0 ? pick(text_fields) : kind == 1 ? pick(integer_fields) : pick(attributes);
  const bool integer = kind == 1 || (kind == 2 && *rc::gen::arbitrary<bool>());
  auto value = integer ? &integer_value : &text_value;
  const bool can_be_set = kind == 2 || std::find(nullable.begin(), nullable.end(), field) != nullable.end();
  const std::string negation = *rc::gen::arbitrary<bool>() ? keyword("not") + " " : "";
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return field + " " + ordering_operator() + " " + value();
    case 1: return field + " " + negation + keyword("in") + " " + value_list(value);
    case 2:
      if (kind == 1) return field + " " + ordering_operator() + " " + value();
      return field + " " + negation + keyword("like") + " " + glob();
    default:
      if (!can_be_set) return field + " " + ordering_operator() + " " + value();
      return field + " " + keyword("is") + " " + negation + keyword("set");
  }
}

std::string expression(int depth) {
  if (depth == 0 || *rc::gen::inRange(0, 3) == 0) return comparison();
  switch (*rc::gen::inRange(0, 3)) {
    case 0: return keyword("not") + " " + expression(depth - 1);
    case 1: return "(" + expression(depth - 1) + ")";
    default: {
      const std::string joiner = " " + keyword(*rc::gen::arbitrary<bool>() ? "and" : "or") + " ";
      std::string chain = expression(depth - 1);
      const int more = *rc::gen::inRange(1, 3);
      for (int i = 0; i < more; ++i) chain += joiner + expression(depth - 1);
      return chain;
    }
  }
}

RC_GTEST_PROP(WhereProperties, GeneratedExpressionsRunAndNegationIsTheComplement, ()) {
  const std::string where = expression(4);
  RC_LOG() << where << "\n";
  auto selected = testing::select_nodes(shared_db(), where);
  RC_ASSERT(selected.ok());
  auto rest = testing::select_nodes(shared_db(), "not (" + where + ")");
  RC_ASSERT(rest.ok());
  std::vector<std::string> both;
  std::merge(selected->begin(), selected->end(), rest->begin(), rest->end(), std::back_inserter(both));
  RC_ASSERT(both == testing::all_sample_nodes());
  const auto compiled = compile_where(where);
  RC_ASSERT(compiled->sql.find("secrets") == std::string::npos);
}

// Any outcome but a crash, a non-bad_input error or SQL that fails to run is acceptable.
void check_any_text(const std::string& text) {
  auto compiled = compile_where(text);
  if (!compiled) {
    RC_ASSERT(compiled.error().kind == ErrorKind::bad_input);
    RC_ASSERT(compiled.error().message.rfind("--where: ", 0) == 0);
    return;
  }
  RC_ASSERT(testing::select_nodes(shared_db(), text).ok());
}

RC_GTEST_PROP(WhereProperties, ArbitraryTextCompilesOrFailsCleanly, (const std::string& text)) { check_any_text(text); }

RC_GTEST_PROP(WhereProperties, TokenSoupCompilesOrFailsCleanly, ()) {
  const std::vector<std::string> vocabulary = {
      "name", "rack", "vlan", "mac", "attr.gpu", "attr.x-y.z", "and", "OR", "not", "in", "like", "is", "set", "(",
      ")", "(", ")", ",", "==", "=", "!=", "<", ">=", "<>", "1", "-7", "\"a\"", "'b*'", "attr.", "!", "&", "\"",
      "'", "\\", "#", "1.5", "x"};
  std::string text;
  const int count = *rc::gen::inRange(1, 30);
  for (int i = 0; i < count; ++i) text += pick(vocabulary) + (*rc::gen::arbitrary<bool>() ? " " : "");
  RC_LOG() << text << "\n";
  check_any_text(text);
}

RC_GTEST_PROP(WhereProperties, ValuesAreParametersNotSql, ()) {
  const std::string value = *any_text();
  const auto reference = compile_where(R"(name == "x" or attr.a like 'x')");
  const auto compiled = compile_where("name == " + quoted(value, '"') + " or attr.a like " + quoted(value, '\''));
  RC_ASSERT(compiled.ok());
  RC_ASSERT(compiled->sql == reference->sql);
  RC_ASSERT(std::get<std::string>(compiled->params.front()) == value);
  auto selected = testing::select_nodes(shared_db(), "name == " + quoted(value, '"'));
  RC_ASSERT(selected.ok());
  const auto& all = testing::all_sample_nodes();
  const bool is_node = std::find(all.begin(), all.end(), value) != all.end();
  RC_ASSERT(*selected == (is_node ? std::vector<std::string>{value} : std::vector<std::string>{}));
}

RC_GTEST_PROP(WhereProperties, AttributeNamesAreParametersNotSql, ()) {
  const std::string alphabet = "abcXYZ019_.-";
  std::string name(1, pick<char>({'a', 'Z', '0', '_'}));
  const int length = *rc::gen::inRange(0, 40);
  for (int i = 0; i < length; ++i) name += alphabet[*rc::gen::inRange<std::size_t>(0, alphabet.size())];
  const auto reference = compile_where("attr.a is set");
  const auto compiled = compile_where("attr." + name + " is set");
  RC_ASSERT(compiled.ok());
  RC_ASSERT(compiled->sql == reference->sql);
  RC_ASSERT(std::get<std::string>(compiled->params.front()) == name);
}

}  // namespace
}  // namespace herd::inventory
