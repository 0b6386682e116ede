#include <gtest/gtest.h>

#include "inventory/schema.h"
#include "inventory_fixture.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

TEST_F(InventoryTest, MigrationIsRecordedAndIdempotent) {
  EXPECT_EQ(*schema_version(*db_), kSchemaVersion);
  ASSERT_TRUE(migrate(*db_));
  EXPECT_EQ(*schema_version(*db_), kSchemaVersion);
}

TEST_F(InventoryTest, RefusesANewerSchema) {
  ASSERT_TRUE(db_->exec("UPDATE schema_version SET version = 999"));
  auto status = migrate(*db_);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("999"), std::string::npos);
}

TEST_F(InventoryTest, ForeignKeysAreEnforced) {
  auto status = db_->exec("INSERT INTO nodes (name, appliance_id) VALUES ('x', 12345)");
  EXPECT_FALSE(status);
}

TEST(Schema, OpeningAMissingInventoryIsBadInput) {
  auto db = open_sqlite("/nonexistent/herd.db", false);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind, ErrorKind::bad_input);
  EXPECT_NE(db.error().message.find("herd init"), std::string::npos);
}

}  // namespace herd::inventory
