// The --where lexer: token kinds, offsets, string escapes and integer bounds.
#include <gtest/gtest.h>

#include <cstdint>

#include "inventory/where_lexer.h"
#include "inventory/where_sql.h"

namespace herd::inventory {
namespace {

std::vector<Token> lex_ok(std::string_view expression) {
  auto tokens = lex_where(expression);
  EXPECT_TRUE(tokens.ok()) << tokens.error().message;
  return tokens.ok() ? *tokens : std::vector<Token>{};
}

std::vector<TokenKind> kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> out;
  for (const Token& token : tokens) out.push_back(token.kind);
  return out;
}

TEST(WhereLexer, SplitsAComparisonChain) {
  const auto tokens = lex_ok(R"(appliance == "compute" and rack in (0, -1))");
  using K = TokenKind;
  EXPECT_EQ(kinds(tokens), (std::vector<K>{K::word, K::compare, K::text, K::word, K::word, K::word, K::open_paren,
                                           K::integer, K::comma, K::integer, K::close_paren, K::end}));
  EXPECT_EQ(tokens[0].text, "appliance");
  EXPECT_EQ(tokens[1].text, "==");
  EXPECT_EQ(tokens[2].text, "compute");
  EXPECT_EQ(tokens[2].offset, 13u);
  EXPECT_EQ(tokens[2].length, 9u);
  EXPECT_EQ(tokens[9].integer, -1);
  EXPECT_EQ(tokens.back().offset, 42u);
}

TEST(WhereLexer, ComparisonOperatorsNeedNoSpaces) {
  const auto tokens = lex_ok("rack<=1 rank>=2 cpus<3 vlan>4 os=\"a\" os!=\"b\" os<>\"c\" os==\"d\"");
  std::vector<std::string> ops;
  for (const Token& token : tokens)
    if (token.kind == TokenKind::compare) ops.push_back(token.text);
  EXPECT_EQ(ops, (std::vector<std::string>{"<=", ">=", "<", ">", "=", "!=", "<>", "=="}));
}

TEST(WhereLexer, AttributeNamesTakeDotsAndDashes) {
  const auto tokens = lex_ok("attr.slurm.partition-2_x==1 ATTR.Gpu attribute attr");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].kind, TokenKind::attribute);
  EXPECT_EQ(tokens[0].text, "slurm.partition-2_x");
  EXPECT_EQ(tokens[3].kind, TokenKind::attribute);
  EXPECT_EQ(tokens[3].text, "Gpu");  // the prefix ignores case, the name keeps it
  EXPECT_EQ(tokens[4].kind, TokenKind::word);  // only "attr." starts an attribute
  EXPECT_EQ(tokens[5].kind, TokenKind::word);
}

TEST(WhereLexer, StringEscapes) {
  const auto tokens = lex_ok(R"("a\"b\\c\nd\te\*f" 'it\'s' "x'y" 'x"y' "")");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].text, "a\"b\\c\nd\te*f");
  EXPECT_EQ(tokens[0].escaped,
            (std::vector<bool>{false, true, false, true, false, true, false, true, false, true, false}));
  EXPECT_EQ(tokens[1].text, "it's");
  EXPECT_EQ(tokens[2].text, "x'y");
  EXPECT_EQ(tokens[3].text, "x\"y");
  EXPECT_EQ(tokens[4].text, "");
  EXPECT_EQ(tokens[4].length, 2u);
}

TEST(WhereLexer, IntegersCoverInt64) {
  const auto tokens = lex_ok("9223372036854775807 -9223372036854775808 0 -0 007");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].integer, INT64_MAX);
  EXPECT_EQ(tokens[1].integer, INT64_MIN);
  EXPECT_EQ(tokens[2].integer, 0);
  EXPECT_EQ(tokens[3].integer, 0);
  EXPECT_EQ(tokens[4].integer, 7);
}

TEST(WhereLexer, GlobToLike) {
  const std::string glob = "a*b?c%d_e!f*";
  std::vector<bool> escaped(glob.size(), false);
  EXPECT_EQ(glob_to_like(glob, escaped), "a%b_c!%d!_e!!f%");
  escaped[1] = true;   // \*
  escaped[3] = true;   // \?
  EXPECT_EQ(glob_to_like(glob, escaped), "a*b?c!%d!_e!!f%");
  EXPECT_EQ(glob_to_like("Compute-*", std::vector<bool>(9, false)), "compute-%");
}

}  // namespace
}  // namespace herd::inventory
