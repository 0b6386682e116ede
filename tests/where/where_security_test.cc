// --where is reachable from the CLI and the HTTP API: user input must never become SQL text,
// and the secrets table must never be reachable.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "inventory/where.h"
#include "sample_inventory.h"

namespace herd::inventory {
namespace {

using testing::expect_selects;

class WhereSecurity : public ::testing::Test {
 protected:
  std::unique_ptr<Database> db_ = testing::open_sample_inventory();
  Database& db() { return *db_; }
};

TEST_F(WhereSecurity, QuotesInValuesAreData) {
  expect_selects(db(), R"(name == "x' or 1=1 --")", {});
  expect_selects(db(), R"(name == 'x\' or 1=1 --')", {});
  expect_selects(db(), R"(name == "compute-0-0\" or 1=1 --")", {});
  expect_selects(db(), R"(name == "'); DROP TABLE nodes; --")", {});
  expect_selects(db(), R"(name like "*' or '1'='1")", {});
  expect_selects(db(), R"(name in ("a') OR ('1'='1", "b"))", {});
  // The value is stored verbatim in login-0's attribute, and matched verbatim.
  expect_selects(db(), R"(attr.weird == "x' or 1=1 --")", {"login-0"});
  expect_selects(db(), "rack >= 0", testing::all_sample_nodes());  // the nodes table is intact
}

TEST_F(WhereSecurity, SqlTextDependsOnlyOnTheShapeOfTheExpression) {
  auto plain = compile_where(R"(name == "a" and attr.x == "b")");
  auto hostile = compile_where(R"(name == "a'; DELETE FROM nodes; --" and attr.y == "\"); SELECT * FROM secrets")");
  ASSERT_TRUE(plain.ok() && hostile.ok());
  EXPECT_EQ(plain->sql, hostile->sql);
  EXPECT_EQ(std::get<std::string>(hostile->params.front()), "a'; DELETE FROM nodes; --");
}

TEST_F(WhereSecurity, AttributeNamesCannotCarrySql) {
  testing::expect_error("attr.x'); DROP TABLE nodes; -- == 1", "--where: column 7: unterminated string");
  testing::expect_error("attr.x;DROP == 1", "--where: column 7: unexpected character ';'");
  testing::expect_error("attr.secrets.value is set or 1 == 1", "--where: column 30: expected a field name, found '1'");
}

TEST_F(WhereSecurity, SecretsAreNeverSelected) {
  expect_selects(db(), "attr.password is set", {});
  expect_selects(db(), R"(attr.password == "hunter2")", {});
  expect_selects(db(), "attr.root_hash is set", {});
  expect_selects(db(), R"(attr.gpu == "secret-yes")", {});  // the global secret gpu is not the attribute
  expect_selects(db(), R"(attr.gpu == "no")", {"compute-0-0", "compute-1-0", "login-0"});
}

TEST_F(WhereSecurity, CompiledSqlRunsOnTheConnectionThatRefusesSecrets) {
  // open_sqlite_read_only installs an authorizer that denies any read of `secrets`: every
  // form of comparison must run there, proving none touches that table.
  const auto path = std::filesystem::temp_directory_path() / ("where-security-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  { auto filled = testing::open_sample_inventory(path.string()); }
  auto read_only = open_sqlite_read_only(path.string());
  ASSERT_TRUE(read_only.ok()) << read_only.error().message;
  ASSERT_FALSE((*read_only)->query("SELECT value FROM secrets", {}, [](const Row&) {}).ok());
  for (const char* expression : {
           R"(attr.password is set)", R"(attr.gpu == "yes")", "attr.mem > 64", "attr.mem in (1, 2)",
           "attr.x like '*'", "attr.x is not set", R"(ip == "10.1.1.1")", R"(network == "ib")",
           "vlan is set", R"(name == "a" or not (rack in (1) and appliance != "b"))"}) {
    expect_selects(**read_only, expression, testing::select_nodes(db(), expression).value());
  }
  read_only->reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST_F(WhereSecurity, LimitsBoundHostileInput) {
  const std::string deep_parens = std::string(kWhereMaxDepth + 1, '(') + "rack == 0" + std::string(kWhereMaxDepth + 1, ')');
  testing::expect_error(deep_parens, "--where: column 65: nested more than 64 levels deep");
  const std::string ok_parens = std::string(kWhereMaxDepth, '(') + "rack == 0" + std::string(kWhereMaxDepth, ')');
  expect_selects(db(), ok_parens, {"compute-0-0", "compute-0-1"});

  std::string deep_nots;
  for (int i = 0; i <= kWhereMaxDepth; ++i) deep_nots += "not ";
  testing::expect_error(deep_nots + "rack == 0", "--where: column 257: nested more than 64 levels deep");

  std::string many = "rack == 0";
  for (int i = 1; i < kWhereMaxComparisons; ++i) many += " or rack == 0";
  expect_selects(db(), many, {"compute-0-0", "compute-0-1"});
  testing::expect_error(many + " or rack == 0",
                        fmt::format("--where: column {}: more than 256 comparisons", many.size() + 5));

  testing::expect_error(std::string(kWhereMaxLength + 1, ' '),
                        "--where: the expression is 4097 bytes long; the limit is 4096");
  // Many attribute comparisons stay within SQLite's expression depth and parameter limits.
  std::string attrs = "attr.a0 in (1, 2, 3)";
  for (int i = 1; i < 150; ++i) attrs += fmt::format(" and attr.a{} in (1, 2, 3)", i);
  expect_selects(db(), attrs, {});
}

}  // namespace
}  // namespace herd::inventory
