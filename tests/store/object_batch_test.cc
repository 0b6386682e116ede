// The wire form of a list of objects: round trip, and truncated bodies refused.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace herd::store
