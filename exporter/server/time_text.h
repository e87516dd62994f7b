// How the landing page writes times and durations. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "fme/clock.h"

namespace fme {

// RFC 3339 in UTC, second precision: "2024-05-01T12:00:00Z".
std::string FormatUtc(WallTime t);

// Whole seconds from `then` to `now`, rounded; 0 when `then` is in the future (clock skew).
int64_t SecondsBetween(WallTime then, WallTime now);

// "42 s ago": the exact figure, for comparing with logs and timestamps.
std::string SecondsAgoText(WallTime then, WallTime now);

// A length of time for a human at a glance: "42 s", "5 min 3 s", "2 h 5 min", "3 d 4 h".
std::string AgeText(int64_t seconds);

// A poll's duration: "850 ms" below a second, "1.25 s" above.
std::string PollDurationText(Duration d);

}  // namespace fme
