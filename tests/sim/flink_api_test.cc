// Field-by-field checks of the simulated Flink JobManager REST API in every dialect
// (1.4, 1.9, 1.13, 1.18, 2.0): names, JSON types, enum spellings, units, error bodies.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "flink/flink_api.h"
#include "sim/sim_world_fixture.h"

namespace fme::sim {
namespace {

using Json = nlohmann::json;
using simtest::kJobBatch;
using simtest::kJobFailed;
using simtest::kJobNoPeriodic;
using simtest::kJobRunning;
using simtest::kNow;
using simtest::kTm1;
using simtest::kVertexSink;
using simtest::kVertexSource;
using simtest::kVertexWindow;
using D = FlinkDialect;

class FlinkApiTest : public ::testing::Test {
 protected:
  ApiResponse Get(D d, const std::string& path, const QueryParams& q = {}) {
    return HandleFlinkRequest(world_, simtest::ClusterFor(world_, d), "GET", path, q);
  }
  Json GetJson(D d, const std::string& path, const QueryParams& q = {}, int status = 200) {
    ApiResponse r = Get(d, path, q);
    EXPECT_EQ(r.status, status) << path << " -> " << r.body;
    Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << path << " -> not JSON: " << r.body;
    return j;
  }
  static std::string JobPath(const std::string& job, const std::string& rest = "") {
    return "/jobs/" + job + rest;
  }
  static std::string VertexPath(const std::string& vertex, const std::string& rest = "") {
    return "/jobs/" + kJobRunning + "/vertices/" + vertex + rest;
  }

  World world_ = simtest::MakeSimWorld();
};

// ------------------------------------------------------------------ world helpers

TEST(FlinkWorldNamesTest, EnumSpellingsAndDialects) {
  EXPECT_STREQ(JobStatusName(JobStatus::kInitializing), "INITIALIZING");
  EXPECT_STREQ(JobStatusName(JobStatus::kCancelling), "CANCELLING");
  EXPECT_STREQ(JobStatusName(JobStatus::kCanceled), "CANCELED");
  EXPECT_STREQ(JobStatusName(JobStatus::kReconciling), "RECONCILING");
  EXPECT_STREQ(ExecutionStateName(ExecutionState::kCanceling), "CANCELING");
  EXPECT_STREQ(ExecutionStateName(ExecutionState::kInitializing), "INITIALIZING");
  EXPECT_TRUE(IsGloballyTerminal(JobStatus::kFinished));
  EXPECT_TRUE(IsGloballyTerminal(JobStatus::kCanceled));
  EXPECT_TRUE(IsGloballyTerminal(JobStatus::kFailed));
  EXPECT_FALSE(IsGloballyTerminal(JobStatus::kSuspended));
  EXPECT_FALSE(IsGloballyTerminal(JobStatus::kRunning));
  EXPECT_EQ(DialectForVersion("1.4.2"), D::k1_4);
  EXPECT_EQ(DialectForVersion("1.8.3"), D::k1_4);
  EXPECT_EQ(DialectForVersion("1.9.0"), D::k1_9);
  EXPECT_EQ(DialectForVersion("1.12.7"), D::k1_9);
  EXPECT_EQ(DialectForVersion("1.13.6"), D::k1_13);
  EXPECT_EQ(DialectForVersion("1.17.2"), D::k1_13);
  EXPECT_EQ(DialectForVersion("1.18.1"), D::k1_18);
  EXPECT_EQ(DialectForVersion("1.20.0"), D::k1_18);
  EXPECT_EQ(DialectForVersion("2.0.0"), D::k2_0);
  EXPECT_EQ(DialectForVersion("2.3-SNAPSHOT"), D::k2_0);
  EXPECT_EQ(DialectForVersion("garbage"), D::k1_13);
}

// ------------------------------------------------------------------ /config, /overview

TEST_F(FlinkApiTest, ConfigPerDialect) {
  Json c14 = GetJson(D::k1_4, "/config");
  EXPECT_EQ(c14["flink-version"], "1.4.2");
  EXPECT_EQ(c14["flink-revision"], "d0a3a45 @ 2018-02-27T13:19:17+01:00");
  EXPECT_TRUE(c14["refresh-interval"].is_number_integer());
  EXPECT_TRUE(c14["timezone-offset"].is_number_integer());
  EXPECT_TRUE(c14["timezone-name"].is_string());
  EXPECT_FALSE(c14.contains("features"));
  EXPECT_FALSE(GetJson(D::k1_9, "/config").contains("features"));
  Json c13 = GetJson(D::k1_13, "/config");
  EXPECT_EQ(c13["features"], Json({{"web-submit", true}}));
  Json c18 = GetJson(D::k1_18, "/config");
  EXPECT_TRUE(c18["features"]["web-cancel"].is_boolean());
  EXPECT_TRUE(c18["features"]["web-history"].is_boolean());
  EXPECT_TRUE(c18["features"]["web-rescale"].is_boolean());
  EXPECT_EQ(GetJson(D::k2_0, "/config")["flink-version"], "2.0.0");
}

TEST_F(FlinkApiTest, OverviewCountsAndCommit) {
  for (D d : simtest::AllDialects()) {
    Json o = GetJson(d, "/overview");
    EXPECT_EQ(o["taskmanagers"], 2);
    EXPECT_EQ(o["slots-total"], 8);
    EXPECT_EQ(o["slots-available"], 3);
    EXPECT_EQ(o["jobs-running"], 2);
    EXPECT_EQ(o["jobs-finished"], 1);
    EXPECT_EQ(o["jobs-cancelled"], 0);
    EXPECT_EQ(o["jobs-failed"], 1);
    EXPECT_TRUE(o["flink-version"].is_string());
    EXPECT_EQ(o.contains("taskmanagers-blocked"), d >= D::k1_18);
    EXPECT_EQ(o.contains("slots-free-and-blocked"), d >= D::k1_18);
  }
  EXPECT_EQ(GetJson(D::k1_13, "/overview")["flink-commit"], "b2ca390");
}

// ------------------------------------------------------------------ job lists

TEST_F(FlinkApiTest, Jobs14ReturnsIdListsPerState) {
  Json j = GetJson(D::k1_4, "/jobs");
  EXPECT_EQ(j["jobs-running"], Json({kJobRunning, kJobNoPeriodic}));
  EXPECT_EQ(j["jobs-finished"], Json({kJobBatch}));
  EXPECT_EQ(j["jobs-cancelled"], Json::array());
  EXPECT_EQ(j["jobs-failed"], Json({kJobFailed}));
  EXPECT_FALSE(j.contains("jobs"));
}

TEST_F(FlinkApiTest, JobsIdStatusListFrom15) {
  for (D d : {D::k1_9, D::k1_13, D::k1_18, D::k2_0}) {
    Json j = GetJson(d, "/jobs");
    ASSERT_EQ(j["jobs"].size(), 4u);
    EXPECT_EQ(j["jobs"][0], Json({{"id", kJobRunning}, {"status", "RUNNING"}}));
    EXPECT_EQ(j["jobs"][2]["status"], "FINISHED");
    EXPECT_EQ(j["jobs"][3]["status"], "FAILED");
  }
}

TEST_F(FlinkApiTest, LegacyJobOverview14) {
  Json all = GetJson(D::k1_4, "/joboverview");
  ASSERT_EQ(all["running"].size(), 2u);
  ASSERT_EQ(all["finished"].size(), 2u);
  EXPECT_EQ(all["running"][0]["jid"], kJobRunning);
  EXPECT_EQ(all["running"][0]["end-time"], -1);
  EXPECT_EQ(GetJson(D::k1_4, "/joboverview/running")["jobs"].size(), 2u);
  Json completed = GetJson(D::k1_4, "/joboverview/completed");
  EXPECT_EQ(completed["jobs"][0]["jid"], kJobBatch);
  EXPECT_EQ(completed["jobs"][0]["state"], "FINISHED");
  // No /jobs/overview before 1.5 (it reads as a job id there); no /joboverview after 1.4.
  EXPECT_EQ(Get(D::k1_4, "/jobs/overview").status, 404);
  EXPECT_EQ(Get(D::k1_9, "/joboverview").status, 404);
}

TEST_F(FlinkApiTest, JobsOverviewElement) {
  Json j9 = GetJson(D::k1_9, "/jobs/overview")["jobs"][0];
  EXPECT_EQ(j9["jid"], kJobRunning);
  EXPECT_EQ(j9["name"], "Click Event Count");
  EXPECT_EQ(j9["state"], "RUNNING");
  EXPECT_EQ(j9["start-time"], simtest::kJobStart);
  EXPECT_EQ(j9["end-time"], -1);
  EXPECT_EQ(j9["duration"], 3600000);
  EXPECT_EQ(j9["last-modification"], simtest::kJobStart + 610000);
  EXPECT_EQ(j9["tasks"]["total"], 5);
  EXPECT_EQ(j9["tasks"]["running"], 5);
  EXPECT_EQ(j9["tasks"]["reconciling"], 0);
  EXPECT_FALSE(j9["tasks"].contains("initializing"));  // 1.13+
  EXPECT_FALSE(j9["tasks"].contains("RUNNING"));       // lower case keys only
  EXPECT_FALSE(j9.contains("pending-operators"));
  Json j13 = GetJson(D::k1_13, "/jobs/overview")["jobs"][0];
  EXPECT_EQ(j13["tasks"]["initializing"], 0);
  Json finished = GetJson(D::k1_13, "/jobs/overview")["jobs"][2];
  EXPECT_EQ(finished["end-time"], simtest::kJobStart - 300000);
  EXPECT_EQ(finished["duration"], 300000);
  EXPECT_EQ(finished["tasks"]["finished"], 2);
  EXPECT_EQ(GetJson(D::k2_0, "/jobs/overview")["jobs"][0]["pending-operators"], 0);
}

// ------------------------------------------------------------------ /jobs/:id

TEST_F(FlinkApiTest, JobDetailsCoreFields) {
  Json j = GetJson(D::k1_9, JobPath(kJobRunning));
  EXPECT_EQ(j["jid"], kJobRunning);
  EXPECT_EQ(j["isStoppable"], false);
  EXPECT_EQ(j["state"], "RUNNING");
  EXPECT_EQ(j["end-time"], -1);
  EXPECT_EQ(j["now"], kNow);
  EXPECT_EQ(j["timestamps"]["RUNNING"], simtest::kJobStart + 610000);
  EXPECT_EQ(j["timestamps"]["FINISHED"], 0);
  EXPECT_FALSE(j["timestamps"].contains("INITIALIZING"));
  EXPECT_EQ(j["status-counts"]["RUNNING"], 5);
  EXPECT_FALSE(j["status-counts"].contains("running"));
  EXPECT_FALSE(j.contains("maxParallelism"));
  ASSERT_EQ(j["vertices"].size(), 3u);
  Json v = j["vertices"][0];
  EXPECT_EQ(v["id"], kVertexSource);
  EXPECT_EQ(v["status"], "RUNNING");
  EXPECT_EQ(v["parallelism"], 2);
  EXPECT_EQ(v["tasks"]["RUNNING"], 2);
  EXPECT_EQ(v["end-time"], -1);
  EXPECT_EQ(v["metrics"]["write-records"],
            static_cast<int64_t>(1523.4 * 3600) + static_cast<int64_t>(1400.0 * 3600));
  EXPECT_EQ(v["metrics"]["write-bytes-complete"], true);
  EXPECT_FALSE(v["metrics"].contains("accumulated-busy-time"));
  EXPECT_TRUE(j["plan"].is_object());
  EXPECT_EQ(j["plan"]["nodes"].size(), 3u);
  EXPECT_EQ(j["plan"]["nodes"][0]["id"], kVertexSink);  // sinks first
  EXPECT_EQ(j["plan"]["nodes"][0]["inputs"][0]["id"], kVertexWindow);

  Json j13 = GetJson(D::k1_13, JobPath(kJobRunning));
  EXPECT_EQ(j13["maxParallelism"], 128);
  EXPECT_EQ(j13["vertices"][0]["maxParallelism"], 128);
  EXPECT_EQ(j13["timestamps"]["INITIALIZING"], simtest::kJobStart - 100);

  Json j18 = GetJson(D::k1_18, JobPath(kJobRunning));
  Json m = j18["vertices"][0]["metrics"];
  EXPECT_TRUE(m["accumulated-backpressured-time"].is_number_integer());
  EXPECT_TRUE(m["accumulated-idle-time"].is_number_integer());
  EXPECT_TRUE(m["accumulated-busy-time"].is_number_float());
  EXPECT_FALSE(j18.contains("job-type"));

  Json j20 = GetJson(D::k2_0, JobPath(kJobRunning));
  EXPECT_EQ(j20["job-type"], "STREAMING");
  EXPECT_EQ(j20["pending-operators"], 0);
  EXPECT_TRUE(j20["vertices"][0]["slotSharingGroupId"].is_string());
  EXPECT_EQ(GetJson(D::k2_0, JobPath(kJobBatch))["job-type"], "BATCH");
}

TEST_F(FlinkApiTest, JobDetails14) {
  Json j = GetJson(D::k1_4, JobPath(kJobBatch));
  EXPECT_EQ(j["state"], "FINISHED");
  EXPECT_EQ(j["vertices"][0]["status"], "FINISHED");
  EXPECT_EQ(j["vertices"][0]["end-time"], simtest::kJobStart - 300000);
  EXPECT_EQ(j["status-counts"]["FINISHED"], 2);
  EXPECT_FALSE(j["plan"].contains("type"));
}

TEST_F(FlinkApiTest, JobStatusEndpointFrom116) {
  EXPECT_EQ(GetJson(D::k1_18, JobPath(kJobFailed, "/status")), Json({{"status", "FAILED"}}));
  EXPECT_EQ(Get(D::k1_13, JobPath(kJobFailed, "/status")).status, 404);
}

TEST_F(FlinkApiTest, VertexDetailsHostEndpointTaskManagerId) {
  Json v9 = GetJson(D::k1_9, VertexPath(kVertexSource));
  EXPECT_EQ(v9["now"], kNow);
  Json s9 = v9["subtasks"][0];
  EXPECT_EQ(s9["subtask"], 0);
  EXPECT_EQ(s9["status"], "RUNNING");
  EXPECT_EQ(s9["attempt"], 0);
  EXPECT_EQ(s9["host"], "10.0.1.7");
  EXPECT_EQ(s9["start_time"], s9["start-time"]);
  EXPECT_FALSE(s9.contains("taskmanager-id"));
  EXPECT_EQ(s9["metrics"]["read-records"], static_cast<int64_t>(1523.4 * 3600));

  Json s13 = GetJson(D::k1_13, VertexPath(kVertexSource))["subtasks"][1];
  EXPECT_EQ(s13["taskmanager-id"], "taskmanager-00002");
  EXPECT_EQ(s13["host"], "10.0.1.8");

  Json s20 = GetJson(D::k2_0, VertexPath(kVertexSource))["subtasks"][1];
  EXPECT_EQ(s20["endpoint"], "10.0.1.8:31002");
  EXPECT_FALSE(s20.contains("host"));

  Json s14 = GetJson(D::k1_4, VertexPath(kVertexSource))["subtasks"][0];
  EXPECT_EQ(s14["host"], "10.0.1.7");
  EXPECT_FALSE(s14.contains("start_time"));
}

// ------------------------------------------------------------------ checkpoints

TEST_F(FlinkApiTest, Checkpoints14NoTagLatestOmitted) {
  // Make the 1.4 job lack a failed checkpoint: its latest.failed must be absent, not null.
  world_.flink[0].jobs[0].checkpoints.latest_failed.reset();
  Json c = GetJson(D::k1_4, JobPath(kJobRunning, "/checkpoints"));
  EXPECT_EQ(c["counts"]["completed"], 40);
  EXPECT_EQ(c["summary"]["state_size"], Json({{"min", 159744}, {"max", 172032}, {"avg", 165205}}));
  EXPECT_FALSE(c["summary"].contains("processed_data"));
  EXPECT_FALSE(c["latest"].contains("failed"));
  Json latest = c["latest"]["completed"];
  EXPECT_EQ(latest["id"], 42);
  EXPECT_EQ(latest["external_path"], "file:/checkpoints/" + kJobRunning + "/chk-42");
  EXPECT_FALSE(latest.contains("@class"));
  EXPECT_FALSE(latest.contains("status"));  // reduced legacy field set
  EXPECT_EQ(c["latest"]["restored"]["id"], 38);
  EXPECT_FALSE(c["history"][0].contains("@class"));
  EXPECT_FALSE(c["history"][0].contains("className"));
  EXPECT_EQ(c["history"][0]["status"], "IN_PROGRESS");
}

TEST_F(FlinkApiTest, Checkpoints19AtClassAndMinMaxAvg) {
  world_.flink[1].jobs[0].checkpoints.latest_failed.reset();
  Json c = GetJson(D::k1_9, JobPath(kJobRunning, "/checkpoints"));
  EXPECT_TRUE(c["latest"]["failed"].is_null());  // null, not omitted
  Json completed = c["latest"]["completed"];
  EXPECT_EQ(completed["@class"], "completed");
  EXPECT_EQ(completed["status"], "COMPLETED");
  EXPECT_EQ(completed["discarded"], false);
  EXPECT_FALSE(completed.contains("checkpoint_type"));
  EXPECT_FALSE(completed.contains("processed_data"));
  EXPECT_EQ(c["latest"]["savepoint"]["is_savepoint"], true);
  EXPECT_EQ(c["summary"]["end_to_end_duration"], Json({{"min", 120}, {"max", 900}, {"avg", 506}}));
  ASSERT_EQ(c["history"].size(), 5u);
  EXPECT_EQ(c["history"][0]["@class"], "in_progress");
  EXPECT_EQ(c["history"][2]["@class"], "failed");
  EXPECT_EQ(c["history"][2]["failure_message"], "Checkpoint expired before completing.");
  EXPECT_EQ(c["history"][4]["discarded"], true);  // subsumed
  EXPECT_TRUE(c["history"][1]["tasks"].contains(kVertexSource));
  EXPECT_EQ(c["history"][1]["tasks"][kVertexSource]["num_subtasks"], 2);
}

TEST_F(FlinkApiTest, Checkpoints113vs118TypeTagKey) {
  Json c13 = GetJson(D::k1_13, JobPath(kJobRunning, "/checkpoints"));
  Json e13 = c13["latest"]["completed"];
  EXPECT_EQ(e13["@class"], "completed");
  EXPECT_FALSE(e13.contains("className"));
  EXPECT_EQ(e13["checkpoint_type"], "CHECKPOINT");
  EXPECT_EQ(e13["processed_data"], 420);
  EXPECT_FALSE(e13.contains("checkpointed_size"));
  EXPECT_FALSE(c13["summary"]["state_size"].contains("p50"));
  EXPECT_TRUE(c13["summary"].contains("persisted_data"));
  EXPECT_EQ(c13["latest"]["savepoint"]["checkpoint_type"], "SAVEPOINT");

  Json c18 = GetJson(D::k1_18, JobPath(kJobRunning, "/checkpoints"));
  Json e18 = c18["latest"]["completed"];
  EXPECT_EQ(e18["className"], "completed");
  EXPECT_FALSE(e18.contains("@class"));
  EXPECT_EQ(e18["checkpointed_size"], 1024 * 42);
  EXPECT_TRUE(e18["savepointFormat"].is_null());
  EXPECT_EQ(c18["latest"]["savepoint"]["savepointFormat"], "CANONICAL");
  Json dur = c18["summary"]["end_to_end_duration"];
  EXPECT_EQ(dur["min"], 120);
  EXPECT_TRUE(dur["p50"].is_number_float());
  EXPECT_DOUBLE_EQ(dur["p50"].get<double>(), 500.0);
  EXPECT_TRUE(c18["summary"].contains("checkpointed_size"));
  EXPECT_EQ(GetJson(D::k2_0, JobPath(kJobRunning, "/checkpoints"))["history"][0]["className"],
            "in_progress");
}

TEST_F(FlinkApiTest, CheckpointConfigModeAndDisabledInterval) {
  Json c = GetJson(D::k1_9, JobPath(kJobRunning, "/checkpoints/config"));
  EXPECT_EQ(c["mode"], "exactly_once");
  EXPECT_EQ(c["interval"], 10000);
  EXPECT_EQ(c["timeout"], 600000);
  EXPECT_EQ(c["externalization"], Json({{"enabled", true}, {"delete_on_cancellation", false}}));
  EXPECT_FALSE(c.contains("state_backend"));
  Json off = GetJson(D::k1_13, JobPath(kJobNoPeriodic, "/checkpoints/config"));
  EXPECT_EQ(off["mode"], "at_least_once");
  EXPECT_EQ(off["interval"].get<int64_t>(), INT64_MAX);
  EXPECT_EQ(Get(D::k1_13, JobPath(kJobNoPeriodic, "/checkpoints/config")).body.find(
                "\"interval\":9223372036854775807") != std::string::npos,
            true);
  EXPECT_EQ(off["state_backend"], "RocksDBStateBackend");
  EXPECT_EQ(off["tolerable_failed_checkpoints"], 0);
  EXPECT_FALSE(off.contains("aligned_checkpoint_timeout"));
  Json c18 = GetJson(D::k1_18, JobPath(kJobNoPeriodic, "/checkpoints/config"));
  EXPECT_TRUE(c18["checkpoints_after_tasks_finish"].is_boolean());
  EXPECT_TRUE(c18["changelog_periodic_materialization_interval"].is_number_integer());
  Json stats = GetJson(D::k1_13, JobPath(kJobNoPeriodic, "/checkpoints"));
  EXPECT_EQ(stats["counts"]["total"], 0);
  EXPECT_TRUE(stats["latest"]["completed"].is_null());
  EXPECT_EQ(stats["history"], Json::array());
}

TEST_F(FlinkApiTest, CheckpointingNotEnabled404) {
  const Json want = {{"errors", {"Checkpointing has not been enabled."}}};
  for (D d : {D::k1_9, D::k1_13, D::k1_18, D::k2_0}) {
    EXPECT_EQ(GetJson(d, JobPath(kJobBatch, "/checkpoints"), {}, 404), want);
    EXPECT_EQ(GetJson(d, JobPath(kJobBatch, "/checkpoints/config"), {}, 404), want);
  }
  // The 1.4 legacy handlers answer an empty object.
  EXPECT_EQ(GetJson(D::k1_4, JobPath(kJobBatch, "/checkpoints")), Json::object());
}

TEST_F(FlinkApiTest, CheckpointDetails) {
  Json c = GetJson(D::k1_13, JobPath(kJobRunning, "/checkpoints/details/41"));
  EXPECT_EQ(c["@class"], "failed");
  EXPECT_EQ(c["failure_timestamp"], kNow - 19000);
  EXPECT_EQ(Get(D::k1_13, JobPath(kJobRunning, "/checkpoints/details/7")).status, 404);
}

// ------------------------------------------------------------------ exceptions

TEST_F(FlinkApiTest, ExceptionsLegacyEra) {
  for (D d : {D::k1_4, D::k1_9}) {
    Json e = GetJson(d, JobPath(kJobRunning, "/exceptions"));
    EXPECT_EQ(e["root-exception"], "java.lang.RuntimeException: boom\n\tat com.example.Map.map(Map.java:42)");
    EXPECT_EQ(e["timestamp"], simtest::kJobStart + 600000);
    ASSERT_EQ(e["all-exceptions"].size(), 1u);  // only task failures
    Json a = e["all-exceptions"][0];
    EXPECT_EQ(a["task"], "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, Reduce) (2/2)");
    EXPECT_EQ(a["location"], "10.0.1.8:31002");
    EXPECT_TRUE(a["exception"].is_string());
    EXPECT_FALSE(a.contains("taskManagerId"));
    EXPECT_EQ(e["truncated"], false);
    EXPECT_FALSE(e.contains("exceptionHistory"));
  }
  Json none = GetJson(D::k1_9, JobPath(kJobNoPeriodic, "/exceptions"));
  EXPECT_TRUE(none["root-exception"].is_null());
  EXPECT_TRUE(none["timestamp"].is_null());
  EXPECT_EQ(none["all-exceptions"], Json::array());
}

TEST_F(FlinkApiTest, Exceptions113HaveBothAndHistory) {
  Json e = GetJson(D::k1_13, JobPath(kJobRunning, "/exceptions"));
  EXPECT_TRUE(e.contains("root-exception"));
  Json entries = e["exceptionHistory"]["entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["exceptionName"], "java.lang.RuntimeException");
  EXPECT_EQ(entries[0]["location"], "10.0.1.8:31002");
  EXPECT_FALSE(entries[0].contains("endpoint"));
  EXPECT_FALSE(entries[0].contains("taskManagerId"));
  EXPECT_EQ(entries[0]["concurrentExceptions"], Json::array());
  EXPECT_FALSE(entries[1].contains("taskName"));  // global failure: omitted
  EXPECT_EQ(e["exceptionHistory"]["truncated"], false);

  Json one = GetJson(D::k1_13, JobPath(kJobRunning, "/exceptions"), {{"maxExceptions", "1"}});
  EXPECT_EQ(one["exceptionHistory"]["entries"].size(), 1u);
  EXPECT_EQ(one["exceptionHistory"]["truncated"], true);
}

TEST_F(FlinkApiTest, Exceptions118And20) {
  Json e18 = GetJson(D::k1_18, JobPath(kJobRunning, "/exceptions"));
  EXPECT_EQ(e18["all-exceptions"][0]["taskManagerId"], "taskmanager-00002");
  Json h18 = e18["exceptionHistory"]["entries"][0];
  EXPECT_EQ(h18["taskManagerId"], "taskmanager-00002");
  EXPECT_EQ(h18["location"], "10.0.1.8:31002");
  EXPECT_EQ(h18["failureLabels"], Json::object());

  Json e20 = GetJson(D::k2_0, JobPath(kJobRunning, "/exceptions"));
  EXPECT_FALSE(e20.contains("root-exception"));
  EXPECT_FALSE(e20.contains("all-exceptions"));
  EXPECT_FALSE(e20.contains("timestamp"));
  EXPECT_FALSE(e20.contains("truncated"));
  Json h20 = e20["exceptionHistory"]["entries"][0];
  EXPECT_EQ(h20["endpoint"], "10.0.1.8:31002");
  EXPECT_FALSE(h20.contains("location"));
  EXPECT_EQ(h20["timestamp"], simtest::kJobStart + 600000);
}

// ------------------------------------------------------------------ backpressure

TEST_F(FlinkApiTest, BackpressureSampled14And19) {
  // Samples end at start + 5 s + k * 65 s; here the latest one is 61 s old (> refresh interval).
  const Millis sample_end = simtest::kJobStart + 1000 + 5000 + 55 * 65000;
  world_.now = sample_end + 61000;
  Json b14 = GetJson(D::k1_4, VertexPath(kVertexSource, "/backpressure"));
  EXPECT_EQ(b14["status"], "deprecated");  // stale but with data
  EXPECT_EQ(b14["backpressure-level"], "high");
  EXPECT_EQ(b14["end-timestamp"], sample_end);
  EXPECT_DOUBLE_EQ(b14["subtasks"][0]["ratio"].get<double>(), 0.62);
  EXPECT_EQ(b14["subtasks"][1]["backpressure-level"], "ok");
  Json b19 = GetJson(D::k1_9, VertexPath(kVertexSource, "/backpressure"));
  EXPECT_EQ(b19["status"], "ok");
  EXPECT_FALSE(b19["subtasks"][0].contains("idleRatio"));
  EXPECT_FALSE(b19.contains("backpressureLevel"));

  world_.now = sample_end + 1000;  // fresh sample
  EXPECT_EQ(GetJson(D::k1_4, VertexPath(kVertexSource, "/backpressure"))["status"], "ok");
  // Ended job: no sample -> only the status.
  EXPECT_EQ(GetJson(D::k1_9, "/jobs/" + kJobBatch + "/vertices/" + simtest::kVertexBatch + "/backpressure"),
            Json({{"status", "deprecated"}}));
}

TEST_F(FlinkApiTest, BackpressureMetricBased) {
  Json b13 = GetJson(D::k1_13, VertexPath(kVertexWindow, "/backpressure"));
  EXPECT_EQ(b13["status"], "ok");
  EXPECT_EQ(b13["backpressure-level"], "low");
  EXPECT_FALSE(b13.contains("backpressureLevel"));
  EXPECT_EQ(b13["end-timestamp"], kNow);
  Json s = b13["subtasks"][0];
  EXPECT_DOUBLE_EQ(s["ratio"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(s["idleRatio"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(s["busyRatio"].get<double>(), 0.7);
  EXPECT_TRUE(s["ratio"].is_number_float());

  Json b18 = GetJson(D::k1_18, VertexPath(kVertexSource, "/backpressure"));
  EXPECT_EQ(b18["backpressure-level"], "high");
  EXPECT_EQ(b18["backpressureLevel"], "high");
  EXPECT_EQ(b18["subtasks"][1]["backpressureLevel"], "ok");
  EXPECT_EQ(GetJson(D::k2_0, VertexPath(kVertexSink, "/backpressure"))["backpressure-level"], "ok");
}

TEST_F(FlinkApiTest, BackpressureLevelThresholds) {
  auto& sub = world_.flink[2].jobs[0].vertices[2].subtasks[0];
  for (auto [ratio, level] : {std::pair{0.10, "ok"}, {0.11, "low"}, {0.5, "low"}, {0.51, "high"}}) {
    sub.backpressured_ratio = ratio;
    EXPECT_EQ(GetJson(D::k1_13, VertexPath(kVertexSink, "/backpressure"))["backpressure-level"], level)
        << ratio;
  }
}

// ------------------------------------------------------------------ metrics

TEST_F(FlinkApiTest, AggregatedSubtaskMetrics) {
  const std::string path = VertexPath(kVertexSource, "/subtasks/metrics");
  Json a = GetJson(D::k1_13, path, {{"get", "backPressuredTimeMsPerSecond,noSuchMetric,isBackPressured"}});
  ASSERT_EQ(a.size(), 1u);  // unknown dropped, non-numeric skipped
  EXPECT_EQ(a[0]["id"], "backPressuredTimeMsPerSecond");
  EXPECT_DOUBLE_EQ(a[0]["min"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(a[0]["max"].get<double>(), 620.0);
  EXPECT_DOUBLE_EQ(a[0]["avg"].get<double>(), 335.0);
  EXPECT_DOUBLE_EQ(a[0]["sum"].get<double>(), 670.0);
  EXPECT_FALSE(a[0].contains("skew"));

  Json mm = GetJson(D::k1_13, path, {{"get", "busyTimeMsPerSecond"}, {"agg", "MAX,min"}});
  EXPECT_EQ(mm, Json::parse(R"([{"id":"busyTimeMsPerSecond","min":300.0,"max":350.0}])"));

  Json sub = GetJson(D::k1_13, path, {{"get", "numRecordsOutPerSecond"}, {"subtasks", "1"}});
  EXPECT_DOUBLE_EQ(sub[0]["max"].get<double>(), 1400.0);

  // skew only from 1.20 on.
  EXPECT_EQ(Get(D::k1_18, path, {{"get", "busyTimeMsPerSecond"}, {"agg", "skew"}}).status, 400);
  Json skew = GetJson(D::k2_0, path, {{"get", "backPressuredTimeMsPerSecond"}, {"agg", "skew"}});
  EXPECT_NEAR(skew[0]["skew"].get<double>(), 285.0 / 335.0 * 100.0, 1e-9);
  EXPECT_EQ(skew[0].size(), 2u);

  // 1.4: values are JSON strings; no 1.13 metric names.
  Json a14 = GetJson(D::k1_4, path, {{"get", "numRecordsInPerSecond,busyTimeMsPerSecond"}});
  ASSERT_EQ(a14.size(), 1u);
  EXPECT_EQ(a14[0]["min"], "1400.0");
  EXPECT_EQ(a14[0]["max"], "1523.4");

  // Without get: available ids.
  Json ids = GetJson(D::k1_9, path);
  ASSERT_TRUE(ids.is_array());
  EXPECT_EQ(ids[0], Json({{"id", "numRecordsIn"}}));
}

TEST_F(FlinkApiTest, VertexMetricsAndWatermarks) {
  Json v = GetJson(D::k1_13, VertexPath(kVertexSource, "/metrics"),
                   {{"get", "0.backPressuredTimeMsPerSecond,1.numRecordsOutPerSecond,0.busyTimeMsPerSecond,"
                            "0.Source__Kafka.numRecordsOutPerSecond,backPressuredTimeMsPerSecond"}});
  EXPECT_EQ(v, Json::parse(R"([{"id":"0.backPressuredTimeMsPerSecond","value":"620"},
                                {"id":"1.numRecordsOutPerSecond","value":"1400.0"},
                                {"id":"0.busyTimeMsPerSecond","value":"300.0"},
                                {"id":"0.Source__Kafka.numRecordsOutPerSecond","value":"1523.4"}])"));
  Json w = GetJson(D::k1_13, VertexPath(kVertexSource, "/watermarks"));
  EXPECT_EQ(w, Json::parse(R"([{"id":"0.currentInputWatermark","value":"1699999990000"},
                                {"id":"1.currentInputWatermark","value":"-9223372036854775808"}])"));
  EXPECT_EQ(Get(D::k1_9, VertexPath(kVertexSource, "/watermarks")).status, 404);  // 1.10+
  EXPECT_EQ(Get(D::k1_4, VertexPath(kVertexSource, "/watermarks")).status, 404);
  Json low = GetJson(D::k1_4, VertexPath(kVertexSource, "/metrics"), {{"get", "1.currentLowWatermark"}});
  EXPECT_EQ(low[0]["value"], "-9223372036854775808");
  Json st = GetJson(D::k1_18, VertexPath(kVertexSource, "/subtasks/0/metrics"),
                    {{"get", "isBackPressured,idleTimeMsPerSecond"}});
  EXPECT_EQ(st, Json::parse(R"([{"id":"isBackPressured","value":"true"},
                                 {"id":"idleTimeMsPerSecond","value":"80"}])"));
  // Buffer metric groups: buffers.* until 1.20, Shuffle.Netty.* from 1.9.
  EXPECT_EQ(GetJson(D::k2_0, VertexPath(kVertexSource, "/subtasks/0/metrics"),
                    {{"get", "buffers.outPoolUsage"}}),
            Json::array());
  EXPECT_EQ(GetJson(D::k1_4, VertexPath(kVertexSource, "/subtasks/0/metrics"),
                    {{"get", "Shuffle.Netty.Output.Buffers.outPoolUsage"}}),
            Json::array());
  EXPECT_EQ(GetJson(D::k1_13, VertexPath(kVertexSource, "/subtasks/0/metrics"),
                    {{"get", "Shuffle.Netty.Output.Buffers.outPoolUsage"}})[0]["value"],
            "1.0");
}

TEST_F(FlinkApiTest, JobMetricsRestartsPerDialect) {
  const QueryParams q = {{"get", "numRestarts,fullRestarts,uptime,restartingTime,lastCheckpointSize,"
                                 "numberOfCompletedCheckpoints,numberOfFailedCheckpoints,lastCheckpointDuration"}};
  Json m9 = GetJson(D::k1_9, JobPath(kJobRunning, "/metrics"), q);
  EXPECT_EQ(m9[0], Json({{"id", "fullRestarts"}, {"value", "2"}}));
  EXPECT_EQ(m9[1], Json({{"id", "uptime"}, {"value", "2990000"}}));
  EXPECT_EQ(m9[2], Json({{"id", "restartingTime"}, {"value", "10000"}}));
  EXPECT_EQ(m9[3], Json({{"id", "lastCheckpointSize"}, {"value", std::to_string(4096 * 42)}}));
  Json m13 = GetJson(D::k1_13, JobPath(kJobRunning, "/metrics"), q);
  EXPECT_EQ(m13[0], Json({{"id", "numRestarts"}, {"value", "2"}}));
  EXPECT_EQ(m13[1], Json({{"id", "fullRestarts"}, {"value", "2"}}));
  Json m18 = GetJson(D::k1_18, JobPath(kJobRunning, "/metrics"), q);
  EXPECT_EQ(m18[4], Json({{"id", "lastCheckpointSize"}, {"value", std::to_string(1024 * 42)}}));
  Json m20 = GetJson(D::k2_0, JobPath(kJobRunning, "/metrics"), q);
  EXPECT_EQ(m20[0]["id"], "numRestarts");
  EXPECT_EQ(m20[1]["id"], "uptime");  // fullRestarts removed in 2.0
  EXPECT_EQ(m20[4], Json({{"id", "numberOfCompletedCheckpoints"}, {"value", "40"}}));
  EXPECT_EQ(m20[5], Json({{"id", "numberOfFailedCheckpoints"}, {"value", "2"}}));
  EXPECT_EQ(m20[6], Json({{"id", "lastCheckpointDuration"}, {"value", "500"}}));
  // Ended and unknown jobs have no metrics.
  EXPECT_EQ(GetJson(D::k1_13, JobPath(kJobBatch, "/metrics"), q), Json::array());
  EXPECT_EQ(GetJson(D::k1_13, JobPath("00000000000000000000000000000000", "/metrics"), q), Json::array());
  // Batch job without coordinator would have no checkpoint gauges; list form check.
  Json ids = GetJson(D::k1_13, JobPath(kJobRunning, "/metrics"));
  EXPECT_TRUE(ids[0].contains("id"));
  EXPECT_FALSE(ids[0].contains("value"));
}

TEST_F(FlinkApiTest, TaskManagerAndJobManagerMetrics) {
  Json tm = GetJson(D::k1_13, "/taskmanagers/" + kTm1 + "/metrics",
                    {{"get", "Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,"
                             "Status.JVM.GarbageCollector.G1_Young_Generation.Count,"
                             "Status.JVM.GarbageCollector.G1_Old_Generation.Time,Status.JVM.CPU.Load"}});
  ASSERT_EQ(tm.size(), 5u);
  EXPECT_EQ(tm[0], Json({{"id", "Status.JVM.Memory.Heap.Used"}, {"value", "402653184"}}));
  EXPECT_EQ(tm[2]["value"], "42");
  EXPECT_EQ(tm[3]["value"], "210");
  EXPECT_TRUE(tm[4]["value"].is_string());
  EXPECT_EQ(GetJson(D::k1_13, "/taskmanagers/nope/metrics", {{"get", "Status.JVM.CPU.Load"}}), Json::array());

  Json jm = GetJson(D::k1_18, "/jobmanager/metrics",
                    {{"get", "numRegisteredTaskManagers,numRunningJobs,taskSlotsTotal,taskSlotsAvailable"}});
  EXPECT_EQ(jm, Json::parse(R"([{"id":"numRegisteredTaskManagers","value":"2"},
                                 {"id":"numRunningJobs","value":"2"},
                                 {"id":"taskSlotsTotal","value":"8"},
                                 {"id":"taskSlotsAvailable","value":"3"}])"));
  Json agg = GetJson(D::k1_9, "/taskmanagers/metrics", {{"get", "Status.JVM.Memory.Heap.Used"}});
  EXPECT_DOUBLE_EQ(agg[0]["sum"].get<double>(), 2.0 * 402653184);
}

// ------------------------------------------------------------------ TaskManagers

TEST_F(FlinkApiTest, TaskManagers14FlatHardware) {
  Json t = GetJson(D::k1_4, "/taskmanagers")["taskmanagers"][0];
  EXPECT_EQ(t["id"], "taskmanager-00001");
  EXPECT_EQ(t["path"], "akka.tcp://flink@10.0.1.7:31001/user/taskmanager");
  EXPECT_EQ(t["dataPort"], 31002);
  EXPECT_EQ(t["timeSinceLastHeartbeat"], kNow - 2500);
  EXPECT_EQ(t["slotsNumber"], 4);
  EXPECT_EQ(t["freeSlots"], 1);
  EXPECT_EQ(t["cpuCores"], 4);
  EXPECT_EQ(t["physicalMemory"], 16777216000);
  EXPECT_EQ(t["managedMemory"], 536870912);
  EXPECT_FALSE(t.contains("hardware"));
  Json d = GetJson(D::k1_4, "/taskmanagers/" + kTm1);
  EXPECT_EQ(d["metrics"]["totalUsed"], 402653184 + 134217728);
  EXPECT_EQ(d["metrics"]["garbageCollectors"][0],
            Json({{"name", "G1_Young_Generation"}, {"count", 42}, {"time", 1234}}));
}

TEST_F(FlinkApiTest, TaskManagersNestedHardware) {
  Json t9 = GetJson(D::k1_9, "/taskmanagers")["taskmanagers"][1];
  EXPECT_EQ(t9["id"], "taskmanager-00002");
  EXPECT_EQ(t9["hardware"], Json({{"cpuCores", 4}, {"physicalMemory", 16777216000},
                                  {"freeMemory", 1037959168}, {"managedMemory", 536870912}}));
  EXPECT_FALSE(t9.contains("cpuCores"));
  EXPECT_FALSE(t9.contains("jmxPort"));
  EXPECT_FALSE(t9.contains("memoryConfiguration"));
  Json t13 = GetJson(D::k1_13, "/taskmanagers")["taskmanagers"][0];
  EXPECT_EQ(t13["jmxPort"], -1);
  EXPECT_TRUE(t13["totalResource"]["cpuCores"].is_number_float());
  EXPECT_TRUE(t13["memoryConfiguration"]["totalProcessMemory"].is_number_integer());
  EXPECT_FALSE(t13.contains("blocked"));
  Json t18 = GetJson(D::k1_18, "/taskmanagers")["taskmanagers"][0];
  EXPECT_EQ(t18["blocked"], false);
  EXPECT_EQ(t18["path"], "pekko.tcp://flink@10.0.1.7:31001/user/rpc/taskmanager_0");

  Json d13 = GetJson(D::k1_13, "/taskmanagers/" + kTm1);
  EXPECT_EQ(d13["metrics"]["heapUsed"], 402653184);
  EXPECT_EQ(d13["metrics"]["heapCommitted"], 805306368);
  EXPECT_EQ(d13["metrics"]["heapMax"], 1037959168);
  EXPECT_TRUE(d13["metrics"].contains("memorySegmentsTotal"));
  EXPECT_TRUE(d13["metrics"].contains("nettyShuffleMemoryTotal"));
  EXPECT_EQ(d13["metrics"]["garbageCollectors"][1]["name"], "G1_Old_Generation");
  ASSERT_EQ(d13["allocatedSlots"].size(), 3u);
  EXPECT_EQ(d13["allocatedSlots"][0]["jobId"], kJobRunning);
  EXPECT_FALSE(GetJson(D::k2_0, "/taskmanagers/" + kTm1)["metrics"].contains("memorySegmentsTotal"));
  EXPECT_FALSE(GetJson(D::k1_9, "/taskmanagers/" + kTm1).contains("allocatedSlots"));
}

// ------------------------------------------------------------------ routing and errors

TEST_F(FlinkApiTest, NotFoundBodies) {
  const std::string unknown = "00000000000000000000000000000000";
  EXPECT_EQ(GetJson(D::k1_13, JobPath(unknown), {}, 404),
            Json({{"errors", {"Job " + unknown + " not found"}}}));
  EXPECT_EQ(GetJson(D::k2_0, JobPath(unknown, "/checkpoints"), {}, 404),
            Json({{"errors", {"Job " + unknown + " not found"}}}));
  EXPECT_EQ(GetJson(D::k1_18, VertexPath("ffffffffffffffffffffffffffffffff"), {}, 404),
            Json({{"errors", {"No vertex with ID 'ffffffffffffffffffffffffffffffff' exists."}}}));
  EXPECT_EQ(GetJson(D::k1_9, "/taskmanagers/taskmanager-09999", {}, 404),
            Json({{"errors", {"Could not find TaskExecutor taskmanager-09999."}}}));
  EXPECT_EQ(GetJson(D::k1_9, "/no/such/path", {}, 404), Json({{"errors", {"Not found."}}}));
  ApiResponse legacy = Get(D::k1_4, JobPath(unknown));
  EXPECT_EQ(legacy.status, 404);
  EXPECT_EQ(legacy.content_type.rfind("text/plain", 0), 0u);
}

TEST_F(FlinkApiTest, VersionedPrefixAndMethods) {
  EXPECT_EQ(Get(D::k1_9, "/v1/overview").status, 200);
  EXPECT_EQ(Get(D::k2_0, "/v1/jobs/" + kJobRunning + "/checkpoints").status, 200);
  EXPECT_EQ(Get(D::k1_4, "/v1/overview").status, 404);  // /v1 exists from 1.7
  ApiResponse post =
      HandleFlinkRequest(world_, simtest::ClusterFor(world_, D::k1_13), "POST", "/overview", {});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["Allow"], "GET");
  EXPECT_TRUE(Json::parse(post.body)["errors"].is_array());
  EXPECT_EQ(HandleFlinkRequest(world_, simtest::ClusterFor(world_, D::k1_13), "DELETE", "/nope", {}).status,
            404);
  EXPECT_EQ(Get(D::k1_13, "/jobs/" + kJobRunning + "/").status, 200);  // trailing slash
}

TEST_F(FlinkApiTest, DeterministicAndContentType) {
  for (D d : simtest::AllDialects()) {
    for (const std::string& p : {std::string("/overview"), JobPath(kJobRunning),
                                 JobPath(kJobRunning, "/checkpoints"), std::string("/taskmanagers")}) {
      ApiResponse a = Get(d, p), b = Get(d, p);
      EXPECT_EQ(a.body, b.body);
      EXPECT_EQ(a.content_type, "application/json; charset=UTF-8");
    }
  }
}

TEST_F(FlinkApiTest, InitializingStatesPerDialect) {
  for (FlinkCluster& c : world_.flink) {
    c.jobs[1].state = JobStatus::kInitializing;
    c.jobs[1].vertices[0].subtasks[0].state = ExecutionState::kInitializing;
  }
  EXPECT_EQ(GetJson(D::k1_9, "/jobs")["jobs"][1]["status"], "CREATED");
  EXPECT_EQ(GetJson(D::k1_13, "/jobs")["jobs"][1]["status"], "INITIALIZING");
  EXPECT_EQ(GetJson(D::k1_9, JobPath(kJobNoPeriodic))["vertices"][0]["status"], "DEPLOYING");
  EXPECT_EQ(GetJson(D::k1_13, JobPath(kJobNoPeriodic))["vertices"][0]["status"], "INITIALIZING");
  EXPECT_EQ(GetJson(D::k1_13, "/jobs/overview")["jobs"][1]["tasks"]["initializing"], 1);
  EXPECT_EQ(GetJson(D::k1_9, "/jobs/overview")["jobs"][1]["tasks"]["deploying"], 1);
}

}  // namespace
}  // namespace fme::sim
