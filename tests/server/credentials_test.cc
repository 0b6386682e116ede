// Join tokens, node credentials and enrollment's find-or-add, on a real SQLite inventory.
#include <gtest/gtest.h>

#include "inventory/credentials.h"
#include "inventory/enrollment.h"
#include "inventory_fixture.h"

namespace herd::inventory {
namespace {

const std::string kHash(64, 'a');

class CredentialsTest : public testing::InventoryTest {};

TEST_F(CredentialsTest, JoinTokensAreUsedRevokedAndListed) {
  ASSERT_TRUE(add_join_token(*db_, {"0123456789ab", kHash, "", 2, 1000, 10, false}));
  auto t = join_token(*db_, "0123456789ab");
  ASSERT_TRUE(t && *t);
  EXPECT_TRUE((*t)->usable(999));
  EXPECT_FALSE((*t)->usable(1000));  // expired
  ASSERT_TRUE(use_join_token(*db_, "0123456789ab"));
  ASSERT_TRUE(use_join_token(*db_, "0123456789ab"));
  EXPECT_FALSE(use_join_token(*db_, "0123456789ab"));
  EXPECT_FALSE((*join_token(*db_, "0123456789ab"))->usable(0));
  ASSERT_TRUE(add_join_token(*db_, {"bbbbbbbbbbbb", kHash, "compute", 1, std::nullopt, 11, false}));
  ASSERT_TRUE(revoke_join_token(*db_, "bbbbbbbbbbbb"));
  EXPECT_FALSE((*join_token(*db_, "bbbbbbbbbbbb"))->usable(0));
  EXPECT_FALSE(revoke_join_token(*db_, "nosuch"));
  auto all = join_tokens(*db_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].uses_left, 0);
  EXPECT_FALSE((*all)[1].expires);
}

TEST_F(CredentialsTest, JoinTokenChecks) {
  EXPECT_FALSE(add_join_token(*db_, {"x1", "nothex", "", 1, std::nullopt, 0, false}));
  EXPECT_FALSE(add_join_token(*db_, {"x2", kHash, "", 0, std::nullopt, 0, false}));
  EXPECT_FALSE(add_join_token(*db_, {"x3", kHash, "nosuchappliance", 1, std::nullopt, 0, false}));
  ASSERT_TRUE(add_join_token(*db_, {"x4", kHash, "", 1, std::nullopt, 0, false}));
  EXPECT_FALSE(add_join_token(*db_, {"x4", kHash, "", 1, std::nullopt, 0, false}));
}

TEST_F(CredentialsTest, ANewCredentialRevokesTheOldAndDiesWithTheNode) {
  add({"compute-0-0"});
  ASSERT_TRUE(add_node_credential(*db_, {"c1", "compute-0-0", kHash, 1, false}));
  ASSERT_TRUE(add_node_credential(*db_, {"c2", "compute-0-0", kHash, 2, false}));
  EXPECT_TRUE((*node_credential(*db_, "c1"))->revoked);
  EXPECT_FALSE((*node_credential(*db_, "c2"))->revoked);
  ASSERT_TRUE(inv_->rename_node("compute-0-0", "compute-0-9"));
  EXPECT_EQ((*node_credential(*db_, "c2"))->node, "compute-0-9");
  ASSERT_TRUE(inv_->remove_nodes({"compute-0-9"}));
  EXPECT_FALSE(*node_credential(*db_, "c2"));
  EXPECT_FALSE(add_node_credential(*db_, {"c3", "nosuch", kHash, 1, false}));
}

TEST_F(CredentialsTest, EnrollmentFindsByMacThenNameElseAdds) {
  auto added = find_or_add_machine(*inv_, {"n1", {"02:00:00:00:00:01", "02-00-00-00-00-02"}, ""});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_TRUE(added->added);
  EXPECT_EQ(added->node, "n1");
  auto node = inv_->node("n1");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->appliance, "compute");
  ASSERT_EQ(node->interfaces.size(), 2u);
  EXPECT_EQ(node->interfaces[0].mac, "02:00:00:00:00:01");
  EXPECT_EQ(node->interfaces[0].network, "private");
  EXPECT_FALSE(node->interfaces[0].ip.empty());
  EXPECT_EQ(node->interfaces[1].mac, "02:00:00:00:00:02");

  // The same machine under another hostname is still n1.
  auto again = find_or_add_machine(*inv_, {"renamed", {"02:00:00:00:00:02"}, ""});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->added);
  EXPECT_EQ(again->node, "n1");
  // Another machine calling itself n1 is a conflict.
  auto clash = find_or_add_machine(*inv_, {"n1", {"02:00:00:00:00:09"}, ""});
  ASSERT_TRUE(clash);
  EXPECT_FALSE(clash->conflict.empty());
  // A node without MACs is found by name.
  add({"n2"});
  auto by_name = find_or_add_machine(*inv_, {"n2", {"02:00:00:00:00:03"}, ""});
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->node, "n2");
  EXPECT_FALSE(by_name->added);
  // Ranks follow the usual rules for a Rocks-style name.
  auto rocks = find_or_add_machine(*inv_, {"compute-0-5", {}, "frontend"});
  ASSERT_TRUE(rocks);
  EXPECT_EQ(inv_->node("compute-0-5")->rank, 5);
  EXPECT_EQ(inv_->node("compute-0-5")->appliance, "frontend");
  // Bad input.
  EXPECT_FALSE(find_or_add_machine(*inv_, {"bad name", {}, ""}));
  EXPECT_FALSE(find_or_add_machine(*inv_, {"n3", {"not-a-mac"}, ""}));
  EXPECT_FALSE(inv_->node("n3"));
}

}  // namespace
}  // namespace herd::inventory
