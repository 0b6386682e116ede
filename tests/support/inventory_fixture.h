// A fresh SQLite inventory in a temporary folder, migrated, with a private network
// 198.51.100.0/24 and the appliances frontend and compute.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "inventory/inventory.h"
#include "inventory/schema.h"
#include "temp_dir.h"

namespace herd::testing {

// The network "private", 198.51.100.0/24, zone "local", gateway .1.
inline void add_private_network(inventory::Inventory& inv) {
  inventory::Network net;
  net.name = "private";
  net.address = "198.51.100.0";
  net.prefix = 24;
  net.zone = "local";
  net.gateway = "198.51.100.1";
  ASSERT_TRUE(inv.add_network(net));
}

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("herd.db");
    auto db = inventory::open_sqlite(path_, true);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto migrated = inventory::migrate(*db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    inv_ = std::make_unique<inventory::Inventory>(*db_);
    add_private_network(*inv_);
    ASSERT_TRUE(inv_->add_appliance({"frontend", "", ""}));
    ASSERT_TRUE(inv_->add_appliance({"compute", "", ""}));
  }

  // Adds nodes from a name list with an interface on "private".
  std::vector<inventory::Node> add(const std::vector<std::string>& names, const std::string& appliance = "compute") {
    inventory::NodeTemplate t;
    t.appliance = appliance;
    t.network = "private";
    auto added = inv_->add_nodes(names, t);
    EXPECT_TRUE(added) << (added ? "" : added.error().message);
    return added ? *added : std::vector<inventory::Node>{};
  }

  inventory::Inventory& inv() { return *inv_; }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<inventory::Database> db_;
  std::unique_ptr<inventory::Inventory> inv_;
};

}  // namespace herd::testing
