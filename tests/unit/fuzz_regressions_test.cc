// Inputs that broke a parser or loader, found with the harnesses in fuzz/ (by mutation, or
// written for a harness), each pinned by the fixed behaviour. The harness, the input and the
// defect are named above each test.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flink/flink_jobs_parser.h"
#include "flink/flink_parser.h"
#include "fme/config.h"
#include "mesos/mesos_v0_parser.h"
#include "server/web_config.h"

namespace fme {
namespace {

// config_fuzzer: ",+\n\n". yaml-cpp 0.7's LoadAll never returned on a ',' outside a flow
// collection (its parser repeated the same empty document without consuming input, and LoadAll
// kept every copy), so the loader allocated until the process ran out of memory.
TEST(FuzzRegressionsTest, ConfigStrayCommaIsASyntaxErrorNotAHang) {
  for (const std::string yaml : {",+\n\n", ",", "  ,\n", ",\nglobal: {}\n"}) {
    Result<Config> r = ParseConfig(yaml, "exporter.yml", "");
    ASSERT_FALSE(r.ok()) << yaml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidConfig);
    EXPECT_NE(r.status().message().find("exporter.yml:1: yaml: syntax error: unexpected \",\""),
              std::string::npos)
        << r.status().message();
  }
}

TEST(FuzzRegressionsTest, ConfigSecondDocumentIsStillReportedAtItsRoot) {
  Result<Config> r = ParseConfig("global: {}\n---\n\nglobal: {}\n", "exporter.yml", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "exporter.yml:4: top level: only one YAML document is allowed");
  EXPECT_TRUE(ParseConfig("---\nglobal: {}\n...\n", "exporter.yml", "").ok());
}

// flink_config_fuzzer: /overview with "slots-total":92233720368547758086. The counts were cast
// from double to int64 unchecked, which is undefined behaviour beyond the int64 range (and for
// the NaN a "NaN" string reads as). Such a count now reads as absent (0).
TEST(FuzzRegressionsTest, FlinkOverviewCountsOutOfInt64RangeAreZero) {
  Result<FlinkClusterOverview> o = ParseFlinkOverview(
      R"({"taskmanagers":3,"slots-total":92233720368547758086,"slots-available":"NaN",)"
      R"("jobs-running":-1e300,"jobs-finished":"Infinity","jobs-failed":9223372036854775807})");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->taskmanagers, 3);
  EXPECT_EQ(o->slots_total, 0);
  EXPECT_EQ(o->slots_available, 0);
  EXPECT_EQ(o->jobs_running, 0);
  EXPECT_EQ(o->jobs_finished, 0);
  EXPECT_EQ(o->jobs_failed, INT64_MAX);
}

// flink_job_details_fuzzer harness (its invariant "subtask counts are never negative"), on
// inputs written for it: per-state subtask counts were summed unchecked, and keys that land in
// one slot (a state in two spellings, several unknown states) overflowed int64, which is
// undefined behaviour. Negative counts are now skipped and the sum saturates.
TEST(FuzzRegressionsTest, FlinkVertexSubtaskCountsSaturateAndSkipNegatives) {
  Result<FlinkJob> job = ParseFlinkJobDetails(
      R"({"jid":"j","vertices":[{"id":"v","tasks":{"RUNNING":9223372036854775807,"running":1,)"
      R"("NEW1":-9223372036854775807,"NEW2":-9223372036854775807,"NEW3":2,"FAILED":-1}}]})");
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_EQ(job->vertices.size(), 1u);
  const auto& counts = job->vertices[0].subtasks_by_state;
  EXPECT_EQ(counts[static_cast<size_t>(FlinkExecutionState::kRunning)], INT64_MAX);
  EXPECT_EQ(counts[static_cast<size_t>(FlinkExecutionState::kUnknown)], 2);
  EXPECT_EQ(counts[static_cast<size_t>(FlinkExecutionState::kFailed)], 0);
}

// flink_jobs_overview_fuzzer (its invariant "timestamps are positive"), in the long run: a job
// with "start-time":4.9e-324. The millisecond value was checked to be positive before it was
// divided by 1000, and the smallest subnormal double divides to 0: a start time of 1970 instead
// of none. Every Flink timestamp goes through the same reader, so job details, checkpoints,
// exceptions and TaskManagers had the same defect.
TEST(FuzzRegressionsTest, FlinkSubnormalTimestampIsAbsentNotZero) {
  Result<std::vector<FlinkJobSummary>> jobs = ParseFlinkJobsOverview(
      R"({"jobs":[{"jid":"a","state":"RUNNING","start-time":4.9e-324,)"
      R"("last-modification":1712000000000}]})");
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].start_timestamp, std::nullopt);
  EXPECT_EQ((*jobs)[0].last_modification_timestamp, std::optional<double>(1712000000.0));
}

// mesos_v0_fuzzer harness, on an input written for it: /master/slaves with an attribute value
// nested 200000 lists deep. Attribute values were printed with nlohmann::json::dump(), which
// recurses per level and overflowed the stack (a crash of the whole exporter on one bad body).
// Structured values are no attributes; they are now left out.
TEST(FuzzRegressionsTest, MesosV0DeeplyNestedAttributeIsSkipped) {
  constexpr int kDepth = 200000;
  const std::string body = R"({"slaves":[{"id":"S1","attributes":{"rack":"r1","deep":)" +
                           std::string(kDepth, '[') + std::string(kDepth, ']') +
                           R"(,"obj":{"a":1}}}]})";
  Result<std::vector<MesosAgentRecord>> agents = ParseMasterSlaves(body);
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].attributes,
            (std::vector<std::pair<std::string, std::string>>{{"rack", "r1"}}));
}

// web_config_fuzzer, on its seed of two valid users: ReadUsers bound `const YAML::Node&` to
// `it->second` of a yaml-cpp map iterator, a member of a temporary that dies with the statement,
// and then read the dangling node (AddressSanitizer: stack-use-after-scope). Under the asan
// preset this test fails without the fix.
TEST(FuzzRegressionsTest, WebConfigReadsEveryUserOfAValidFile) {
  const std::string hash_a = "$2a$04$goEe.5UTwLCx5/dskqIoYet6CnJc37LDn/GQwKW5YnDJCnZ9wSpaC";
  const std::string hash_y = "$2y$12$goEe.5UTwLCx5/dskqIoYet6CnJc37LDn/GQwKW5YnDJCnZ9wSpaC";
  Result<WebConfig> r = ParseWebConfig(
      "basic_auth_users:\n  zed: " + hash_y + "\n  amy: " + hash_a + "\n", "web.yml", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->users.size(), 2u);
  EXPECT_EQ(r->users[0], (BasicAuthUser{"amy", hash_a}));
  EXPECT_EQ(r->users[1], (BasicAuthUser{"zed", hash_y}));
}

// web_config_fuzzer, on its seed of bad values: the same dangling `const YAML::Node&` to an
// iterator's `->second` in ReadHttp, for every allowed header name.
TEST(FuzzRegressionsTest, WebConfigReadsEveryAllowedHeader) {
  Result<WebConfig> r = ParseWebConfig(
      "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
      "    X-Content-Type-Options: nosniff\n",
      "web.yml", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->headers.size(), 2u);
  Result<WebConfig> bad = ParseWebConfig(
      "http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "web.yml", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidConfig);
}

}  // namespace
}  // namespace fme
