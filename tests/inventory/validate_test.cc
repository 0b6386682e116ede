#include "inventory/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herd::inventory {

TEST(Validate, MacsAreNormalized) {
  EXPECT_EQ(*normalize_mac("AA:BB:CC:DD:EE:FF"), "aa:bb:cc:dd:ee:ff");
  EXPECT_EQ(*normalize_mac("aa-bb-cc-dd-ee-ff"), "aa:bb:cc:dd:ee:ff");
  EXPECT_EQ(*normalize_mac("aabbccddeeff"), "aa:bb:cc:dd:ee:ff");
  for (const char* bad : {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "gg:bb:cc:dd:ee:ff", "a:bb:cc:dd:ee:fff",
                          "aa:bb:cc:dd:ee:ff:", ":aa:bb:cc:dd:ee:ff", "aa::bb:cc:dd:ee:ff"})
    EXPECT_FALSE(normalize_mac(bad)) << bad;
}

TEST(Validate, HostNames) {
  EXPECT_TRUE(check_host_name("compute-0-0", "node"));
  EXPECT_TRUE(check_host_name("gpu01.cluster.example.org", "node"));
  // std::string elements: a c_str() of a temporary here would dangle inside the loop.
  for (const std::string& bad :
       std::vector<std::string>{"", "-a", "a-", "a b", "a,b", "a[1]", "a@b", "a!b", "a.", std::string(64, 'x')})
    EXPECT_FALSE(check_host_name(bad, "node")) << bad;
  auto r = check_host_name("ab cd", "node");
  EXPECT_NE(r.error().message.find("column 3"), std::string::npos);
}

}  // namespace herd::inventory
