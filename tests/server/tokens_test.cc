#include <gtest/gtest.h>

#include <set>

#include "server/tokens.h"

namespace herd::server {
namespace {

TEST(Base64Url, KnownVectors) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
  EXPECT_EQ(base64url(std::string("\xfb\xff\xfe", 3)), "-__-");
}

TEST(Tokens, IssuedTokensHaveTheDocumentedForms) {
  auto admin = issue_token(TokenKind::admin);
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->token.rfind("herd-admin.", 0), 0u);
  EXPECT_EQ(admin->token.size(), 11u + 43);
  EXPECT_EQ(admin->id, "");
  auto join = issue_token(TokenKind::join);
  ASSERT_TRUE(join);
  EXPECT_EQ(join->token.rfind("herd-join." + join->id + ".", 0), 0u);
  EXPECT_EQ(join->id.size(), 12u);
  EXPECT_EQ(join->sha256, sha256_hex(join->token));
  EXPECT_EQ(join->sha256.size(), 64u);
  for (auto kind : {TokenKind::admin, TokenKind::join, TokenKind::node}) {
    auto t = issue_token(kind);
    ASSERT_TRUE(t);
    auto parsed = parse_token(t->token);
    ASSERT_TRUE(parsed) << t->token;
    EXPECT_EQ(parsed->kind, kind);
    EXPECT_EQ(parsed->id, t->id);
  }
}

TEST(Tokens, AreRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(issue_token(TokenKind::node)->token);
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Tokens, MalformedOnesAreRefused) {
  std::string secret(43, 'A');
  for (const std::string& bad :
       {std::string(), std::string("Bearer x"), "herd-admin." + secret.substr(1), "herd-admin." + secret + "A",
        "herd-admin." + secret.substr(1) + "=", "herd-join." + secret, "herd-join.0123456789ab" + secret,
        "herd-join.0123456789AB." + secret, "herd-node.0123456789a." + secret, "herd-root." + secret,
        "herd-node.0123456789ab." + secret.substr(0, 42) + "/"}) {
    EXPECT_FALSE(parse_token(bad)) << bad;
  }
  EXPECT_TRUE(parse_token("herd-node.0123456789ab." + secret));
}

TEST(Tokens, SameHashComparesWholeStrings) {
  EXPECT_TRUE(same_hash("ab", "ab"));
  EXPECT_FALSE(same_hash("ab", "ac"));
  EXPECT_FALSE(same_hash("ab", "abc"));
  EXPECT_FALSE(same_hash("", "a"));
}

}  // namespace
}  // namespace herd::server
