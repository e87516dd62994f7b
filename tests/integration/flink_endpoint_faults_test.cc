// Partial failures (docs/design.md "Partial failures"): one per-job or per-vertex call failing
// (HTTP 500, no answer in time, a malformed or truncated body) removes only the series that call
// gives, for that poll, and is reported in endpoint_errors; the poll succeeds, the rest of the
// job and every other job are untouched, and the next poll recovers.
//
// A simulated 1.13 cluster of three jobs; a wrapper breaks one endpoint of one job for the second
// of three polls.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "flink_sim_harness.h"
#include "support/fault_injecting_http_client.h"

namespace fme::testing {
namespace {

sim::Scenario ThreeJobs() {
  sim::Scenario s;
  s.name = "faults";
  s.seed = 5;
  s.start = kStart;
  sim::FlinkClusterSpec c;
  c.name = "flink";
  c.version = "1.13.6";
  c.on_mesos = true;
  c.taskmanagers = 2;
  c.slots = 4;
  for (const char* name : {"alpha", "beta", "gamma"}) {
    sim::JobSpec j;
    j.name = name;
    j.vertices = 3;
    j.parallelism = 2;
    c.jobs.push_back(j);
  }
  s.flink = {c};
  return s;
}

// Which call of the job "alpha" breaks.
enum class Target { kCheckpoints, kDetails, kVertexMetrics };

struct FaultCase {
  Target target;
  InjectedFault fault;
};

std::string TargetName(Target t) {
  switch (t) {
    case Target::kCheckpoints: return "Checkpoints";
    case Target::kDetails: return "Details";
    case Target::kVertexMetrics: return "VertexMetrics";
  }
  return "?";
}

std::string FaultName(InjectedFault f) {
  switch (f) {
    case InjectedFault::kStatus500: return "Status500";
    case InjectedFault::kHang: return "Hang";
    case InjectedFault::kMalformed: return "Malformed";
    case InjectedFault::kTruncated: return "Truncated";
  }
  return "?";
}

std::string KindOf(InjectedFault f) {
  switch (f) {
    case InjectedFault::kStatus500: return "http_status";
    case InjectedFault::kHang: return "timeout";
    case InjectedFault::kMalformed:
    case InjectedFault::kTruncated: return "parse";
  }
  return "?";
}

// Every load field the aggregated subtask metrics give a 1.13 vertex.
bool HasLoad(const FlinkVertex& v) {
  return v.busy_ratio.max && v.backpressured_ratio.max && v.idle_ratio.max && v.records_in &&
         v.backpressure_level;
}
bool HasNoLoad(const FlinkVertex& v) {
  return !v.busy_ratio.max && !v.backpressured_ratio.max && !v.idle_ratio.max && !v.records_in &&
         !v.records_out && !v.backpressure_level;
}

class FlinkEndpointFaultTest : public ::testing::TestWithParam<FaultCase> {
 protected:
  FlinkEndpointFaultTest() : world_(ThreeJobs()), faulty_(world_.http) {
    source_ = world_.Source("flink", {}, &faulty_);
    alpha_ = world_.JobId("flink", "alpha");
    alpha_vertices_ = world_.VertexIds("flink", alpha_);
    for (const char* name : {"beta", "gamma"}) others_.push_back(world_.JobId("flink", name));
  }

  FlinkObservation PollAt(sim::Millis offset) {
    world_.time.At(offset);
    const Result<Observation> r = world_.Poll(*source_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    const FlinkObservation* obs = AsFlink(r);
    return obs != nullptr ? *obs : FlinkObservation{};
  }

  // Everything about a job that a clean poll gives.
  void ExpectComplete(const FlinkObservation& obs, const std::string& id) {
    const FlinkJob* job = FindJob(obs, id);
    ASSERT_NE(job, nullptr) << id;
    EXPECT_EQ(job->state, FlinkJobState::kRunning) << id;
    EXPECT_TRUE(job->state_since_timestamp.has_value()) << id;
    EXPECT_TRUE(job->restarts.has_value()) << id;
    EXPECT_TRUE(job->checkpoints.has_value()) << id;
    EXPECT_TRUE(job->checkpoint_config.has_value()) << id;
    ASSERT_EQ(job->vertices.size(), 3u) << id;
    for (const FlinkVertex& v : job->vertices) EXPECT_TRUE(HasLoad(v)) << id << " " << v.name;
  }

  SimWorld world_;
  FaultInjectingHttpClient faulty_;
  std::unique_ptr<FlinkSource> source_;
  std::string alpha_;
  std::vector<std::string> alpha_vertices_;
  std::vector<std::string> others_;
};

TEST_P(FlinkEndpointFaultTest, OnlyTheSeriesOfTheBrokenCallGoForThatPoll) {
  const auto [target, fault] = GetParam();
  ASSERT_EQ(alpha_vertices_.size(), 3u);
  std::string pattern, endpoint;
  switch (target) {
    case Target::kCheckpoints:
      pattern = "/jobs/" + alpha_ + "/checkpoints";
      endpoint = "/jobs/:jobid/checkpoints";
      break;
    case Target::kDetails:
      pattern = "/jobs/" + alpha_;
      endpoint = "/jobs/:jobid";
      break;
    case Target::kVertexMetrics:
      pattern = "/jobs/" + alpha_ + "/vertices/" + alpha_vertices_[1] + "/subtasks/metrics";
      endpoint = "/jobs/:jobid/vertices/:vertexid/subtasks/metrics";
      break;
  }

  const FlinkObservation clean = PollAt(0);
  EXPECT_TRUE(clean.endpoint_errors.empty());
  ExpectComplete(clean, alpha_);

  faulty_.Inject(pattern, fault);
  world_.http.ClearRequests();
  const FlinkObservation broken = PollAt(15 * kSec);
  EXPECT_EQ(faulty_.injected(), 1u);
  ASSERT_EQ(broken.endpoint_errors.size(), 1u);
  EXPECT_EQ(broken.endpoint_errors[0].endpoint, endpoint);
  EXPECT_EQ(broken.endpoint_errors[0].kind, KindOf(fault));
  for (const std::string& id : others_) ExpectComplete(broken, id);

  const FlinkJob* job = FindJob(broken, alpha_);
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->name, "alpha");
  EXPECT_EQ(job->state, FlinkJobState::kRunning);
  EXPECT_TRUE(job->start_timestamp.has_value());
  EXPECT_TRUE(job->restarts.has_value());
  EXPECT_TRUE(job->checkpoint_config.has_value());  // cached from the first poll
  switch (target) {
    case Target::kCheckpoints:
      EXPECT_FALSE(job->checkpoints.has_value());
      EXPECT_TRUE(job->state_since_timestamp.has_value());
      ASSERT_EQ(job->vertices.size(), 3u);
      for (const FlinkVertex& v : job->vertices) EXPECT_TRUE(HasLoad(v)) << v.name;
      break;
    case Target::kDetails:
      // The state comes from the job list; vertices only from the details.
      EXPECT_TRUE(job->checkpoints.has_value());
      EXPECT_TRUE(job->vertices.empty());
      EXPECT_EQ(world_.http.CountIf([&](const auto& r) {
                  return r.url.find("/jobs/" + alpha_ + "/vertices/") != std::string::npos;
                }),
                0u);
      break;
    case Target::kVertexMetrics:
      EXPECT_TRUE(job->checkpoints.has_value());
      ASSERT_EQ(job->vertices.size(), 3u);
      for (const FlinkVertex& v : job->vertices) {
        EXPECT_GT(v.parallelism, 0) << v.name;  // structure from the details stays
        if (v.id == alpha_vertices_[1]) {
          EXPECT_TRUE(HasNoLoad(v)) << v.name;
        } else {
          EXPECT_TRUE(HasLoad(v)) << v.name;
        }
      }
      break;
  }

  faulty_.Clear();
  const FlinkObservation recovered = PollAt(30 * kSec);
  EXPECT_TRUE(recovered.endpoint_errors.empty());
  ExpectComplete(recovered, alpha_);
  for (const std::string& id : others_) ExpectComplete(recovered, id);
}

std::vector<FaultCase> AllCases() {
  std::vector<FaultCase> cases;
  for (Target t : {Target::kCheckpoints, Target::kDetails, Target::kVertexMetrics}) {
    for (InjectedFault f : {InjectedFault::kStatus500, InjectedFault::kHang, InjectedFault::kMalformed,
                            InjectedFault::kTruncated}) {
      cases.push_back({t, f});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Endpoints, FlinkEndpointFaultTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<FaultCase>& p) {
                           return TargetName(p.param.target) + FaultName(p.param.fault);
                         });

// The restarts call (/jobs/:jobid/metrics) failing after a restart: the restarts series goes for
// that poll, but the last known failure stays (it is still the newest one known).
TEST(FlinkJobMetricsFaultTest, LastFailureSurvivesAFailedRestartsCall) {
  sim::Scenario s = ThreeJobs();
  sim::IncidentSpec oom;
  oom.type = "taskmanager_oom";
  oom.at = 1 * kMin;
  oom.cluster = "flink";
  oom.taskmanager = "taskmanager-00001";
  s.incidents = {oom};
  SimWorld world(s);
  FaultInjectingHttpClient faulty(world.http);
  auto source = world.Source("flink", {}, &faulty);
  auto poll = [&](sim::Millis t) {
    world.time.At(t);
    const Result<Observation> r = world.Poll(*source);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    const FlinkObservation* obs = AsFlink(r);
    return obs != nullptr ? *obs : FlinkObservation{};
  };
  for (sim::Millis t = 0; t <= 2 * kMin; t += 15 * kSec) poll(t);

  // A job that restarted (every job with a subtask on the killed TaskManager).
  const std::string restarted = world.engine.Read([](const sim::World& w) {
    for (const sim::Job& j : w.flink.at(0).jobs) {
      if (j.restarts > 0) return j.id;
    }
    return std::string();
  });
  ASSERT_FALSE(restarted.empty());
  const FlinkObservation before = poll(2 * kMin + 15 * kSec);
  const FlinkJob* job = FindJob(before, restarted);
  ASSERT_NE(job, nullptr);
  ASSERT_EQ(job->state, FlinkJobState::kRunning);
  ASSERT_EQ(job->restarts, 1);
  ASSERT_TRUE(job->last_failure.has_value());
  const FlinkJobFailure known = *job->last_failure;

  faulty.Inject("/jobs/" + restarted + "/metrics", InjectedFault::kStatus500);
  const FlinkObservation broken = poll(2 * kMin + 30 * kSec);
  ASSERT_EQ(broken.endpoint_errors.size(), 1u);
  EXPECT_EQ(broken.endpoint_errors[0].endpoint, "/jobs/:jobid/metrics");
  EXPECT_EQ(broken.endpoint_errors[0].kind, "http_status");
  job = FindJob(broken, restarted);
  ASSERT_NE(job, nullptr);
  EXPECT_FALSE(job->restarts.has_value());
  ASSERT_TRUE(job->last_failure.has_value());
  EXPECT_EQ(job->last_failure->timestamp, known.timestamp);
  EXPECT_EQ(job->last_failure->exception, known.exception);

  faulty.Clear();
  const FlinkObservation recovered = poll(2 * kMin + 45 * kSec);
  EXPECT_TRUE(recovered.endpoint_errors.empty());
  job = FindJob(recovered, restarted);
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->restarts, 1);
  ASSERT_TRUE(job->last_failure.has_value());
  EXPECT_EQ(job->last_failure->timestamp, known.timestamp);
}

}  // namespace
}  // namespace fme::testing
