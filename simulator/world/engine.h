// The scenario engine: owns the simulated World, builds it from a Scenario (deterministic for a
// seed) and moves it forward in fixed steps as simulated time passes.
//
// Time: the engine never reads a clock of its own. `time_source` (injected) says what simulated
// time it is; Sync() advances to it. Tests pass a fake source and call AdvanceTo() directly.
// Thread-safety: every member function is thread-safe. The world is only reachable through
// Read()/Mutate(), which hold the engine's mutex while the callback runs: keep callbacks short
// and never call back into the engine from inside one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "world/world.h"

namespace fme::sim {

class Simulation;

struct WorldSizes {
  std::size_t flink_clusters = 0, flink_on_mesos = 0, jobs = 0, vertices = 0, subtasks = 0, taskmanagers = 0;
  std::size_t masters = 0, agents = 0, frameworks = 0, tasks = 0, completed_tasks = 0;
};
WorldSizes Measure(const World& world);

// Offset from the start at which the scenario's script is over: the latest `at`, `until` or end
// of a downtime among its incidents and scheduled faults (0 for a scenario without a timeline).
Millis TimelineEnd(const Scenario& scenario);

class Engine {
 public:
  using TimeSource = std::function<Millis()>;

  // Builds the initial world at scenario.start, or at time_source() when the scenario says "now".
  // Throws std::invalid_argument when the timeline names objects the world does not have.
  Engine(Scenario scenario, TimeSource time_source);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Moves the world forward to `now` (no-op when not ahead). Steps are on a fixed grid from the
  // start, so the outcome does not depend on how calls are split. Wakes WaitForEvents().
  void AdvanceTo(Millis now);
  // AdvanceTo(time_source()).
  void Sync();

  // Plays the scenario on repeat: once `period` of simulated time has passed since the start of
  // a pass, the world is rebuilt from the scenario (same seed) at that time and the timeline
  // starts over. What the server set up (hostnames, ports, URLs) carries over; the event sequence
  // jumps, so open SUBSCRIBE streams end and their clients resubscribe, as after a master
  // restart. 0 (the default) plays the scenario once. Call before serving.
  void RepeatEvery(Millis period);

  Millis Now() const;
  // Start of the current pass (the scenario's start unless RepeatEvery() restarted it). Takes no
  // lock: callable from inside Read().
  Millis StartTime() const { return start_.load(); }
  // Now(), moved back into the first pass: what the timeline's offsets are measured against.
  Millis TimelineNow() const;
  // Completed passes (0 during the first).
  uint64_t Passes() const;
  const Scenario& scenario() const { return scenario_; }
  std::vector<std::string> Warnings() const;

  // Calls f(const World&) under the lock and returns its result.
  template <class F>
  auto Read(F&& f) const {
    std::lock_guard<std::mutex> lock(mu_);
    return f(static_cast<const World&>(world_));
  }

  // Calls f(World&) under the lock (setup by the server: ports, URLs). Wakes WaitForEvents().
  template <class F>
  auto Mutate(F&& f) {
    struct Notify {
      std::condition_variable& cv;
      ~Notify() { cv.notify_all(); }
    } notify{cv_};
    std::lock_guard<std::mutex> lock(mu_);
    return f(world_);
  }

  // Blocks until the event log holds an event with sequence > after_sequence, the timeout passes
  // or Interrupt() is called. Returns true when such an event exists.
  bool WaitForEvents(uint64_t after_sequence, std::chrono::milliseconds timeout) const;
  // Wakes every waiter (e.g. at shutdown, or when time moved without events).
  void Interrupt() const { cv_.notify_all(); }

 private:
  // Rebuilds the world and the simulation at `at` (mu_ held).
  void Restart(Millis at);

  Scenario scenario_;  // before sim_: the simulation keeps references into it
  TimeSource time_source_;
  Millis first_start_ = 0;
  std::atomic<Millis> start_{0};  // of the current pass; written under mu_
  Millis repeat_every_ = 0;
  uint64_t passes_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  World world_;
  std::unique_ptr<Simulation> sim_;
};

}  // namespace fme::sim
