// register_lab on the inventories a user really has: the one `herd init` makes with its
// defaults (private 10.1.0.0/16, which no lab may use), one whose private network is a
// lab range, one that names no frontend. The lab adds its network and the frontend's
// address there, says so, changes nothing the second time, and refuses (writing nothing)
// a subnet that overlaps another network. Also: the server certificate check that tells
// `herd lab up` to issue a new one.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "inventory/inventory.h"
#include "inventory/new_cluster.h"
#include "inventory/schema.h"
#include "lab/certificate_names.h"
#include "lab/lab_inventory.h"
#include "server/pki.h"
#include "temp_dir.h"

namespace herd::lab {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Ipv4Network net(const char* text) { return *parse_ipv4_network(text); }

class RegisterLabTest : public ::testing::Test {
 protected:
  // A migrated, empty inventory.
  void open() {
    auto db = inventory::open_sqlite(dir_.file("herd.db"), true);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto migrated = inventory::migrate(*db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    inv_ = std::make_unique<inventory::Inventory>(*db_);
  }
  // What `herd init` writes, with its defaults unless `subnet` is given.
  void init(const std::string& subnet = "") {
    open();
    inventory::NewCluster spec;
    if (!subnet.empty()) spec.subnet = subnet;
    auto made = inventory::create_cluster(*inv_, spec);
    ASSERT_TRUE(made) << made.error().message;
  }

  inventory::Inventory& inv() { return *inv_; }

  std::vector<inventory::Network> networks() {
    auto n = inv_->networks();
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : std::vector<inventory::Network>{};
  }

  const inventory::Network* network(const std::vector<inventory::Network>& all, const std::string& name) {
    for (const auto& n : all)
      if (n.name == name) return &n;
    return nullptr;
  }

  testing::TempDir dir_;
  std::unique_ptr<inventory::Database> db_;
  std::unique_ptr<inventory::Inventory> inv_;
};

TEST_F(RegisterLabTest, AfterHerdInitWithDefaultsAddsTheNetworkAndTheFrontendsAddress) {
  init();
  auto records = register_lab(inv(), "lab", net("198.51.100.0/24"), 2);
  ASSERT_TRUE(records) << records.error().message;

  EXPECT_EQ(records->network, "lab");
  auto all = networks();
  const auto* lab = network(all, "lab");
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ((lab->address + "/" + std::to_string(lab->prefix)), "198.51.100.0/24");
  // herd init's private network has the cluster's zone "local"; the lab's is its own.
  EXPECT_EQ(lab->zone, "lab.local");

  EXPECT_EQ(records->frontend.name, "frontend");
  EXPECT_EQ(records->frontend.ip, "198.51.100.1");
  auto frontend = inv().node("frontend");
  ASSERT_TRUE(frontend);
  ASSERT_EQ(frontend->interfaces.size(), 2u);
  std::vector<std::string> seen;
  for (const auto& i : frontend->interfaces) seen.push_back(i.device + " " + i.network + " " + i.ip);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen[1], "lab0 lab 198.51.100.1");
  EXPECT_TRUE(contains(seen[0], "private 10.1.0.1")) << seen[0];

  ASSERT_EQ(records->nodes.size(), 2u);
  for (const auto& n : records->nodes) {
    EXPECT_TRUE(n.ip.rfind("198.51.100.", 0) == 0) << n.name << " " << n.ip;
    EXPECT_TRUE(n.mac.rfind("02:68:", 0) == 0) << n.name << " " << n.mac;
    EXPECT_NE(n.ip, records->frontend.ip);
  }
  EXPECT_EQ(records->nodes[0].name, "compute-0-0");
  EXPECT_EQ(records->nodes[1].name, "compute-0-1");

  // One line for each record of the network and the frontend written, for the user to read.
  ASSERT_EQ(records->changes.size(), 2u);
  EXPECT_TRUE(contains(records->changes[0], "added network lab 198.51.100.0/24")) << records->changes[0];
  EXPECT_TRUE(contains(records->changes[1], "198.51.100.1 on network lab (interface lab0)")) << records->changes[1];
}

TEST_F(RegisterLabTest, TheSecondTimeChangesNothing) {
  init();
  auto first = register_lab(inv(), "lab", net("198.51.100.0/24"), 2);
  ASSERT_TRUE(first) << first.error().message;
  auto second = register_lab(inv(), "lab", net("198.51.100.0/24"), 2);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->changes.empty()) << second->changes.front();
  EXPECT_EQ(second->frontend.ip, first->frontend.ip);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(second->nodes[k].mac, first->nodes[k].mac);
    EXPECT_EQ(second->nodes[k].ip, first->nodes[k].ip);
  }
  EXPECT_EQ(networks().size(), 2u);
  EXPECT_EQ(inv().node("frontend")->interfaces.size(), 2u);
}

TEST_F(RegisterLabTest, APrivateNetworkOnTheLabSubnetIsTheLabsNetwork) {
  init("198.51.100.0/24");
  auto records = register_lab(inv(), "lab", net("198.51.100.0/24"), 3);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->network, "private");
  EXPECT_EQ(records->frontend.ip, "198.51.100.1");
  EXPECT_TRUE(records->changes.empty());
  EXPECT_EQ(networks().size(), 1u);
}

TEST_F(RegisterLabTest, ASubnetOverlappingAnotherNetworkIsRefusedAndNothingIsWritten) {
  init("198.51.100.0/25");
  auto records = register_lab(inv(), "lab", net("198.51.100.0/24"), 2);
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(records.error().message, "--subnet 198.51.100.0/24 overlaps network private (198.51.100.0/25)"))
      << records.error().message;
  EXPECT_EQ(networks().size(), 1u);
  EXPECT_FALSE(inv().node("compute-0-0"));
  EXPECT_EQ(inv().node("frontend")->interfaces.size(), 1u);
}

TEST_F(RegisterLabTest, ATakenNetworkNameGetsANumber) {
  init();
  inventory::Network other;
  other.name = "lab";
  other.address = "203.0.113.0";
  other.prefix = 24;
  other.zone = "lab.local";
  ASSERT_TRUE(inv().add_network(other));
  auto records = register_lab(inv(), "lab", net("198.51.100.0/24"), 1);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->network, "lab1");
  auto all = networks();
  ASSERT_NE(network(all, "lab1"), nullptr);
  EXPECT_EQ(network(all, "lab1")->zone, "lab1.local");
}

TEST_F(RegisterLabTest, AnInventoryNamingNoFrontendGetsOne) {
  open();
  auto records = register_lab(inv(), "lab", net("203.0.113.0/24"), 1);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->frontend.name, "frontend");
  EXPECT_EQ(records->frontend.ip, "203.0.113.1");
  auto setting = inv().setting("frontend");
  ASSERT_TRUE(setting && *setting);
  EXPECT_EQ(**setting, "frontend");
  EXPECT_EQ(inv().node("frontend")->appliance, "frontend");
  EXPECT_EQ(records->changes.size(), 4u);  // network, setting, node, address
}

TEST_F(RegisterLabTest, AFullNetworkIsBadInputSayingSo) {
  init();
  inventory::Network full;
  full.name = "tiny";
  full.address = "198.51.100.0";
  full.prefix = 30;  // two host addresses, both in the dynamic range
  full.dynamic_start = "198.51.100.1";
  full.dynamic_end = "198.51.100.2";
  ASSERT_TRUE(inv().add_network(full));
  auto records = register_lab(inv(), "lab", net("198.51.100.0/30"), 1);
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(records.error().message, "needs an address on network tiny")) << records.error().message;
  EXPECT_EQ(inv().node("frontend")->interfaces.size(), 1u);
}

TEST(OverlappingNetwork, TheSameSubnetIsNoClashAPartOrAWholeIs) {
  inventory::Network n;
  n.name = "private";
  n.address = "198.51.100.0";
  n.prefix = 25;
  std::vector<inventory::Network> all{n};
  EXPECT_FALSE(overlapping_network(all, net("198.51.100.0/25")));
  EXPECT_FALSE(overlapping_network(all, net("198.51.100.128/25")));
  EXPECT_FALSE(overlapping_network(all, net("203.0.113.0/24")));
  EXPECT_EQ(overlapping_network(all, net("198.51.100.0/24"))->name, "private");
  EXPECT_EQ(overlapping_network(all, net("198.51.100.64/26"))->name, "private");
}

TEST(LabRanges, AreTheTwoDocumentationRangesAndTheirParts) {
  EXPECT_TRUE(in_lab_ranges(net("198.51.100.0/24")));
  EXPECT_TRUE(in_lab_ranges(net("203.0.113.128/25")));
  EXPECT_FALSE(in_lab_ranges(net("198.51.100.0/23")));
  EXPECT_FALSE(in_lab_ranges(net("10.1.0.0/16")));
  EXPECT_FALSE(in_lab_ranges(net("192.0.2.0/24")));
}

TEST(CertificateNames, NamesWhatTheCertificateLacksThenNothingAfterAReissue) {
  testing::TempDir dir;
  std::string pki = dir.file("pki");
  server::ServerIdentity before{"cluster", "frontend", {"frontend", "frontend.local", "localhost"}, {"10.1.0.1", "127.0.0.1"}};
  ASSERT_TRUE(server::create_pki(pki, before));
  server::ServerIdentity after = before;
  after.dns_names.push_back("frontend.lab.local");
  after.ips.push_back("198.51.100.1");
  std::string crt = server::PkiPaths{pki}.server_crt();

  auto missing = names_missing_from_certificate(crt, after.dns_names, after.ips);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(*missing, (std::vector<std::string>{"frontend.lab.local", "198.51.100.1"}));
  missing = names_missing_from_certificate(crt, before.dns_names, before.ips);
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty());
  // A name that merely starts like one in the certificate is not named by it.
  missing = names_missing_from_certificate(crt, {"frontend.localdomain"}, {"10.1.0.10"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->size(), 2u);

  ASSERT_TRUE(server::reissue_server_certificate(pki, after));
  missing = names_missing_from_certificate(crt, after.dns_names, after.ips);
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty()) << missing->front();
}

TEST(CertificateNames, AFileThatIsNoCertificateIsNamed) {
  testing::TempDir dir;
  std::string path = dir.write("server.crt", "not a certificate\n");
  auto missing = names_missing_from_certificate(path, {"frontend"}, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(missing.error().message, path)) << missing.error().message;
  missing = names_missing_from_certificate(dir.file("absent.crt"), {"frontend"}, {});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "absent.crt")) << missing.error().message;
}

}  // namespace
}  // namespace herd::lab
