// SimServerClock: the exporter's clock for tests against the simulator's real HTTP server.
//
// Wall time is the simulated time (it moves only by Advance), so timestamps the exporter takes
// line up with the simulated masters'. Steady time is the real steady clock plus everything
// Advance added: HttplibClient measures deadlines and timeouts on the real steady clock, so a
// deadline taken from this clock never lies in the past, while intervals (state polls,
// backoffs measured by the source) still see simulated time pass. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

#include "fme/clock.h"

namespace fme::testing {

class SimServerClock final : public Clock {
 public:
  explicit SimServerClock(WallTime start) : wall_(start) {}

  WallTime Now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  SteadyTime Steady() const override {
    std::lock_guard lock(mu_);
    return std::chrono::steady_clock::now() + advanced_;
  }
  void Advance(Duration d) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
    advanced_ += d;
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  Duration advanced_{};
};

}  // namespace fme::testing
