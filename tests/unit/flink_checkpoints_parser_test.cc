#include "flink/flink_checkpoints_parser.h"

#include <gtest/gtest.h>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

TEST(FlinkCheckpointStatsTest, Legacy14UntaggedWithOmittedSavepoint) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/1.4/checkpoints.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 1447);
  EXPECT_EQ(s->failed, 2);
  EXPECT_EQ(s->in_progress, 0);
  EXPECT_EQ(s->restored, 1);
  EXPECT_OPT_DOUBLE(s->last_completed_timestamp, 1519900801.24);
  EXPECT_OPT_DOUBLE(s->last_duration_seconds, 1.24);
  EXPECT_OPT_DOUBLE(s->last_size_bytes, 48234496.0) << "no checkpointed_size: state_size";
  EXPECT_OPT_DOUBLE(s->last_state_size_bytes, 48234496.0);
  EXPECT_FALSE(s->last_processed_bytes.has_value());
  EXPECT_FALSE(s->last_persisted_bytes.has_value());
  EXPECT_OPT_DOUBLE(s->last_failure_timestamp, 1519886388.0);
  EXPECT_EQ(s->last_failure_exception,
            "org.apache.flink.runtime.checkpoint.decline.CheckpointDeclineTaskNotReadyException");
  EXPECT_FALSE(s->last_savepoint_timestamp.has_value()) << "omitted key";
  EXPECT_OPT_DOUBLE(s->last_restore_timestamp, 1519886400.2);
}

TEST(FlinkCheckpointStatsTest, V19AtClassWithNullLatest) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/1.9/checkpoints.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 960);
  EXPECT_EQ(s->failed, 2);
  EXPECT_EQ(s->in_progress, 1);
  EXPECT_EQ(s->restored, 0);
  EXPECT_OPT_DOUBLE(s->last_completed_timestamp, 1568043181.875);
  EXPECT_OPT_DOUBLE(s->last_duration_seconds, 1.875);
  EXPECT_OPT_DOUBLE(s->last_size_bytes, 136314880.0);
  EXPECT_OPT_DOUBLE(s->last_failure_timestamp, 1568042970.0);
  EXPECT_EQ(s->last_failure_exception, "") << "\"Checkpoint expired before completing.\" is prose";
  EXPECT_FALSE(s->last_savepoint_timestamp.has_value()) << "savepoint: null";
  EXPECT_FALSE(s->last_restore_timestamp.has_value()) << "restored: null";
}

TEST(FlinkCheckpointStatsTest, V113ProcessedPersistedSavepointRestore) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/1.13/checkpoints.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 2881);
  EXPECT_EQ(s->failed, 0);
  EXPECT_EQ(s->restored, 1);
  EXPECT_OPT_DOUBLE(s->last_completed_timestamp, 1623086343.41);
  EXPECT_OPT_DOUBLE(s->last_duration_seconds, 3.41);
  EXPECT_OPT_DOUBLE(s->last_size_bytes, 2254857830.0);
  EXPECT_OPT_DOUBLE(s->last_processed_bytes, 1048576.0);
  EXPECT_OPT_DOUBLE(s->last_persisted_bytes, 0.0);
  EXPECT_FALSE(s->last_failure_timestamp.has_value()) << "failed: null";
  EXPECT_EQ(s->last_failure_exception, "");
  EXPECT_OPT_DOUBLE(s->last_savepoint_timestamp, 1623045612.873);
  EXPECT_OPT_DOUBLE(s->last_restore_timestamp, 1623040000.53);
}

TEST(FlinkCheckpointStatsTest, V118ClassNameAndCheckpointedSize) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/1.18/checkpoints.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 1803);
  EXPECT_OPT_DOUBLE(s->last_size_bytes, 12582912.0) << "incremental: checkpointed_size";
  EXPECT_OPT_DOUBLE(s->last_state_size_bytes, 734003200.0) << "full state";
  EXPECT_OPT_DOUBLE(s->last_processed_bytes, 2097152.0);
  EXPECT_OPT_DOUBLE(s->last_savepoint_timestamp, 1701089131.02);
  EXPECT_OPT_DOUBLE(s->last_failure_timestamp, 1701071990.0);
  EXPECT_FALSE(s->last_restore_timestamp.has_value());
}

TEST(FlinkCheckpointStatsTest, V118NothingCheckpointedYet) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/1.18/checkpoints_canceled.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 0);
  EXPECT_EQ(s->failed, 0);
  EXPECT_FALSE(s->last_completed_timestamp.has_value());
  EXPECT_FALSE(s->last_duration_seconds.has_value());
  EXPECT_FALSE(s->last_size_bytes.has_value());
  EXPECT_FALSE(s->last_failure_timestamp.has_value());
  EXPECT_FALSE(s->last_savepoint_timestamp.has_value());
  EXPECT_FALSE(s->last_restore_timestamp.has_value());
}

TEST(FlinkCheckpointStatsTest, V20FailureMessageNamingAClass) {
  auto s = ParseFlinkCheckpointStats(ReadFixture("flink/2.0/checkpoints.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->completed, 1431);
  EXPECT_EQ(s->restored, 1);
  EXPECT_OPT_DOUBLE(s->last_size_bytes, 44040192.0);
  EXPECT_OPT_DOUBLE(s->last_failure_timestamp, 1744114952.21);
  EXPECT_EQ(s->last_failure_exception, "java.io.IOException");
  EXPECT_OPT_DOUBLE(s->last_restore_timestamp, 1744100000.401);
}

TEST(FlinkCheckpointStatsTest, TolerantElements) {
  // Counts as numeric strings, latest missing entirely, -1 timestamps.
  auto no_latest = ParseFlinkCheckpointStats(
      R"({"counts":{"restored":"0","total":"5","in_progress":0,"completed":"4","failed":1}})");
  ASSERT_TRUE(no_latest.ok()) << no_latest.status().ToString();
  EXPECT_EQ(no_latest->completed, 4);
  EXPECT_EQ(no_latest->failed, 1);
  EXPECT_FALSE(no_latest->last_completed_timestamp.has_value());

  auto odd = ParseFlinkCheckpointStats(R"({"counts":{},"latest":{
      "completed":{"className":"completed","latest_ack_timestamp":-1,"end_to_end_duration":-1,
                   "state_size":null,"checkpointed_size":"2048"},
      "failed":{"failure_timestamp":-1,"failure_message":null},
      "savepoint":"nonsense",
      "restored":{"restore_timestamp":0}}})");
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  EXPECT_EQ(odd->completed, 0);
  EXPECT_FALSE(odd->last_completed_timestamp.has_value());
  EXPECT_FALSE(odd->last_duration_seconds.has_value());
  EXPECT_OPT_DOUBLE(odd->last_size_bytes, 2048.0);
  EXPECT_FALSE(odd->last_state_size_bytes.has_value());
  EXPECT_FALSE(odd->last_failure_timestamp.has_value());
  EXPECT_EQ(odd->last_failure_exception, "");
  EXPECT_FALSE(odd->last_savepoint_timestamp.has_value());
  EXPECT_FALSE(odd->last_restore_timestamp.has_value());
}

TEST(FlinkCheckpointStatsTest, WrongShapesAreParseErrors) {
  const std::string full = ReadFixture("flink/1.9/checkpoints.json");
  for (const std::string& body :
       {full.substr(0, full.size() - 20), std::string("[]"), std::string("<html></html>"),
        std::string(R"({"errors":["Checkpointing has not been enabled."]})"),
        std::string(R"({"counts":[1,2]})"), std::string("")}) {
    auto r = ParseFlinkCheckpointStats(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_NE(ParseFlinkCheckpointStats("[]").status().message().find("checkpoints"),
            std::string::npos);
}

TEST(FlinkCheckpointConfigTest, Legacy14) {
  auto c = ParseFlinkCheckpointConfig(ReadFixture("flink/1.4/checkpoints_config.json"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->periodic);
  EXPECT_OPT_DOUBLE(c->interval_seconds, 60.0);
  EXPECT_OPT_DOUBLE(c->timeout_seconds, 600.0);
  EXPECT_OPT_DOUBLE(c->min_pause_seconds, 0.0);
  EXPECT_EQ(c->max_concurrent, std::optional<int64_t>(1));
  EXPECT_FALSE(c->tolerable_failures.has_value()) << "1.13+";
  EXPECT_EQ(c->mode, "exactly_once");
}

TEST(FlinkCheckpointConfigTest, V19AndV113) {
  auto c19 = ParseFlinkCheckpointConfig(ReadFixture("flink/1.9/checkpoints_config.json"));
  ASSERT_TRUE(c19.ok()) << c19.status().ToString();
  EXPECT_OPT_DOUBLE(c19->interval_seconds, 30.0);
  EXPECT_OPT_DOUBLE(c19->min_pause_seconds, 5.0);
  EXPECT_FALSE(c19->tolerable_failures.has_value());

  auto c113 = ParseFlinkCheckpointConfig(ReadFixture("flink/1.13/checkpoints_config.json"));
  ASSERT_TRUE(c113.ok()) << c113.status().ToString();
  EXPECT_TRUE(c113->periodic);
  EXPECT_OPT_DOUBLE(c113->interval_seconds, 60.0);
  EXPECT_EQ(c113->tolerable_failures, std::optional<int64_t>(3));
  EXPECT_EQ(c113->mode, "at_least_once");
}

TEST(FlinkCheckpointConfigTest, V118AndV20) {
  auto c = ParseFlinkCheckpointConfig(ReadFixture("flink/1.18/checkpoints_config.json"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_OPT_DOUBLE(c->interval_seconds, 10.0);
  EXPECT_OPT_DOUBLE(c->min_pause_seconds, 1.0);
  EXPECT_EQ(c->tolerable_failures, std::optional<int64_t>(2));

  auto c20 = ParseFlinkCheckpointConfig(ReadFixture("flink/2.0/checkpoints_config.json"));
  ASSERT_TRUE(c20.ok()) << c20.status().ToString();
  EXPECT_OPT_DOUBLE(c20->interval_seconds, 20.0);
  EXPECT_OPT_DOUBLE(c20->timeout_seconds, 300.0);
  EXPECT_EQ(c20->tolerable_failures, std::optional<int64_t>(5));
}

TEST(FlinkCheckpointConfigTest, LongMaxIntervalMeansNotPeriodic) {
  auto c = ParseFlinkCheckpointConfig(ReadFixture("flink/1.18/checkpoints_config_canceled.json"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->periodic);
  EXPECT_FALSE(c->interval_seconds.has_value());
  EXPECT_OPT_DOUBLE(c->timeout_seconds, 600.0) << "the rest still reads";

  for (const char* body : {
           R"({"interval":9223372036854775807,"mode":"exactly_once"})",
           R"({"interval":"9223372036854775807"})",        // as a string: through a double
           R"({"interval":9.223372036854776E18})",         // as a double
           R"({"interval":4611686018427387904})",          // 2^62 ms
           R"({"interval":18446744073709551615})",         // beyond int64
       }) {
    auto r = ParseFlinkCheckpointConfig(body);
    ASSERT_TRUE(r.ok()) << body;
    EXPECT_FALSE(r->periodic) << body;
    EXPECT_FALSE(r->interval_seconds.has_value()) << body;
  }
  // Just below the threshold is a (silly but) real interval.
  auto big = ParseFlinkCheckpointConfig(R"({"interval":4611686018427387000})");
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(big->periodic);
}

TEST(FlinkCheckpointConfigTest, ModeIsNormalizedAndFieldsAreOptional) {
  auto c = ParseFlinkCheckpointConfig(
      R"({"interval":"15000","mode":"AT_LEAST_ONCE","timeout":null,"max_concurrent":"2"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->periodic);
  EXPECT_OPT_DOUBLE(c->interval_seconds, 15.0);
  EXPECT_EQ(c->mode, "at_least_once");
  EXPECT_FALSE(c->timeout_seconds.has_value());
  EXPECT_FALSE(c->min_pause_seconds.has_value());
  EXPECT_EQ(c->max_concurrent, std::optional<int64_t>(2));

  auto no_mode = ParseFlinkCheckpointConfig(R"({"interval":-1})");
  ASSERT_TRUE(no_mode.ok());
  EXPECT_FALSE(no_mode->periodic);
  EXPECT_EQ(no_mode->mode, "");
}

TEST(FlinkCheckpointConfigTest, WrongShapesAreParseErrors) {
  for (const char* body : {"", R"({"interval":60000,)", "[]", "<html></html>",
                           R"({"errors":["Checkpointing has not been enabled."]})", "{}"}) {
    auto r = ParseFlinkCheckpointConfig(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
}

TEST(ExceptionClassOfTest, ClassNamesAndProse) {
  EXPECT_EQ(ExceptionClassOf("java.io.IOException: disk full\n\tat x.y(Z.java:1)"),
            "java.io.IOException");
  EXPECT_EQ(ExceptionClassOf("java.lang.OutOfMemoryError"), "java.lang.OutOfMemoryError");
  EXPECT_EQ(ExceptionClassOf("java.lang.NullPointerException\n\tat a.b.C.d(C.java:3)"),
            "java.lang.NullPointerException");
  EXPECT_EQ(ExceptionClassOf("  org.apache.flink.util.FlinkRuntimeException: x"),
            "org.apache.flink.util.FlinkRuntimeException");
  EXPECT_EQ(ExceptionClassOf("org.example.Outer$InnerFailure: boom"),
            "org.example.Outer$InnerFailure");
  EXPECT_EQ(ExceptionClassOf("CheckpointException: no package"), "CheckpointException");
  EXPECT_EQ(ExceptionClassOf("StackOverflowError"), "StackOverflowError");
  EXPECT_EQ(ExceptionClassOf("MyThrowable"), "MyThrowable");
  // Prose and near misses.
  EXPECT_EQ(ExceptionClassOf("Checkpoint expired before completing."), "");
  EXPECT_EQ(ExceptionClassOf("Exception: bare word"), "");
  EXPECT_EQ(ExceptionClassOf("Error while checkpointing"), "");
  EXPECT_EQ(ExceptionClassOf("Task failed"), "");
  EXPECT_EQ(ExceptionClassOf("e.g. something"), "");
  EXPECT_EQ(ExceptionClassOf("java..io.IOException: x"), "");
  EXPECT_EQ(ExceptionClassOf("1java.io.IOException"), "");
  EXPECT_EQ(ExceptionClassOf("java.io.1OException"), "");
  EXPECT_EQ(ExceptionClassOf("trailing.dot.: x"), "");
  EXPECT_EQ(ExceptionClassOf("caf\xC3\xA9.Exception: x"), "");
  EXPECT_EQ(ExceptionClassOf(""), "");
  EXPECT_EQ(ExceptionClassOf("   \n"), "");
}

}  // namespace
}  // namespace fme
