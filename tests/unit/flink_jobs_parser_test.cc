#include "flink/flink_jobs_parser.h"

#include <gtest/gtest.h>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

int64_t Count(const FlinkVertex& v, FlinkExecutionState s) {
  return v.subtasks_by_state[static_cast<size_t>(s)];
}

TEST(FlinkJobsOverviewTest, Legacy14RunningAndFinishedLists) {
  auto jobs = ParseFlinkJobsOverview(ReadFixture("flink/1.4/jobs_overview.json"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  const FlinkJobSummary& running = (*jobs)[0];
  EXPECT_EQ(running.id, "24de49cee42971992992061cdbb38b5a");
  EXPECT_EQ(running.name, "Sessionize clickstream");
  EXPECT_EQ(running.state, FlinkJobState::kRunning);
  EXPECT_OPT_DOUBLE(running.start_timestamp, 1519800000.0);
  EXPECT_FALSE(running.end_timestamp.has_value()) << "end-time -1 is absent";
  EXPECT_OPT_DOUBLE(running.last_modification_timestamp, 1519886400.36);
  const FlinkJobSummary& canceled = (*jobs)[1];
  EXPECT_EQ(canceled.id, "ab327ba3a04c882c971af45608b9d989");
  EXPECT_EQ(canceled.state, FlinkJobState::kCanceled);
  EXPECT_OPT_DOUBLE(canceled.end_timestamp, 1519713600.0);
}

TEST(FlinkJobsOverviewTest, V19SortedById) {
  auto jobs = ParseFlinkJobsOverview(ReadFixture("flink/1.9/jobs_overview.json"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "47df14cf4c7fb31c7ff4125a765001c8");
  EXPECT_EQ((*jobs)[0].state, FlinkJobState::kFailed);
  EXPECT_OPT_DOUBLE((*jobs)[0].end_timestamp, 1568031800.0);
  EXPECT_EQ((*jobs)[1].id, "50ddb77e4fe213e05005fc239db7ef5f");
  EXPECT_EQ((*jobs)[1].name, "Fraud detection (card-present)");
  EXPECT_EQ((*jobs)[1].state, FlinkJobState::kRunning);
}

TEST(FlinkJobsOverviewTest, V113ListedUnsortedComesBackSorted) {
  auto jobs = ParseFlinkJobsOverview(ReadFixture("flink/1.13/jobs_overview.json"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "23b6e5d6c07ea806b3f3a763d6e5ea35");
  EXPECT_EQ((*jobs)[0].state, FlinkJobState::kFinished);
  EXPECT_OPT_DOUBLE((*jobs)[0].end_timestamp, 1622998812.345);
  EXPECT_EQ((*jobs)[1].id, "e79307cba1c2f6ccc24194b3a0fe79bf");
}

TEST(FlinkJobsOverviewTest, V118KeepsQuotesAndUtf8InNames) {
  auto jobs = ParseFlinkJobsOverview(ReadFixture("flink/1.18/jobs_overview.json"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "14e2138c9ef2d75043927f789487a120");
  EXPECT_EQ((*jobs)[0].state, FlinkJobState::kCanceled);
  EXPECT_EQ((*jobs)[1].id, "f37b201bee66fd8eac5ecf2565ae9c63");
  EXPECT_EQ((*jobs)[1].name, "Payments \"fraud\" scoring \xE2\x80\x93 Z\xC3\xBCrich");
}

TEST(FlinkJobsOverviewTest, V20IgnoresNewFields) {
  auto jobs = ParseFlinkJobsOverview(ReadFixture("flink/2.0/jobs_overview.json"));
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "137c2c8634c37761e7c78e2cfb85c571");
  EXPECT_EQ((*jobs)[0].name, "Nightly compaction");
  EXPECT_EQ((*jobs)[0].state, FlinkJobState::kFailed);
  EXPECT_EQ((*jobs)[1].id, "8e7581af88c591f30064a74f766ab7ac");
  EXPECT_EQ((*jobs)[1].state, FlinkJobState::kRunning);
}

TEST(FlinkJobsOverviewTest, OddElementsAreKeptOrSkippedNotFatal) {
  auto jobs = ParseFlinkJobsOverview(R"({"jobs":[
    {"jid":"b2","name":"future","state":"SOMETHING_NEW","start-time":"1700000000000","end-time":-1},
    {"name":"no id"},
    42,
    null,
    {"jid":"a1","name":null,"state":"running","start-time":0,"last-modification":null}
  ]})");
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "a1");
  EXPECT_EQ((*jobs)[0].name, "");
  EXPECT_EQ((*jobs)[0].state, FlinkJobState::kRunning) << "state is case-insensitive";
  EXPECT_FALSE((*jobs)[0].start_timestamp.has_value()) << "0 is no timestamp";
  EXPECT_FALSE((*jobs)[0].last_modification_timestamp.has_value());
  EXPECT_EQ((*jobs)[1].id, "b2");
  EXPECT_EQ((*jobs)[1].state, FlinkJobState::kUnknown) << "unknown state kept, not dropped";
  EXPECT_OPT_DOUBLE((*jobs)[1].start_timestamp, 1700000000.0) << "numeric string";
}

TEST(FlinkJobsOverviewTest, Legacy14SingleListAndEmptyLists) {
  // /joboverview/running answers {"jobs":[..]} on 1.4.
  auto one = ParseFlinkJobsOverview(R"({"jobs":[{"jid":"x","name":"n","state":"RUNNING"}]})");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  auto none = ParseFlinkJobsOverview(R"({"running":[],"finished":[]})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto only_finished = ParseFlinkJobsOverview(R"({"finished":[{"jid":"f","state":"FINISHED"}]})");
  ASSERT_TRUE(only_finished.ok());
  ASSERT_EQ(only_finished->size(), 1u);
  EXPECT_EQ((*only_finished)[0].state, FlinkJobState::kFinished);
}

TEST(FlinkJobsOverviewTest, WrongShapesAreParseErrors) {
  for (const char* body : {"", "{\"jobs\":[{\"jid\":\"a\"", "[]", "<html><body>404</body></html>",
                           R"({"errors":["Not found: /jobs/overview"]})", R"({"jobs":{"a":1}})",
                           "null", "\"jobs\""}) {
    auto r = ParseFlinkJobsOverview(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_NE(ParseFlinkJobsOverview("[]").status().message().find("/jobs/overview"),
            std::string::npos);
}

TEST(FlinkJobDetailsTest, Legacy14Running) {
  auto job = ParseFlinkJobDetails(ReadFixture("flink/1.4/job_details.json"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->id, "24de49cee42971992992061cdbb38b5a");
  EXPECT_EQ(job->name, "Sessionize clickstream");
  EXPECT_EQ(job->state, FlinkJobState::kRunning);
  EXPECT_OPT_DOUBLE(job->start_timestamp, 1519800000.0);
  EXPECT_FALSE(job->end_timestamp.has_value());
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1519886400.123) << "RUNNING again after a restart";
  ASSERT_EQ(job->vertices.size(), 3u);
  EXPECT_EQ(job->vertices[0].id, "b2ecc0a70fbda57b3b8ad162c5a7ae05");
  EXPECT_EQ(job->vertices[0].name, "Source: Kafka clicks -> Map");
  EXPECT_EQ(job->vertices[0].parallelism, 2);
  EXPECT_EQ(Count(job->vertices[0], FlinkExecutionState::kRunning), 2);
  EXPECT_EQ(job->vertices[1].id, "689e1345dd167c45b6e850846b92b826");
  EXPECT_EQ(job->vertices[2].id, "0cabc96744cdffbebfcadaf0fae0b9ee");
  EXPECT_FALSE(job->restarts.has_value());
  EXPECT_FALSE(job->checkpoints.has_value());
  EXPECT_FALSE(job->vertices[0].backpressured_ratio.max.has_value());
}

TEST(FlinkJobDetailsTest, Legacy14Canceled) {
  auto job = ParseFlinkJobDetails(ReadFixture("flink/1.4/job_details_canceled.json"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->state, FlinkJobState::kCanceled);
  EXPECT_TRUE(IsTerminal(job->state));
  EXPECT_OPT_DOUBLE(job->end_timestamp, 1519713600.0);
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1519713600.0);
  ASSERT_EQ(job->vertices.size(), 2u);
  EXPECT_EQ(Count(job->vertices[1], FlinkExecutionState::kCanceled), 2);
  EXPECT_EQ(Count(job->vertices[1], FlinkExecutionState::kRunning), 0);
}

TEST(FlinkJobDetailsTest, V19RunningAndFailed) {
  auto job = ParseFlinkJobDetails(ReadFixture("flink/1.9/job_details.json"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->id, "50ddb77e4fe213e05005fc239db7ef5f");
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1568000000.412);
  ASSERT_EQ(job->vertices.size(), 3u);
  EXPECT_EQ(job->vertices[1].id, "3398cb0b991d4fef90914e6c3625d22f");
  EXPECT_EQ(job->vertices[1].name, "KeyedProcess -> Map");
  EXPECT_EQ(job->vertices[1].parallelism, 4);
  EXPECT_EQ(Count(job->vertices[1], FlinkExecutionState::kRunning), 4);

  auto failed = ParseFlinkJobDetails(ReadFixture("flink/1.9/job_details_failed.json"));
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->state, FlinkJobState::kFailed);
  EXPECT_OPT_DOUBLE(failed->state_since_timestamp, 1568031800.0);
  EXPECT_OPT_DOUBLE(failed->end_timestamp, 1568031800.0);
  ASSERT_EQ(failed->vertices.size(), 2u);
  EXPECT_EQ(failed->vertices[1].name, "Sink: Parquet to S3");
  EXPECT_EQ(Count(failed->vertices[1], FlinkExecutionState::kFailed), 1);
  EXPECT_EQ(Count(failed->vertices[1], FlinkExecutionState::kCanceled), 1);
}

TEST(FlinkJobDetailsTest, V113CountsInitializingSubtasks) {
  auto job = ParseFlinkJobDetails(ReadFixture("flink/1.13/job_details.json"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->id, "e79307cba1c2f6ccc24194b3a0fe79bf");
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1623040000.512);
  ASSERT_EQ(job->vertices.size(), 3u);
  const FlinkVertex& join = job->vertices[1];
  EXPECT_EQ(join.id, "5025d468854fe4cb33499469bc3f96bc");
  EXPECT_EQ(join.parallelism, 8);
  EXPECT_EQ(Count(join, FlinkExecutionState::kRunning), 7);
  EXPECT_EQ(Count(join, FlinkExecutionState::kInitializing), 1);
  EXPECT_EQ(Count(join, FlinkExecutionState::kUnknown), 0);

  auto finished = ParseFlinkJobDetails(ReadFixture("flink/1.13/job_details_finished.json"));
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(finished->state, FlinkJobState::kFinished);
  EXPECT_OPT_DOUBLE(finished->state_since_timestamp, 1622998812.345);
}

TEST(FlinkJobDetailsTest, V118AndV20) {
  auto job = ParseFlinkJobDetails(ReadFixture("flink/1.18/job_details.json"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->name, "Payments \"fraud\" scoring \xE2\x80\x93 Z\xC3\xBCrich");
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1701072000.402);
  ASSERT_EQ(job->vertices.size(), 3u);
  EXPECT_EQ(job->vertices[2].id, "1da56be88f5b7eb8d060deaaaf9ae264");
  EXPECT_EQ(job->vertices[2].parallelism, 2);

  auto canceled = ParseFlinkJobDetails(ReadFixture("flink/1.18/job_details_canceled.json"));
  ASSERT_TRUE(canceled.ok()) << canceled.status().ToString();
  EXPECT_EQ(canceled->state, FlinkJobState::kCanceled);
  EXPECT_OPT_DOUBLE(canceled->state_since_timestamp, 1701053600.4);

  auto v20 = ParseFlinkJobDetails(ReadFixture("flink/2.0/job_details.json"));
  ASSERT_TRUE(v20.ok()) << v20.status().ToString();
  EXPECT_EQ(v20->id, "8e7581af88c591f30064a74f766ab7ac");
  ASSERT_EQ(v20->vertices.size(), 3u);
  const FlinkVertex& sink = v20->vertices[2];
  EXPECT_EQ(sink.name, "Sink: Iceberg sessions");
  EXPECT_EQ(Count(sink, FlinkExecutionState::kRunning), 2);
  EXPECT_EQ(Count(sink, FlinkExecutionState::kDeploying), 1);

  auto failed = ParseFlinkJobDetails(ReadFixture("flink/2.0/job_details_failed.json"));
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->state, FlinkJobState::kFailed);
  EXPECT_OPT_DOUBLE(failed->end_timestamp, 1744084800.0);
}

TEST(FlinkJobDetailsTest, UnknownStatesAreCountedNotDropped) {
  auto job = ParseFlinkJobDetails(R"({
    "jid":"j1","name":"x","state":"PAUSED","start-time":-1,"end-time":-1,
    "timestamps":{"RUNNING":1700000000000,"PAUSED":1700000100000},
    "vertices":[
      {"id":"v1","name":"a","parallelism":"3","tasks":{"RUNNING":1,"running":1,"PAUSED":1}},
      {"id":"v2","name":"b","parallelism":1,"tasks":null},
      {"name":"no id"},
      "garbage"
    ]})");
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->state, FlinkJobState::kUnknown);
  EXPECT_OPT_DOUBLE(job->state_since_timestamp, 1700000100.0) << "keyed by the wire state";
  EXPECT_FALSE(job->start_timestamp.has_value());
  ASSERT_EQ(job->vertices.size(), 2u);
  EXPECT_EQ(job->vertices[0].parallelism, 3);
  EXPECT_EQ(Count(job->vertices[0], FlinkExecutionState::kRunning), 2);
  EXPECT_EQ(Count(job->vertices[0], FlinkExecutionState::kUnknown), 1);
  EXPECT_EQ(job->vertices[1].id, "v2");
}

TEST(FlinkJobDetailsTest, StateNeverEnteredHasNoSince) {
  auto job = ParseFlinkJobDetails(
      R"({"jid":"j","state":"RESTARTING","timestamps":{"RESTARTING":0,"RUNNING":5}})");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->state, FlinkJobState::kRestarting);
  EXPECT_FALSE(job->state_since_timestamp.has_value());
  EXPECT_TRUE(job->vertices.empty());
}

TEST(FlinkJobDetailsTest, WrongShapesAreParseErrors) {
  const std::string full = ReadFixture("flink/1.9/job_details.json");
  for (const std::string& body :
       {full.substr(0, full.size() / 2), std::string("[{\"jid\":\"a\"}]"),
        std::string("<!DOCTYPE html><html></html>"), std::string(R"({"errors":["Job not found"]})"),
        std::string(R"({"jid":42})"), std::string()}) {
    auto r = ParseFlinkJobDetails(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
}

}  // namespace
}  // namespace fme
