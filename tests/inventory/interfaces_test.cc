#include <gtest/gtest.h>

#include "inventory_fixture.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

TEST_F(InventoryTest, InterfacesAllocateAndCheckAddresses) {
  add({"n1"});
  ASSERT_TRUE(inv().add_network({"ib", "203.0.113.0", 24}));
  Interface ib;
  ib.node = "n1";
  ib.device = "ib0";
  ib.network = "ib";
  ASSERT_TRUE(inv().add_interface(ib, IpOrder::up));
  EXPECT_EQ(inv().node("n1")->interfaces[1].ip, "203.0.113.1");

  EXPECT_FALSE(inv().add_interface(ib)) << "same device twice";
  Interface clash = ib;
  clash.device = "ib1";
  clash.ip = "203.0.113.1";
  auto r = inv().add_interface(clash);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("n1 ib0"), std::string::npos) << r.error().message;

  // Keeping its own address while changing other fields is no clash.
  Interface changed = inv().node("n1")->interfaces[1];
  changed.vlan = 42;
  changed.mac = "02:00:00:00:00:01";
  ASSERT_TRUE(inv().update_interface("n1", "ib0", changed)) ;
  EXPECT_EQ(*inv().node("n1")->interfaces[1].vlan, 42);
  changed.vlan = 5000;
  EXPECT_FALSE(inv().update_interface("n1", "ib0", changed));

  EXPECT_FALSE(inv().remove_network("ib")) << "in use";
  ASSERT_TRUE(inv().remove_interface("n1", "ib0"));
  EXPECT_TRUE(inv().remove_network("ib"));
  EXPECT_FALSE(inv().remove_interface("n1", "ib0"));
}

TEST_F(InventoryTest, NetworkChecks) {
  EXPECT_FALSE(inv().add_network({"bad", "198.51.100.1", 24})) << "host bits set";
  Network n{"x", "203.0.113.0", 24};
  n.gateway = "198.51.100.1";
  auto r = inv().add_network(n);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("gateway"), std::string::npos);
  n.gateway = "";
  n.dynamic_start = "203.0.113.200";
  auto r2 = inv().add_network(n);
  ASSERT_FALSE(r2) << "a range needs both ends";
  n.dynamic_end = "203.0.113.100";
  EXPECT_FALSE(inv().add_network(n)) << "start after end";
  EXPECT_FALSE(inv().add_network({"private", "203.0.113.0", 24})) << "name taken";

  add({"n1"});
  Network shrunk = *inv().network("private");
  shrunk.prefix = 25;  // 198.51.100.0/25 no longer holds .254
  auto r3 = inv().update_network("private", shrunk);
  ASSERT_FALSE(r3);
  EXPECT_NE(r3.error().message.find("n1"), std::string::npos);
}

}  // namespace herd::inventory
