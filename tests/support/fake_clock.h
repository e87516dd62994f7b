// FakeClock: time that moves only when a test says so. Thread-safe.
#pragma once

#include <mutex>

#include "fme/clock.h"

namespace fme::testing {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z wall time and an arbitrary steady origin.
  FakeClock() : FakeClock(std::chrono::sys_days(std::chrono::year{2026} / 1 / 1)) {}
  // Starts at `wall` (e.g. a simulator's start time) and the same steady origin.
  explicit FakeClock(WallTime wall) : wall_(wall), steady_() {}

  WallTime Now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  SteadyTime Steady() const override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  void Advance(Duration d) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
    steady_ += d;
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  SteadyTime steady_;
};

}  // namespace fme::testing
