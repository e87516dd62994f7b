// Poller: runs every Source on its own interval and publishes the outcome to the SnapshotStore.
//
// Scheduling is fixed-rate with jitter: a target's next poll is due one interval (stretched or
// shrunk by up to `jitter` of it) after the previous one was due. After consecutive failures
// the next poll waits longer: 2, 4, 8... intervals after the failed one started, capped at
// `backoff_max` (and jittered), so a dead upstream gets one attempt per backoff period; the first
// success returns the target to its interval. The first poll is due
// within the first 10 % of an interval, so targets do not all start at once. Each poll runs on
// the Executor with a deadline of `timeout`. A target whose poll is still running when it is due
// again is skipped for that round (never two polls of one target at once), and since each poll
// is its own task, a slow target never delays another (given as many executor threads as
// targets, which App provides).
//
// Thread-safety: all public methods are thread-safe. RunDue() is the whole scheduling step; tests
// call it with a FakeClock and a manual Executor, production calls Run() on its own thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "fme/clock.h"
#include "fme/config.h"
#include "fme/model/endpoint_error.h"
#include "fme/snapshot_store.h"
#include "fme/source.h"

namespace fme {

// Where polls run. Submit() must not run the task inline when called from RunDue() in
// production; tests may queue tasks and run them whenever they like.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void Submit(std::function<void()> task) = 0;
};

// Outcome of one poll, reported to the observer (self-metrics, logging).
struct PollOutcome {
  Duration duration{};
  Status status;  // OK on success
  // Calls that failed within a successful poll (their series are missing this time).
  std::vector<EndpointError> endpoint_errors;
  uint64_t series_dropped = 0;  // series left out this poll by a limit
};

class PollObserver {
 public:
  virtual ~PollObserver() = default;
  // Called on the polling thread just before the store is updated with the outcome.
  virtual void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) = 0;
};

class Poller {
 public:
  Poller(Clock& clock, Executor& executor, SnapshotStore& store, PollObserver* observer,
         uint64_t seed = std::random_device{}());
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Registers a target, at any time; its first poll is due within a tenth of an interval.
  // The store learns of it through SetTargets() (call that first, or the first result is lost).
  void AddTarget(std::unique_ptr<Source> source, PollSettings settings);

  // Stops polling a target (matched by kind and name). A poll of it still running finishes,
  // but its result is neither reported nor stored. Returns false when there is no such target.
  bool RemoveTarget(SourceKind kind, const std::string& name);

  // Submits every due target that is not already polling. Returns when the next one is due.
  SteadyTime RunDue();

  // Loops over RunDue() until Stop(). Waits on the real steady clock between rounds.
  void Run();
  void Stop();

  // Number of polls currently running (for tests and shutdown).
  int InFlight() const;

  // Shortest time between the start of two polls of one target when its source asks for early
  // polls (SetChangeListener), so a burst of upstream changes costs at most one poll a second.
  static constexpr Duration kMinEarlyPollGap = std::chrono::seconds(1);

 private:
  struct Entry {
    std::unique_ptr<Source> source;
    PollSettings settings;
    SteadyTime next_due;
    bool in_flight = false;
    bool removed = false;  // guarded by mu_
    // An early poll asked for by the source; due at this time, off the regular schedule.
    std::optional<SteadyTime> early_due;  // guarded by mu_
    SteadyTime last_start{};              // guarded by mu_
    int failures = 0;      // consecutive failed polls; guarded by mu_
    TargetState state;  // last published, without its observation; touched by the entry's own poll only
  };

  void PollOnce(Entry& entry);
  // The source of `entry` asked for an early poll.
  void PollEarly(const std::weak_ptr<Entry>& entry);
  Duration Jittered(const PollSettings& s);
  // The wait after `failures` consecutive failures (>= 2), jittered. Needs mu_.
  Duration Backoff(const PollSettings& s, int failures);

  Clock& clock_;
  Executor& executor_;
  SnapshotStore& store_;
  PollObserver* observer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Shared with the polls in flight, so a removed target's entry outlives its last poll.
  std::vector<std::shared_ptr<Entry>> entries_;  // guarded by mu_ (the vector and flags)
  std::mt19937_64 rng_;                          // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  int in_flight_ = 0;                            // guarded by mu_
};

}  // namespace fme
