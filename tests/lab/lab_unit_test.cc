// `herd lab up` option checks: lab names, the subnet (only inside the RFC 5737 ranges
// 198.51.100.0/24 and 203.0.113.0/24) and the node count (1 to 250, fewer on a small
// subnet). Every rejection is bad_input naming the option, so the CLI exits 2 and the
// user knows which flag to fix.
#include <gtest/gtest.h>

#include <string>

#include "lab/lab.h"

namespace herd::lab {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

LabOptions options_with(const std::string& subnet, int nodes) {
  LabOptions o;
  o.subnet = subnet;
  o.nodes = nodes;
  return o;
}

// The error of a rejected Status; fails the test (and returns an empty Error) when accepted.
Error rejected(const Status& status) {
  EXPECT_FALSE(status.ok()) << "accepted";
  return status.ok() ? Error{} : status.error();
}

TEST(LabName, AcceptsLowercaseLettersAndDigitsUpToTwelve) {
  for (const char* name : {"lab", "a", "lab2", "abcdefghijkl", "x1y2z3"})
    EXPECT_TRUE(validate_lab_name(name).ok()) << name;
}

TEST(LabName, RejectsOtherNamesAsBadInputNamingTheOption) {
  // Too long (13), uppercase, dash, leading digit, empty, and characters that would end
  // up in namespace names and paths.
  for (const char* name : {"abcdefghijklm", "Lab", "my-lab", "1lab", "", "lab_1", "lab.1", "../x", "lab 1"}) {
    Error e = rejected(validate_lab_name(name));
    EXPECT_EQ(e.kind, ErrorKind::bad_input) << name;
    EXPECT_TRUE(contains(e.message, "--name")) << e.message;
  }
}

TEST(LabOptions, DefaultsAreValid) { EXPECT_TRUE(validate_options(LabOptions{}).ok()); }

TEST(LabOptions, ChecksTheNameToo) {
  LabOptions o;
  o.name = "Bad-Name";
  EXPECT_TRUE(contains(rejected(validate_options(o)).message, "--name"));
}

TEST(LabSubnet, AcceptsTheDocumentationRangesAndTheirParts) {
  for (const char* subnet : {"198.51.100.0/24", "203.0.113.0/24", "203.0.113.128/25", "198.51.100.64/26"})
    EXPECT_TRUE(validate_options(options_with(subnet, 4)).ok()) << subnet;
}

TEST(LabSubnet, RejectsARealNetwork) {
  Error e = rejected(validate_options(options_with("10.0.0.0/24", 4)));
  EXPECT_EQ(e.kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(e.message, "--subnet")) << e.message;
  EXPECT_TRUE(contains(e.message, "10.0.0.0/24")) << e.message;
}

TEST(LabSubnet, RejectsANetworkLargerThanTheAllowedRange) {
  // 198.51.100.0/23 contains 198.51.100.0/24 but also 198.51.101.0/24, which is real.
  Error e = rejected(validate_options(options_with("198.51.100.0/23", 4)));
  EXPECT_EQ(e.kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(e.message, "--subnet")) << e.message;
}

TEST(LabSubnet, RejectsNeighboursOfTheAllowedRanges) {
  for (const char* subnet : {"198.51.101.0/24", "198.51.99.0/24", "203.0.112.0/24", "203.0.114.0/25"}) {
    Error e = rejected(validate_options(options_with(subnet, 4)));
    EXPECT_TRUE(contains(e.message, "--subnet")) << subnet << ": " << e.message;
  }
}

TEST(LabSubnet, RejectsHostBitsAndMalformedText) {
  for (const char* subnet : {"198.51.100.1/24", "203.0.113.64/25", "198.51.100.0", "198.51.100.0/33", "lab", ""}) {
    Error e = rejected(validate_options(options_with(subnet, 4)));
    EXPECT_EQ(e.kind, ErrorKind::bad_input) << subnet;
    EXPECT_TRUE(contains(e.message, "--subnet")) << subnet << ": " << e.message;
  }
}

TEST(LabNodes, OneToTwoHundredFiftyOnASlashTwentyFour) {
  EXPECT_TRUE(validate_options(options_with("198.51.100.0/24", 1)).ok());
  EXPECT_TRUE(validate_options(options_with("198.51.100.0/24", 250)).ok());
  for (int nodes : {0, -1, 251}) {
    Error e = rejected(validate_options(options_with("198.51.100.0/24", nodes)));
    EXPECT_EQ(e.kind, ErrorKind::bad_input) << nodes;
    EXPECT_TRUE(contains(e.message, "--nodes")) << e.message;
    EXPECT_TRUE(contains(e.message, "1 to 250")) << e.message;
  }
}

TEST(LabNodes, ASmallSubnetKeepsRoomForTheFrontendAndASpare) {
  // A /28 has 14 host addresses: the frontend, one spare, 12 nodes.
  EXPECT_TRUE(validate_options(options_with("198.51.100.16/28", 12)).ok());
  Error e = rejected(validate_options(options_with("198.51.100.16/28", 13)));
  EXPECT_EQ(e.kind, ErrorKind::bad_input);
  EXPECT_TRUE(contains(e.message, "--nodes 13")) << e.message;
  EXPECT_TRUE(contains(e.message, "1 to 12")) << e.message;
}

TEST(LabNodes, ASubnetWithNoRoomTakesNoNodes) {
  // A /30 has two host addresses, both needed for the frontend and the spare.
  Error e = rejected(validate_options(options_with("198.51.100.4/30", 1)));
  EXPECT_TRUE(contains(e.message, "--subnet '198.51.100.4/30': too small")) << e.message;
}

}  // namespace
}  // namespace herd::lab
