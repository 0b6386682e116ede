#include "inventory/csv.h"

#include <gtest/gtest.h>

#include "inventory/inventory_csv.h"
#include "inventory_fixture.h"
#include "nodeset/node_set.h"
#include "util/atomic_file.h"

namespace herd::inventory {

using herd::testing::InventoryTest;

TEST(Csv, QuotesRoundTrip) {
  std::string out;
  append_csv_row(out, {"name", "comment"});
  append_csv_row(out, {"n1", "has, comma"});
  append_csv_row(out, {"n2", "has \"quotes\"\nand a newline"});
  append_csv_row(out, {"n3", ""});
  auto t = parse_csv(out, "t.csv");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0][1], "has, comma");
  EXPECT_EQ(t->rows[1][1], "has \"quotes\"\nand a newline");
  EXPECT_EQ(t->rows[2][1], "");
  EXPECT_EQ(t->lines[2], 5) << "line numbers count the embedded newline";
}

TEST(Csv, ARowOfOneEmptyFieldSurvivesARoundTrip) {
  std::string out;
  append_csv_row(out, {"only"});
  append_csv_row(out, {""});
  auto t = parse_csv(out, "t.csv");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->rows.size(), 1u) << out;
  EXPECT_EQ(t->rows[0], std::vector<std::string>{""});
}

TEST(Csv, ErrorsNameFileAndLine) {
  auto r = parse_csv("a,b\n1,2\n3\n", "nodes.csv");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "nodes.csv: line 3: 1 field(s), the header has 2");
  r = parse_csv("a,b\n\"open,2\n", "x.csv");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2: quoted field is never closed"), std::string::npos);
  r = parse_csv("a,b\n1,x\"y\n", "x.csv");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_csv("", "x.csv"));
  auto crlf = parse_csv("a,b\r\n1,2\r\n", "x.csv");
  ASSERT_TRUE(crlf);
  EXPECT_EQ(crlf->rows[0][1], "2");
}

TEST_F(InventoryTest, CsvExportImportRoundTripsTheWholeInventory) {
  ASSERT_TRUE(inv().set_setting("cluster_name", "demo"));
  add(nodeset::NodeSet::parse("compute-0-[0-9]")->expand());
  ASSERT_TRUE(inv().add_network({"ib", "203.0.113.0", 24}));
  Interface ib;
  ib.node = "compute-0-3";
  ib.device = "ib0";
  ib.network = "ib";
  ib.vlan = 7;
  ib.alias = "c3-ib,c3-fast";
  ib.mac = "02:00:00:00:00:03";
  ASSERT_TRUE(inv().add_interface(ib));
  ASSERT_TRUE(inv().add_group({"odd", "compute-0-[1,3,5,7,9]", "odd \"ones\", really"}));
  ASSERT_TRUE(inv().set_attribute({Scope::rack, "0", "slurm.partition", "batch", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::node, "compute-0-1", "comment", "line1\nline2", false}));
  ASSERT_TRUE(inv().set_attribute({Scope::global, "", "bmc.password", "pw", true}));
  NodeChanges c;
  c.comment = "spare, with a comma";
  ASSERT_TRUE(inv().update_nodes({"compute-0-9"}, c));

  std::string first = dir_.file("first");
  ASSERT_TRUE(export_csv(inv(), first, /*include_secrets=*/true));

  // Into a second, empty inventory.
  auto db2 = open_sqlite(dir_.file("second.db"), true);
  ASSERT_TRUE(db2);
  ASSERT_TRUE(migrate(**db2));
  Inventory inv2(**db2);
  auto imported = import_csv(inv2, first);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(*imported, 10u);
  std::string second = dir_.file("second");
  ASSERT_TRUE(export_csv(inv2, second, true));
  for (const char* f : {"settings.csv", "networks.csv", "appliances.csv", "nodes.csv", "interfaces.csv", "groups.csv",
                        "attributes.csv", "secrets.csv"})
    EXPECT_EQ(*read_file(first + "/" + f), *read_file(second + "/" + f)) << f;
  EXPECT_EQ(inv2.resolve_attributes("compute-0-1", true)->at("bmc.password").value, "pw");
}

TEST_F(InventoryTest, AFailedImportLeavesTheInventoryAsItWas) {
  add({"keep-me"});
  std::string folder = dir_.file("export");
  ASSERT_TRUE(export_csv(inv(), folder, false));
  // A second node with the same IP as the first: caught on interfaces.csv line 3.
  auto nodes = *read_file(folder + "/nodes.csv");
  nodes += "other,compute,0,1,x86_64,linux,1,os,\n";
  ASSERT_TRUE(write_file_atomically(folder + "/nodes.csv", nodes));
  auto interfaces = *read_file(folder + "/interfaces.csv");
  interfaces += "other,eth0,,198.51.100.254,private,,,\n";
  ASSERT_TRUE(write_file_atomically(folder + "/interfaces.csv", interfaces));
  add({"added-after-export"});
  auto r = import_csv(inv(), folder);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  EXPECT_NE(r.error().message.find("interfaces.csv: line 3"), std::string::npos) << r.error().message;
  EXPECT_EQ(*inv().node_names(), (std::vector<std::string>{"added-after-export", "keep-me"}));

  ASSERT_TRUE(write_file_atomically(folder + "/groups.csv", "name,members\n"));
  r = import_csv(inv(), folder);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("groups.csv: line 1: unknown column 'members'"), std::string::npos) << r.error().message;
}

}  // namespace herd::inventory
