#include "util/time_text.h"

#include <ctime>

#include <fmt/format.h>

namespace herd {

std::string format_time(int64_t ns, Zone zone, const char* format, int fraction_digits) {
  int64_t seconds = ns / 1'000'000'000, fraction = ns % 1'000'000'000;
  if (fraction < 0) {  // floor, so that the fraction counts forward from a whole second
    --seconds;
    fraction += 1'000'000'000;
  }
  time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  if (zone == Zone::local) localtime_r(&t, &tm);
  else gmtime_r(&t, &tm);
  char text[128];
  size_t n = strftime(text, sizeof text, format, &tm);
  std::string out(text, n);
  if (fraction_digits > 0) {
    int digits = fraction_digits > 9 ? 9 : fraction_digits;
    for (int i = digits; i < 9; ++i) fraction /= 10;
    out += fmt::format(".{:0{}d}", fraction, digits);
  }
  return out;
}

std::string utc_iso8601(int64_t ns, int fraction_digits) {
  return format_time(ns, Zone::utc, "%Y-%m-%dT%H:%M:%S", fraction_digits) + "Z";
}

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return timespec_ns(ts);
}

}  // namespace herd
