// FlinkSource's job handling against canned responses: what it asks for (and does not), the
// TTL of ended jobs, partial failures, include/exclude and version changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "flink/flink_jvm_metrics.h"
#include "flink/flink_source.h"
#include "flink/flink_vertex_metrics.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"

namespace fme {
namespace {

constexpr const char* kJm = "http://jm:8081";
// FakeClock's wall time starts at 2026-01-01T00:00:00Z.
constexpr int64_t kStartMs = 1767225600000;

std::string Config(const std::string& version) {
  return R"({"refresh-interval":3000,"flink-version":")" + version +
         R"(","flink-revision":"abc @ 2022"})";
}
std::string Overview(const std::string& version) {
  return R"({"taskmanagers":1,"slots-total":4,"slots-available":1,"jobs-running":1,)"
         R"("jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":")" +
         version + R"(","flink-commit":"abc"})";
}
std::string JobElement(const std::string& id, const std::string& name, const std::string& state,
                       int64_t end_ms = -1) {
  return R"({"jid":")" + id + R"(","name":")" + name + R"(","state":")" + state +
         R"(","start-time":)" + std::to_string(kStartMs - 600000) + R"(,"end-time":)" +
         std::to_string(end_ms) + R"(,"duration":1,"last-modification":1,"tasks":{"total":2}})";
}
std::string Details(const std::string& id, const std::string& name, const std::string& state) {
  return R"({"jid":")" + id + R"(","name":")" + name + R"(","isStoppable":false,"state":")" +
         state + R"(","start-time":)" + std::to_string(kStartMs - 600000) +
         R"(,"end-time":-1,"duration":1,"now":1,"timestamps":{")" + state + R"(":)" +
         std::to_string(kStartMs - 300000) +
         R"(},"vertices":[{"id":"v1","name":"Source","parallelism":2,"status":"RUNNING",)"
         R"("tasks":{"RUNNING":2}},{"id":"v2","name":"Sink","parallelism":2,"status":"RUNNING",)"
         R"("tasks":{"RUNNING":1,"DEPLOYING":1}}],"status-counts":{"RUNNING":2},"plan":{}})";
}
constexpr const char* kCheckpoints =
    R"({"counts":{"restored":0,"total":12,"in_progress":0,"completed":10,"failed":2},)"
    R"("summary":{},"latest":{"completed":{"className":"completed","id":12,"status":"COMPLETED",)"
    R"("is_savepoint":false,"trigger_timestamp":1767225590000,"latest_ack_timestamp":1767225591500,)"
    R"("state_size":1024,"end_to_end_duration":1500},"savepoint":null,"failed":null,"restored":null},)"
    R"("history":[]})";
constexpr const char* kCheckpointConfig =
    R"({"mode":"exactly_once","interval":10000,"timeout":600000,"min_pause":0,"max_concurrent":1,)"
    R"("externalization":{"enabled":false,"delete_on_cancellation":true}})";
constexpr const char* kAggregates =
    R"([{"id":"backPressuredTimeMsPerSecond","min":0,"max":900,"avg":450,"sum":900},)"
    R"({"id":"numRecordsIn","min":10,"max":20,"avg":15,"sum":30}])";

class FlinkSourceJobsTest : public ::testing::Test {
 protected:
  FlinkSourceJobsTest() {
    config.name = "analytics";
    config.rest_url = kJm;
  }

  // A 1.13 cluster with the given jobs, each with two vertices and complete data.
  void Serve(const std::vector<std::tuple<std::string, std::string, std::string>>& jobs,
             const std::string& version = "1.13.6") {
    http.Respond(Url("/config"), 200, Config(version));
    http.Respond(Url("/overview"), 200, Overview(version));
    http.Respond(Url("/taskmanagers"), 200, R"({"taskmanagers":[]})");
    http.Respond(Url("/jobmanager/metrics" + JvmMetricsQuery()), 200,
                 R"([{"id":"Status.JVM.Memory.Heap.Used","value":"1024"}])");
    std::string list = R"({"jobs":[)";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& [id, name, state] = jobs[i];
      if (i > 0) list += ",";
      list += JobElement(id, name, state);
      ServeJob(id, name, state);
    }
    http.Respond(Url(version.rfind("1.4", 0) == 0 ? "/joboverview" : "/jobs/overview"), 200,
                 list + "]}");
  }
  void ServeJob(const std::string& id, const std::string& name, const std::string& state) {
    const std::string base = "/jobs/" + id;
    http.Respond(Url(base), 200, Details(id, name, state));
    http.Respond(Url(base + "/metrics?get=numRestarts,fullRestarts"), 200,
                 R"([{"id":"numRestarts","value":"0"}])");
    http.Respond(Url(base + "/checkpoints"), 200, kCheckpoints);
    http.Respond(Url(base + "/checkpoints/config"), 200, kCheckpointConfig);
    http.Respond(Url(base + "/exceptions?maxExceptions=1"), 200,
                 R"({"exceptionHistory":{"entries":[{"exceptionName":"java.lang.OutOfMemoryError",)"
                 R"("stacktrace":"x","timestamp":1767225000000,"taskManagerId":"taskmanager-00002"}],)"
                 R"("truncated":false}})");
    for (const char* v : {"v1", "v2"}) {
      http.Respond(Url(base + "/vertices/" + v + "/subtasks/metrics" + VertexMetricsQuery()), 200,
                   kAggregates);
    }
  }
  static std::string Url(const std::string& path) { return kJm + path; }

  FlinkObservation PollOk(FlinkSource& src) {
    auto r = src.Poll(clock.Steady() + std::chrono::seconds(10));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    return std::get<FlinkObservation>(*r);
  }
  int Requests() const { return static_cast<int>(http.requests().size()); }
  int RequestsMatching(const std::string& needle) const {
    int n = 0;
    for (const auto& r : http.requests()) n += r.url.find(needle) != std::string::npos;
    return n;
  }

  FlinkClusterConfig config;
  testing::FakeHttpClient http;
  testing::FakeClock clock;
};

TEST_F(FlinkSourceJobsTest, FirstPollReadsEveryJobWithinTheBudget) {
  Serve({{"a1", "orders", "RUNNING"}, {"b2", "payments", "RUNNING"}});
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 2u);
  const FlinkJob& j = obs.jobs[0];
  EXPECT_EQ(j.id, "a1");
  EXPECT_EQ(j.name, "orders");
  EXPECT_EQ(j.state, FlinkJobState::kRunning);
  EXPECT_EQ(j.restarts, 0);
  ASSERT_TRUE(j.checkpoints.has_value());
  EXPECT_EQ(j.checkpoints->completed, 10);
  EXPECT_EQ(j.checkpoints->failed, 2);
  ASSERT_TRUE(j.checkpoint_config.has_value());
  EXPECT_DOUBLE_EQ(*j.checkpoint_config->interval_seconds, 10.0);
  EXPECT_FALSE(j.last_failure.has_value()) << "no restarts: the exceptions are not read";
  ASSERT_EQ(j.vertices.size(), 2u);
  EXPECT_DOUBLE_EQ(*j.vertices[0].backpressured_ratio.max, 0.9);
  EXPECT_EQ(j.vertices[0].backpressure_level, FlinkBackpressureLevel::kHigh);
  EXPECT_DOUBLE_EQ(*j.vertices[1].records_in, 30.0);
  EXPECT_TRUE(obs.endpoint_errors.empty());
  // /config + 2 + 2 process calls + per job (details, restarts, checkpoints, config) + vertices.
  EXPECT_EQ(Requests(), 1 + 2 + 2 + 2 * 4 + 2 * 2);
  EXPECT_EQ(RequestsMatching("/exceptions"), 0);
}

TEST_F(FlinkSourceJobsTest, SteadyStateSkipsCachedConfigAndUnchangedFailures) {
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  PollOk(src);
  const int first = Requests();
  PollOk(src);
  EXPECT_EQ(Requests() - first, 2 + 2 + 3 + 2) << "no /config, no checkpoint config";
  EXPECT_EQ(RequestsMatching("/checkpoints/config"), 1);
  EXPECT_EQ(RequestsMatching("/config"), 2) << "/config once, /checkpoints/config once";
}

TEST_F(FlinkSourceJobsTest, ExceptionsAreReadWhenRestartsChange) {
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  PollOk(src);
  http.Respond(Url("/jobs/a1/metrics?get=numRestarts,fullRestarts"), 200,
               R"([{"id":"numRestarts","value":"3"}])");
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].restarts, 3);
  ASSERT_TRUE(obs.jobs[0].last_failure.has_value());
  EXPECT_EQ(obs.jobs[0].last_failure->exception, "java.lang.OutOfMemoryError");
  EXPECT_EQ(obs.jobs[0].last_failure->taskmanager_id, "taskmanager-00002");
  EXPECT_EQ(RequestsMatching("/exceptions"), 1);
  // Nothing changed since: not read again, but the failure stays known.
  obs = PollOk(src);
  EXPECT_EQ(RequestsMatching("/exceptions"), 1);
  ASSERT_TRUE(obs.jobs[0].last_failure.has_value());
}

TEST_F(FlinkSourceJobsTest, FailedCheckpointCallKeepsTheJobsOtherSeries) {
  Serve({{"a1", "orders", "RUNNING"}, {"b2", "payments", "RUNNING"}});
  http.Respond(Url("/jobs/a1/checkpoints"), 500, R"({"errors":["Internal server error."]})");
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 2u);
  EXPECT_FALSE(obs.jobs[0].checkpoints.has_value());
  EXPECT_EQ(obs.jobs[0].state, FlinkJobState::kRunning);
  EXPECT_EQ(obs.jobs[0].vertices.size(), 2u);
  EXPECT_EQ(obs.jobs[0].restarts, 0);
  EXPECT_TRUE(obs.jobs[1].checkpoints.has_value()) << "the other job is untouched";
  ASSERT_EQ(obs.endpoint_errors.size(), 1u);
  EXPECT_EQ(obs.endpoint_errors[0].endpoint, "/jobs/:jobid/checkpoints");
  EXPECT_EQ(obs.endpoint_errors[0].kind, "http_status");
}

TEST_F(FlinkSourceJobsTest, MalformedDetailsFallBackToTheJobList) {
  Serve({{"a1", "orders", "RUNNING"}});
  http.Respond(Url("/jobs/a1"), 200, R"({"jid":"a1","name":"orders","vertices":[{"id")");
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].state, FlinkJobState::kRunning);
  EXPECT_TRUE(obs.jobs[0].vertices.empty());
  EXPECT_TRUE(obs.jobs[0].checkpoints.has_value());
  EXPECT_EQ(RequestsMatching("/subtasks/metrics"), 0) << "no vertex ids, no vertex calls";
  ASSERT_EQ(obs.endpoint_errors.size(), 1u);
  EXPECT_EQ(obs.endpoint_errors[0].endpoint, "/jobs/:jobid");
  EXPECT_EQ(obs.endpoint_errors[0].kind, "parse");
}

TEST_F(FlinkSourceJobsTest, NoCheckpointCoordinatorIsNotAnError) {
  Serve({{"a1", "batch-report", "RUNNING"}});
  http.Respond(Url("/jobs/a1/checkpoints"), 404, R"({"errors":["Checkpointing has not been enabled."]})");
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  EXPECT_TRUE(obs.endpoint_errors.empty());
  EXPECT_FALSE(obs.jobs[0].checkpoints.has_value());
  EXPECT_FALSE(obs.jobs[0].checkpoint_config.has_value());
  PollOk(src);
  EXPECT_EQ(RequestsMatching("/checkpoints"), 1) << "404 is remembered for the job";
}

TEST_F(FlinkSourceJobsTest, EndedJobStaysForItsTtlWithoutBeingFetchedAgain) {
  config.collect.terminal_job_ttl = std::chrono::minutes(10);
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  PollOk(src);
  // Cancelled now: the list says so, with its end time.
  http.Respond(Url("/jobs/overview"), 200,
               std::string(R"({"jobs":[)") + JobElement("a1", "orders", "CANCELED", kStartMs) + "]}");
  http.Respond(Url("/jobs/a1"), 200, Details("a1", "orders", "CANCELED"));
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].state, FlinkJobState::kCanceled);
  EXPECT_EQ(RequestsMatching("/jobs/a1/vertices"), 2) << "only the first poll asked for load";
  const int after_end = Requests();
  clock.Advance(std::chrono::minutes(9));
  obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u) << "still within the TTL";
  EXPECT_EQ(obs.jobs[0].state, FlinkJobState::kCanceled);
  EXPECT_TRUE(obs.jobs[0].checkpoints.has_value()) << "served from memory";
  EXPECT_EQ(Requests() - after_end, 4) << "only cluster-wide calls";
  clock.Advance(std::chrono::minutes(2));
  obs = PollOk(src);
  EXPECT_TRUE(obs.jobs.empty()) << "gone after the TTL, although Flink still lists it";
}

TEST_F(FlinkSourceJobsTest, EndedJobOutlivesFlinksListUntilItsTtl) {
  config.collect.terminal_job_ttl = std::chrono::minutes(10);
  Serve({{"a1", "orders", "FAILED"}});
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  http.Respond(Url("/jobs/overview"), 200, R"({"jobs":[]})");
  clock.Advance(std::chrono::minutes(5));
  obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].state, FlinkJobState::kFailed);
  clock.Advance(std::chrono::minutes(6));
  EXPECT_TRUE(PollOk(src).jobs.empty());
}

TEST_F(FlinkSourceJobsTest, VanishedRunningJobIsDroppedAtOnce) {
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  PollOk(src);
  http.Respond(Url("/jobs/overview"), 200, R"({"jobs":[]})");
  EXPECT_TRUE(PollOk(src).jobs.empty());
}

TEST_F(FlinkSourceJobsTest, ExcludedJobsCostNothing) {
  config.collect.include_jobs = {"prod-.*"};
  config.collect.exclude_jobs = {".*-canary"};
  Serve({{"a1", "prod-orders", "RUNNING"}, {"b2", "prod-orders-canary", "RUNNING"},
         {"c3", "dev-orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].name, "prod-orders");
  EXPECT_EQ(RequestsMatching("/jobs/b2"), 0);
  EXPECT_EQ(RequestsMatching("/jobs/c3"), 0);
}

TEST_F(FlinkSourceJobsTest, ANewVersionInOverviewTriggersAReprobe) {
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  PollOk(src);
  http.Respond(Url("/overview"), 200, Overview("1.18.1"));
  http.Respond(Url("/config"), 200, Config("1.18.1"));
  FlinkObservation obs = PollOk(src);
  EXPECT_EQ(obs.overview.version, "1.18.1");
  EXPECT_EQ(http.CountRequests(Url("/config")), 1);
  PollOk(src);
  EXPECT_EQ(http.CountRequests(Url("/config")), 2);
}

TEST_F(FlinkSourceJobsTest, LegacyVersionUsesTheOldJobListAndNoMaxExceptions) {
  Serve({{"a1", "orders", "RUNNING"}}, "1.4.2");
  http.Respond(Url("/jobs/a1/metrics?get=numRestarts,fullRestarts"), 200,
               R"([{"id":"fullRestarts","value":"2"}])");
  http.Respond(Url("/jobs/a1/exceptions"), 200,
               R"({"root-exception":"java.io.IOException: disk full\n\tat x","timestamp":1767225000000,)"
               R"("all-exceptions":[],"truncated":false})");
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].restarts, 2);
  ASSERT_TRUE(obs.jobs[0].last_failure.has_value());
  EXPECT_EQ(obs.jobs[0].last_failure->exception, "java.io.IOException");
  EXPECT_EQ(RequestsMatching("/jobs/overview"), 0);
  EXPECT_EQ(RequestsMatching("maxExceptions"), 0);
}

TEST_F(FlinkSourceJobsTest, SamplingEndpointOnlyWhenEnabledAndRateLimited) {
  Serve({{"a1", "orders", "RUNNING"}}, "1.9.3");
  for (const char* v : {"v1", "v2"}) {
    http.Respond(Url(std::string("/jobs/a1/vertices/") + v + "/backpressure"), 200,
                 R"({"status":"ok","backpressure-level":"high","end-timestamp":1,)"
                 R"("subtasks":[{"subtask":0,"backpressure-level":"high","ratio":0.8}]})");
  }
  {
    FlinkSource src(config, http, clock);
    PollOk(src);
    PollOk(src);
    EXPECT_EQ(RequestsMatching("/backpressure"), 0);
  }
  config.collect.backpressure_sampling = true;
  config.collect.backpressure_sampling_interval = std::chrono::minutes(1);
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  EXPECT_EQ(RequestsMatching("/backpressure"), 2);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].vertices[0].backpressure_level, FlinkBackpressureLevel::kHigh);
  clock.Advance(std::chrono::seconds(30));
  obs = PollOk(src);
  EXPECT_EQ(RequestsMatching("/backpressure"), 2) << "within the interval";
  EXPECT_EQ(obs.jobs[0].vertices[0].backpressure_level, FlinkBackpressureLevel::kHigh)
      << "the last sample still applies";
  clock.Advance(std::chrono::seconds(31));
  PollOk(src);
  EXPECT_EQ(RequestsMatching("/backpressure"), 4);
}

TEST_F(FlinkSourceJobsTest, SubtaskSeriesAreCappedAndCounted) {
  Serve({{"a1", "orders", "RUNNING"}});
  config.collect.subtask_metrics = true;
  config.collect.max_subtask_series = 9;  // three subtasks' worth
  for (const char* v : {"v1", "v2"}) {
    http.Respond(Url(std::string("/jobs/a1/vertices/") + v + "/backpressure"), 200,
                 R"({"status":"ok","backpressure-level":"ok","end-timestamp":1,"subtasks":[)"
                 R"({"subtask":0,"backpressure-level":"ok","ratio":0.0,"idleRatio":0.9,"busyRatio":0.1},)"
                 R"({"subtask":1,"backpressure-level":"ok","ratio":0.1,"idleRatio":0.8,"busyRatio":0.1}]})");
  }
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  ASSERT_EQ(obs.jobs.size(), 1u);
  EXPECT_EQ(obs.jobs[0].vertices[0].subtasks.size(), 2u);
  EXPECT_EQ(obs.jobs[0].vertices[1].subtasks.size(), 1u);
  EXPECT_EQ(obs.series_dropped, 3u);
}

TEST_F(FlinkSourceJobsTest, ExpiredDeadlineSendsNothingMore) {
  Serve({{"a1", "orders", "RUNNING"}});
  FlinkSource src(config, http, clock);
  auto r = src.Poll(clock.Steady());  // the deadline is now
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
  // /config goes out with the deadline attached (the client enforces it); nothing after it.
  EXPECT_EQ(Requests(), 1);
}

TEST_F(FlinkSourceJobsTest, RedeploymentsAreCountedPerJobName) {
  config.collect.expected_jobs = {"orders", "billing-.*"};
  Serve({{"a1", "orders", "RUNNING"}, {"b2", "payments", "RUNNING"}});
  FlinkSource src(config, http, clock);
  FlinkObservation obs = PollOk(src);
  EXPECT_EQ(obs.deployments, (std::vector<std::pair<std::string, double>>{{"orders", 0}, {"payments", 0}}))
      << "the first id of a name is its baseline";
  EXPECT_EQ(obs.expected_jobs_running,
            (std::vector<std::pair<std::string, int64_t>>{{"orders", 1}, {"billing-.*", 0}}));

  // orders upgraded from a savepoint: the old job is cancelled, a new id runs under the name.
  ServeJob("c3", "orders", "RUNNING");
  http.Respond(Url("/jobs/overview"), 200,
               std::string(R"({"jobs":[)") + JobElement("a1", "orders", "CANCELED", kStartMs) + "," +
                   JobElement("b2", "payments", "RUNNING") + "," +
                   JobElement("c3", "orders", "RUNNING") + "]}");
  obs = PollOk(src);
  EXPECT_EQ(obs.deployments, (std::vector<std::pair<std::string, double>>{{"orders", 1}, {"payments", 0}}));
  EXPECT_EQ(obs.expected_jobs_running[0].second, 1) << "the new orders job runs";
  obs = PollOk(src);
  EXPECT_EQ(obs.deployments[0].second, 1) << "counted once, not per poll";

  // The JobManager restarted and forgot every job: nothing to alert on but the expected count.
  http.Respond(Url("/jobs/overview"), 200, R"({"jobs":[]})");
  obs = PollOk(src);
  EXPECT_EQ(obs.expected_jobs_running[0].second, 0);
  EXPECT_EQ(obs.deployments[0].second, 1) << "the counter outlives the job";
}

}  // namespace
}  // namespace fme
