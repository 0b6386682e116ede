#include <gtest/gtest.h>

#include "inventory_fixture.h"
#include "nodeset/node_set.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

std::vector<std::string> expand(const std::string& set) { return nodeset::NodeSet::parse(set)->expand(); }

TEST_F(InventoryTest, BulkAddCountsAddressesDownFromTheTopLikeRocks) {
  auto added = add(expand("compute-0-[0-3]"));
  ASSERT_EQ(added.size(), 4u);
  EXPECT_EQ(added[0].interfaces[0].ip, "198.51.100.254");
  EXPECT_EQ(added[3].interfaces[0].ip, "198.51.100.251");
  EXPECT_EQ(added[2].rack, 0);
  EXPECT_EQ(added[2].rank, 2) << "rank comes from the Rocks-style name";
}

TEST_F(InventoryTest, BulkAddCanCountUpAndSkipsTheGatewayAndDynamicRange) {
  auto net = *inv().network("private");
  net.dynamic_start = "198.51.100.3";
  net.dynamic_end = "198.51.100.4";
  ASSERT_TRUE(inv().update_network("private", net));
  NodeTemplate t;
  t.appliance = "compute";
  t.network = "private";
  t.ip_order = IpOrder::up;
  auto added = inv().add_nodes(expand("n[1-3]"), t);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ((*added)[0].interfaces[0].ip, "198.51.100.2");  // .1 is the gateway
  EXPECT_EQ((*added)[1].interfaces[0].ip, "198.51.100.5");  // .3-.4 are dynamic
  EXPECT_EQ((*added)[2].interfaces[0].ip, "198.51.100.6");
  EXPECT_EQ((*added)[1].rank, 1) << "names without rack-rank get the next free rank";
}

TEST_F(InventoryTest, ADuplicateNameWritesNothing) {
  add({"compute-0-1"});
  NodeTemplate t;
  t.appliance = "compute";
  t.network = "private";
  auto r = inv().add_nodes(expand("compute-0-[0-2]"), t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  EXPECT_NE(r.error().message.find("compute-0-1"), std::string::npos);
  EXPECT_EQ(inv().node_names()->size(), 1u) << "compute-0-0 must not have been added";
}

TEST_F(InventoryTest, AFullNetworkFailsTheWholeAdd) {
  NodeTemplate t;
  t.appliance = "compute";
  t.network = "private";
  auto r = inv().add_nodes(expand("n[1-300]"), t);  // a /24 has 253 free host addresses
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no free address"), std::string::npos);
  EXPECT_TRUE(inv().node_names()->empty());
}

TEST_F(InventoryTest, GivenMacsAndIpsAreCheckedAndNormalized) {
  NodeTemplate t;
  t.appliance = "compute";
  t.network = "private";
  t.macs = {"AA-BB-CC-DD-EE-01", "aa:bb:cc:dd:ee:02"};
  t.ips = {"198.51.100.10", "198.51.100.11"};
  auto r = inv().add_nodes({"a", "b"}, t);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(inv().node("a")->interfaces[0].mac, "aa:bb:cc:dd:ee:01");

  t.macs = {"aa:bb:cc:dd:ee:01"};
  t.ips = {"198.51.100.12"};
  r = inv().add_nodes({"c"}, t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("already belongs to node 'a'"), std::string::npos);

  t.macs = {"aa:bb:cc:dd:ee:03"};
  t.ips = {"198.51.100.10"};
  r = inv().add_nodes({"c"}, t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("already in use"), std::string::npos);

  t.ips = {"203.0.113.5"};
  r = inv().add_nodes({"c"}, t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a host address"), std::string::npos);

  t.ips = {"198.51.100.1"};
  r = inv().add_nodes({"c"}, t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("gateway"), std::string::npos);
  EXPECT_FALSE(inv().node("c"));
}

TEST_F(InventoryTest, BadNamesAndUnknownAppliancesAreRejected) {
  NodeTemplate t;
  t.appliance = "compute";
  for (const char* bad : {"-x", "a b", "a/b", "x-", ""}) {
    auto r = inv().add_nodes({bad}, t);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  }
  t.appliance = "nosuch";
  auto r = inv().add_nodes({"ok"}, t);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown appliance 'nosuch'"), std::string::npos);
}

TEST_F(InventoryTest, UpdateRemoveAndRename) {
  add(expand("compute-0-[0-3]"));
  NodeChanges c;
  c.cpus = 64;
  c.boot_action = "install";
  ASSERT_TRUE(inv().update_nodes({"compute-0-1", "compute-0-2"}, c));
  EXPECT_EQ(inv().node("compute-0-1")->cpus, 64);
  EXPECT_EQ(inv().node("compute-0-0")->cpus, 1);

  c = {};
  c.appliance = "nosuch";
  EXPECT_FALSE(inv().update_nodes({"compute-0-1"}, c));
  c = {};
  c.cpus = 8;
  EXPECT_FALSE(inv().update_nodes({"compute-0-1", "ghost"}, c));
  EXPECT_EQ(inv().node("compute-0-1")->cpus, 64) << "a failed update changes nothing";

  ASSERT_TRUE(inv().add_group({"pair", "compute-0-[0-1]", ""}));
  ASSERT_TRUE(inv().set_attribute({Scope::node, "compute-0-0", "gpu", "yes", false}));
  ASSERT_TRUE(inv().rename_node("compute-0-0", "gpu-0-0"));
  EXPECT_EQ(inv().group("pair")->nodeset, "compute-0-1,gpu-0-0");
  EXPECT_EQ(inv().resolve_attributes("gpu-0-0", false)->at("gpu").value, "yes");
  EXPECT_FALSE(inv().rename_node("gpu-0-0", "compute-0-1")) << "name taken";

  ASSERT_TRUE(inv().remove_nodes({"compute-0-1"}));
  EXPECT_EQ(inv().group("pair")->nodeset, "gpu-0-0");
  EXPECT_FALSE(inv().remove_nodes({"compute-0-2", "ghost"}));
  EXPECT_TRUE(inv().node("compute-0-2")) << "a failed removal removes nothing";
  EXPECT_EQ(inv().interfaces({"compute-0-2"})->size(), 1u);
}

TEST_F(InventoryTest, ListingUnknownNodesNamesThem) {
  add({"a"});
  auto r = inv().nodes({"a", "b"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'b'"), std::string::npos);
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) many.push_back("ghost" + std::to_string(i));
  r = inv().nodes(many);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ghost[0-99]"), std::string::npos);
}

TEST_F(InventoryTest, GroupResolution) {
  add(expand("compute-0-[0-1]"));
  NodeTemplate t;
  t.appliance = "compute";
  t.rack = 1;
  ASSERT_TRUE(inv().add_nodes(expand("compute-1-[0-1]"), t));
  EXPECT_EQ(nodeset::fold(*inv().resolve("rack1")), "compute-1-[0-1]");
  EXPECT_EQ(inv().resolve("compute")->size(), 4u);
  EXPECT_EQ(inv().resolve("all")->size(), 4u);
  ASSERT_TRUE(inv().add_group({"mixed", "@rack1,compute-0-0", ""}));
  // Folded along both axes, as ClusterShell does.
  EXPECT_EQ(inv().group("mixed")->nodeset, "compute-[0-1]-0,compute-1-1");
  auto unknown = inv().resolve("nosuch");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("@nosuch"), std::string::npos);
  EXPECT_FALSE(inv().add_group({"compute", "a", ""})) << "clashes with an appliance";
  EXPECT_FALSE(inv().add_group({"rack3", "a", ""})) << "@rackN is built in";
}

}  // namespace herd::inventory
