#include "mesos/mesos_state_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mesos/mesos_v1_parser.h"
#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

const std::string kPrefix = "9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d";
const std::string kFlink = kPrefix + "-0004";
const std::string kMarathon = kPrefix + "-0001";
const std::string kS0 = kPrefix + "-S0";
const std::string kS1 = kPrefix + "-S1";
const std::string kS2 = kPrefix + "-S2";

MesosEvent Event(const std::string& fixture) {
  auto r = ParseMesosEvent(ReadFixture("mesos/v1/" + fixture));
  EXPECT_TRUE(r.ok()) << fixture << ": " << r.status().ToString();
  return r.ok() ? *r : MesosEvent{};
}

MesosStateRecords Snapshot() {
  MesosEvent e = Event("subscribed.json");
  return e.state ? *e.state : MesosStateRecords{};
}

MesosTaskRecord Task(const std::string& framework_id, const std::string& id, MesosTaskState state,
                     const std::string& agent_id = "S0", const std::string& reason = "",
                     const std::string& source = "") {
  MesosTaskRecord t;
  t.id = id;
  t.name = id;
  t.framework_id = framework_id;
  t.agent_id = agent_id;
  t.state = state;
  MesosTaskStatusRecord s;
  s.state = state;
  s.reason = reason;
  s.source = source;
  t.status = s;
  return t;
}

MesosFrameworkRecord Framework(const std::string& id, const std::string& name = "Flink") {
  MesosFrameworkRecord f;
  f.id = id;
  f.name = name;
  f.active = f.connected = true;
  return f;
}

MesosAgentRecord Agent(const std::string& id) {
  MesosAgentRecord a;
  a.id = id;
  a.hostname = id + ".example";
  return a;
}

MesosEvent Added(const MesosTaskRecord& t) {
  MesosEvent e;
  e.type = MesosEvent::Type::kTaskAdded;
  e.type_name = "TASK_ADDED";
  e.task = t;
  return e;
}

// A TASK_UPDATED as the parser builds it: no name or resources, the latest state, the status.
MesosEvent Updated(const std::string& framework_id, const std::string& id, MesosTaskState state,
                   const std::string& reason = "", const std::string& source = "",
                   const std::string& agent_id = "S0") {
  MesosEvent e;
  e.type = MesosEvent::Type::kTaskUpdated;
  e.type_name = "TASK_UPDATED";
  MesosTaskRecord t = Task(framework_id, id, state, agent_id, reason, source);
  t.name.clear();
  e.task = t;
  return e;
}

MesosObservation Observe(const MesosStateModel& m) {
  MesosObservation obs;
  m.Fill(obs);
  return obs;
}

template <typename T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it != items.end() ? &*it : nullptr;
}

int64_t Tasks(const MesosFramework& f, MesosTaskState s) {
  return f.tasks[static_cast<size_t>(s)];
}

double Terminations(const MesosFramework& f, MesosTaskState state, const std::string& reason,
                    const std::string& source) {
  for (const auto& t : f.terminations) {
    if (t.state == state && t.reason == reason && t.source == source) return t.count;
  }
  return 0;
}

double AllTerminations(const MesosFramework& f) {
  double n = 0;
  for (const auto& t : f.terminations) n += t.count;
  return n;
}

std::vector<std::string> TaskManagerIds(const MesosFramework& f) {
  std::vector<std::string> ids;
  for (const auto& t : f.taskmanager_tasks) ids.push_back(t.id);
  return ids;
}

TEST(MesosStateModelTest, TaskManagerTaskIds) {
  EXPECT_TRUE(IsTaskManagerTaskId("taskmanager-00001"));
  EXPECT_TRUE(IsTaskManagerTaskId("taskmanager-123456"));
  EXPECT_FALSE(IsTaskManagerTaskId("taskmanager-"));
  EXPECT_FALSE(IsTaskManagerTaskId("taskmanager-0001a"));
  EXPECT_FALSE(IsTaskManagerTaskId("xtaskmanager-00001"));
  EXPECT_FALSE(IsTaskManagerTaskId("jobmanager-00001"));
  EXPECT_FALSE(IsTaskManagerTaskId("10.0.4.51:36829-6f1c2a"));
}

TEST(MesosStateModelTest, SubscribedSnapshot) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  MesosObservation obs = Observe(m);

  ASSERT_EQ(obs.agents.size(), 3u);
  EXPECT_EQ(obs.agents[0].id, kS0) << "sorted by id";
  EXPECT_EQ(obs.agents[0].state, "active");
  EXPECT_EQ(obs.agents[0].hostname, "agent-a.example");
  EXPECT_EQ(obs.agents[0].version, "1.11.0");
  EXPECT_DOUBLE_EQ(obs.agents[0].total.cpus, 16.0);
  EXPECT_DOUBLE_EQ(obs.agents[0].reserved.cpus, 2.0);
  EXPECT_DOUBLE_EQ(obs.agents[0].used.cpus, 2.5);
  EXPECT_EQ(obs.agents[0].attributes.size(), 5u);
  EXPECT_EQ(obs.agents[1].state, "inactive") << "deactivated (draining)";
  EXPECT_EQ(obs.agents[2].id, kS2);
  EXPECT_EQ(obs.agents[2].state, "unreachable") << "recovered, not re-registered";

  ASSERT_EQ(obs.frameworks.size(), 2u) << "registered frameworks only";
  EXPECT_EQ(obs.frameworks[0].id, kMarathon) << "sorted by id";
  const MesosFramework& flink = obs.frameworks[1];
  EXPECT_EQ(flink.id, kFlink);
  EXPECT_EQ(flink.name, "Flink");
  EXPECT_EQ(flink.role, "flink");
  EXPECT_EQ(flink.webui_url, "http://10.10.0.21:8081");
  EXPECT_TRUE(flink.active);
  EXPECT_TRUE(flink.connected);
  EXPECT_DOUBLE_EQ(flink.used.cpus, 3.0);
  EXPECT_EQ(Tasks(flink, MesosTaskState::kRunning), 2);
  EXPECT_EQ(Tasks(flink, MesosTaskState::kStaging), 1);
  EXPECT_TRUE(flink.terminations.empty());
  EXPECT_EQ(TaskManagerIds(flink),
            (std::vector<std::string>{"taskmanager-00001", "taskmanager-00002",
                                      "taskmanager-00003"}));
  const MesosTask& tm1 = flink.taskmanager_tasks[0];
  EXPECT_EQ(tm1.name, "taskmanager-00001");
  EXPECT_EQ(tm1.framework_id, kFlink);
  EXPECT_EQ(tm1.agent_id, kS0);
  EXPECT_EQ(tm1.state, MesosTaskState::kRunning);
  EXPECT_EQ(tm1.source, "SOURCE_EXECUTOR");
  EXPECT_OPT_DOUBLE(tm1.state_timestamp, 1712000012.25);
  EXPECT_FALSE(flink.taskmanager_tasks[2].state_timestamp.has_value()) << "staging, no status";

  const MesosFramework& marathon = obs.frameworks[0];
  EXPECT_EQ(marathon.role, "marathon,slave_public");
  EXPECT_EQ(Tasks(marathon, MesosTaskState::kRunning), 1);
  EXPECT_EQ(Tasks(marathon, MesosTaskState::kUnreachable), 1);
  EXPECT_TRUE(marathon.taskmanager_tasks.empty());
  // The retained completed tasks count once each; sorted by (state, reason, source).
  ASSERT_EQ(marathon.terminations.size(), 3u);
  EXPECT_EQ(marathon.terminations[0].state, MesosTaskState::kFailed);
  EXPECT_EQ(marathon.terminations[0].reason, "REASON_COMMAND_EXECUTOR_FAILED");
  EXPECT_EQ(marathon.terminations[0].source, "SOURCE_EXECUTOR");
  EXPECT_EQ(marathon.terminations[0].count, 1);
  // Its last status is still RUNNING: that status's reason says nothing about the failure.
  EXPECT_EQ(marathon.terminations[1].state, MesosTaskState::kFailed);
  EXPECT_EQ(marathon.terminations[1].reason, "unknown");
  EXPECT_EQ(marathon.terminations[1].source, "unknown");
  EXPECT_EQ(marathon.terminations[2].state, MesosTaskState::kKilled);
  EXPECT_EQ(marathon.terminations[2].reason, "unknown") << "the status has no reason";
  EXPECT_EQ(marathon.terminations[2].source, "SOURCE_EXECUTOR");

  EXPECT_EQ(m.stored_tasks(), 5u) << "3 TaskManagers, 1 running, 1 unreachable";
  EXPECT_EQ(m.counted_task_ids(), 3u) << "the completed framework's task is not kept";
}

TEST(MesosStateModelTest, EventsKeepTheModelCurrent) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_heartbeat.json"));
  m.Apply(Event("event_task_added.json"));
  MesosObservation obs = Observe(m);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 2);
  EXPECT_EQ(flink->taskmanager_tasks.size(), 4u);

  m.Apply(Event("event_task_updated_running.json"));
  obs = Observe(m);
  flink = FindById(obs.frameworks, kFlink);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 3);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 1);
  const MesosTask* tm4 = FindById(flink->taskmanager_tasks, "taskmanager-00004");
  ASSERT_NE(tm4, nullptr);
  EXPECT_EQ(tm4->name, "taskmanager-00004") << "kept from TASK_ADDED";
  EXPECT_EQ(tm4->state, MesosTaskState::kRunning);
  EXPECT_OPT_DOUBLE(tm4->state_timestamp, 1712000700.5);

  m.Apply(Event("event_task_updated_oom.json"));
  obs = Observe(m);
  flink = FindById(obs.frameworks, kFlink);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 2);
  ASSERT_EQ(flink->terminations.size(), 1u);
  EXPECT_EQ(flink->terminations[0].state, MesosTaskState::kFailed);
  EXPECT_EQ(flink->terminations[0].reason, "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(flink->terminations[0].source, "SOURCE_EXECUTOR");
  EXPECT_EQ(flink->terminations[0].count, 1);
  // The dead TaskManager stays, so a join with Flink can say why it is gone.
  const MesosTask* tm2 = FindById(flink->taskmanager_tasks, "taskmanager-00002");
  ASSERT_NE(tm2, nullptr);
  EXPECT_EQ(tm2->state, MesosTaskState::kFailed);
  EXPECT_EQ(tm2->reason, "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(tm2->message.rfind("Memory limit exceeded", 0), 0u);
  EXPECT_EQ(tm2->name, "taskmanager-00002");
}

TEST(MesosStateModelTest, DuplicateUpdatesCountOnce) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  const MesosEvent health = Event("event_task_updated_health.json");
  const MesosEvent oom = Event("event_task_updated_oom.json");
  for (int i = 0; i < 5; ++i) m.Apply(health);
  for (int i = 0; i < 3; ++i) m.Apply(oom);
  for (int i = 0; i < 5; ++i) m.Apply(health);

  MesosObservation obs = Observe(m);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 1);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 1);
  EXPECT_EQ(AllTerminations(*flink), 1);
  EXPECT_EQ(Terminations(*flink, MesosTaskState::kFailed, "REASON_CONTAINER_LIMITATION_MEMORY",
                         "SOURCE_EXECUTOR"),
            1);
  EXPECT_EQ(m.stored_tasks(), 5u);
  const MesosTask* tm1 = FindById(flink->taskmanager_tasks, "taskmanager-00001");
  ASSERT_NE(tm1, nullptr);
  EXPECT_EQ(tm1->reason, "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED") << "latest status";
}

TEST(MesosStateModelTest, StatusBehindTheLatestStateCountsWithUnknownReason) {
  MesosStateModel m;
  m.Reset({{Task("f", "taskmanager-00001", MesosTaskState::kRunning)}, {Framework("f")}, {}});
  // The agent knows the task failed while the RUNNING update is still unacknowledged.
  MesosEvent lagging = Updated("f", "taskmanager-00001", MesosTaskState::kRunning);
  lagging.task->state = MesosTaskState::kFailed;
  m.Apply(lagging);
  // The FAILED status itself, should it be sent later, is the same ending.
  m.Apply(Updated("f", "taskmanager-00001", MesosTaskState::kFailed,
                  "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_EXECUTOR"));
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 1u);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 1);
  EXPECT_EQ(Terminations(obs.frameworks[0], MesosTaskState::kFailed, "unknown", "unknown"), 1);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kRunning), 0);
}

// The OOM-killed TaskManager as the master lists it after a resubscribe: a completed task.
MesosTaskRecord CompletedOomTask() {
  MesosTaskRecord t = Task(kFlink, "taskmanager-00002", MesosTaskState::kFailed, kS1,
                           "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_EXECUTOR");
  return t;
}

TEST(MesosStateModelTest, ResubscribeDoesNotCountReplayedCompletedTasks) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_task_updated_oom.json"));
  EXPECT_EQ(m.counted_task_ids(), 4u);

  MesosStateRecords again = Snapshot();
  std::erase_if(again.tasks, [](const MesosTaskRecord& t) {
    return t.framework_id == kFlink && t.id == "taskmanager-00002";
  });
  again.tasks.push_back(CompletedOomTask());
  m.Reset(again);
  m.Reset(again);  // and once more, as after a second reconnect

  MesosObservation obs = Observe(m);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(AllTerminations(*flink), 1);
  EXPECT_EQ(Terminations(*flink, MesosTaskState::kFailed, "REASON_CONTAINER_LIMITATION_MEMORY",
                         "SOURCE_EXECUTOR"),
            1);
  const MesosFramework* marathon = FindById(obs.frameworks, kMarathon);
  ASSERT_NE(marathon, nullptr);
  EXPECT_EQ(AllTerminations(*marathon), 3) << "its completed tasks were replayed too";
  const MesosTask* tm2 = FindById(flink->taskmanager_tasks, "taskmanager-00002");
  ASSERT_NE(tm2, nullptr);
  EXPECT_EQ(tm2->state, MesosTaskState::kFailed);
  EXPECT_EQ(m.counted_task_ids(), 4u);
}

TEST(MesosStateModelTest, ResubscribeForgetsCountedTasksTheMasterEvicted) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_task_updated_oom.json"));
  EXPECT_EQ(m.counted_task_ids(), 4u);

  MesosStateRecords evicted = Snapshot();
  std::erase_if(evicted.tasks, [](const MesosTaskRecord& t) {
    return t.id == "taskmanager-00002" || t.id.starts_with("web.1a2b");
  });
  m.Reset(evicted);
  EXPECT_EQ(m.counted_task_ids(), 2u) << "pruned to what the snapshot still lists";

  MesosObservation obs = Observe(m);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(AllTerminations(*flink), 1) << "counters never go down";
  EXPECT_EQ(FindById(flink->taskmanager_tasks, "taskmanager-00002"), nullptr);
  const MesosFramework* marathon = FindById(obs.frameworks, kMarathon);
  ASSERT_NE(marathon, nullptr);
  EXPECT_EQ(AllTerminations(*marathon), 3);
}

TEST(MesosStateModelTest, AgentLossMarksTheAgentUnreachable) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_task_updated_agent_removed.json"));
  MesosObservation obs = Observe(m);
  const MesosAgent* s0 = FindById(obs.agents, kS0);
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->state, "unreachable") << "no AGENT_REMOVED comes for a lost agent";
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 1);
  EXPECT_EQ(Terminations(*flink, MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER"),
            1);
  const MesosTask* tm1 = FindById(flink->taskmanager_tasks, "taskmanager-00001");
  ASSERT_NE(tm1, nullptr);
  EXPECT_EQ(tm1->state, MesosTaskState::kLost);
  EXPECT_EQ(tm1->reason, "REASON_AGENT_REMOVED");

  // The agent re-registers.
  MesosEvent back = Event("event_agent_added.json");
  ASSERT_TRUE(back.agent.has_value());
  back.agent->id = kS0;
  m.Apply(back);
  obs = Observe(m);
  s0 = FindById(obs.agents, kS0);
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->state, "active");
}

TEST(MesosStateModelTest, UnreachableTasksMarkTheirAgent) {
  MesosStateModel m;
  m.Reset({{Task("f", "t1", MesosTaskState::kRunning, "S0")},
           {Framework("f")},
           {Agent("S0"), Agent("S1")}});
  m.Apply(Updated("f", "t1", MesosTaskState::kUnreachable, "REASON_AGENT_REMOVED",
                  "SOURCE_MASTER", "S0"));
  // An unrelated failure is no sign of agent loss; an unknown agent is not created.
  m.Apply(Updated("f", "t2", MesosTaskState::kFailed, "REASON_AGENT_REMOVED", "SOURCE_MASTER",
                  "S1"));
  m.Apply(Updated("f", "t3", MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER",
                  "S9"));
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.agents.size(), 2u);
  EXPECT_EQ(obs.agents[0].state, "unreachable");
  EXPECT_EQ(obs.agents[1].state, "active");
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kUnreachable), 1);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 2) << "TASK_UNREACHABLE is not terminal";
}

TEST(MesosStateModelTest, GoneByOperatorMarksTheAgentToo) {
  MesosStateModel m;
  m.Reset({{Task("f", "t1", MesosTaskState::kRunning, "S0")}, {Framework("f")}, {Agent("S0")}});
  m.Apply(Updated("f", "t1", MesosTaskState::kGoneByOperator, "REASON_AGENT_REMOVED_BY_OPERATOR",
                  "SOURCE_MASTER", "S0"));
  EXPECT_EQ(Observe(m).agents[0].state, "unreachable");
}

TEST(MesosStateModelTest, AgentAddedAndRemoved) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_agent_removed.json"));
  m.Apply(Event("event_agent_added.json"));
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.agents.size(), 3u);
  EXPECT_EQ(FindById(obs.agents, kS1), nullptr);
  const MesosAgent* s3 = FindById(obs.agents, kPrefix + "-S3");
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->state, "active");
  EXPECT_EQ(s3->attributes,
            (std::vector<std::pair<std::string, std::string>>{{"rack", "r3"}}));
  // Tasks on the removed agent are left to their own updates.
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 2);
}

TEST(MesosStateModelTest, FrameworkLifecycle) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_task_updated_oom.json"));
  m.Apply(Event("event_framework_added.json"));
  m.Apply(Event("event_framework_updated.json"));

  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 3u);
  const MesosFramework* added = FindById(obs.frameworks, kPrefix + "-0005");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->webui_url, "http://10.10.0.22:8081");
  EXPECT_EQ(Tasks(*added, MesosTaskState::kRunning), 0);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_FALSE(flink->connected) << "updated";
  EXPECT_FALSE(flink->active);
  EXPECT_DOUBLE_EQ(flink->used.cpus, 2.0);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 1) << "tasks survive an update";
  EXPECT_EQ(AllTerminations(*flink), 1) << "counters survive an update";

  const std::size_t before = m.stored_tasks();
  m.Apply(Event("event_framework_removed.json"));
  EXPECT_EQ(m.stored_tasks(), before - 3) << "its three TaskManager records went with it";
  // A late update for one of its tasks does not bring it back.
  m.Apply(Updated(kFlink, "taskmanager-00001", MesosTaskState::kKilled));
  obs = Observe(m);
  EXPECT_EQ(obs.frameworks.size(), 2u);
  EXPECT_EQ(FindById(obs.frameworks, kFlink), nullptr);
  EXPECT_EQ(m.stored_tasks(), before - 3);
}

TEST(MesosStateModelTest, ResetLeavesNoLeftovers) {
  MesosStateModel m;
  m.Apply(Event("subscribed.json"));
  m.Apply(Event("event_task_added.json"));
  m.Apply(Event("event_agent_added.json"));
  m.Apply(Event("event_task_updated_oom.json"));

  MesosStateRecords next;
  next.frameworks.push_back(Framework(kMarathon, "marathon"));
  next.agents.push_back(Agent(kS2));
  next.tasks.push_back(Task(kMarathon, "web.new", MesosTaskState::kStarting, kS2));
  m.Reset(next);

  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.agents.size(), 1u);
  EXPECT_EQ(obs.agents[0].id, kS2);
  EXPECT_EQ(obs.agents[0].state, "active") << "no longer the recovered agent of before";
  ASSERT_EQ(obs.frameworks.size(), 1u);
  const MesosFramework& marathon = obs.frameworks[0];
  EXPECT_EQ(marathon.id, kMarathon);
  EXPECT_EQ(marathon.name, "marathon");
  EXPECT_EQ(marathon.role, "") << "replaced by the new record";
  EXPECT_EQ(Tasks(marathon, MesosTaskState::kStarting), 1);
  EXPECT_EQ(Tasks(marathon, MesosTaskState::kRunning), 0);
  EXPECT_EQ(Tasks(marathon, MesosTaskState::kUnreachable), 0);
  EXPECT_EQ(AllTerminations(marathon), 3) << "counters of a framework still listed stay";
  EXPECT_EQ(m.stored_tasks(), 1u);
  EXPECT_EQ(m.counted_task_ids(), 0u);

  // The Flink framework disappeared: when it shows up again, its counters start afresh.
  next.frameworks.push_back(Framework(kFlink));
  m.Reset(next);
  obs = Observe(m);
  const MesosFramework* flink = FindById(obs.frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_TRUE(flink->terminations.empty());
  EXPECT_TRUE(flink->taskmanager_tasks.empty());
}

TEST(MesosStateModelTest, TaskManagerIdsRepeatAcrossFrameworks) {
  MesosStateModel m;
  m.Reset({{Task("f1", "taskmanager-00001", MesosTaskState::kRunning, "S0"),
            Task("f2", "taskmanager-00001", MesosTaskState::kRunning, "S1")},
           {Framework("f1"), Framework("f2")},
           {}});
  m.Apply(Updated("f2", "taskmanager-00001", MesosTaskState::kFailed,
                  "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_EXECUTOR", "S1"));
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 2u);
  ASSERT_EQ(obs.frameworks[0].taskmanager_tasks.size(), 1u);
  ASSERT_EQ(obs.frameworks[1].taskmanager_tasks.size(), 1u);
  EXPECT_EQ(obs.frameworks[0].taskmanager_tasks[0].state, MesosTaskState::kRunning);
  EXPECT_EQ(obs.frameworks[0].taskmanager_tasks[0].agent_id, "S0");
  EXPECT_EQ(obs.frameworks[1].taskmanager_tasks[0].state, MesosTaskState::kFailed);
  EXPECT_EQ(obs.frameworks[1].taskmanager_tasks[0].framework_id, "f2");
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kRunning), 1);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 0);
  EXPECT_EQ(AllTerminations(obs.frameworks[1]), 1);
  EXPECT_EQ(m.stored_tasks(), 2u);
}

TEST(MesosStateModelTest, ReusedIdInASnapshotPrefersTheLiveTask) {
  MesosStateModel m;
  m.Reset({{Task("f", "taskmanager-00001", MesosTaskState::kRunning),
            Task("f", "taskmanager-00001", MesosTaskState::kKilled),
            Task("f", "web", MesosTaskState::kRunning),
            Task("f", "web", MesosTaskState::kFailed),
            Task("f", "web", MesosTaskState::kFailed)},
           {Framework("f")},
           {}});
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 1u);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kRunning), 2);
  ASSERT_EQ(obs.frameworks[0].taskmanager_tasks.size(), 1u);
  EXPECT_EQ(obs.frameworks[0].taskmanager_tasks[0].state, MesosTaskState::kRunning);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 2) << "one per (framework, task id)";
}

TEST(MesosStateModelTest, ALostTaskThatComesBackCanEndAgain) {
  MesosStateModel m;
  m.Reset({{Task("f", "t", MesosTaskState::kRunning)}, {Framework("f")}, {Agent("S0")}});
  m.Apply(Updated("f", "t", MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER"));
  // The partitioned agent re-registers with the task still running.
  m.Apply(Added(Task("f", "t", MesosTaskState::kRunning)));
  EXPECT_EQ(Tasks(Observe(m).frameworks[0], MesosTaskState::kRunning), 1);
  m.Apply(Updated("f", "t", MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER"));
  EXPECT_EQ(Terminations(Observe(m).frameworks[0], MesosTaskState::kLost, "REASON_AGENT_REMOVED",
                         "SOURCE_MASTER"),
            2);
  // Back once more, this time seen only through an update.
  m.Apply(Updated("f", "t", MesosTaskState::kRunning));
  m.Apply(Updated("f", "t", MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER"));
  EXPECT_EQ(Terminations(Observe(m).frameworks[0], MesosTaskState::kLost, "REASON_AGENT_REMOVED",
                         "SOURCE_MASTER"),
            3);
}

TEST(MesosStateModelTest, TasksOfAFrameworkNotYetAdded) {
  MesosStateModel m;
  m.Reset({{}, {}, {}});
  m.Apply(Added(Task("f", "taskmanager-00001", MesosTaskState::kStaging)));
  m.Apply(Updated("f", "other", MesosTaskState::kFailed));
  EXPECT_TRUE(Observe(m).frameworks.empty()) << "registered frameworks only";
  EXPECT_EQ(m.stored_tasks(), 1u);

  MesosEvent added;
  added.type = MesosEvent::Type::kFrameworkAdded;
  added.framework = Framework("f");
  m.Apply(added);
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 1u);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kStaging), 1);
  EXPECT_EQ(obs.frameworks[0].taskmanager_tasks.size(), 1u);
}

TEST(MesosStateModelTest, MaxTasksDropsNewTasks) {
  MesosStateModel m(MesosStateModelOptions{.max_tasks = 2});
  m.Reset({{Task("f", "a", MesosTaskState::kRunning), Task("f", "b", MesosTaskState::kRunning),
            Task("f", "c", MesosTaskState::kRunning)},
           {Framework("f")},
           {}});
  EXPECT_EQ(m.stored_tasks(), 2u);
  EXPECT_EQ(m.dropped_tasks(), 1u);
  m.Apply(Added(Task("f", "d", MesosTaskState::kStaging)));
  EXPECT_EQ(m.dropped_tasks(), 2u);
  m.Apply(Added(Task("f", "a", MesosTaskState::kRunning)));
  EXPECT_EQ(m.dropped_tasks(), 2u) << "a known task is updated, not new";
  m.Apply(Updated("f", "a", MesosTaskState::kFinished));
  EXPECT_EQ(m.stored_tasks(), 1u);
  m.Apply(Added(Task("f", "e", MesosTaskState::kStaging)));
  EXPECT_EQ(m.stored_tasks(), 2u);
  EXPECT_EQ(m.dropped_tasks(), 2u);
  // A dropped task still counts when it ends.
  m.Apply(Updated("f", "d", MesosTaskState::kFailed));
  MesosObservation obs = Observe(m);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 2);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kRunning), 1);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kStaging), 1);
}

TEST(MesosStateModelTest, CountedIdsAndDeadTaskManagersAreBounded) {
  MesosStateModel m(MesosStateModelOptions{.max_counted_tasks_per_framework = 2});
  m.Reset({{}, {Framework("f")}, {}});
  for (const char* id : {"taskmanager-00001", "taskmanager-00002", "taskmanager-00003"}) {
    m.Apply(Added(Task("f", id, MesosTaskState::kStaging)));
    m.Apply(Updated("f", id, MesosTaskState::kFailed));
  }
  EXPECT_EQ(m.counted_task_ids(), 2u);
  MesosObservation obs = Observe(m);
  EXPECT_EQ(AllTerminations(obs.frameworks[0]), 3);
  EXPECT_EQ(TaskManagerIds(obs.frameworks[0]),
            (std::vector<std::string>{"taskmanager-00002", "taskmanager-00003"}));
  EXPECT_EQ(m.stored_tasks(), 2u);
}

TEST(MesosStateModelTest, CountsFromASummaryWithoutTasks) {
  MesosStateModel m;
  MesosFrameworkRecord f = Framework("f");
  std::array<int64_t, kMesosTaskStateCount> counts{};
  counts[static_cast<size_t>(MesosTaskState::kRunning)] = 7;
  counts[static_cast<size_t>(MesosTaskState::kKilling)] = 1;
  counts[static_cast<size_t>(MesosTaskState::kFinished)] = 40;
  f.task_counts = counts;
  m.Reset({{}, {f}, {}});
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.frameworks.size(), 1u);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kRunning), 7);
  EXPECT_EQ(Tasks(obs.frameworks[0], MesosTaskState::kKilling), 1);
  EXPECT_TRUE(obs.frameworks[0].terminations.empty()) << "counts carry no reasons";
}

TEST(MesosStateModelTest, SubscribedEventResetsAndHeartbeatChangesNothing) {
  MesosStateModel m;
  m.Reset({{Task("f", "t", MesosTaskState::kRunning)}, {Framework("f")}, {Agent("S9")}});
  m.Apply(Event("event_heartbeat.json"));
  EXPECT_EQ(Observe(m).agents.size(), 1u);
  m.Apply(Event("subscribed.json"));
  MesosObservation obs = Observe(m);
  EXPECT_EQ(FindById(obs.agents, "S9"), nullptr);
  EXPECT_EQ(FindById(obs.frameworks, "f"), nullptr);
  EXPECT_EQ(obs.frameworks.size(), 2u);
}

TEST(MesosStateModelTest, AgentStates) {
  MesosAgentRecord active = Agent("a");
  MesosAgentRecord disconnected = Agent("b");
  disconnected.active = false;
  MesosAgentRecord draining = Agent("c");
  draining.deactivated = true;
  MesosAgentRecord unreachable = Agent("d");
  unreachable.unreachable = true;
  unreachable.deactivated = true;
  MesosStateModel m;
  m.Reset({{}, {}, {unreachable, draining, disconnected, active}});
  MesosObservation obs = Observe(m);
  ASSERT_EQ(obs.agents.size(), 4u);
  EXPECT_EQ(obs.agents[0].state, "active");
  EXPECT_EQ(obs.agents[1].state, "inactive");
  EXPECT_EQ(obs.agents[2].state, "inactive");
  EXPECT_EQ(obs.agents[3].state, "unreachable");
}

}  // namespace
}  // namespace fme
