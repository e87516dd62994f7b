// The request budget of one FlinkSource poll (docs/design.md "Flink request budget"), counted
// on a simulated 1.13 cluster of 20 running jobs x 10 vertices: at most
// 2 + 4 x jobs + vertices requests for the jobs plus 2 + TaskManagers for the processes, and
// in steady state 2 + 3 x jobs + vertices + 2 + TaskManagers. Nothing per subtask by default.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "flink_sim_harness.h"

namespace fme::testing {
namespace {

constexpr int kJobs = 20;
constexpr int kVertices = 10;

sim::Scenario BudgetScenario() {
  sim::Scenario s;
  s.name = "budget";
  s.seed = 7;
  s.start = kStart;
  sim::FlinkClusterSpec c;
  c.name = "big";
  c.version = "1.13.6";
  c.on_mesos = false;
  c.taskmanagers = 5;
  c.slots = 4;
  sim::JobSpec j;
  j.name = "pipeline";
  j.count = kJobs;
  j.vertices = kVertices;
  j.parallelism = 2;
  c.jobs = {j};
  s.flink = {c};
  return s;
}

class FlinkRequestBudgetTest : public ::testing::Test {
 protected:
  FlinkRequestBudgetTest() : world_(BudgetScenario()), source_(world_.Source("big")) {}

  // Polls once at `offset` and returns how many requests that poll made.
  std::size_t PollAt(sim::Millis offset) {
    world_.time.At(offset);
    world_.http.ClearRequests();
    const Result<Observation> r = world_.Poll(*source_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (const FlinkObservation* obs = AsFlink(r)) {
      EXPECT_EQ(obs->jobs.size(), static_cast<std::size_t>(kJobs));
      EXPECT_TRUE(obs->endpoint_errors.empty());
    }
    return world_.http.requests().size();
  }

  std::size_t Budget() const {
    return 2 + 4 * sizes_.jobs + sizes_.vertices + 2 + sizes_.taskmanagers;
  }
  std::size_t SteadyCost() const {
    return 2 + 3 * sizes_.jobs + sizes_.vertices + 2 + sizes_.taskmanagers;
  }

  // No per-subtask metrics and no backpressure endpoint (neither is on by default).
  void ExpectNoPerSubtaskCalls() {
    static const std::regex kPerSubtask(R"(/subtasks/[0-9]+/metrics)");
    for (const auto& r : world_.http.requests()) {
      EXPECT_FALSE(std::regex_search(r.url, kPerSubtask)) << r.url;
      EXPECT_EQ(r.url.find("/backpressure"), std::string::npos) << r.url;
    }
  }

  SimWorld world_;
  std::unique_ptr<FlinkSource> source_;
  SimWorld::Sizes sizes_ = world_.SizesOf("big");
};

TEST_F(FlinkRequestBudgetTest, WorldHasTheIntendedSize) {
  EXPECT_EQ(sizes_.jobs, static_cast<std::size_t>(kJobs));
  EXPECT_EQ(sizes_.vertices, static_cast<std::size_t>(kJobs * kVertices));
  EXPECT_GT(sizes_.taskmanagers, 0u);
}

TEST_F(FlinkRequestBudgetTest, FirstPollStaysWithinBudgetPlusTheVersionProbe) {
  const std::size_t first = PollAt(0);
  // Round 0 (/config) comes on top of the summary formula: it is the one request the design's
  // table lists as "0-1" and the "at most" sentence leaves out.
  EXPECT_EQ(world_.http.Count("/config"), 1u);
  EXPECT_LE(first, Budget() + 1);
  // Every job's checkpoint configuration is fetched on the first poll (the 4th call per job).
  EXPECT_EQ(world_.http.Count("/jobs/:jobid/checkpoints/config"), sizes_.jobs);
  EXPECT_EQ(world_.http.Count("/jobs/:jobid/exceptions"), 0u);
  EXPECT_EQ(first, 1 + Budget());
  ExpectNoPerSubtaskCalls();
  RecordProperty("first_poll_requests", static_cast<int>(first));
  RecordProperty("budget", static_cast<int>(Budget()));
}

TEST_F(FlinkRequestBudgetTest, SteadyPollCostsThreeCallsPerJobPlusVertices) {
  PollAt(0);
  const std::size_t second = PollAt(15 * kSec);
  const std::size_t third = PollAt(30 * kSec);
  EXPECT_LE(second, Budget());
  EXPECT_EQ(second, SteadyCost());
  EXPECT_EQ(third, SteadyCost());
  // Cached: the version and every job's checkpoint configuration.
  EXPECT_EQ(world_.http.Count("/config"), 0u);
  EXPECT_EQ(world_.http.Count("/jobs/:jobid/checkpoints/config"), 0u);
  EXPECT_EQ(world_.http.CountIf([](const auto& r) { return r.url.find("/checkpoints/config") != std::string::npos; }),
            0u);
  EXPECT_EQ(world_.http.Count("/jobs/:jobid/vertices/:vertexid/subtasks/metrics"), sizes_.vertices);
  EXPECT_EQ(world_.http.Count("/taskmanagers/:taskmanagerid/metrics"), sizes_.taskmanagers);
  ExpectNoPerSubtaskCalls();
  RecordProperty("steady_poll_requests", static_cast<int>(second));
}

}  // namespace
}  // namespace fme::testing
