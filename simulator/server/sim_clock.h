// Simulated time for a running server: wall-clock time elapsed since the start, scaled by
// `speed`, plus whatever POST /admin/advance added. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "world/world.h"

namespace fme::sim {

inline Millis SystemNowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SimClock {
 public:
  using WallClock = std::function<Millis()>;
  // speed 0 freezes time apart from Advance() (what tests use).
  SimClock(Millis sim_start, double speed, WallClock wall = SystemNowMillis)
      : sim_start_(sim_start), speed_(speed), wall_(std::move(wall)), wall_start_(wall_()) {}

  Millis Now() const {
    const auto elapsed = static_cast<double>(wall_() - wall_start_) * speed_;
    return sim_start_ + static_cast<Millis>(elapsed) + offset_.load();
  }
  void Advance(Millis ms) { offset_ += ms; }
  double speed() const { return speed_; }

 private:
  Millis sim_start_;
  double speed_;
  WallClock wall_;
  Millis wall_start_;
  std::atomic<Millis> offset_{0};
};

}  // namespace fme::sim
