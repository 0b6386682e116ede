#include <gtest/gtest.h>

#include "inventory_fixture.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

TEST_F(InventoryTest, TheMostSpecificScopeWins) {
  add({"compute-0-0", "compute-0-1", "compute-1-0"});
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "ntp", "global", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::os, "linux", "ntp", "os", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::appliance, "compute", "ntp", "appliance", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::rack, "0", "ntp", "rack", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::node, "compute-0-0", "ntp", "node", false}));

  auto a = *inv().resolve_attributes("compute-0-0", false);
  EXPECT_EQ(a["ntp"].value, "node");
  EXPECT_EQ(a["ntp"].scope, Scope::node);
  a = *inv().resolve_attributes("compute-0-1", false);
  EXPECT_EQ(a["ntp"].value, "rack");
  EXPECT_EQ(a["ntp"].target, "0");
  a = *inv().resolve_attributes("compute-1-0", false);
  EXPECT_EQ(a["ntp"].value, "appliance");

  // load_cluster resolves the same way for every node.
  auto cluster = *inv().load_cluster();
  ASSERT_EQ(cluster.nodes.size(), 3u);
  EXPECT_EQ(cluster.attributes[0].at("ntp").value, "node");
  EXPECT_EQ(cluster.attributes[1].at("ntp").value, "rack");
  EXPECT_EQ(cluster.attributes[2].at("ntp").value, "appliance");

  ASSERT_TRUE(inv().unset_attribute(Scope::appliance, "compute", "ntp"));
  EXPECT_EQ(inv().resolve_attributes("compute-1-0", false)->at("ntp").value, "os");
  EXPECT_FALSE(inv().unset_attribute(Scope::appliance, "compute", "ntp")) << "already unset";
}

TEST_F(InventoryTest, SecretsAreStoredApartAndOnlyReadWhenAsked) {
  add({"n1"});
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "bmc.password", "hunter2", true}));
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "site", "lab", false}));
  int in_attributes = 0, in_secrets = 0;
  ASSERT_TRUE(db_->query("SELECT COUNT(*) FROM attributes WHERE name = 'bmc.password'", {},
                         [&](const Row& r) { in_attributes = static_cast<int>(std::get<int64_t>(r[0])); }));
  ASSERT_TRUE(db_->query("SELECT COUNT(*) FROM secrets WHERE name = 'bmc.password'", {},
                         [&](const Row& r) { in_secrets = static_cast<int>(std::get<int64_t>(r[0])); }));
  EXPECT_EQ(in_attributes, 0);
  EXPECT_EQ(in_secrets, 1);
  EXPECT_FALSE(inv().resolve_attributes("n1", false)->count("bmc.password"));
  EXPECT_EQ(inv().resolve_attributes("n1", true)->at("bmc.password").value, "hunter2");
  EXPECT_FALSE(inv().load_cluster()->attributes[0].count("bmc.password")) << "generated files never see secrets";
  EXPECT_EQ(inv().attributes(std::nullopt, false)->size(), 1u);
  EXPECT_EQ(inv().attributes(std::nullopt, true)->size(), 2u);

  // Making it non-secret moves it, so a name is never in both tables.
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "bmc.password", "public", false}));
  EXPECT_EQ(inv().attributes(std::nullopt, true)->size(), 2u);
}

TEST_F(InventoryTest, AttributeTargetsMustExist) {
  EXPECT_FALSE(inv().set_attribute({Scope::node, "ghost", "x", "1", false}));
  EXPECT_FALSE(inv().set_attribute({Scope::appliance, "ghost", "x", "1", false}));
  EXPECT_FALSE(inv().set_attribute({Scope::rack, "A", "x", "1", false}));
  EXPECT_FALSE(inv().set_attribute({Scope::global, "something", "x", "1", false}));
  EXPECT_FALSE(inv().set_attribute({Scope::global, "", "bad name", "1", false}));
}

}  // namespace herd::inventory
