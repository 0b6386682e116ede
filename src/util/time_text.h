// Timestamps as text, from nanoseconds since the epoch (as file metadata and the store
// keep them). Times before 1970 are negative and come out right too.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace herd {

enum class Zone { local, utc };

// strftime's `format` for the whole seconds in `zone`, then, with `fraction_digits`
// 1 to 9, a '.' and that many digits of the second's fraction (truncated).
std::string format_time(int64_t ns, Zone zone, const char* format = "%Y-%m-%d %H:%M:%S", int fraction_digits = 0);

// ISO 8601 in UTC: "2026-11-21T16:14:03Z", or with digits "2026-11-21T16:14:03.123Z".
std::string utc_iso8601(int64_t ns, int fraction_digits = 0);

// The wall clock now, in nanoseconds since the epoch.
int64_t now_ns();

// A timespec (st_mtim, st_ctim, clock_gettime) in nanoseconds since the epoch.
inline int64_t timespec_ns(const struct timespec& t) { return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

}  // namespace herd
