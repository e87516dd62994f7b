#include "server/time_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace fme {

std::string FormatUtc(WallTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t SecondsBetween(WallTime then, WallTime now) {
  const double s = std::chrono::duration<double>(now - then).count();
  return std::max<int64_t>(0, std::llround(s));
}

std::string SecondsAgoText(WallTime then, WallTime now) {
  return std::to_string(SecondsBetween(then, now)) + " s ago";
}

std::string AgeText(int64_t seconds) {
  seconds = std::max<int64_t>(0, seconds);
  constexpr int64_t kMinute = 60, kHour = 60 * kMinute, kDay = 24 * kHour;
  auto two = [](int64_t big, const char* big_unit, int64_t small, const char* small_unit) {
    std::string out = std::to_string(big) + " " + big_unit;
    if (small > 0) out += " " + std::to_string(small) + " " + small_unit;
    return out;
  };
  if (seconds < kMinute) return std::to_string(seconds) + " s";
  if (seconds < kHour) return two(seconds / kMinute, "min", seconds % kMinute, "s");
  if (seconds < kDay) return two(seconds / kHour, "h", seconds % kHour / kMinute, "min");
  return two(seconds / kDay, "d", seconds % kDay / kHour, "h");
}

std::string PollDurationText(Duration d) {
  const double s = std::max(0.0, ToSeconds(d));
  char buf[48];
  if (s < 1.0) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000.0);
  else std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace fme
