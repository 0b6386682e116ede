#include <gtest/gtest.h>

#include "inventory_fixture.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

TEST_F(InventoryTest, TheReadOnlyConnectionCanOnlySelect) {
  add({"n1", "n2"});
  auto ro = open_sqlite_read_only(path_);
  ASSERT_TRUE(ro) << ro.error().message;
  std::vector<std::string> names;
  ASSERT_TRUE((*ro)->query("SELECT name FROM nodes WHERE rack = 0 ORDER BY name", {},
                           [&](const Row& r) { names.push_back(to_text(r[0])); }));
  EXPECT_EQ(names, (std::vector<std::string>{"n1", "n2"}));

  for (const char* sql : {"DELETE FROM nodes", "UPDATE nodes SET rack = 9", "DROP TABLE nodes",
                          "INSERT INTO settings VALUES ('a', 'b')", "PRAGMA query_only = 0", "ATTACH DATABASE '/tmp/x' AS x",
                          "SELECT 1; DELETE FROM nodes", "CREATE TABLE t (x)"}) {
    auto status = (*ro)->query(sql, {}, [](const Row&) {});
    EXPECT_FALSE(status) << sql;
    if (!status) {
      EXPECT_EQ(status.error().kind, ErrorKind::bad_input) << sql;
    }
  }
  EXPECT_EQ(inv().node_names()->size(), 2u) << "nothing was modified";
}

TEST_F(InventoryTest, TheReadOnlyConnectionCannotReadSecrets) {
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "root.password", "s3cret", true}));
  auto ro = open_sqlite_read_only(path_);
  ASSERT_TRUE(ro);
  bool leaked = false;
  for (const char* sql : {"SELECT value FROM secrets", "SELECT (SELECT value FROM secrets LIMIT 1)",
                          "SELECT name FROM nodes WHERE EXISTS (SELECT 1 FROM secrets)"}) {
    auto status = (*ro)->query(sql, {}, [&](const Row& r) {
      for (auto& v : r) leaked |= to_text(v) == "s3cret";
    });
    EXPECT_FALSE(status) << sql;
  }
  EXPECT_FALSE(leaked);
}

}  // namespace herd::inventory
