// The engine playing a scenario on repeat (flink-mesos-sim --repeat): where a pass ends, that the
// world starts over with the timeline, that what the server set up survives, and that event
// streams can tell a new pass from the old one. Time is driven explicitly; nothing sleeps.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "scenario/scenario_loader.h"
#include "world/engine.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::sim {
namespace {

constexpr Millis kStart = 1714564800000;  // 2024-05-01T12:00:00Z
constexpr Millis kSec = 1000;
constexpr Millis kMin = 60 * kSec;

Scenario Incidents() {
  auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/incidents.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  Scenario s = r.ok() ? *r.scenario : Scenario{};
  s.start = kStart;
  return s;
}

const FlinkCluster* ClusterNamed(const World& w, const std::string& name) {
  for (const auto& c : w.flink) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::set<std::string> TaskIds(const World& w) {
  std::set<std::string> ids;
  for (const auto& t : w.mesos.tasks) ids.insert(t.framework_id + "/" + t.id + "/" + t.state);
  return ids;
}

TEST(EngineRepeat, TimelineEndIsTheLastMomentOfAnyIncidentOrFault) {
  Scenario s;
  EXPECT_EQ(TimelineEnd(s), 0);
  IncidentSpec open_ended;
  open_ended.at = 70 * kSec;  // no until: ends where it starts
  IncidentSpec bounded;
  bounded.at = 10 * kSec;
  bounded.until = 50 * kSec;
  IncidentSpec upgrade;
  upgrade.at = 40 * kSec;
  upgrade.downtime = 45 * kSec;  // down until 85 s
  s.incidents = {open_ended, bounded, upgrade};
  EXPECT_EQ(TimelineEnd(s), 85 * kSec);
  FaultSpec fault;
  fault.at = 60 * kSec;
  fault.until = 95 * kSec;
  s.faults = {fault};
  EXPECT_EQ(TimelineEnd(s), 95 * kSec);
}

TEST(EngineRepeat, WithoutRepeatTheWorldNeverRestarts) {
  Engine e(Incidents(), [] { return kStart; });
  e.AdvanceTo(kStart + 30 * kMin);
  EXPECT_EQ(e.Passes(), 0u);
  EXPECT_EQ(e.StartTime(), kStart);
  EXPECT_EQ(e.TimelineNow(), e.Now());
  // The failover at 6 min is never undone.
  EXPECT_EQ(e.Read([](const World& w) { return w.mesos.leader; }), 1);
}

TEST(EngineRepeat, EachPassReplaysTheTimelineFromAFreshWorld) {
  const Scenario scenario = Incidents();
  const Millis pass = TimelineEnd(scenario) + kMin;
  Engine once(scenario, [] { return kStart; });
  Engine repeating(scenario, [] { return kStart; });
  repeating.RepeatEvery(pass);

  repeating.AdvanceTo(kStart + pass - kSec);
  EXPECT_EQ(repeating.Passes(), 0u);
  EXPECT_EQ(repeating.Read([](const World& w) { return w.mesos.leader; }), 1);  // after the failover

  // Second pass, before its failover and during its JobManager outage (5-6 min).
  repeating.AdvanceTo(kStart + pass + 5 * kMin + 30 * kSec);
  once.AdvanceTo(kStart + 5 * kMin + 30 * kSec);
  EXPECT_EQ(repeating.Passes(), 1u);
  EXPECT_EQ(repeating.StartTime(), kStart + pass);
  EXPECT_EQ(repeating.Now(), kStart + pass + 5 * kMin + 30 * kSec);
  EXPECT_EQ(repeating.TimelineNow(), kStart + 5 * kMin + 30 * kSec);
  repeating.Read([&](const World& w) {
    EXPECT_EQ(w.mesos.leader, 0);
    const FlinkCluster* reporting = ClusterNamed(w, "reporting");
    EXPECT_NE(reporting, nullptr);
    if (reporting != nullptr) {
      EXPECT_FALSE(reporting->reachable);
    }
    // The same seed: the same tasks in the same states as the first pass at that offset.
    EXPECT_EQ(TaskIds(w), once.Read([](const World& first) { return TaskIds(first); }));
    return 0;
  });

  // Several passes at once (a long jump) land in the right pass.
  repeating.AdvanceTo(kStart + 4 * pass + 6 * kMin);
  EXPECT_EQ(repeating.Passes(), 4u);
  EXPECT_EQ(repeating.StartTime(), kStart + 4 * pass);
  EXPECT_EQ(repeating.Read([](const World& w) { return w.mesos.leader; }), 1);  // this pass's failover
  EXPECT_TRUE(repeating.Warnings().empty());
}

TEST(EngineRepeat, ServerSetupAndEventSequenceCarryOver) {
  const Scenario scenario = Incidents();
  const Millis pass = TimelineEnd(scenario) + kMin;
  Engine e(scenario, [] { return kStart; });
  e.RepeatEvery(pass);
  e.Mutate([](World& w) {
    for (std::size_t i = 0; i < w.mesos.masters.size(); ++i) {
      w.mesos.masters[i].hostname = "sim.example";
      w.mesos.masters[i].port = 7000;
      w.mesos.masters[i].path_prefix = "/m" + std::to_string(i + 1);
    }
    for (std::size_t i = 0; i < w.flink.size(); ++i) w.flink[i].rest_url = "http://sim.example:" + std::to_string(9000 + i);
  });
  e.AdvanceTo(kStart + pass - kSec);
  const uint64_t last_sequence = e.Read([](const World& w) { return w.mesos.next_event_sequence - 1; });
  ASSERT_GT(last_sequence, 0u);

  e.AdvanceTo(kStart + pass + 45 * kSec);  // past the health-check flaps at 30 s: new events
  e.Read([&](const World& w) {
    for (std::size_t i = 0; i < w.mesos.masters.size(); ++i) {
      EXPECT_EQ(w.mesos.masters[i].hostname, "sim.example");
      EXPECT_EQ(w.mesos.masters[i].port, 7000);
      EXPECT_EQ(w.mesos.masters[i].path_prefix, "/m" + std::to_string(i + 1));
    }
    for (std::size_t i = 0; i < w.flink.size(); ++i) {
      EXPECT_EQ(w.flink[i].rest_url, "http://sim.example:" + std::to_string(9000 + i));
      if (!w.flink[i].on_mesos) continue;
      for (const auto& f : w.mesos.frameworks) {
        if (f.id == w.flink[i].framework_id) {
          EXPECT_EQ(f.webui_url, w.flink[i].rest_url);
        }
      }
    }
    // A stream that saw the old pass's last event finds a gap before the new pass's first.
    EXPECT_FALSE(w.mesos.events.empty());
    if (!w.mesos.events.empty()) {
      EXPECT_GT(w.mesos.events.front().sequence, last_sequence + 1);
    }
    return 0;
  });
}

}  // namespace
}  // namespace fme::sim
