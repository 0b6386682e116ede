// attr.NAME: the effective value after scope resolution (node > rack > appliance > os > global),
// compared as text, or numerically when the value is an integer.
#include <gtest/gtest.h>

#include "sample_inventory.h"

namespace herd::inventory {
namespace {

using testing::expect_selects;

class WhereAttributes : public ::testing::Test {
 protected:
  std::unique_ptr<Database> db_ = testing::open_sample_inventory();
  Database& db() { return *db_; }
};

TEST_F(WhereAttributes, MostSpecificScopeWins) {
  expect_selects(db(), R"(attr.kernel == "stock")", {});  // global, shadowed everywhere
  expect_selects(db(), R"(attr.kernel == "linux-kernel")", {"compute-0-0"});  // os beats global
  expect_selects(db(), R"(attr.kernel == "rocky-kernel")", {"compute-1-0"});
  expect_selects(db(), R"(attr.kernel == "gpu-kernel")", {"gpu-1-1"});        // appliance beats os
  expect_selects(db(), R"(attr.kernel == "rack2-kernel")", {"login-0"});      // rack beats os
  expect_selects(db(), R"(attr.kernel == "custom")", {"compute-0-1"});        // node beats os
  expect_selects(db(), R"(attr.mem == "128")", {"compute-1-0", "gpu-1-1"});   // rack beats appliance
  expect_selects(db(), R"(attr.mem == "512")", {});
  expect_selects(db(), R"(attr.gpu == "yes")", {"gpu-1-1"});
  expect_selects(db(), R"(attr.gpu == "no")", {"compute-0-0", "compute-1-0", "login-0"});
  expect_selects(db(), R"(attr.site == "lab")", testing::all_sample_nodes());
}

TEST_F(WhereAttributes, RackTargetsAreTheRackNumberAsText) {
  // A rack row with target "01" is not rack 1: mem 999 applies to no node.
  expect_selects(db(), "attr.mem == 999", {});
  expect_selects(db(), "attr.mem > 500", {});
}

TEST_F(WhereAttributes, NamesMayHoldDotsAndDashes) {
  expect_selects(db(), R"(attr.slurm.partition == "interactive")", {"login-0"});
  expect_selects(db(), R"(attr.slurm.partition == "batch")",
                 {"compute-0-0", "compute-0-1", "compute-1-0", "gpu-1-1"});
  expect_selects(db(), R"(attr.slurm-partition is set)", {});
}

TEST_F(WhereAttributes, IntegerLiteralsCompareNumerically) {
  // mem: 64, lots, 128, 128, 32.
  expect_selects(db(), "attr.mem > 100", {"compute-1-0", "gpu-1-1"});
  expect_selects(db(), "attr.mem >= 128", {"compute-1-0", "gpu-1-1"});
  expect_selects(db(), "attr.mem < 100", {"compute-0-0", "login-0"});  // as text "128" < "32" < "64"
  expect_selects(db(), "attr.mem <= 64", {"compute-0-0", "login-0"});
  expect_selects(db(), "attr.mem == 64", {"compute-0-0"});
  expect_selects(db(), "attr.mem in (32, 64)", {"compute-0-0", "login-0"});
  expect_selects(db(), R"(attr.mem in ("32", "lots"))", {"compute-0-1", "login-0"});
  // A non-numeric value never equals a number, so != selects it.
  expect_selects(db(), "attr.mem != 64", {"compute-0-1", "compute-1-0", "gpu-1-1", "login-0"});
  expect_selects(db(), "attr.mem not in (128)", {"compute-0-0", "compute-0-1", "login-0"});
}

TEST_F(WhereAttributes, NumericComparisonHandlesSignsZerosAndHugeValues) {
  expect_selects(db(), "attr.neg < 0", {"login-0"});
  expect_selects(db(), "attr.neg == -5", {"login-0"});
  expect_selects(db(), "attr.neg == 7", {"compute-0-1"});      // "007"
  expect_selects(db(), R"(attr.neg == "7")", {});              // as text, "007" is not "7"
  expect_selects(db(), R"(attr.neg == "007")", {"compute-0-1"});
  // 20 digits do not fit BIGINT: the guard skips the cast (no error), so no comparison holds.
  expect_selects(db(), "attr.big > 0", {});
  expect_selects(db(), "attr.big < 0", {});
  expect_selects(db(), R"(attr.big like '9*')", {"compute-0-0"});
}

TEST_F(WhereAttributes, TextValuesCompareAsText) {
  expect_selects(db(), R"(attr.mem > "4")", {"compute-0-0", "compute-0-1"});  // "64" and "lots"
  expect_selects(db(), R"(attr.gpu like 'y*')", {"gpu-1-1"});
  expect_selects(db(), R"(attr.gpu not like 'n*')", {"compute-0-1", "gpu-1-1"});
}

TEST_F(WhereAttributes, UnsetAttributesCompareFalseAndNegationsHoldForThem) {
  expect_selects(db(), R"(attr.nothing == "x")", {});
  expect_selects(db(), R"(attr.nothing != "x")", testing::all_sample_nodes());
  expect_selects(db(), "attr.nothing > 0", {});
  expect_selects(db(), "attr.nothing not in (1, 2)", testing::all_sample_nodes());
  expect_selects(db(), "attr.nothing not like '*'", testing::all_sample_nodes());
  expect_selects(db(), "attr.nothing is set", {});
  expect_selects(db(), "attr.nothing is not set", testing::all_sample_nodes());
  expect_selects(db(), "attr.discount is set", {"compute-0-0"});
  expect_selects(db(), "attr.gpu is set", testing::all_sample_nodes());
  expect_selects(db(), "not attr.neg is set", {"compute-0-0", "compute-1-0", "gpu-1-1"});
}

}  // namespace
}  // namespace herd::inventory
