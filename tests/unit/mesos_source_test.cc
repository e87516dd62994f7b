#include "mesos/mesos_source.h"

#include <gtest/gtest.h>

#include "mesos/metrics_snapshot_parser.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"

namespace fme {
namespace {

constexpr const char* kLeader = R"({
  "master/elected": 1.0, "master/uptime_secs": 3600.5, "master/event_queue_messages": 2.0,
  "master/slaves_active": 40.0, "master/slaves_inactive": 1.0, "master/slaves_unreachable": 2.0,
  "master/slaves_connected": 40.0, "master/slaves_disconnected": 1.0,
  "master/tasks_running": 310.0, "master/tasks_staging": 3.0, "master/tasks_failed": 12.0,
  "master/cpus_total": 640.0, "master/cpus_used": 400.5,
  "master/mem_total": 2048.0, "master/mem_used": 1024.5,
  "master/disk_total": 10.0, "master/disk_used": 0.0,
  "system/load_1min": 0.5, "registrar/state_store_ms/p99": 12.25
})";
// A standby: cluster figures are zero there, and some metrics were not ready in time.
constexpr const char* kStandby = R"({"master/elected": 0.0, "master/uptime_secs": 86400.0,
  "master/slaves_active": 0.0, "master/cpus_total": 0.0})";

TEST(MetricsSnapshotParserTest, ConvertsUnitsAndKeepsAbsentKeysAbsent) {
  auto m = ParseMasterMetricsSnapshot(kLeader);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->self.elected, 1.0);
  EXPECT_EQ(m->self.uptime_seconds, 3600.5);
  EXPECT_EQ(m->cluster.agents_active, 40.0);
  EXPECT_EQ(m->cluster.memory_total_bytes, 2048.0 * 1048576);
  EXPECT_EQ(m->cluster.memory_used_bytes, 1024.5 * 1048576);
  EXPECT_EQ(m->cluster.disk_used_bytes, 0.0);
  EXPECT_FALSE(m->cluster.tasks_killing.has_value()) << "missing is not zero";
  EXPECT_FALSE(m->cluster.gpus_total.has_value());
}

TEST(MetricsSnapshotParserTest, RejectsWhatIsNotAMasterSnapshot) {
  EXPECT_EQ(ParseMasterMetricsSnapshot(R"({"slave/uptime_secs": 5})").status().code(),
            StatusCode::kParseError);
  EXPECT_EQ(ParseMasterMetricsSnapshot(R"({"master/elected": 1,)").status().code(),
            StatusCode::kParseError);
  EXPECT_EQ(ParseMasterMetricsSnapshot("No leader elected").status().code(), StatusCode::kParseError);
}

class MesosSourceTest : public ::testing::Test {
 protected:
  MesosSourceTest() {
    config.name = "prod";
    config.masters = {"http://m1:5050", "http://m2:5050", "http://m3:5050"};
  }
  std::string Url(const std::string& master) {
    return master + "/metrics/snapshot?timeout=4000ms";
  }
  Result<Observation> Poll() {
    MesosSource src(config, http, clock);
    return src.Poll(clock.Steady() + std::chrono::seconds(5));
  }
  MesosClusterConfig config;
  testing::FakeHttpClient http;
  testing::FakeClock clock;
};

TEST_F(MesosSourceTest, TakesClusterFiguresFromTheLeaderOnly) {
  http.Respond(Url("http://m1:5050"), 200, kStandby);
  http.Respond(Url("http://m2:5050"), 200, kLeader);
  http.Fail(Url("http://m3:5050"), Status::Unavailable("connection refused"));
  auto r = Poll();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& obs = std::get<MesosObservation>(*r);
  ASSERT_EQ(obs.masters.size(), 3u);
  ASSERT_TRUE(obs.leader.has_value());
  EXPECT_EQ(*obs.leader, 1u);
  EXPECT_EQ(obs.cluster.agents_active, 40.0);
  EXPECT_TRUE(obs.masters[0].reachable);
  EXPECT_EQ(obs.masters[0].elected, 0.0);
  EXPECT_FALSE(obs.masters[2].reachable);
  EXPECT_NE(obs.masters[2].error.find("connection refused"), std::string::npos);
  EXPECT_EQ(obs.masters[2].url, "http://m3:5050");
}

TEST_F(MesosSourceTest, NoLeaderIsDataNotAnError) {
  for (const char* m : {"http://m1:5050", "http://m2:5050", "http://m3:5050"}) {
    http.Respond(Url(m), 200, kStandby);
  }
  auto r = Poll();
  ASSERT_TRUE(r.ok());
  const auto& obs = std::get<MesosObservation>(*r);
  EXPECT_FALSE(obs.leader.has_value());
  EXPECT_FALSE(obs.cluster.agents_active.has_value());
}

TEST_F(MesosSourceTest, FailsWhenNoMasterAnswers) {
  http.Fail(Url("http://m1:5050"), Status::Timeout("read timeout"));
  http.Respond(Url("http://m2:5050"), 503, "Service Unavailable");
  http.Respond(Url("http://m3:5050"), 200, "{not json");
  auto r = Poll();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout) << "the first master's failure classifies it";
  EXPECT_NE(r.status().message().find("no Mesos master answered (3 tried)"), std::string::npos);
}

TEST_F(MesosSourceTest, AsksMastersToAnswerWithinMostOfTheBudget) {
  http.Respond(Url("http://m1:5050"), 200, kLeader);
  Poll();
  EXPECT_EQ(http.CountRequests(Url("http://m1:5050")), 1);
  EXPECT_EQ(http.CountRequests(Url("http://m2:5050")), 1) << "every master is asked";
}

}  // namespace
}  // namespace fme
