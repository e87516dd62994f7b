#include "flink/flink_source.h"

#include <gtest/gtest.h>

#include "flink/flink_jvm_metrics.h"
#include "flink/flink_parser.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"

namespace fme {
namespace {

constexpr const char* kConfig113 =
    R"({"refresh-interval":3000,"timezone-name":"UTC","timezone-offset":0,)"
    R"("flink-version":"1.13.6","flink-revision":"b2ca390 @ 2022-02-03T14:54:22+01:00",)"
    R"("features":{"web-submit":false}})";
constexpr const char* kOverview =
    R"({"taskmanagers":4,"slots-total":16,"slots-available":3,"jobs-running":2,)"
    R"("jobs-finished":5,"jobs-cancelled":1,"jobs-failed":1,"flink-version":"1.13.6",)"
    R"("flink-commit":"b2ca390","some-future-field":{"x":1}})";

TEST(FlinkParserTest, Config) {
  auto info = ParseFlinkConfig(kConfig113);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->version, "1.13.6");
  EXPECT_EQ(info->revision, "b2ca390 @ 2022-02-03T14:54:22+01:00");
}

TEST(FlinkParserTest, OverviewIgnoresUnknownFields) {
  auto o = ParseFlinkOverview(kOverview);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->taskmanagers, 4);
  EXPECT_EQ(o->slots_total, 16);
  EXPECT_EQ(o->slots_available, 3);
  EXPECT_EQ(o->jobs_running, 2);
  EXPECT_EQ(o->jobs_finished, 5);
  EXPECT_EQ(o->jobs_cancelled, 1);
  EXPECT_EQ(o->jobs_failed, 1);
  EXPECT_EQ(o->revision, "b2ca390");
}

TEST(FlinkParserTest, OverviewAcceptsNumericStrings) {
  auto o = ParseFlinkOverview(R"({"taskmanagers":"2","slots-total":"8"})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->taskmanagers, 2);
  EXPECT_EQ(o->slots_total, 8);
  EXPECT_EQ(o->jobs_failed, 0);
}

TEST(FlinkParserTest, BadBodiesAreParseErrors) {
  for (const char* body : {"", "{", R"({"taskmanagers":4,"slots-total")", "[1,2]", "<html>",
                           R"({"errors":["Not found"]})"}) {
    auto o = ParseFlinkOverview(body);
    ASSERT_FALSE(o.ok()) << body;
    EXPECT_EQ(o.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_EQ(ParseFlinkConfig("[]").status().code(), StatusCode::kParseError);
}

class FlinkSourceTest : public ::testing::Test {
 protected:
  FlinkSourceTest() {
    config.name = "analytics";
    config.rest_url = "http://jm:8081";
    config.auth.bearer_token = "secret";
  }
  // A cluster without jobs or TaskManagers: only the cluster-wide calls answer.
  void ServeEmptyCluster() {
    http.Respond("http://jm:8081/config", 200, kConfig113);
    http.Respond("http://jm:8081/overview", 200, kOverview);
    http.Respond("http://jm:8081/jobs/overview", 200, R"({"jobs":[]})");
    http.Respond("http://jm:8081/taskmanagers", 200, R"({"taskmanagers":[]})");
    http.Respond("http://jm:8081/jobmanager/metrics" + JvmMetricsQuery(), 200, "[]");
  }

  FlinkClusterConfig config;
  testing::FakeHttpClient http;
  testing::FakeClock clock;
};

TEST_F(FlinkSourceTest, PollCombinesConfigAndOverview) {
  ServeEmptyCluster();
  FlinkSource src(config, http, clock);
  auto obs = src.Poll(clock.Steady() + std::chrono::seconds(5));
  ASSERT_TRUE(obs.ok()) << obs.status().ToString();
  const auto& o = std::get<FlinkObservation>(*obs).overview;
  EXPECT_EQ(o.version, "1.13.6");
  EXPECT_EQ(o.revision, "b2ca390 @ 2022-02-03T14:54:22+01:00");
  EXPECT_EQ(o.taskmanagers, 4);
  for (const auto& r : http.requests()) {
    EXPECT_EQ(r.auth.bearer_token, "secret");
    EXPECT_EQ(r.deadline, clock.Steady() + std::chrono::seconds(5));
  }
}

TEST_F(FlinkSourceTest, VersionIsCachedUntilAPollFails) {
  ServeEmptyCluster();
  FlinkSource src(config, http, clock);
  auto deadline = clock.Steady() + std::chrono::seconds(5);
  ASSERT_TRUE(src.Poll(deadline).ok());
  ASSERT_TRUE(src.Poll(deadline).ok());
  EXPECT_EQ(http.CountRequests("http://jm:8081/config"), 1);
  http.Respond("http://jm:8081/overview", 500, R"({"errors":["Internal server error."]})");
  auto failed = src.Poll(deadline);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kHttpStatus);
  EXPECT_NE(failed.status().message().find("HTTP 500"), std::string::npos);
  EXPECT_NE(failed.status().message().find("Internal server error."), std::string::npos);
  http.Respond("http://jm:8081/overview", 200, kOverview);
  ASSERT_TRUE(src.Poll(deadline).ok());
  EXPECT_EQ(http.CountRequests("http://jm:8081/config"), 2) << "re-probed after the failure";
}

TEST_F(FlinkSourceTest, TransportErrorsPassThrough) {
  http.Fail("http://jm:8081/config", Status::Timeout("read timeout"));
  FlinkSource src(config, http, clock);
  auto r = src.Poll(clock.Steady() + std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
}

}  // namespace
}  // namespace fme
