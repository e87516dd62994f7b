// The Flink <-> Mesos join in the rendering: a Flink cluster configured with its Mesos cluster
// and framework gets its TaskManagers' Mesos tasks, the framework's TaskManager failures by
// reason, the TaskManagers only one side knows, and the framework's resources.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/snapshot_renderer.h"

namespace fme {
namespace {

constexpr const char* kFramework = "fw-0007";

MesosTask Task(const std::string& id, MesosTaskState state, const std::string& agent,
               const std::string& reason = "") {
  MesosTask t;
  t.id = id;
  t.name = id;
  t.framework_id = kFramework;
  t.agent_id = agent;
  t.state = state;
  t.reason = reason;
  return t;
}

std::shared_ptr<TargetState> MesosTarget(std::vector<MesosFramework> frameworks) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, "prod", "http://m1:5050"};
  t->polled = true;
  t->up = true;
  MesosObservation o;
  MesosAgent a;
  a.id = "S1";
  a.hostname = "agent-1.dc1";
  a.state = "active";
  o.agents = {a};
  o.origin = MesosStateOrigin::kEventStream;
  o.frameworks = std::move(frameworks);
  t->observation = o;
  return t;
}

MesosFramework FlinkFramework(const std::string& id = kFramework) {
  MesosFramework f;
  f.id = id;
  f.name = "Flink";
  f.active = f.connected = true;
  f.used.cpus = 6;
  f.used.memory_bytes = 12884901888;
  f.terminations = {
      {MesosTaskState::kFailed, "SOURCE_EXECUTOR", "REASON_CONTAINER_LIMITATION_MEMORY", 2},
      {MesosTaskState::kFailed, "SOURCE_AGENT", "REASON_CONTAINER_LIMITATION_MEMORY", 1},
      {MesosTaskState::kLost, "SOURCE_MASTER", "REASON_AGENT_REMOVED", 1},
  };
  f.taskmanager_tasks = {
      Task("taskmanager-00001", MesosTaskState::kRunning, "S1"),
      Task("taskmanager-00002", MesosTaskState::kFailed, "S1", "REASON_CONTAINER_LIMITATION_MEMORY"),
      Task("taskmanager-00004", MesosTaskState::kRunning, "S1"),  // Flink does not list it
  };
  return f;
}

std::shared_ptr<TargetState> FlinkTarget(const std::string& framework) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "payments", "http://jm:8081", "prod", framework};
  t->polled = true;
  t->up = true;
  FlinkObservation obs;
  for (const char* id : {"taskmanager-00001", "taskmanager-00002", "taskmanager-00003"}) {
    FlinkTaskManager tm;
    tm.id = id;
    tm.host = "10.0.0.1";
    obs.taskmanagers.push_back(tm);
  }
  FlinkJob j;
  j.id = "j1";
  j.name = "ingest";
  j.state = FlinkJobState::kRestarting;
  j.last_failure = FlinkJobFailure{1767225600, "java.lang.Exception", "taskmanager-00002"};
  obs.jobs = {j};
  t->observation = obs;
  return t;
}

std::string Render(std::vector<std::shared_ptr<const TargetState>> targets) {
  Snapshot s;
  s.targets = std::move(targets);
  std::string out;
  RenderSnapshot(s, out);
  return out;
}

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

constexpr const char* kCluster = R"(flink_cluster="payments")";

TEST(MesosJoinRenderTest, TaskManagersGetTheirMesosTasks) {
  const std::string out = Render({FlinkTarget("Flink"), MesosTarget({FlinkFramework()})});
  const std::string c = kCluster;
  EXPECT_TRUE(HasLine(out, "flink_taskmanager_info{" + c +
                               R"(,tm_id="taskmanager-00001",host="10.0.0.1",)"
                               R"(mesos_task_id="taskmanager-00001",agent_id="S1",)"
                               R"(hostname="agent-1.dc1",mesos_task_state="TASK_RUNNING"} 1)"))
      << out;
  EXPECT_TRUE(HasLine(out, "flink_taskmanager_info{" + c +
                               R"(,tm_id="taskmanager-00003",host="10.0.0.1"} 1)"))
      << "no Mesos task: no Mesos labels";
  EXPECT_TRUE(HasLine(out, R"(flink_cluster_info{flink_cluster="payments",version="",revision="",)"
                           R"(rest_url="http://jm:8081",mesos_cluster="prod",framework_id="fw-0007"} 1)"))
      << out;
}

TEST(MesosJoinRenderTest, FailuresUnmatchedAndResources) {
  const std::string out = Render({FlinkTarget(kFramework), MesosTarget({FlinkFramework()})});
  const std::string c = kCluster;
  // Sources folded: 2 from the executor + 1 from the agent.
  EXPECT_TRUE(HasLine(out, "flink_cluster_taskmanager_task_failures_total{" + c +
                               R"(,state="TASK_FAILED",reason="REASON_CONTAINER_LIMITATION_MEMORY"} 3)"))
      << out;
  EXPECT_TRUE(HasLine(out, "flink_cluster_taskmanager_task_failures_total{" + c +
                               R"(,state="TASK_LOST",reason="REASON_AGENT_REMOVED"} 1)"));
  // 00002 is dead on Mesos but Flink lists it (a zombie); 00003 has no task at all.
  EXPECT_TRUE(HasLine(out, "flink_cluster_taskmanagers_unmatched{" + c + R"(,side="flink_only"} 2)"));
  // 00004 runs on Mesos but Flink does not list it.
  EXPECT_TRUE(HasLine(out, "flink_cluster_taskmanagers_unmatched{" + c + R"(,side="mesos_only"} 1)"));
  EXPECT_TRUE(HasLine(out, "flink_cluster_mesos_cpus{" + c + "} 6"));
  EXPECT_TRUE(HasLine(out, "flink_cluster_mesos_memory_bytes{" + c + "} 12884901888"));
  // The job's failure names taskmanager-00002, which Mesos killed for its memory.
  EXPECT_TRUE(HasLine(out, "flink_job_last_failure_info{" + c +
                               R"(,job_id="j1",job_name="ingest",exception="java.lang.Exception",)"
                               R"(mesos_reason="REASON_CONTAINER_LIMITATION_MEMORY"} 1)"))
      << out;
}

TEST(MesosJoinRenderTest, NoJoinWithoutAnUnambiguousFramework) {
  // Two frameworks named Flink cannot be told apart by name.
  MesosFramework other = FlinkFramework("fw-0009");
  const std::string ambiguous = Render({FlinkTarget("Flink"), MesosTarget({FlinkFramework(), other})});
  EXPECT_EQ(ambiguous.find("flink_cluster_taskmanagers_unmatched"), std::string::npos);
  EXPECT_EQ(ambiguous.find("mesos_task_id="), std::string::npos);
  // By id it works.
  const std::string by_id = Render({FlinkTarget("fw-0009"), MesosTarget({FlinkFramework(), other})});
  EXPECT_NE(by_id.find(R"(framework_id="fw-0009")"), std::string::npos);
  // A Mesos cluster that is down: no join, and the Flink series stay.
  auto down = MesosTarget({FlinkFramework()});
  down->up = false;
  const std::string no_mesos = Render({FlinkTarget("Flink"), down});
  EXPECT_EQ(no_mesos.find("flink_cluster_taskmanager_task_failures_total"), std::string::npos);
  EXPECT_NE(no_mesos.find(R"(flink_taskmanager_info{flink_cluster="payments",tm_id="taskmanager-00001")"),
            std::string::npos);
  // Not configured: nothing joined even though the framework exists.
  auto plain = FlinkTarget("");
  plain->target.mesos_cluster.clear();
  EXPECT_EQ(Render({plain, MesosTarget({FlinkFramework()})}).find("mesos_task_id="), std::string::npos);
}

}  // namespace
}  // namespace fme
