// Every --where error names the 1-based column and says what is wrong.
#include <gtest/gtest.h>

#include "inventory/where.h"
#include "sample_inventory.h"

namespace herd::inventory {
namespace {

using testing::expect_error;

const std::string kKnownFields =
    "name, appliance, rack, rank, arch, os, cpus, boot_action, comment, ip, mac, network, device, vlan, attr.NAME";

TEST(WhereErrors, MissingValue) {
  expect_error("appliance == ", "--where: column 14: expected a value after '=='");
  expect_error("appliance ==", "--where: column 13: expected a value after '=='");
  expect_error("rack >= and", "--where: column 9: expected a value after '>=', found 'and'");
  expect_error("name == compute", "--where: column 9: expected a value after '==', found 'compute' "
                                  "(quote text values: \"compute\")");
  expect_error(R"(name === "x")", "--where: column 8: expected a value after '==', found '='");
}

TEST(WhereErrors, EmptyAndTooLong) {
  expect_error("", "--where: the expression is empty");
  expect_error(" \t\n ", "--where: the expression is empty");
  expect_error(std::string(5000, 'x'), "--where: the expression is 5000 bytes long; the limit is 4096");
}

TEST(WhereErrors, UnknownFieldsListTheKnownOnes) {
  expect_error(R"(gpu == "yes")", "--where: column 1: unknown field 'gpu' (known fields: " + kKnownFields + ")");
  expect_error(R"(rack == 1 and hostname == "a")",
               "--where: column 15: unknown field 'hostname' (known fields: " + kKnownFields + ")");
}

TEST(WhereErrors, TypeMismatches) {
  expect_error(R"(rack == "abc")", "--where: column 9: 'rack' is an integer field: compare it with an integer, not \"abc\"");
  expect_error(R"(vlan in (1, "2"))", "--where: column 13: 'vlan' is an integer field: compare it with an integer, not \"2\"");
  expect_error("name == 5", "--where: column 9: 'name' is a text field: quote the value, as in \"5\"");
  expect_error("ip in (-1)", "--where: column 8: 'ip' is a text field: quote the value, as in \"-1\"");
  expect_error(R"(attr.x in (1, "a"))", "--where: column 15: a list cannot mix text and integer values");
  expect_error("rack like '1*'", "--where: column 6: 'like' matches text, but 'rack' is an integer field");
  expect_error("name like 5", "--where: column 11: expected a quoted pattern after 'like', found '5'");
  expect_error("rack is set",
               "--where: column 6: 'is set' applies to attributes and to ip, mac, network and vlan; 'rack' always has a value");
  expect_error("boot is not set",
               "--where: column 6: 'is set' applies to attributes and to ip, mac, network and vlan; 'boot_action' always has a value");
}

TEST(WhereErrors, OperatorsAndStructure) {
  expect_error("name", "--where: column 5: expected an operator after 'name' (==, !=, <, <=, >, >=, in, not in, like, "
                       "not like, is set, is not set), found the end of the expression");
  expect_error(R"(attr.gpu "yes")", "--where: column 10: expected an operator after 'attr.gpu' (==, !=, <, <=, >, >=, "
                                    "in, not in, like, not like, is set, is not set), found \"yes\"");
  expect_error(R"(name not == "a")", "--where: column 10: expected 'in' or 'like' after 'not', found '=='");
  expect_error("attr.x is", "--where: column 10: expected 'set' or 'not set' after 'is', found the end of the expression");
  expect_error("attr.x is not", "--where: column 14: expected 'set' or 'not set' after 'is', found the end of the expression");
  expect_error(R"(name in "a")", "--where: column 9: expected '(' and a list of values after 'in', found \"a\"");
  expect_error("name in ()", "--where: column 10: expected a value in the list, found ')'");
  expect_error(R"(name in ("a" "b"))", "--where: column 14: expected ',' or ')' after a value in the list, found \"b\"");
  expect_error(R"(name in ("a",))", "--where: column 14: expected a value in the list, found ')'");
  expect_error(R"(name in ("a")", "--where: column 13: expected ',' or ')' after a value in the list");
  expect_error("and == 1", "--where: column 1: expected a field name, found 'and'");
  expect_error(R"(name == "a" and)", "--where: column 16: expected a field name, found the end of the expression");
  expect_error("not", "--where: column 4: expected a field name, found the end of the expression");
  expect_error("()", "--where: column 2: expected a field name, found ')'");
  expect_error(R"("a" == name)", "--where: column 1: expected a field name, found \"a\"");
}

TEST(WhereErrors, Parentheses) {
  expect_error(R"((name == "a")", "--where: column 13: expected ')' to close the '(' at column 1");
  expect_error(R"(rack == 1 and ((name == "a") or rack == 2)",
               "--where: column 42: expected ')' to close the '(' at column 15");
  expect_error(R"(name == "a"))", "--where: column 12: expected 'and', 'or' or the end of the expression, found ')'");
  expect_error(R"(name == "a" rack == 1)",
               "--where: column 13: expected 'and', 'or' or the end of the expression, found 'rack'");
  expect_error(R"((name == "a" rack == 1))", "--where: column 14: expected 'and', 'or' or ')', found 'rack'");
}

TEST(WhereErrors, Lexical) {
  expect_error(R"(name == "abc)", "--where: column 9: unterminated string");
  expect_error(R"(name == 'abc\')", "--where: column 9: unterminated string");
  expect_error("name == 'abc\\", "--where: column 9: unterminated string");
  expect_error(R"(name == "a" && rack == 1)", "--where: column 13: '&' is not an operator: write 'and'");
  expect_error(R"(name == "a" || rack == 1)", "--where: column 13: '|' is not an operator: write 'or'");
  expect_error(R"(!name == "a")", "--where: column 1: '!' is not an operator: write 'not' (or '!=')");
  expect_error("attr. == 1", "--where: column 6: expected an attribute name after 'attr.'");
  expect_error("attr.-x == 1", "--where: column 6: expected an attribute name after 'attr.'");
  expect_error("rack == 1.5", "--where: column 9: '1.5' is not a number: values are integers or quoted text");
  expect_error("rack == 1or rack == 2", "--where: column 9: '1or' is not a number: values are integers or quoted text");
  expect_error("rack == 9223372036854775808", "--where: column 9: integer 9223372036854775808 is out of range");
  expect_error("rack == -9223372036854775809", "--where: column 9: integer -9223372036854775809 is out of range");
  expect_error("rack == - 1", "--where: column 9: unexpected character '-'");
  expect_error("rack == 1 # comment", "--where: column 11: unexpected character '#'");
  expect_error("rack == 1 \x01", "--where: column 11: unexpected character '\\x01'");
  expect_error("rack == 1 \xc3\xa9", "--where: column 11: unexpected character '\xc3\xa9'");
}

TEST(WhereErrors, TextMustBeUtf8WithoutNul) {
  expect_error("name == \"a\xff\"", "--where: column 11: invalid UTF-8");
  expect_error("name == \"\xc3\"", "--where: column 10: invalid UTF-8");          // truncated sequence
  expect_error("name == \"\xc0\xaf\"", "--where: column 10: invalid UTF-8");      // overlong '/'
  expect_error("name == \"\xed\xa0\x80\"", "--where: column 10: invalid UTF-8");  // surrogate
  expect_error("name == \"\xf4\x90\x80\x80\"", "--where: column 10: invalid UTF-8");  // above U+10FFFF
  expect_error(std::string("name == \"a\0b\"", 13), "--where: column 11: text may not contain NUL bytes");
  expect_error(std::string("name == \"a\\\0\"", 13), "--where: column 11: text may not contain NUL bytes");
  expect_error(std::string("rack == 1 \0", 11), "--where: column 11: unexpected character '\\x00'");
  auto four_bytes = compile_where("name == \"\xf0\x9f\x90\x91\"");  // U+1F411 is fine
  EXPECT_TRUE(four_bytes.ok());
}

TEST(WhereErrors, ColumnsCountCharactersNotBytes) {
  expect_error("comment == \"h\xc3\xa9h\xc3\xa9\" and #", "--where: column 23: unexpected character '#'");
  expect_error("comment == \"h\xc3\xa9h\xc3\xa9\" and", "--where: column 22: expected a field name, found the end of the expression");
}

TEST(WhereErrors, HostileTextIsShownSafely) {
  // A bare word in value position is echoed, but long words are cut and control bytes escaped.
  expect_error("name == " + std::string(100, 'a'),
               "--where: column 9: expected a value after '==', found '" + std::string(32, 'a') +
                   "...' (quote text values: \"" + std::string(32, 'a') + "...\")");
  expect_error("name == \"\x1b[31mred\" rack",
               "--where: column 20: expected 'and', 'or' or the end of the expression, found 'rack'");
  expect_error("name \"\x1b[2J\"", "--where: column 6: expected an operator after 'name' (==, !=, <, <=, >, >=, in, not in, "
                                   "like, not like, is set, is not set), found \"\\x1b[2J\"");
}

}  // namespace
}  // namespace herd::inventory
