// The addresses each DHCP server handed out, as `herd lab status` reads them: dnsmasq's
// lease file, dhcpd's log (it records no leases for fixed addresses) and Kea's memfile
// CSV. MACs come back lower-cased so they compare with the inventory's, and lines that
// are not leases are skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lab/frontend_files.h"
#include "util/atomic_file.h"
#include "temp_dir.h"

namespace herd::lab {
namespace {

// "mac ip" per lease, for short, readable comparisons.
std::vector<std::string> flat(const std::vector<Lease>& leases) {
  std::vector<std::string> out;
  for (const auto& lease : leases) out.push_back(lease.mac + " " + lease.ip);
  return out;
}

using Strings = std::vector<std::string>;

TEST(DnsmasqLeases, ReadsMacAndAddressOfEachLease) {
  const char* text =
      "1700003600 02:68:AB:00:00:00 198.51.100.254 compute-0-0 01:02:68:ab:00:00:00\n"
      "1700003601 02:68:ab:00:00:01 198.51.100.253 * *\n";
  EXPECT_EQ(flat(parse_leases(DhcpServer::dnsmasq, text)),
            (Strings{"02:68:ab:00:00:00 198.51.100.254", "02:68:ab:00:00:01 198.51.100.253"}));
}

TEST(DnsmasqLeases, SkipsJunkBlankAndDuidLines) {
  // dnsmasq writes a "duid ..." line when it also serves DHCPv6; it is not a lease.
  const char* text =
      "\n"
      "duid 00:01:00:01:2c:3d:4e:5f:02:68:00:00:00:fe\n"
      "garbage\n"
      "1700003600 short 198.51.100.9\n"
      "   \n"
      "1700003600 02:68:ab:00:00:02 198.51.100.252 compute-0-2 *";  // no final newline
  EXPECT_EQ(flat(parse_leases(DhcpServer::dnsmasq, text)), (Strings{"02:68:ab:00:00:02 198.51.100.252"}));
}

TEST(DhcpdLeases, ReadsOnlyTheDhcpackLinesOfTheLog) {
  const char* text =
      "Internet Systems Consortium DHCP Server 4.4.3-P1\n"
      "Listening on LPF/eth0/02:68:00:00:00:fe/198.51.100.0/24\n"
      "DHCPDISCOVER from 02:68:ab:00:00:00 via eth0\n"
      "DHCPOFFER on 198.51.100.254 to 02:68:ab:00:00:00 (compute-0-0) via eth0\n"
      "DHCPREQUEST for 198.51.100.254 (198.51.100.1) from 02:68:ab:00:00:00 (compute-0-0) via eth0\n"
      "DHCPACK on 198.51.100.254 to 02:68:AB:00:00:00 (compute-0-0) via eth0\n"
      "DHCPACK on 198.51.100.253 to 02:68:ab:00:00:01 via eth0\n";
  EXPECT_EQ(flat(parse_leases(DhcpServer::dhcpd, text)),
            (Strings{"02:68:ab:00:00:00 198.51.100.254", "02:68:ab:00:00:01 198.51.100.253"}));
}

TEST(DhcpdLeases, SkipsInformAcksAndJunk) {
  // An ACK to DHCPINFORM ("DHCPACK to <ip> (<mac>)") hands out no address.
  const char* text =
      "DHCPACK to 198.51.100.7 (02:68:ab:00:00:07) via eth0\n"
      "DHCPACK on\n"
      "DHCPNAK on 198.51.100.9 to 02:68:ab:00:00:09 via eth0\n"
      "random text\n";
  EXPECT_TRUE(parse_leases(DhcpServer::dhcpd, text).empty());
}

TEST(KeaLeases, ReadsAddressAndHwaddrAfterTheHeader) {
  const char* text =
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
      "198.51.100.254,02:68:AB:00:00:00,01:02:68:ab:00:00:00,3600,1700003600,3325256704,0,0,compute-0-0,0,\n"
      "198.51.100.253,02:68:ab:00:00:01,,3600,1700003601,3325256704,0,0,compute-0-1,0,\n";
  EXPECT_EQ(flat(parse_leases(DhcpServer::kea, text)),
            (Strings{"02:68:ab:00:00:00 198.51.100.254", "02:68:ab:00:00:01 198.51.100.253"}));
}

TEST(KeaLeases, SkipsTheHeaderLinesWithoutHwaddrAndJunk) {
  const char* text =
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
      "198.51.100.250,,01:aa,3600,1700003600,3325256704,0,0,,0,\n"
      "garbage\n"
      "\n";
  EXPECT_TRUE(parse_leases(DhcpServer::kea, text).empty());
}

TEST(KeaLeases, ALaterLineSupersedesAndOnlyAssignedLeasesCount) {
  // The memfile appends changes: .254 was assigned then reclaimed (state 2), .253 declined
  // (state 1), .252 assigned twice (the later MAC wins).
  const char* text =
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
      "198.51.100.254,02:68:ab:00:00:00,,3600,1700003600,1,0,0,a,0,\n"
      "198.51.100.253,02:68:ab:00:00:01,,3600,1700003600,1,0,0,b,1,\n"
      "198.51.100.252,02:68:ab:00:00:02,,3600,1700003600,1,0,0,c,0,\n"
      "198.51.100.254,02:68:ab:00:00:00,,0,1700003600,1,0,0,a,2,\n"
      "198.51.100.252,02:68:ab:00:00:09,,3600,1700003700,1,0,0,c,0,\n";
  EXPECT_EQ(flat(parse_leases(DhcpServer::kea, text)), (Strings{"02:68:ab:00:00:09 198.51.100.252"}));
}

TEST(Leases, MalformedMacsAndAddressesAreSkipped) {
  EXPECT_TRUE(parse_leases(DhcpServer::dnsmasq, "1 02:68:ab:00:00:0g 198.51.100.1 a *\n"
                                                "1 02-68-ab-00-00-01 198.51.100.1 a *\n"
                                                "1 02:68:ab:00:00:01 198.51.100.300 a *\n")
                  .empty());
  EXPECT_TRUE(parse_leases(DhcpServer::kea, "x,y,,,,,,,,0\n,02:68:ab:00:00:01,,,,,,,,0\n").empty());
}

TEST(Leases, EmptyTextHasNoLeases) {
  for (auto server : {DhcpServer::dnsmasq, DhcpServer::dhcpd, DhcpServer::kea})
    EXPECT_TRUE(parse_leases(server, "").empty()) << dhcp_server_name(server);
}

// read_leases takes each server's leases from the file that server writes them to.
class ReadLeases : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(files.dir); }
  testing::TempDir root;
  FrontendFiles files{root.path()};
};

TEST_F(ReadLeases, NoFileMeansNoLeases) {
  for (auto server : {DhcpServer::dnsmasq, DhcpServer::dhcpd, DhcpServer::kea})
    EXPECT_TRUE(read_leases(files, server).empty()) << dhcp_server_name(server);
}

TEST_F(ReadLeases, EachServerReadsItsOwnFile) {
  // One distinct lease in each of the three files: each server must see exactly its own.
  ASSERT_TRUE(write_file_atomically(files.leases(), "1700003600 02:68:ab:00:00:01 198.51.100.201 n1 *\n").ok());
  ASSERT_TRUE(write_file_atomically(files.dhcp_log(), "DHCPACK on 198.51.100.202 to 02:68:ab:00:00:02 via eth0\n").ok());
  ASSERT_TRUE(write_file_atomically(files.kea_leases(),
                                    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
                                    "hostname,state,user_context\n"
                                    "198.51.100.203,02:68:ab:00:00:03,,3600,1700003600,1,0,0,n3,0,\n")
                  .ok());
  EXPECT_EQ(flat(read_leases(files, DhcpServer::dnsmasq)), (Strings{"02:68:ab:00:00:01 198.51.100.201"}));
  EXPECT_EQ(flat(read_leases(files, DhcpServer::dhcpd)), (Strings{"02:68:ab:00:00:02 198.51.100.202"}));
  EXPECT_EQ(flat(read_leases(files, DhcpServer::kea)), (Strings{"02:68:ab:00:00:03 198.51.100.203"}));
}

}  // namespace
}  // namespace herd::lab
