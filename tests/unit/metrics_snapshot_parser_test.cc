// Reason counters and per-framework task metrics of a master's /metrics/snapshot. The fixed
// master/cluster figures are covered next to the Mesos source tests.
#include "mesos/metrics_snapshot_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr const char* kFrameworkPrefix = "5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-";

std::string FrameworkId(const char* suffix) { return std::string(kFrameworkPrefix) + suffix; }

void ExpectTermination(const MesosTermination& t, MesosTaskState state, const std::string& source,
                       const std::string& reason, double count) {
  EXPECT_EQ(t.state, state) << MesosTaskStateName(t.state);
  EXPECT_EQ(t.source, source);
  EXPECT_EQ(t.reason, reason);
  EXPECT_DOUBLE_EQ(t.count, count);
}

int64_t Active(const MasterMetrics::FrameworkTasks& f, MesosTaskState s) {
  return f.active[static_cast<size_t>(s)];
}

TEST(MetricsSnapshotFullTest, KeepsFixedMetrics) {
  auto m = ParseMasterMetricsSnapshot(ReadFixture("mesos/leader_metrics_snapshot_full.json"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_OPT_DOUBLE(m->self.elected, 1.0);
  EXPECT_OPT_DOUBLE(m->self.uptime_seconds, 864123.25);
  EXPECT_OPT_DOUBLE(m->cluster.tasks_running, 58.0);
  EXPECT_OPT_DOUBLE(m->cluster.memory_total_bytes, 245760.5 * kMiB);
}

TEST(MetricsSnapshotFullTest, ReasonCountersSortedWithAgentSpelling) {
  auto m = ParseMasterMetricsSnapshot(ReadFixture("mesos/leader_metrics_snapshot_full.json"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Sorted by (state in enum order, reason, source); slave_removals/reason_* and the
  // master/tasks_* totals are not termination counters.
  ASSERT_EQ(m->terminations.size(), 6u);
  ExpectTermination(m->terminations[0], MesosTaskState::kFailed, "SOURCE_EXECUTOR",
                    "REASON_COMMAND_EXECUTOR_FAILED", 5);
  ExpectTermination(m->terminations[1], MesosTaskState::kFailed, "SOURCE_EXECUTOR",
                    "REASON_CONTAINER_LIMITATION_MEMORY", 3);
  ExpectTermination(m->terminations[2], MesosTaskState::kKilled, "SOURCE_MASTER",
                    "REASON_FRAMEWORK_REMOVED", 4);
  ExpectTermination(m->terminations[3], MesosTaskState::kError, "SOURCE_MASTER",
                    "REASON_TASK_INVALID", 1);
  ExpectTermination(m->terminations[4], MesosTaskState::kLost, "SOURCE_MASTER",
                    "REASON_AGENT_REMOVED", 1);
  ExpectTermination(m->terminations[5], MesosTaskState::kLost, "SOURCE_AGENT",
                    "REASON_EXECUTOR_TERMINATED", 1);
}

TEST(MetricsSnapshotFullTest, PerFrameworkTaskCountsSortedByIdWithDecodedNames) {
  auto m = ParseMasterMetricsSnapshot(ReadFixture("mesos/leader_metrics_snapshot_full.json"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->frameworks.size(), 3u);

  const auto& marathon = m->frameworks[0];
  EXPECT_EQ(marathon.framework_id, FrameworkId("0000"));
  EXPECT_EQ(marathon.framework_name, "marathon");
  EXPECT_EQ(Active(marathon, MesosTaskState::kRunning), 1);

  const auto& flink = m->frameworks[1];
  EXPECT_EQ(flink.framework_id, FrameworkId("0012"));
  EXPECT_EQ(flink.framework_name, "Flink");
  const std::array<int64_t, kMesosActiveTaskStateCount> expected_active = {1, 0, 3, 0, 0, 0};
  EXPECT_EQ(flink.active, expected_active);  // staging, starting, running, killing, unreachable, unknown
  // Every terminal state the master publishes, in enum order, without reason or source.
  ASSERT_EQ(flink.terminal.size(), 8u);
  ExpectTermination(flink.terminal[0], MesosTaskState::kFinished, "unknown", "unknown", 0);
  ExpectTermination(flink.terminal[1], MesosTaskState::kFailed, "unknown", "unknown", 2);
  ExpectTermination(flink.terminal[2], MesosTaskState::kKilled, "unknown", "unknown", 1);
  ExpectTermination(flink.terminal[3], MesosTaskState::kError, "unknown", "unknown", 0);
  ExpectTermination(flink.terminal[4], MesosTaskState::kLost, "unknown", "unknown", 1);
  ExpectTermination(flink.terminal[5], MesosTaskState::kDropped, "unknown", "unknown", 0);
  ExpectTermination(flink.terminal[6], MesosTaskState::kGone, "unknown", "unknown", 0);
  ExpectTermination(flink.terminal[7], MesosTaskState::kGoneByOperator, "unknown", "unknown", 0);

  const auto& session = m->frameworks[2];
  EXPECT_EQ(session.framework_id, FrameworkId("0013"));
  EXPECT_EQ(session.framework_name, "Flink session: fraud/detect");
  EXPECT_EQ(Active(session, MesosTaskState::kRunning), 2);
  EXPECT_EQ(session.terminal.size(), 8u);
}

TEST(MetricsSnapshotFullTest, SnapshotWithoutDynamicMetricsHasNone) {
  auto m = ParseMasterMetricsSnapshot(ReadFixture("mesos/leader_metrics_snapshot.json"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->terminations.empty());
  EXPECT_TRUE(m->frameworks.empty());
}

TEST(MetricsSnapshotFullTest, IgnoresKeysThatOnlyLookAlike) {
  auto m = ParseMasterMetricsSnapshot(R"({
    "master/elected": 1,
    "master/task_failed/source_executor": 3,
    "master/task_failed/source_executor/reason_x/extra": 3,
    "master/task_failed/reason_x/source_executor": 3,
    "master/task_bogus/source_master/reason_x": 3,
    "master/task_failed/source_executor/reason_container_limitation_disk": "7",
    "master/tasks_failed": 9,
    "master/slave_removals/reason_unhealthy": 1,
    "master/frameworks/Flink/f-1/subscribed": 1,
    "master/frameworks/Flink/f-1/calls/kill": 4,
    "master/frameworks/Flink/f-2/tasks/active/task_finished": 4,
    "master/frameworks/Flink/f-2/tasks/terminal/task_running": 4,
    "master/frameworks/Flink/f-2/tasks/active/task_bogus": 4,
    "master/frameworks/Flink//tasks/active/task_running": 4,
    "master/frameworks/Flink": 4
  })");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->terminations.empty());
  EXPECT_TRUE(m->frameworks.empty()) << "only tasks/active and tasks/terminal make an entry";
}

TEST(MetricsSnapshotFullTest, PartialFrameworkMetricsStayPartial) {
  // With ?timeout= a master may omit some gauges: the states it did report are still used.
  auto m = ParseMasterMetricsSnapshot(R"({
    "master/elected": 1,
    "master/frameworks/100%25%20done%zz%4/f-9/tasks/active/task_unknown": 2,
    "master/frameworks/100%25%20done%zz%4/f-9/tasks/terminal/task_gone_by_operator": 1,
    "master/frameworks//f-3/tasks/active/task_killing": 1
  })");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->frameworks.size(), 2u);
  EXPECT_EQ(m->frameworks[0].framework_id, "f-3");
  EXPECT_EQ(m->frameworks[0].framework_name, "");
  EXPECT_EQ(Active(m->frameworks[0], MesosTaskState::kKilling), 1);
  EXPECT_TRUE(m->frameworks[0].terminal.empty());

  const auto& f = m->frameworks[1];
  EXPECT_EQ(f.framework_id, "f-9");
  EXPECT_EQ(f.framework_name, "100% done%zz%4") << "invalid escapes are kept as they are";
  EXPECT_EQ(Active(f, MesosTaskState::kUnknown), 2);
  EXPECT_EQ(Active(f, MesosTaskState::kRunning), 0);
  ASSERT_EQ(f.terminal.size(), 1u);
  ExpectTermination(f.terminal[0], MesosTaskState::kGoneByOperator, "unknown", "unknown", 1);
}

TEST(MetricsSnapshotFullTest, MergesCountersThatNormalizeToTheSameName) {
  auto m = ParseMasterMetricsSnapshot(R"({
    "master/uptime_secs": 10,
    "master/task_lost/source_slave/reason_slave_disconnected": 2,
    "master/task_lost/source_agent/reason_agent_disconnected": 3,
    "master/task_gone_by_operator/source_master/reason_slave_removed_by_operator": 1
  })");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->terminations.size(), 2u);
  ExpectTermination(m->terminations[0], MesosTaskState::kLost, "SOURCE_AGENT",
                    "REASON_AGENT_DISCONNECTED", 5);
  ExpectTermination(m->terminations[1], MesosTaskState::kGoneByOperator, "SOURCE_MASTER",
                    "REASON_AGENT_REMOVED_BY_OPERATOR", 1);
}

TEST(MetricsSnapshotFullTest, TruncatedSnapshotIsParseError) {
  const std::string full = ReadFixture("mesos/leader_metrics_snapshot_full.json");
  auto m = ParseMasterMetricsSnapshot(full.substr(0, full.size() * 2 / 3));
  EXPECT_EQ(m.status().code(), StatusCode::kParseError);
  EXPECT_NE(m.status().message().find("/metrics/snapshot"), std::string::npos);
}

}  // namespace
}  // namespace fme
