// The backpressure endpoint of Flink <= 1.12 makes the JobManager sample every subtask's stack
// 100 times, so FlinkSource never calls it unless `backpressure_sampling` is on, and then at most
// once per vertex per `backpressure_sampling_interval`. Checked on a simulated 1.9 cluster with
// one backpressured vertex, polled every 15 s for five minutes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "flink_sim_harness.h"

namespace fme::testing {
namespace {

sim::Scenario SamplingScenario() {
  sim::Scenario s;
  s.name = "sampling";
  s.seed = 11;
  s.start = kStart;
  auto cluster = [](const std::string& name, const std::string& version) {
    sim::FlinkClusterSpec c;
    c.name = name;
    c.version = version;
    c.on_mesos = false;
    sim::JobSpec ingest;
    ingest.name = "ingest";
    ingest.vertices = 3;
    sim::JobSpec enrich;
    enrich.name = "enrich";
    enrich.vertices = 2;
    c.jobs = {ingest, enrich};
    return c;
  };
  s.flink = {cluster("legacy", "1.9.3"), cluster("modern", "1.13.6")};
  sim::IncidentSpec bp;
  bp.type = "backpressure";
  bp.at = 0;
  bp.cluster = "legacy";
  bp.job = "ingest";
  bp.vertex = "1";
  bp.ratio = 0.85;
  s.incidents = {bp};
  return s;
}

constexpr sim::Millis kFirstPoll = 30 * kSec;
constexpr sim::Millis kLastPoll = kFirstPoll + 5 * kMin;
constexpr const char* kBackpressure = "/jobs/:jobid/vertices/:vertexid/backpressure";

class FlinkBackpressureSamplingTest : public ::testing::Test {
 protected:
  FlinkBackpressureSamplingTest() : world_(SamplingScenario()) {}

  // Polls `cluster` every 15 s from kFirstPoll to kLastPoll; returns the observations.
  std::vector<FlinkObservation> PollEvery15s(FlinkSource& source) {
    std::vector<FlinkObservation> seen;
    for (sim::Millis t = kFirstPoll; t <= kLastPoll; t += 15 * kSec) {
      world_.time.At(t);
      const Result<Observation> r = world_.Poll(source);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (const FlinkObservation* obs = AsFlink(r)) seen.push_back(*obs);
    }
    return seen;
  }

  // Simulated times of the backpressure calls, per vertex id.
  std::map<std::string, std::vector<sim::Millis>> BackpressureCalls() const {
    std::map<std::string, std::vector<sim::Millis>> calls;
    for (const auto& r : world_.http.requests()) {
      if (r.endpoint != kBackpressure) continue;
      const std::size_t end = r.url.rfind("/backpressure");
      const std::size_t begin = r.url.rfind('/', end - 1) + 1;
      calls[r.url.substr(begin, end - begin)].push_back(r.at);
    }
    return calls;
  }

  SimWorld world_;
};

TEST_F(FlinkBackpressureSamplingTest, NeverCalledByDefault) {
  auto source = world_.Source("legacy");
  const auto seen = PollEvery15s(*source);
  ASSERT_EQ(seen.size(), 21u);
  EXPECT_EQ(world_.http.Count(kBackpressure), 0u);
  EXPECT_EQ(world_.http.CountIf([](const auto& r) { return r.url.find("/backpressure") != std::string::npos; }), 0u);
  // Without sampling a 1.9 cluster reports no level (it has no back-pressured time metric).
  for (const FlinkObservation& obs : seen) {
    for (const FlinkJob& j : obs.jobs) {
      for (const FlinkVertex& v : j.vertices) EXPECT_FALSE(v.backpressure_level.has_value()) << v.name;
    }
  }
}

TEST_F(FlinkBackpressureSamplingTest, SampledAtMostOncePerVertexPerInterval) {
  FlinkCollectSettings collect;
  collect.backpressure_sampling = true;
  collect.backpressure_sampling_interval = std::chrono::minutes(1);
  auto source = world_.Source("legacy", collect);
  const auto seen = PollEvery15s(*source);
  ASSERT_EQ(seen.size(), 21u);

  const auto calls = BackpressureCalls();
  const SimWorld::Sizes sizes = world_.SizesOf("legacy");
  EXPECT_EQ(calls.size(), sizes.vertices);  // every vertex is sampled
  for (const auto& [vertex, times] : calls) {
    // Five minutes at one call per minute, first poll included: 0, 1, 2, 3, 4, 5 min.
    EXPECT_EQ(times.size(), 6u) << vertex;
    for (std::size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 1 * kMin) << vertex << " call " << i;
    }
  }
  EXPECT_LE(world_.http.Count(kBackpressure), sizes.vertices * 6);

  // The sample's level is reported at every poll, also between samples (from memory).
  const std::string ingest = world_.JobId("legacy", "ingest");
  const std::string hot = world_.VertexIds("legacy", ingest).at(1);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const FlinkJob* job = FindJob(seen[i], ingest);
    ASSERT_NE(job, nullptr) << "poll " << i;
    for (const FlinkVertex& v : job->vertices) {
      ASSERT_TRUE(v.backpressure_level.has_value()) << "poll " << i << " " << v.name;
      if (v.id == hot) {
        EXPECT_EQ(*v.backpressure_level, FlinkBackpressureLevel::kHigh) << "poll " << i;
      }
      EXPECT_TRUE(v.subtasks.empty()) << "per-subtask series are a separate opt-in";
    }
  }
}

TEST_F(FlinkBackpressureSamplingTest, SamplingSettingDoesNothingOnMetricBasedVersions) {
  FlinkCollectSettings collect;
  collect.backpressure_sampling = true;
  auto source = world_.Source("modern", collect);
  const auto seen = PollEvery15s(*source);
  ASSERT_EQ(seen.size(), 21u);
  EXPECT_EQ(world_.http.Count(kBackpressure), 0u);
  // 1.13 computes the level from the back-pressured time metric instead.
  for (const FlinkJob& j : seen.back().jobs) {
    for (const FlinkVertex& v : j.vertices) EXPECT_TRUE(v.backpressure_level.has_value()) << v.name;
  }
}

}  // namespace
}  // namespace fme::testing
