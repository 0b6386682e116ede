#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "store/snapshot.h"
#include "store_fixture.h"

namespace herd::store {
namespace {

Snapshot must_decode(const std::string& bytes) {
  auto d = decode_snapshot(bytes, "s");
  EXPECT_TRUE(d) << d.error().message;
  return d ? *d : Snapshot{};
}

Snapshot sample() {
  Snapshot s;
  s.tree = sha256("tree");
  s.parents = {sha256("p1"), sha256("p2")};
  s.time_ns = 1700000000123456789;
  s.author = "root@compute-0-0";
  s.message = "checkpoint\nwith two lines";
  s.metadata = {{"host", "compute-0-0"}, {"packages", sha256("pkgs").hex()}};
  return s;
}

TEST(Snapshot, RoundTrip) {
  Snapshot s = sample();
  std::string bytes = encode_snapshot(s);
  EXPECT_EQ(must_decode(bytes), s);
}

RC_GTEST_PROP(Snapshot, RandomRoundTrip, (int64_t time, std::string author, std::string message,
                                          std::map<std::string, std::string> metadata)) {
  Snapshot s;
  s.tree = sha256(author);
  auto parent_count = *rc::gen::inRange(0, 4);
  for (int i = 0; i < parent_count; ++i) s.parents.push_back(sha256(message + std::to_string(i)));
  s.time_ns = time;
  s.author = author;
  s.message = message;
  for (auto& [k, v] : metadata)
    if (!k.empty() && k.size() <= 255 && k.find('\0') == std::string::npos) s.metadata[k] = v;
  RC_ASSERT(check_snapshot(s, "s").ok());
  std::string bytes = encode_snapshot(s);
  auto decoded = decode_snapshot(bytes, "s");
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == s);
  RC_ASSERT(encode_snapshot(*decoded) == bytes);
}

TEST(Snapshot, Rejections) {
  auto rejects = [](const std::string& bytes, const std::string& needle) {
    auto d = decode_snapshot(bytes, "snapshot S");
    ASSERT_FALSE(d) << needle;
    EXPECT_EQ(d.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(d.error().message.rfind("snapshot S: bad snapshot: ", 0), 0u) << d.error().message;
    EXPECT_NE(d.error().message.find(needle), std::string::npos) << d.error().message;
  };
  std::string bytes = encode_snapshot(sample());
  for (size_t n = 0; n < bytes.size(); ++n) rejects(bytes.substr(0, n), "");  // truncated, or a count that cannot fit
  rejects(bytes + "x", "after the metadata");
  rejects("\x07" + bytes.substr(1), "unknown version 7");

  Snapshot no_tree = sample();
  no_tree.tree = Hash{};
  rejects(encode_snapshot(no_tree), "no tree");
  Snapshot twice = sample();
  twice.parents.push_back(twice.parents[0]);
  rejects(encode_snapshot(twice), "listed twice");
  EXPECT_FALSE(check_snapshot(twice, "s"));
  Snapshot empty_key = sample();
  empty_key.metadata[""] = "x";
  rejects(encode_snapshot(empty_key), "metadata key");
}

TEST(Snapshot, MetadataKeysThatHoldObjects) {
  EXPECT_TRUE(metadata_key_holds_object("packages"));
  EXPECT_TRUE(metadata_key_holds_object("rpm_db_object"));
  EXPECT_TRUE(metadata_key_holds_object("_object"));
  EXPECT_FALSE(metadata_key_holds_object("host"));
  EXPECT_FALSE(metadata_key_holds_object("packages_count"));
  EXPECT_FALSE(metadata_key_holds_object("object"));
}

}  // namespace
}  // namespace herd::store
