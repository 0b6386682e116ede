#include "util/time_text.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace herd {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(TimeText, UtcIso8601WithAndWithoutFraction) {
  int64_t ns = 1'795'277'643 * kSecond + 123'456'789;  // 2026-11-21T16:14:03.123456789Z
  EXPECT_EQ(utc_iso8601(ns), "2026-11-21T16:14:03Z");
  EXPECT_EQ(utc_iso8601(ns, 3), "2026-11-21T16:14:03.123Z");
  EXPECT_EQ(utc_iso8601(ns, 9), "2026-11-21T16:14:03.123456789Z");
  EXPECT_EQ(utc_iso8601(0, 9), "1970-01-01T00:00:00.000000000Z");
}

TEST(TimeText, BeforeTheEpoch) {
  // 1969-12-31T23:59:59.750Z: the fraction counts forward from the whole second before.
  EXPECT_EQ(utc_iso8601(-kSecond / 4, 3), "1969-12-31T23:59:59.750Z");
  EXPECT_EQ(format_time(-kSecond, Zone::utc), "1969-12-31 23:59:59");
}

TEST(TimeText, LocalZoneFollowsTZ) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  ::setenv("TZ", "UTC-2", 1);  // two hours east of UTC
  ::tzset();
  EXPECT_EQ(format_time(0, Zone::local), "1970-01-01 02:00:00");
  if (old) ::setenv("TZ", saved.c_str(), 1);
  else ::unsetenv("TZ");
  ::tzset();
}

TEST(TimeText, NowIsAfter2026) { EXPECT_GT(now_ns(), int64_t{1'767'225'600} * kSecond); }

}  // namespace
}  // namespace herd
