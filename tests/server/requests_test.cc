#include <gtest/gtest.h>

#include "server/http_types.h"
#include "server/requests.h"

namespace herd::server {
namespace {

using store::Hash;

Hash hash_of(uint8_t fill) {
  Hash h;
  h.bytes.fill(fill);
  return h;
}

TEST(HashList, MultiplesOf32Only) {
  std::string two(64, '\x07');
  auto ok = parse_hash_list(two);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1], hash_of(7));
  EXPECT_FALSE(parse_hash_list(std::string(33, 'a')));
  EXPECT_TRUE(parse_hash_list(""));
  EXPECT_FALSE(parse_hash_list(std::string(32 * (kMaxMissingHashes + 1), 'a')));
}

TEST(EnrollRequest, Parses) {
  auto r = parse_enroll_request(R"({"join_token": "t", "hostname": "n1", "macs": ["02:00:00:00:00:01"]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->join_token, "t");
  EXPECT_EQ(r->hostname, "n1");
  EXPECT_EQ(r->macs, std::vector<std::string>{"02:00:00:00:00:01"});
  EXPECT_TRUE(parse_enroll_request(R"({"join_token": "t", "hostname": "n1"})"));
}

TEST(EnrollRequest, RefusesMalformedOnes) {
  for (const char* bad : {"", "{", "[]", "null", R"({"hostname": "n1"})", R"({"join_token": 1, "hostname": "n1"})",
                          R"({"join_token": "t", "hostname": "n1", "macs": "02:00"})",
                          R"({"join_token": "t", "hostname": "n1", "macs": [1]})", "{\"join_token\": \"\xff\"}"}) {
    auto r = parse_enroll_request(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  }
}

TEST(RefUpdate, Parses) {
  std::string h = hash_of(0xab).hex();
  auto create = parse_ref_update(R"({"expected": null, "value": ")" + h + "\"}");
  ASSERT_TRUE(create) << create.error().message;
  EXPECT_FALSE(create->expected);
  EXPECT_EQ(create->value, hash_of(0xab));
  auto swap = parse_ref_update(R"({"expected": ")" + h + R"(", "value": ")" + h + "\"}");
  ASSERT_TRUE(swap);
  EXPECT_EQ(swap->expected, hash_of(0xab));
}

TEST(RefUpdate, RefusesMalformedOnes) {
  std::string h = hash_of(0xab).hex();
  for (const std::string& bad : std::vector<std::string>{"{}", R"({"value": ")" + h + "\"}", R"({"expected": null})",
                                                         R"({"expected": null, "value": "abc"})",
                                                         R"({"expected": 5, "value": ")" + h + "\"}",
                                                         R"({"expected": null, "value": null})", "not json"}) {
    EXPECT_FALSE(parse_ref_update(bad)) << bad;
  }
}

TEST(Query, ValuesAreDecoded) {
  EXPECT_EQ(query_value("prefix=checkpoints%2Fa&x=1", "prefix"), "checkpoints/a");
  EXPECT_EQ(query_value("x=1&select=n%5B1-2%5D", "select"), "n[1-2]");
  EXPECT_EQ(query_value("x=1", "prefix"), "");
  EXPECT_EQ(query_value("prefix=%", "prefix"), "%");
  EXPECT_EQ(query_value("prefix=%4", "prefix"), "%4");
}

TEST(Json, InvalidUtf8NeverThrows) {
  auto r = error_response(400, std::string("bad \xff\xfe name"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("bad"), std::string::npos);
}

}  // namespace
}  // namespace herd::server
