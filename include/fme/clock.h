// Clock: the one seam for time.
//
// Now() is wall time, used only for values shown to users (`*_timestamp_seconds`). Steady() is
// monotonic time, used for intervals, deadlines and scheduling. Implementations must be
// thread-safe. Tests use FakeClock (tests/support/fake_clock.h); production uses SystemClock().
#pragma once

#include <chrono>

namespace fme {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual SteadyTime Steady() const = 0;
};

// The process-wide real clock. Never destroyed; safe to use from any thread.
Clock& SystemClock();

// Seconds since the Unix epoch, as Prometheus timestamps are written.
inline double ToUnixSeconds(WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace fme
