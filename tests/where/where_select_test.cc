// --where against a real SQLite inventory: every field and operator selects the right nodes.
#include <gtest/gtest.h>

#include "sample_inventory.h"

namespace herd::inventory {
namespace {

using testing::expect_selects;

class WhereSelect : public ::testing::Test {
 protected:
  std::unique_ptr<Database> db_ = testing::open_sample_inventory();
  Database& db() { return *db_; }
};

TEST_F(WhereSelect, TextFieldsCompareExactly) {
  expect_selects(db(), R"(name == "compute-0-0")", {"compute-0-0"});
  expect_selects(db(), "name = 'compute-0-0'", {"compute-0-0"});
  expect_selects(db(), R"(name == "COMPUTE-0-0")", {});
  expect_selects(db(), R"(name != "compute-0-0")", {"compute-0-1", "compute-1-0", "gpu-1-1", "login-0"});
  expect_selects(db(), R"(name <> "compute-0-0")", {"compute-0-1", "compute-1-0", "gpu-1-1", "login-0"});
  expect_selects(db(), R"(appliance == "compute")", {"compute-0-0", "compute-0-1", "compute-1-0"});
  expect_selects(db(), R"(arch == "aarch64")", {"gpu-1-1"});
  expect_selects(db(), R"(os == "rocky")", {"compute-1-0"});
  expect_selects(db(), R"(boot_action == "install")", {"compute-1-0"});
  expect_selects(db(), R"(boot == "install")", {"compute-1-0"});
  expect_selects(db(), R"(comment == "")", {"compute-0-0", "compute-1-0"});
  expect_selects(db(), R"(comment == "it's the login node")", {"login-0"});
  expect_selects(db(), R"(comment == 'it\'s the login node')", {"login-0"});
}

TEST_F(WhereSelect, TextFieldsOrderLexically) {
  expect_selects(db(), R"(name < "compute-1")", {"compute-0-0", "compute-0-1"});
  expect_selects(db(), R"(name <= "compute-0-1")", {"compute-0-0", "compute-0-1"});
  expect_selects(db(), R"(name > "gpu")", {"gpu-1-1", "login-0"});
  expect_selects(db(), R"(name >= "login-0")", {"login-0"});
}

TEST_F(WhereSelect, IntegerFieldsCompareNumerically) {
  expect_selects(db(), "rack == 1", {"compute-1-0", "gpu-1-1"});
  expect_selects(db(), "rack != 1", {"compute-0-0", "compute-0-1", "login-0"});
  expect_selects(db(), "rank > 0", {"compute-0-1", "gpu-1-1"});
  expect_selects(db(), "rank >= 1", {"compute-0-1", "gpu-1-1"});
  expect_selects(db(), "rank < 1", {"compute-0-0", "compute-1-0", "login-0"});
  expect_selects(db(), "rank <= 0", {"compute-0-0", "compute-1-0", "login-0"});
  expect_selects(db(), "rank > -1", testing::all_sample_nodes());
  expect_selects(db(), "cpus >= 32", {"compute-0-1", "gpu-1-1"});
  expect_selects(db(), "cpus < 10", {"login-0"});          // 10 > 8 numerically, "10" < "8" as text
  expect_selects(db(), "cpus == 9223372036854775807", {});  // beyond the column's range: no match
  expect_selects(db(), "cpus > -9223372036854775808", testing::all_sample_nodes());
}

TEST_F(WhereSelect, InLists) {
  expect_selects(db(), "rack in (0, 1)", {"compute-0-0", "compute-0-1", "compute-1-0", "gpu-1-1"});
  expect_selects(db(), "rack not in (0, 1)", {"login-0"});
  expect_selects(db(), "rack in (2)", {"login-0"});
  expect_selects(db(), R"(appliance in ("gpu", "login"))", {"gpu-1-1", "login-0"});
  expect_selects(db(), R"(appliance NOT IN ('gpu', 'login'))", {"compute-0-0", "compute-0-1", "compute-1-0"});
}

TEST_F(WhereSelect, LikeIsACaseInsensitiveGlob) {
  expect_selects(db(), "name like 'compute-*'", {"compute-0-0", "compute-0-1", "compute-1-0"});
  expect_selects(db(), "name like 'COMPUTE-*'", {"compute-0-0", "compute-0-1", "compute-1-0"});
  expect_selects(db(), "name like 'compute-?-0'", {"compute-0-0", "compute-1-0"});
  expect_selects(db(), "name like 'compute'", {});  // a glob matches the whole value
  expect_selects(db(), "name not like 'compute-*'", {"gpu-1-1", "login-0"});
  expect_selects(db(), "comment like '*50%*'", {"compute-0-1"});
  expect_selects(db(), "comment like '*s the*'", {"login-0"});
  expect_selects(db(), "comment like 'a100'", {"gpu-1-1"});
}

TEST_F(WhereSelect, LikeEscapesSqlWildcardsAndHonoursBackslash) {
  // discount is "50%_off!": % and _ in a pattern are literal, ! (the LIKE escape) too.
  expect_selects(db(), "attr.discount like '50%*'", {"compute-0-0"});
  expect_selects(db(), "attr.discount like '50_*'", {});    // '_' is not a wildcard
  expect_selects(db(), "attr.discount like '50?_*'", {"compute-0-0"});
  expect_selects(db(), "attr.discount like '*!'", {"compute-0-0"});
  expect_selects(db(), "attr.discount like '%'", {});
  // star is "a*b": a backslashed * is a literal star.
  expect_selects(db(), R"(attr.star like 'a\*b')", {"compute-0-0"});
  expect_selects(db(), R"(attr.star like 'a\**')", {"compute-0-0"});
  expect_selects(db(), R"(attr.star like 'a\?b')", {});
  expect_selects(db(), R"(attr.star == "a*b")", {"compute-0-0"});
}

TEST_F(WhereSelect, InterfaceFieldsMatchAnyInterface) {
  expect_selects(db(), R"(ip == "10.1.1.1")", {"login-0"});
  expect_selects(db(), "ip like '10.2.*'", {"compute-0-0", "gpu-1-1"});
  expect_selects(db(), R"(network == "ib")", {"compute-0-0", "gpu-1-1"});
  expect_selects(db(), R"(device == "eth1")", {"login-0"});
  expect_selects(db(), R"(mac == "aa:bb:cc:00:00:02")", {"compute-0-1"});
  expect_selects(db(), R"(mac == "AA:BB:CC:00:00:02")", {"compute-0-1"});  // macs are stored lowercase
  expect_selects(db(), R"(mac in ("AA:BB:CC:00:00:01", "aa:bb:cc:00:00:05"))", {"compute-0-0", "login-0"});
  expect_selects(db(), "vlan == 10", {"compute-0-1"});
  expect_selects(db(), "vlan > 5", {"compute-0-1", "gpu-1-1"});
  expect_selects(db(), "vlan in (20, 30)", {"gpu-1-1"});
}

TEST_F(WhereSelect, NegatedInterfaceComparisonsMeanNoInterfaceMatches) {
  // != is exactly not ==: nodes with an eth0 that is not on ib are not selected.
  expect_selects(db(), R"(network != "ib")", {"compute-0-1", "compute-1-0", "login-0"});
  expect_selects(db(), R"(network not in ("ib"))", {"compute-0-1", "compute-1-0", "login-0"});
  expect_selects(db(), "ip not like '10.1.*'", {});
  expect_selects(db(), "vlan != 10", {"compute-0-0", "compute-1-0", "gpu-1-1", "login-0"});
}

TEST_F(WhereSelect, InterfaceFieldsCanBeSetOrNot) {
  expect_selects(db(), "vlan is set", {"compute-0-1", "gpu-1-1"});
  expect_selects(db(), "vlan is not set", {"compute-0-0", "compute-1-0", "login-0"});
  expect_selects(db(), "mac is not set", {"compute-1-0"});
  expect_selects(db(), "ip is set", testing::all_sample_nodes());
  expect_selects(db(), "network is set", testing::all_sample_nodes());
}

TEST_F(WhereSelect, LogicFollowsUsualPrecedence) {
  // and binds tighter than or.
  expect_selects(db(), R"(appliance == "compute" or appliance == "gpu" and rack == 0)",
                 {"compute-0-0", "compute-0-1", "compute-1-0"});
  expect_selects(db(), R"((appliance == "compute" or appliance == "gpu") and rack == 1)", {"compute-1-0", "gpu-1-1"});
  expect_selects(db(), "not rack == 0", {"compute-1-0", "gpu-1-1", "login-0"});
  expect_selects(db(), "not not rack == 0", {"compute-0-0", "compute-0-1"});
  expect_selects(db(), "not (rack == 0 or rack == 1)", {"login-0"});
  expect_selects(db(), "rack == 0 and rank == 1 or rack == 2", {"compute-0-1", "login-0"});
  expect_selects(db(), "rack == 0 and (rank == 1 or rack == 2)", {"compute-0-1"});
  expect_selects(db(), "((((rack == 2))))", {"login-0"});
}

TEST_F(WhereSelect, KeywordsAndFieldNamesIgnoreCase) {
  expect_selects(db(), R"(APPLIANCE == "gpu" AND Rack IN (1) Or NOT Name Like 'c*' aNd rack == 2)",
                 {"gpu-1-1", "login-0"});
  expect_selects(db(), R"(ATTR.gpu IS SET and attr.gpu is NOT set)", {});
}

TEST_F(WhereSelect, TheSpecExample) {
  expect_selects(db(), R"(appliance == "compute" and rack in (0, 1) and attr.gpu == "yes")", {});
  expect_selects(db(), R"(appliance == "gpu" and rack in (0, 1) and attr.gpu == "yes")", {"gpu-1-1"});
}

}  // namespace
}  // namespace herd::inventory
