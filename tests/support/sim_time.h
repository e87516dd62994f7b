// SimTime: one timeline for a simulator engine and the exporter's FakeClock. The clock's wall
// time is the simulated time, so the timestamps the exporter reads from the simulated Flink and
// its own "now" (terminal job TTLs, sampling intervals) line up. Moving time forward moves both;
// nothing sleeps.
#pragma once

#include <chrono>

#include "support/fake_clock.h"
#include "world/engine.h"

namespace fme::testing {

class SimTime {
 public:
  explicit SimTime(sim::Engine& engine)
      : engine_(engine), clock_(WallTime(std::chrono::milliseconds(engine.Now()))) {}

  FakeClock& clock() { return clock_; }
  sim::Millis Now() const { return engine_.Now(); }
  // Simulated time since the scenario's start.
  sim::Millis Offset() const { return engine_.Now() - engine_.StartTime(); }

  // Moves to `offset` after the start; never backwards.
  void At(sim::Millis offset) {
    const sim::Millis target = engine_.StartTime() + offset;
    const sim::Millis now = engine_.Now();
    if (target <= now) return;
    engine_.AdvanceTo(target);
    clock_.Advance(std::chrono::milliseconds(target - now));
  }

 private:
  sim::Engine& engine_;
  FakeClock clock_;
};

}  // namespace fme::testing
