// Inventory::select_where runs the compiled condition in the query the spec gives.
#include <gtest/gtest.h>

#include "inventory/inventory.h"
#include "sample_inventory.h"

namespace herd::inventory {
namespace {

TEST(WhereInventory, SelectWhereUsesTheCompiler) {
  auto db = testing::open_sample_inventory();
  Inventory inventory(*db);
  auto selected = inventory.select_where(R"(attr.gpu == "yes" or name == "login-0")");
  ASSERT_TRUE(selected.ok()) << selected.error().message;
  EXPECT_EQ(*selected, (std::vector<std::string>{"gpu-1-1", "login-0"}));
  auto bad = inventory.select_where("rack == ");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--where: column 9: expected a value after '=='");
  EXPECT_EQ(bad.error().exit_code(), 2);
}

}  // namespace
}  // namespace herd::inventory
