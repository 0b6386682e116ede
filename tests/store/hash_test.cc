#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "store/hash.h"
#include "store/object_store.h"

namespace herd::store {
namespace {

TEST(Hash, Sha256KnownVectors) {
  EXPECT_EQ(sha256("").hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc").hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, IncrementalEqualsOneShotAndIsReusable) {
  Sha256 s;
  s.update("a");
  s.update("");
  s.update("bc");
  EXPECT_EQ(s.finish(), sha256("abc"));
  s.update("abc");  // finish() left it ready for the next digest
  EXPECT_EQ(s.finish(), sha256("abc"));
}

TEST(Hash, ParseAcceptsEitherCaseAndRejectsTheRest) {
  std::string hex = sha256("x").hex();
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Hash::parse(upper), sha256("x"));
  EXPECT_FALSE(Hash::parse(""));
  EXPECT_FALSE(Hash::parse(hex.substr(1)));
  EXPECT_FALSE(Hash::parse(hex + "0"));
  EXPECT_FALSE(Hash::parse(hex.substr(1) + "g"));
  EXPECT_FALSE(Hash::parse(hex.substr(1) + " "));
  EXPECT_TRUE(Hash{}.is_zero());
  EXPECT_FALSE(sha256("").is_zero());
}

RC_GTEST_PROP(Hash, HexRoundTrip, (const std::array<uint8_t, 32>& bytes)) {
  Hash h{bytes};
  std::string hex = h.hex();
  RC_ASSERT(hex.size() == 64u);
  RC_ASSERT(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  RC_ASSERT(Hash::parse(hex) == h);
}

TEST(Hash, ObjectHashCoversTheType) {
  EXPECT_NE(object_hash(ObjectType::blob, "same"), object_hash(ObjectType::tree, "same"));
  std::string typed = std::string(1, '\x01') + "same";
  EXPECT_EQ(object_hash(ObjectType::blob, "same"), sha256(typed));
}

}  // namespace
}  // namespace herd::store
