// The `upgrade` scenario through the Flink source: each redeployment of a job (from a savepoint,
// under a new job id) counts once in flink_job_deployments_total, and the old job id's series
// are gone after the terminal-job TTL.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "flink_sim_harness.h"
#include "scenario/scenario_loader.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::testing {
namespace {

sim::Scenario LoadUpgrade() {
  auto r = sim::LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/upgrade.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  sim::Scenario s = r.ok() ? *r.scenario : sim::Scenario{};
  s.start = kStart;
  return s;
}

double Deployments(const FlinkObservation& obs, const std::string& name) {
  for (const auto& [n, count] : obs.deployments) {
    if (n == name) return count;
  }
  return -1;
}

TEST(FlinkUpgradeTest, RedeployCountsOnceAndTheOldJobGoesAfterItsTtl) {
  SimWorld world(LoadUpgrade());
  const std::string old_id = world.JobId("flink-payments", "payments-ingest");
  ASSERT_FALSE(old_id.empty());
  FlinkCollectSettings collect;
  collect.terminal_job_ttl = std::chrono::seconds(90);
  auto source = world.Source("flink-payments", collect);

  // Before the redeploy at 1:00: the baseline.
  std::map<sim::Millis, double> seen;
  for (sim::Millis t = 0; t < 60 * kSec; t += 15 * kSec) {
    world.time.At(t);
    auto r = world.Poll(*source);
    const FlinkObservation* obs = AsFlink(r);
    ASSERT_NE(obs, nullptr) << "at " << t / kSec << " s: " << r.status().ToString();
    EXPECT_EQ(Deployments(*obs, "payments-ingest"), 0) << "at " << t / kSec << " s";
    EXPECT_NE(FindJob(*obs, old_id), nullptr);
  }
  // From 1:00 to just before the second redeploy (payments-aggregate at 2:00) and beyond.
  for (sim::Millis t = 60 * kSec; t <= 225 * kSec; t += 15 * kSec) {
    world.time.At(t);
    auto r = world.Poll(*source);
    const FlinkObservation* obs = AsFlink(r);
    ASSERT_NE(obs, nullptr) << "at " << t / kSec << " s: " << r.status().ToString();
    seen[t] = Deployments(*obs, "payments-ingest");
    const std::string new_id = world.JobId("flink-payments", "payments-ingest");
    if (new_id != old_id) {
      EXPECT_EQ(seen[t], 1) << "at " << t / kSec << " s: one redeploy, counted once";
      ASSERT_NE(FindJob(*obs, new_id), nullptr) << "at " << t / kSec << " s";
    }
    // The old job ended at about 1:00; 90 s later its series are gone.
    if (t >= 165 * kSec) {
      EXPECT_EQ(FindJob(*obs, old_id), nullptr) << "at " << t / kSec << " s: still there";
    }
  }
  EXPECT_EQ(seen[225 * kSec], 1);
  EXPECT_NE(world.JobId("flink-payments", "payments-ingest"), old_id) << "the scenario redeployed";
}

}  // namespace
}  // namespace fme::testing
