#include "fme/poller.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "support/fake_clock.h"

namespace fme {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Queues tasks; the test decides when (and whether) each runs.
class ManualExecutor final : public Executor {
 public:
  void Submit(std::function<void()> task) override { tasks.push_back(std::move(task)); }
  void RunAll() {
    while (!tasks.empty()) RunOne();
  }
  void RunOne() {
    auto t = std::move(tasks.front());
    tasks.pop_front();
    t();
  }
  std::deque<std::function<void()>> tasks;
};

// A source whose answers the test scripts; records deadlines and call times.
class ScriptedSource final : public Source {
 public:
  ScriptedSource(std::string name, testing::FakeClock& clock, Duration poll_takes = {})
      : info_{SourceKind::kFlink, std::move(name), "http://x"}, clock_(clock), takes_(poll_takes) {}
  const TargetInfo& target() const override { return info_; }
  Result<Observation> Poll(SteadyTime deadline) override {
    ++polls;
    deadlines.push_back(deadline);
    starts.push_back(clock_.Steady());
    clock_.Advance(takes_);
    if (fail) return Status::Timeout("scripted failure");
    FlinkObservation obs;
    obs.overview.taskmanagers = polls;
    return Observation(obs);
  }
  int polls = 0;
  bool fail = false;
  std::vector<SteadyTime> deadlines, starts;

 private:
  TargetInfo info_;
  testing::FakeClock& clock_;
  Duration takes_;
};

class RecordingObserver final : public PollObserver {
 public:
  void OnPollDone(const TargetInfo& t, const PollOutcome& o) override {
    outcomes.emplace_back(t.name, o.status.code());
  }
  std::vector<std::pair<std::string, StatusCode>> outcomes;
};

PollSettings Every(Duration interval, Duration timeout = seconds(2), double jitter = 0) {
  PollSettings s;
  s.interval = interval;
  s.timeout = timeout;
  s.jitter = jitter;
  return s;
}

struct Harness {
  testing::FakeClock clock;
  ManualExecutor exec;
  SnapshotStore store{clock};
  RecordingObserver observer;
  Poller poller{clock, exec, store, &observer, /*seed=*/42};

  ScriptedSource* Add(const std::string& name, PollSettings s, Duration takes = {}) {
    auto src = std::make_unique<ScriptedSource>(name, clock, takes);
    ScriptedSource* raw = src.get();
    poller.AddTarget(std::move(src), s);
    std::vector<TargetInfo> infos;
    for (const auto& t : store.Current()->targets) infos.push_back(t->target);
    infos.push_back(raw->target());
    store.SetTargets(infos);
    return raw;
  }
};

TEST(PollerTest, FirstPollWithinTheFirstTenthOfAnInterval) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(10)));
  SteadyTime next = h.poller.RunDue();
  EXPECT_LE(next - h.clock.Steady(), milliseconds(1000));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  h.exec.RunAll();
  EXPECT_EQ(a->polls, 1);
}

TEST(PollerTest, PollsOnItsIntervalWithTheDeadlineOfItsTimeout) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(10), seconds(3)));
  for (int i = 0; i < 5; ++i) {
    h.clock.Advance(seconds(10));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  ASSERT_EQ(a->polls, 5);
  for (std::size_t i = 0; i < a->starts.size(); ++i) {
    EXPECT_EQ(a->deadlines[i] - a->starts[i], seconds(3));
  }
  auto snap = h.store.Current();
  ASSERT_EQ(snap->targets.size(), 1u);
  EXPECT_TRUE(snap->targets[0]->up);
  EXPECT_TRUE(snap->AllPolled());
}

TEST(PollerTest, NeverTwoPollsOfOneTargetAtOnce) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(1)));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  ASSERT_EQ(h.exec.tasks.size(), 1u);
  EXPECT_EQ(h.poller.InFlight(), 1);
  // Still running three intervals later: nothing more is submitted.
  for (int i = 0; i < 3; ++i) {
    h.clock.Advance(seconds(1));
    h.poller.RunDue();
  }
  EXPECT_EQ(h.exec.tasks.size(), 1u);
  h.exec.RunAll();
  EXPECT_EQ(a->polls, 1);
  EXPECT_EQ(h.poller.InFlight(), 0);
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  EXPECT_EQ(h.exec.tasks.size(), 1u) << "polls resume once the slow one returned";
  h.exec.RunAll();  // the poller waits for polls in flight when destroyed
}

TEST(PollerTest, ASlowTargetDoesNotDelayAnother) {
  Harness h;
  auto* slow = h.Add("slow", Every(seconds(5)));
  auto* fast = h.Add("fast", Every(seconds(5)));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  ASSERT_EQ(h.exec.tasks.size(), 2u);
  // Run only the second task (whichever target it is) and keep the other hanging.
  auto hanging = std::move(h.exec.tasks.front());
  h.exec.tasks.pop_front();
  h.exec.RunAll();
  for (int round = 0; round < 4; ++round) {
    h.clock.Advance(seconds(5));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  int done = slow->polls + fast->polls;
  EXPECT_EQ(done, 5) << "the free target polled every round while the other hung";
  hanging();
  EXPECT_EQ(slow->polls + fast->polls, 6);
}

TEST(PollerTest, FailureMarksTheTargetDownAndDropsItsData) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(1)));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  h.exec.RunAll();
  ASSERT_TRUE(h.store.Current()->targets[0]->observation.has_value());
  a->fail = true;
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  h.exec.RunAll();
  auto st = h.store.Current()->targets[0];
  EXPECT_FALSE(st->up);
  EXPECT_FALSE(st->observation.has_value());
  EXPECT_NE(st->last_error.find("scripted failure"), std::string::npos);
  EXPECT_TRUE(st->last_success.has_value()) << "the last success is remembered";
  ASSERT_EQ(h.observer.outcomes.size(), 2u);
  EXPECT_EQ(h.observer.outcomes[1].second, StatusCode::kTimeout);
}

TEST(PollerTest, JitterStaysWithinBoundsAndVaries) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(10), seconds(2), 0.2));
  for (int i = 0; i < 200; ++i) {
    SteadyTime next = h.poller.RunDue();
    h.exec.RunAll();
    h.clock.Advance(next - h.clock.Steady());
  }
  ASSERT_GT(a->starts.size(), 100u);
  Duration min_gap = Duration::max(), max_gap = Duration::zero();
  for (std::size_t i = 1; i < a->starts.size(); ++i) {
    Duration gap = a->starts[i] - a->starts[i - 1];
    min_gap = std::min(min_gap, gap);
    max_gap = std::max(max_gap, gap);
  }
  EXPECT_GE(min_gap, seconds(8));
  EXPECT_LE(max_gap, seconds(12));
  EXPECT_GT(max_gap - min_gap, seconds(1)) << "intervals should not all be equal";
}

TEST(PollerTest, StopMakesRunDueInert) {
  Harness h;
  h.Add("a", Every(seconds(1)));
  h.poller.Stop();
  h.clock.Advance(seconds(5));
  h.poller.RunDue();
  EXPECT_TRUE(h.exec.tasks.empty());
}

}  // namespace
}  // namespace fme

namespace fme {
namespace {

TEST(PollerTest, RemovedTargetIsNoLongerPolled) {
  Harness h;
  auto* a = h.Add("a", Every(seconds(1)));
  auto* b = h.Add("b", Every(seconds(1)));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  h.exec.RunAll();
  ASSERT_EQ(a->polls, 1);
  EXPECT_TRUE(h.poller.RemoveTarget(SourceKind::kFlink, "a"));
  EXPECT_FALSE(h.poller.RemoveTarget(SourceKind::kFlink, "a"));
  EXPECT_FALSE(h.poller.RemoveTarget(SourceKind::kMesos, "b"));  // kind matters
  for (int i = 0; i < 3; ++i) {
    h.clock.Advance(seconds(1));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  EXPECT_EQ(b->polls, 4);
  // The source was owned by the Poller and is gone; only b reported since.
  int a_outcomes = 0;
  for (const auto& [name, code] : h.observer.outcomes) a_outcomes += name == "a";
  EXPECT_EQ(a_outcomes, 1);
}

TEST(PollerTest, PollInFlightWhenItsTargetIsRemovedIsNeitherReportedNorStored) {
  Harness h;
  h.Add("a", Every(seconds(1)));
  h.clock.Advance(seconds(1));
  h.poller.RunDue();
  ASSERT_EQ(h.exec.tasks.size(), 1u);
  ASSERT_TRUE(h.poller.RemoveTarget(SourceKind::kFlink, "a"));
  h.store.SetTargets({});
  // Re-added under the same name (a discovered cluster that moved), before the old poll ends.
  h.Add("a", Every(seconds(1)));
  h.exec.RunAll();  // the old poll finishes now
  EXPECT_TRUE(h.observer.outcomes.empty());
  auto snap = h.store.Current();
  ASSERT_EQ(snap->targets.size(), 1u);
  EXPECT_FALSE(snap->targets[0]->polled);
  EXPECT_EQ(h.poller.InFlight(), 0);
}

TEST(PollerTest, TargetAddedWhileRunningIsPolledSoon) {
  Harness h;
  h.Add("a", Every(seconds(10)));
  h.clock.Advance(seconds(5));
  h.poller.RunDue();
  h.exec.RunAll();
  auto* late = h.Add("late", Every(seconds(10)));
  h.clock.Advance(seconds(1));  // within a tenth of its interval
  h.poller.RunDue();
  h.exec.RunAll();
  EXPECT_EQ(late->polls, 1);
}

}  // namespace
}  // namespace fme

namespace fme {
namespace {

TEST(PollerTest, FailingTargetBacksOffExponentiallyUpToTheCapAndRecoversAtOnce) {
  Harness h;
  PollSettings s = Every(seconds(10));
  s.backoff_max = seconds(60);
  auto* a = h.Add("a", s);
  a->fail = true;
  std::vector<SteadyTime> starts;
  // Drive the clock a second at a time for ten minutes and record when polls start.
  for (int i = 0; i < 600; ++i) {
    h.clock.Advance(seconds(1));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  ASSERT_GE(a->starts.size(), 6u);
  std::vector<int64_t> gaps;
  for (std::size_t i = 1; i < a->starts.size(); ++i) {
    gaps.push_back(std::chrono::duration_cast<seconds>(a->starts[i] - a->starts[i - 1]).count());
  }
  // 10 s after the first failure (one failure is not yet a pattern), then 20, 40, and 60 s
  // from then on: the cap.
  std::vector<int64_t> want = {10, 20, 40};
  want.resize(gaps.size(), 60);
  EXPECT_EQ(gaps, want);
  // Ten minutes of a dead upstream cost 12 attempts instead of 60.
  EXPECT_LE(a->polls, 13);

  // Back: the next attempt succeeds and the target returns to its interval.
  a->fail = false;
  const int before = a->polls;
  for (int i = 0; i < 120; ++i) {
    h.clock.Advance(seconds(1));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  EXPECT_GE(a->polls - before, 6);  // at most 60 s to the next attempt, then every 10 s
  EXPECT_TRUE(h.store.Current()->targets[0]->up);
}

TEST(PollerTest, CapBelowTheIntervalMeansNoBackoff) {
  Harness h;
  PollSettings s = Every(seconds(10));
  s.backoff_max = seconds(1);
  auto* a = h.Add("a", s);
  a->fail = true;
  for (int i = 0; i < 100; ++i) {
    h.clock.Advance(seconds(1));
    h.poller.RunDue();
    h.exec.RunAll();
  }
  EXPECT_EQ(a->polls, 10);
}

}  // namespace
}  // namespace fme

namespace fme {
namespace {

// A source that can ask for early polls, as the Mesos event stream does.
class ChangingSource final : public Source {
 public:
  explicit ChangingSource(testing::FakeClock& clock) : clock_(clock) {}
  const TargetInfo& target() const override { return info_; }
  Result<Observation> Poll(SteadyTime) override {
    starts.push_back(clock_.Steady());
    return Observation(MesosObservation{});
  }
  void SetChangeListener(std::function<void()> changed) override { changed_ = std::move(changed); }
  void Change() { changed_(); }
  std::vector<SteadyTime> starts;

 private:
  TargetInfo info_{SourceKind::kMesos, "m", "http://m"};
  testing::FakeClock& clock_;
  std::function<void()> changed_;
};

TEST(PollerTest, SourceChangesBringEarlyPollsAtMostOneASecond) {
  Harness h;
  auto src = std::make_unique<ChangingSource>(h.clock);
  ChangingSource* s = src.get();
  h.poller.AddTarget(std::move(src), Every(seconds(15)));
  h.store.SetTargets({s->target()});
  auto step = [&](Duration d) {
    h.clock.Advance(d);
    h.poller.RunDue();
    h.exec.RunAll();
  };
  step(seconds(2));
  ASSERT_EQ(s->starts.size(), 1u);  // the first regular poll
  const SteadyTime first = s->starts[0];

  // A change 3 s later is polled at once, off the schedule.
  step(seconds(3));
  s->Change();
  step(milliseconds(0));
  ASSERT_EQ(s->starts.size(), 2u);
  // A burst right after: one more poll, not before a second has passed since the last start.
  for (int i = 0; i < 5; ++i) s->Change();
  step(milliseconds(500));
  EXPECT_EQ(s->starts.size(), 2u);
  step(milliseconds(500));
  EXPECT_EQ(s->starts.size(), 3u);
  EXPECT_EQ(s->starts[2] - s->starts[1], seconds(1));
  // The regular schedule is untouched: due 15 s after the first poll.
  step(first + seconds(15) - h.clock.Steady());
  EXPECT_EQ(s->starts.size(), 4u);
  EXPECT_EQ(s->starts[3] - first, seconds(15));
  // No change, no early poll.
  step(seconds(5));
  EXPECT_EQ(s->starts.size(), 4u);
}

}  // namespace
}  // namespace fme
