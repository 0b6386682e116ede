// The client's readers of the server's replies: good replies, and bad ones refused with
// the request named instead of an exception.
#include "remote/server_replies.h"

#include <gtest/gtest.h>

#include "store/object_batch.h"

namespace herd::remote {
namespace {

const std::string kHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

void expect_refused(const Error& e, const std::string& part) {
  EXPECT_NE(e.message.find("GET u: "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(part), std::string::npos) << e.message;
}

TEST(ServerReplies, Ref) {
  auto hash = parse_ref_reply(R"({"name": "checkpoints/n1", "hash": ")" + kHex + "\"}", "GET u");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash->hex(), kHex);
  expect_refused(parse_ref_reply("<html>", "GET u").error(), "not a JSON object");
  expect_refused(parse_ref_reply("[1]", "GET u").error(), "not a JSON object");
  expect_refused(parse_ref_reply(R"({"hash": 5})", "GET u").error(), "no \"hash\" string");
  expect_refused(parse_ref_reply(R"({"hash": "abc"})", "GET u").error(), "not a hash");
}

TEST(ServerReplies, Missing) {
  std::string body(64, '\0');
  body[32] = '\x01';
  auto hashes = parse_missing_reply(body, "GET u");
  ASSERT_TRUE(hashes.ok());
  ASSERT_EQ(hashes->size(), 2u);
  EXPECT_TRUE((*hashes)[0].is_zero());
  EXPECT_EQ((*hashes)[1].bytes[0], 1);
  EXPECT_TRUE(parse_missing_reply("", "GET u")->empty());
  expect_refused(parse_missing_reply(std::string(33, 'x'), "GET u").error(), "33 bytes is not a list of hashes");
}

TEST(ServerReplies, Fetch) {
  store::Hash a, b, c;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  c.bytes[0] = 3;
  store::ObjectBatch batch;
  batch.add(a, "file a");
  batch.add(b, "file b");
  // The whole answer, and a prefix of it (the server stopped early).
  auto files = parse_fetch_reply(batch.body(), {a, b}, "GET u");
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(*files, (std::vector<std::string_view>{"file a", "file b"}));
  files = parse_fetch_reply(batch.body(), {a, b, c}, "GET u");
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->size(), 2u);
  EXPECT_TRUE(parse_fetch_reply("", {}, "GET u")->empty());
  // Not what was asked, or nothing, or more, or a broken batch.
  expect_refused(parse_fetch_reply(batch.body(), {b, a}, "GET u").error(), "reply record 0 is object 01");
  expect_refused(parse_fetch_reply("", {a}, "GET u").error(), "no object in the reply, 1 asked");
  expect_refused(parse_fetch_reply(batch.body(), {a}, "GET u").error(), "2 objects in the reply, 1 asked");
  expect_refused(parse_fetch_reply(std::string_view(batch.body()).substr(0, 50), {a, b}, "GET u").error(), "truncated");
}

TEST(ServerReplies, Upload) {
  auto reply = parse_upload_reply(R"({"stored": 3, "present": 4})", "GET u");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->stored, 3u);
  EXPECT_EQ(reply->present, 4u);
  EXPECT_EQ(parse_upload_reply("{}", "GET u")->stored, 0u);
  // Each of these threw from nlohmann's value() before.
  expect_refused(parse_upload_reply(R"({"stored": "3"})", "GET u").error(), "\"stored\" is not a count");
  expect_refused(parse_upload_reply(R"({"present": -1})", "GET u").error(), "\"present\" is not a count");
  expect_refused(parse_upload_reply(R"({"stored": 1.5})", "GET u").error(), "\"stored\" is not a count");
}

TEST(ServerReplies, Enroll) {
  auto reply = parse_enroll_reply(R"({"node": "compute-0-3", "token": "abc_DEF-123"})", "GET u");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->node, "compute-0-3");
  EXPECT_EQ(reply->token, "abc_DEF-123");
  expect_refused(parse_enroll_reply(R"({"node": "n1"})", "GET u").error(), "no \"token\" string");
  for (const char* node : {"", "..", "a/b", "a b", "n\u00e9", "x\\u001b[31m"}) {
    std::string body = std::string(R"({"node": ")") + node + R"(", "token": "t"})";
    auto bad = parse_enroll_reply(body, "GET u");
    ASSERT_FALSE(bad.ok()) << node;
    expect_refused(bad.error(), "is not a node name");
    EXPECT_EQ(bad.error().message.find('\x1b'), std::string::npos) << "no escape reaches the terminal";
  }
  expect_refused(parse_enroll_reply(R"({"node": "n1", "token": "a b"})", "GET u").error(), "not a token");
}

TEST(ServerReplies, MessagesAreMadeSafeToPrint) {
  EXPECT_EQ(server_message(R"({"error": "no such ref \u001b[2J"})"), "no such ref  [2J");
  EXPECT_EQ(server_message(R"({"error": "nœud inconnu"})"), "nœud inconnu");
  EXPECT_EQ(server_message("bad\r\ngateway\xff"), "bad  gateway ");
  EXPECT_EQ(server_message(""), "(no message)");
  EXPECT_EQ(server_message(std::string(300, 'x')).size(), 200u);
  EXPECT_EQ(parse_conflict_current(R"({"current": ")" + kHex + "\"}"), kHex);
  EXPECT_EQ(parse_conflict_current("{}"), "none");
  EXPECT_EQ(parse_conflict_current("nonsense"), "none");
}

}  // namespace
}  // namespace herd::remote
