// The wire forms of objects and hashes: round trips, and malformed bodies refused naming
// the record.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/object_batch.h"

namespace herd::store {
namespace {

TEST(ObjectBatch, RoundTripAndTruncation) {
  ObjectBatch batch;
  Hash a, b;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  batch.add(a, "first");
  batch.add(b, std::string(1000, 'x'));
  EXPECT_EQ(batch.count(), 2u);
  EXPECT_EQ(batch.size(), 2 * kBatchRecordOverhead + 1005);
  auto records = decode_object_batch(batch.body());
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].first, a);
  EXPECT_EQ((*records)[0].second, "first");
  EXPECT_EQ((*records)[1].second.size(), 1000u);
  EXPECT_FALSE(decode_object_batch(std::string_view(batch.body()).substr(0, batch.size() - 1)));
  EXPECT_FALSE(decode_object_batch(std::string_view(batch.body()).substr(0, 20)));
}

Hash hash_of(uint8_t fill) {
  Hash h;
  h.bytes.fill(fill);
  return h;
}

// One record by hand, its length field `claimed` when given.
std::string record(const Hash& h, std::string_view file, std::optional<uint64_t> claimed = std::nullopt) {
  std::string out(reinterpret_cast<const char*>(h.bytes.data()), 32);
  uint64_t n = claimed.value_or(file.size());
  for (int i = 0; i < 8; ++i) out += static_cast<char>(n >> (8 * i));
  out += file;
  return out;
}

TEST(ObjectBatch, DecodesASequenceWrittenByHand) {
  std::string body = record(hash_of(1), "first") + record(hash_of(2), "") + record(hash_of(3), std::string(1000, 'x'));
  auto records = decode_object_batch(body);
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].first, hash_of(1));
  EXPECT_EQ((*records)[0].second, "first");
  EXPECT_EQ((*records)[1].second, "");
  EXPECT_EQ((*records)[2].second.size(), 1000u);
  auto none = decode_object_batch("");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ObjectBatch, MalformedBodiesNameTheRecord) {
  std::string good = record(hash_of(1), "first");
  // A truncated header.
  auto r = decode_object_batch(good + std::string(39, 'a'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
  EXPECT_EQ(r.error().message, "record 1 at byte 45: truncated header (39 of 40 bytes)");
  // A length past the end, including one that would overflow a careless sum.
  for (uint64_t claimed : {uint64_t{6}, uint64_t{1} << 40, ~uint64_t{0}, ~uint64_t{0} - 30}) {
    auto bad = decode_object_batch(good + record(hash_of(2), "short", claimed));
    ASSERT_FALSE(bad) << claimed;
    EXPECT_NE(bad.error().message.find("record 1 (" + hash_of(2).hex() + ")"), std::string::npos) << bad.error().message;
  }
  // Every prefix of a valid body that cuts a record is refused, none crashes.
  std::string body = good + record(hash_of(2), "second");
  for (size_t n = 0; n < body.size(); ++n) {
    auto cut = decode_object_batch(std::string_view(body).substr(0, n));
    EXPECT_EQ(cut.ok(), n == 0 || n == good.size()) << n;
  }
}

TEST(HashList, RoundTripAndWholeHashesOnly) {
  std::vector<Hash> hashes{hash_of(1), hash_of(2)};
  std::string body = encode_hash_list(hashes.data(), hashes.data() + 2);
  EXPECT_EQ(body.size(), 64u);
  auto back = decode_hash_list(body);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, hashes);
  EXPECT_TRUE(decode_hash_list("")->empty());
  auto bad = decode_hash_list(std::string(33, 'x'));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::bad_input);
  EXPECT_EQ(bad.error().message, "33 bytes is not a list of hashes");
}

}  // namespace
}  // namespace herd::store
