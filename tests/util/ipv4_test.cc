#include "util/ipv4.h"

#include <gtest/gtest.h>

namespace herd {

TEST(Ipv4, ParsesDottedQuads) {
  EXPECT_EQ(parse_ipv4("198.51.100.7"), 0xc6336407u);
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
}

TEST(Ipv4, RejectsAnythingElse) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "1..2.3",
                          "1.2.3.", "1.2.3.4/24", "1234.1.1.1"})
    EXPECT_FALSE(parse_ipv4(bad)) << bad;
}

TEST(Ipv4, FormatsRoundTrip) {
  for (uint32_t a : {0u, 1u, 0xc6336407u, 0xffffffffu}) EXPECT_EQ(parse_ipv4(format_ipv4(a)), a);
}

TEST(Ipv4, Networks) {
  auto n = parse_ipv4_network("198.51.100.0/24");
  ASSERT_TRUE(n);
  EXPECT_EQ(format_ipv4(n->first_host()), "198.51.100.1");
  EXPECT_EQ(format_ipv4(n->last_host()), "198.51.100.254");
  EXPECT_EQ(format_ipv4(n->broadcast()), "198.51.100.255");
  EXPECT_TRUE(n->contains(*parse_ipv4("198.51.100.200")));
  EXPECT_FALSE(n->contains(*parse_ipv4("198.51.101.1")));
  EXPECT_FALSE(parse_ipv4_network("198.51.100.1/24")) << "host bits set";
  EXPECT_FALSE(parse_ipv4_network("198.51.100.0/33"));
  EXPECT_FALSE(parse_ipv4_network("198.51.100.0"));
  EXPECT_EQ(prefix_mask(0), 0u);
  EXPECT_EQ(prefix_mask(32), 0xffffffffu);
  EXPECT_EQ(prefix_mask(16), 0xffff0000u);
}

}  // namespace herd
