// Every scripted incident of config/scenarios/incidents.yml, seen through the raw HTTP API
// responses (Flink REST and Mesos master v0/v1) at its scripted time. The handlers are pure
// functions of the World, called inside Engine::Read; simulated time is driven explicitly with
// AdvanceTo (pinned start, injected time source), nothing sleeps. Each check compares the state
// just before the incident with the state just after, so it can fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "flink/flink_api.h"
#include "mesos/mesos_api.h"
#include "scenario/scenario_loader.h"
#include "world/engine.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::sim {
namespace {

using Json = nlohmann::json;

constexpr Millis kStart = 1714564800000;  // 2024-05-01T12:00:00Z
constexpr Millis kSec = 1000;
constexpr Millis kMin = 60 * kSec;

Scenario LoadIncidents() {
  auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/incidents.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  Scenario s = r.ok() ? *r.scenario : Scenario{};
  s.start = kStart;
  return s;
}

Json Parse(const ApiResponse& r) {
  Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body.substr(0, 200);
  return j;
}

// A task of a v1 task list by framework and task id (TaskManager ids repeat across the Flink
// frameworks), nullptr when absent.
const Json* FindTask(const Json& list, const std::string& framework_id, const std::string& id) {
  if (!list.is_array()) return nullptr;
  for (const auto& t : list) {
    if (t.at("framework_id").at("value") == framework_id && t.at("task_id").at("value") == id) return &t;
  }
  return nullptr;
}

class IncidentsApiTest : public ::testing::Test {
 protected:
  IncidentsApiTest() : engine_(LoadIncidents(), [] { return kStart; }) {}

  void At(Millis offset) { engine_.AdvanceTo(kStart + offset); }

  ApiResponse Flink(const std::string& cluster, const std::string& path, const QueryParams& query = {}) {
    return engine_.Read([&](const World& w) {
      for (const auto& c : w.flink) {
        if (c.name == cluster) return HandleFlinkRequest(w, c, "GET", path, query);
      }
      ADD_FAILURE() << "no cluster " << cluster;
      return ApiResponse{};
    });
  }
  Json FlinkJson(const std::string& cluster, const std::string& path, const QueryParams& query = {}) {
    const ApiResponse r = Flink(cluster, path, query);
    EXPECT_EQ(r.status, 200) << cluster << path << ": " << r.body;
    return Parse(r);
  }

  // The newest job (by start-time) of that name in /jobs/overview.
  Json JobOverview(const std::string& cluster, const std::string& name) {
    const Json o = FlinkJson(cluster, "/jobs/overview");
    Json best;
    for (const auto& j : o["jobs"]) {
      if (j["name"] != name) continue;
      if (best.is_null() || j["start-time"].get<int64_t>() >= best["start-time"].get<int64_t>()) best = j;
    }
    EXPECT_FALSE(best.is_null()) << "no job " << name << " in " << cluster;
    return best;
  }
  std::string JobId(const std::string& cluster, const std::string& name) {
    const Json j = JobOverview(cluster, name);
    return j.is_null() ? std::string() : j["jid"].get<std::string>();
  }

  std::string FrameworkId(const std::string& cluster) {
    return engine_.Read([&](const World& w) {
      for (const auto& c : w.flink) {
        if (c.name == cluster) return c.framework_id;
      }
      ADD_FAILURE() << "no cluster " << cluster;
      return std::string();
    });
  }

  std::size_t Leader() {
    return engine_.Read([](const World& w) { return static_cast<std::size_t>(w.mesos.leader); });
  }
  ApiResponse MesosGet(std::size_t master, const std::string& path) {
    return engine_.Read([&](const World& w) { return HandleMesosMasterRequest(w, master, "GET", path, {}, "", ""); });
  }
  Json GetTasks() {
    const std::size_t leader = Leader();
    const ApiResponse r = engine_.Read([&](const World& w) {
      return HandleMesosMasterRequest(w, leader, "POST", "/api/v1", {}, R"({"type":"GET_TASKS"})", "application/json");
    });
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse(r)["get_tasks"];
  }
  double Counter(const std::string& key) {
    const Json m = Parse(MesosGet(Leader(), "/metrics/snapshot"));
    return m.contains(key) ? m[key].get<double>() : 0.0;
  }

  Engine engine_;
};

// ------------------------------------------------------------------ 0:30-1:00 health checks

TEST_F(IncidentsApiTest, HealthCheckFlapsShowInV1TaskStatuses) {
  const std::string fw = FrameworkId("Flink");
  At(29 * kSec);
  {
    const Json tasks = GetTasks();
    const Json* t = FindTask(tasks["tasks"], fw, "taskmanager-00001");
    ASSERT_NE(t, nullptr);
    EXPECT_FALSE((*t)["statuses"].back().contains("healthy"));
  }
  At(35 * kSec);
  {
    const Json tasks = GetTasks();
    const Json* t = FindTask(tasks["tasks"], fw, "taskmanager-00001");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ((*t)["state"], "TASK_RUNNING");
    const Json& last = (*t)["statuses"].back();
    EXPECT_EQ(last["reason"], "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
    ASSERT_TRUE(last.contains("healthy"));
    EXPECT_EQ(last["healthy"], false);
  }
  At(45 * kSec);
  const Json tasks = GetTasks();
  const Json* t = FindTask(tasks["tasks"], fw, "taskmanager-00001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["statuses"].back()["healthy"], true);
}

// ------------------------------------------------------------------ 1:00-4:00 backpressure

TEST_F(IncidentsApiTest, BackpressureOnClickstreamVertex1) {
  const std::string jid = JobId("Flink", "clickstream-enrichment");
  const Json job = FlinkJson("Flink", "/jobs/" + jid);
  ASSERT_GE(job["vertices"].size(), 2u);
  const std::string path = "/jobs/" + jid + "/vertices/" + job["vertices"][1]["id"].get<std::string>() + "/backpressure";

  At(59 * kSec);
  Json bp = FlinkJson("Flink", path);
  SCOPED_TRACE(path);
  EXPECT_EQ(bp["status"], "ok");
  EXPECT_EQ(bp["backpressure-level"], "ok");
  for (const auto& s : bp["subtasks"]) EXPECT_DOUBLE_EQ(s["ratio"].get<double>(), 0.0);

  At(90 * kSec);
  bp = FlinkJson("Flink", path);
  EXPECT_EQ(bp["status"], "ok");
  EXPECT_EQ(bp["backpressure-level"], "high");
  ASSERT_EQ(bp["subtasks"].size(), 4u);  // parallelism 4
  for (const auto& s : bp["subtasks"]) {
    EXPECT_EQ(s["backpressure-level"], "high");
    EXPECT_NEAR(s["ratio"].get<double>(), 0.85, 0.01);
  }

  // Ends at 4:00; the agent lost at 4:00 restarts the job, so look once it runs again.
  At(4 * kMin + 30 * kSec);
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RUNNING");
  bp = FlinkJson("Flink", path);
  EXPECT_EQ(bp["status"], "ok");
  EXPECT_EQ(bp["backpressure-level"], "ok");
  for (const auto& s : bp["subtasks"]) EXPECT_DOUBLE_EQ(s["ratio"].get<double>(), 0.0);
}

// ------------------------------------------------------------------ 1:30-3:00 failing checkpoints

TEST_F(IncidentsApiTest, FraudDetectionCheckpointsFail) {
  const std::string path = "/jobs/" + JobId("Flink", "fraud-detection") + "/checkpoints";
  At(90 * kSec - kSec);
  const Json before = FlinkJson("Flink", path);
  EXPECT_EQ(before["counts"]["failed"], 0);
  EXPECT_TRUE(before["latest"]["failed"].is_null());
  EXPECT_GT(before["counts"]["completed"].get<int64_t>(), 0);

  At(3 * kMin);
  const Json during = FlinkJson("Flink", path);
  EXPECT_GE(during["counts"]["failed"].get<int64_t>() - before["counts"]["failed"].get<int64_t>(), 2);
  EXPECT_EQ(during["counts"]["completed"], before["counts"]["completed"]);
  ASSERT_TRUE(during["latest"]["failed"].is_object());
  EXPECT_EQ(during["latest"]["failed"]["status"], "FAILED");
  EXPECT_EQ(during["latest"]["failed"]["failure_message"],
            "org.apache.flink.runtime.checkpoint.CheckpointException: Asynchronous task checkpoint failed.");
  EXPECT_GE(during["latest"]["failed"]["failure_timestamp"].get<int64_t>(), kStart + 90 * kSec);

  At(4 * kMin);
  const Json after = FlinkJson("Flink", path);
  EXPECT_GT(after["counts"]["completed"].get<int64_t>(), during["counts"]["completed"].get<int64_t>());
}

// ------------------------------------------------------------------ 2:00 TaskManager OOM kill

TEST_F(IncidentsApiTest, TaskManagerOomKillInMesosAndFlink) {
  const std::string fw = FrameworkId("Flink");
  const std::string jid = JobId("Flink", "clickstream-enrichment");
  const std::string key = "master/task_failed/source_executor/reason_container_limitation_memory";
  const QueryParams restarts_q = {{"get", "numRestarts"}};
  auto num_restarts = [&] {
    const Json m = FlinkJson("Flink", "/jobs/" + jid + "/metrics", restarts_q);
    EXPECT_EQ(m.size(), 1u) << m.dump();
    return m.empty() ? std::string() : m[0]["value"].get<std::string>();
  };

  At(2 * kMin - kSec);
  {
    const Json tasks = GetTasks();
    const Json* t = FindTask(tasks["tasks"], fw, "taskmanager-00002");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ((*t)["state"], "TASK_RUNNING");
    EXPECT_EQ(FindTask(tasks["completed_tasks"], fw, "taskmanager-00002"), nullptr);
    EXPECT_EQ(Counter(key), 0.0);
    EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RUNNING");
    EXPECT_EQ(num_restarts(), "0");
    const Json ex = FlinkJson("Flink", "/jobs/" + jid + "/exceptions");
    EXPECT_TRUE(ex["exceptionHistory"]["entries"].empty());
    EXPECT_TRUE(ex["root-exception"].is_null());
  }

  At(2 * kMin);
  {
    const Json tasks = GetTasks();
    EXPECT_EQ(FindTask(tasks["tasks"], fw, "taskmanager-00002"), nullptr);
    const Json* c = FindTask(tasks["completed_tasks"], fw, "taskmanager-00002");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ((*c)["state"], "TASK_FAILED");
    const Json& last = (*c)["statuses"].back();
    EXPECT_EQ(last["state"], "TASK_FAILED");
    EXPECT_EQ(last["reason"], "REASON_CONTAINER_LIMITATION_MEMORY");
    EXPECT_EQ(last["source"], "SOURCE_EXECUTOR");
    EXPECT_EQ(last["message"].get<std::string>().rfind("Memory limit exceeded: ", 0), 0u);
    EXPECT_EQ(Counter(key), 1.0);
    EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RESTARTING");
    EXPECT_EQ(num_restarts(), "1");
    const Json ex = FlinkJson("Flink", "/jobs/" + jid + "/exceptions");
    ASSERT_FALSE(ex["exceptionHistory"]["entries"].empty());
    const Json& e = ex["exceptionHistory"]["entries"][0];
    EXPECT_EQ(e["exceptionName"], "java.lang.Exception");
    EXPECT_NE(e["stacktrace"].get<std::string>().find("taskmanager-00002"), std::string::npos) << e.dump();
    ASSERT_TRUE(ex["root-exception"].is_string());
    EXPECT_NE(ex["root-exception"].get<std::string>().find("TaskManager was lost/killed"), std::string::npos);
  }

  At(2 * kMin + 15 * kSec);
  {
    EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RUNNING");
    EXPECT_EQ(num_restarts(), "1");
    const Json tasks = GetTasks();
    const Json* t = FindTask(tasks["tasks"], fw, "taskmanager-00004");  // the replacement
    ASSERT_NE(t, nullptr);
    EXPECT_EQ((*t)["state"], "TASK_RUNNING");
    bool registered = false;
    const Json tms = FlinkJson("Flink", "/taskmanagers");  // named: ranging over a temporary's member dangles
    for (const auto& tm : tms["taskmanagers"]) {
      EXPECT_NE(tm["id"], "taskmanager-00002");
      registered = registered || tm["id"] == "taskmanager-00004";
    }
    EXPECT_TRUE(registered);
  }
}

// ------------------------------------------------------------------ 2:30-3:30 zombie TaskManager

TEST_F(IncidentsApiTest, ZombieTaskManagerFailedInMesosStillInFlink) {
  const std::string fw = FrameworkId("Flink");
  const std::string zombie = "taskmanager-00004";
  const std::string key = "master/task_failed/source_executor/reason_executor_terminated";
  const std::string jid = JobId("Flink", "clickstream-enrichment");
  auto listed = [&] {
    const Json tms = FlinkJson("Flink", "/taskmanagers");
    for (const auto& tm : tms["taskmanagers"]) {
      if (tm["id"] == zombie) return tm;
    }
    return Json();
  };
  auto num_restarts = [&] {
    const Json m = FlinkJson("Flink", "/jobs/" + jid + "/metrics", {{"get", "numRestarts"}});
    return m.empty() ? std::string() : m[0]["value"].get<std::string>();
  };

  At(150 * kSec - kSec);
  ASSERT_NE(FindTask(GetTasks()["tasks"], fw, zombie), nullptr);
  EXPECT_EQ(Counter(key), 0.0);
  EXPECT_EQ(num_restarts(), "1");  // the OOM kill at 2:00

  At(150 * kSec);
  const Json tasks = GetTasks();
  EXPECT_EQ(FindTask(tasks["tasks"], fw, zombie), nullptr);
  const Json* t = FindTask(tasks["completed_tasks"], fw, zombie);
  ASSERT_NE(t, nullptr);
  const Json& last = (*t)["statuses"].back();
  EXPECT_EQ(last["state"], "TASK_FAILED");
  EXPECT_EQ(last["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(last["reason"], "REASON_EXECUTOR_TERMINATED");
  EXPECT_EQ(Counter(key), 1.0);
  const Json v0 = Parse(MesosGet(Leader(), "/master/tasks"));
  bool failed_in_v0 = false;
  for (const auto& task : v0["tasks"]) {
    failed_in_v0 |= task["framework_id"] == fw && task["id"] == zombie && task["state"] == "TASK_FAILED";
  }
  EXPECT_TRUE(failed_in_v0);
  // Flink still lists it, heartbeat frozen; the job keeps running, nothing restarts.
  const Json tm = listed();
  ASSERT_FALSE(tm.is_null());
  At(3 * kMin + 29 * kSec);
  const Json later = listed();
  ASSERT_FALSE(later.is_null());
  EXPECT_EQ(later["timeSinceLastHeartbeat"], tm["timeSinceLastHeartbeat"]);
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RUNNING");
  EXPECT_EQ(num_restarts(), "1");
  EXPECT_EQ(FindTask(GetTasks()["tasks"], fw, "taskmanager-00005"), nullptr);  // no replacement

  At(3 * kMin + 30 * kSec);
  EXPECT_TRUE(listed().is_null());  // dropped by Flink
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + jid)["state"], "RUNNING");
  EXPECT_EQ(num_restarts(), "1");
}

// ------------------------------------------------------------------ 2:45-3:45 leaked task

TEST_F(IncidentsApiTest, LeakedTaskOfFlinkLegacyNeverInFlink) {
  const std::string fw = FrameworkId("flink-legacy");
  const std::string leak = "taskmanager-00003";
  auto in_flink = [&] {
    const Json tms = FlinkJson("flink-legacy", "/taskmanagers");
    for (const auto& tm : tms["taskmanagers"]) {
      if (tm["id"] == leak) return true;
    }
    return false;
  };
  At(165 * kSec - kSec);
  EXPECT_EQ(FindTask(GetTasks()["tasks"], fw, leak), nullptr);

  At(170 * kSec);
  const Json running = GetTasks();
  const Json* t = FindTask(running["tasks"], fw, leak);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["state"], "TASK_RUNNING");
  EXPECT_FALSE(in_flink());

  At(225 * kSec);
  const Json done = GetTasks();
  EXPECT_EQ(FindTask(done["tasks"], fw, leak), nullptr);
  t = FindTask(done["completed_tasks"], fw, leak);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["state"], "TASK_KILLED");
  EXPECT_EQ((*t)["statuses"].back()["reason"], "REASON_TASK_KILLED_DURING_LAUNCH");
  EXPECT_EQ(Counter("master/task_killed/source_executor/reason_task_killed_during_launch"), 1.0);
  EXPECT_FALSE(in_flink());
}

// ------------------------------------------------------------------ 3:00-5:00 stall, 3:30-6:00 timeouts

TEST_F(IncidentsApiTest, SessionizationCheckpointsStall) {
  const std::string path = "/jobs/" + JobId("flink-legacy", "sessionization") + "/checkpoints";
  At(1 * kMin);
  const Json early = FlinkJson("flink-legacy", path);
  At(3 * kMin);
  const Json at_start = FlinkJson("flink-legacy", path);
  EXPECT_GT(at_start["counts"]["completed"].get<int64_t>(), early["counts"]["completed"].get<int64_t>());

  At(5 * kMin - kSec);
  const Json stalled = FlinkJson("flink-legacy", path);
  EXPECT_EQ(stalled["counts"]["completed"], at_start["counts"]["completed"]);  // none complete
  EXPECT_EQ(stalled["counts"]["in_progress"], 1);
  ASSERT_FALSE(stalled["history"].empty());
  const Json& newest = stalled["history"][0];
  EXPECT_EQ(newest["status"], "IN_PROGRESS");
  EXPECT_LT(newest["num_acknowledged_subtasks"].get<int64_t>(), newest["num_subtasks"].get<int64_t>());
  EXPECT_LE(newest["trigger_timestamp"].get<int64_t>(), kStart + 3 * kMin + 60 * kSec);  // a single stuck one

  At(5 * kMin + 10 * kSec);
  const Json after = FlinkJson("flink-legacy", path);
  EXPECT_GT(after["counts"]["completed"].get<int64_t>(), stalled["counts"]["completed"].get<int64_t>());
}

TEST_F(IncidentsApiTest, HourlyRollupCheckpointsTimeOut) {
  const std::string path = "/jobs/" + JobId("reporting", "hourly-rollup") + "/checkpoints";
  At(210 * kSec - kSec);
  const Json before = FlinkJson("reporting", path);
  EXPECT_EQ(before["counts"]["failed"], 0);
  EXPECT_TRUE(before["latest"]["failed"].is_null());

  At(5 * kMin - kSec);
  const Json during = FlinkJson("reporting", path);
  EXPECT_GE(during["counts"]["failed"].get<int64_t>(), 3);
  EXPECT_EQ(during["counts"]["completed"], before["counts"]["completed"]);
  ASSERT_TRUE(during["latest"]["failed"].is_object());
  EXPECT_EQ(during["latest"]["failed"]["failure_message"], "Checkpoint expired before completing.");
  EXPECT_GE(during["latest"]["failed"]["end_to_end_duration"].get<int64_t>(), 15 * kSec);

  At(7 * kMin);
  const Json after = FlinkJson("reporting", path);
  EXPECT_GT(after["counts"]["completed"].get<int64_t>(), during["counts"]["completed"].get<int64_t>());
}

// ------------------------------------------------------------------ 4:00-8:00 agent lost

TEST_F(IncidentsApiTest, AgentLostTasksAreTaskLost) {
  const Json slaves = Parse(MesosGet(Leader(), "/master/slaves"));
  std::string agent_id;
  for (const auto& s : slaves["slaves"]) {
    if (s["hostname"] == "10.16.0.4") agent_id = s["id"].get<std::string>();
  }
  ASSERT_FALSE(agent_id.empty());

  At(4 * kMin - kSec);
  std::vector<std::pair<std::string, std::string>> on_agent;  // (framework, task)
  {
    const Json tasks = GetTasks();
    for (const auto& t : tasks["tasks"]) {
      if (t["agent_id"]["value"] == agent_id) {
        on_agent.emplace_back(t["framework_id"]["value"].get<std::string>(), t["task_id"]["value"].get<std::string>());
      }
    }
    for (const auto& t : tasks["completed_tasks"]) EXPECT_NE(t["state"], "TASK_LOST");
  }
  ASSERT_FALSE(on_agent.empty());
  const std::string flink_fw = FrameworkId("Flink");
  EXPECT_NE(std::find(on_agent.begin(), on_agent.end(), std::make_pair(flink_fw, std::string("taskmanager-00003"))),
            on_agent.end());

  At(4 * kMin);
  const Json tasks = GetTasks();
  for (const auto& [fw, id] : on_agent) {
    EXPECT_EQ(FindTask(tasks["tasks"], fw, id), nullptr) << id;
    const Json* c = FindTask(tasks["completed_tasks"], fw, id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_EQ((*c)["state"], "TASK_LOST") << id;
    EXPECT_EQ((*c)["statuses"].back()["reason"], "REASON_AGENT_REMOVED") << id;
    EXPECT_EQ((*c)["statuses"].back()["source"], "SOURCE_MASTER") << id;
  }
  At(4 * kMin + 15 * kSec);
  const Json later = GetTasks();
  const Json* repl = FindTask(later["tasks"], flink_fw, "taskmanager-00005");
  ASSERT_NE(repl, nullptr);
  EXPECT_NE((*repl)["agent_id"]["value"], agent_id);
}

// ------------------------------------------------------------------ 5:00-6:00 JobManager unreachable

TEST_F(IncidentsApiTest, ReportingJobManagerUnreachable) {
  auto reachable = [&] {
    return engine_.Read([](const World& w) {
      for (const auto& c : w.flink) {
        if (c.name == "reporting") return c.reachable;
      }
      ADD_FAILURE() << "no reporting cluster";
      return true;
    });
  };
  At(5 * kMin - kSec);
  EXPECT_TRUE(reachable());
  At(5 * kMin);
  EXPECT_FALSE(reachable());  // the HTTP layer drops connections
  At(6 * kMin - kSec);
  EXPECT_FALSE(reachable());
  At(6 * kMin);
  EXPECT_TRUE(reachable());
  EXPECT_EQ(Flink("reporting", "/overview").status, 200);
}

// ------------------------------------------------------------------ 6:00 leader failover

TEST_F(IncidentsApiTest, LeaderFailoverToMaster2) {
  const auto base = [&](std::size_t m) {
    return engine_.Read([m](const World& w) {
      const Master& x = w.mesos.masters[m];
      return "//" + x.hostname + ":" + std::to_string(x.port) + x.path_prefix;
    });
  };
  At(6 * kMin - kSec);
  EXPECT_EQ(MesosGet(0, "/master/state").status, 200);
  ApiResponse r = MesosGet(1, "/master/state");
  EXPECT_EQ(r.status, 307);
  ASSERT_TRUE(r.headers.count("Location"));
  EXPECT_EQ(r.headers.at("Location"), base(0) + "/master/state");

  At(6 * kMin);
  r = MesosGet(1, "/master/state");
  EXPECT_EQ(r.status, 200);
  const Json state = Parse(r);
  EXPECT_EQ(state["elected_time"].get<double>(), (kStart + 6 * kMin) / 1000.0);
  r = MesosGet(0, "/master/state");
  EXPECT_EQ(r.status, 307);
  ASSERT_TRUE(r.headers.count("Location"));
  EXPECT_EQ(r.headers.at("Location"), base(1) + "/master/state");
  EXPECT_EQ(r.headers.at("Location").rfind("//", 0), 0u);  // scheme-less
  EXPECT_NE(base(0), base(1));
}

// ------------------------------------------------------------------ 6:30 cancel, 7:00 fail

TEST_F(IncidentsApiTest, AuditExportCancelled) {
  At(390 * kSec - kSec);
  const std::string jid = JobId("reporting", "audit-export");
  EXPECT_EQ(JobOverview("reporting", "audit-export")["state"], "RUNNING");
  At(392 * kSec);
  const Json o = JobOverview("reporting", "audit-export");
  EXPECT_EQ(o["jid"], jid);
  EXPECT_EQ(o["state"], "CANCELED");
  const Json job = FlinkJson("reporting", "/jobs/" + jid);
  EXPECT_EQ(job["state"], "CANCELED");
  EXPECT_GT(job["end-time"].get<int64_t>(), 0);
}

TEST_F(IncidentsApiTest, BillingExportFails) {
  At(7 * kMin - kSec);
  const std::string jid = JobId("flink-legacy", "billing-export");
  EXPECT_EQ(FlinkJson("flink-legacy", "/jobs/" + jid)["state"], "RUNNING");
  EXPECT_TRUE(FlinkJson("flink-legacy", "/jobs/" + jid + "/exceptions")["root-exception"].is_null());
  At(7 * kMin + 2 * kSec);
  EXPECT_EQ(JobOverview("flink-legacy", "billing-export")["state"], "FAILED");
  EXPECT_EQ(FlinkJson("flink-legacy", "/jobs/" + jid)["state"], "FAILED");
  const Json ex = FlinkJson("flink-legacy", "/jobs/" + jid + "/exceptions");
  ASSERT_TRUE(ex["root-exception"].is_string());
  EXPECT_NE(ex["root-exception"].get<std::string>().find("java.io.IOException: billing sink rejected the batch"),
            std::string::npos);
}

// ------------------------------------------------------------------ 7:30 redeploy from savepoint

TEST_F(IncidentsApiTest, FraudDetectionRedeployedFromSavepoint) {
  At(450 * kSec - kSec);
  const std::string old_id = JobId("Flink", "fraud-detection");
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + old_id)["state"], "RUNNING");
  EXPECT_TRUE(FlinkJson("Flink", "/jobs/" + old_id + "/checkpoints")["latest"]["restored"].is_null());

  At(460 * kSec);
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + old_id)["state"], "CANCELED");
  const Json old_cp = FlinkJson("Flink", "/jobs/" + old_id + "/checkpoints");
  ASSERT_TRUE(old_cp["latest"]["savepoint"].is_object());
  const std::string sp_path = old_cp["latest"]["savepoint"]["external_path"].get<std::string>();
  EXPECT_NE(sp_path.find("savepoint-"), std::string::npos);

  const Json o = JobOverview("Flink", "fraud-detection");
  const std::string new_id = o["jid"].get<std::string>();
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(o["state"], "RUNNING");
  EXPECT_EQ(FlinkJson("Flink", "/jobs/" + new_id)["state"], "RUNNING");
  const Json cp = FlinkJson("Flink", "/jobs/" + new_id + "/checkpoints");
  ASSERT_TRUE(cp["latest"]["restored"].is_object());
  EXPECT_EQ(cp["latest"]["restored"]["is_savepoint"], true);
  EXPECT_EQ(cp["latest"]["restored"]["external_path"], sp_path);
  EXPECT_EQ(cp["latest"]["restored"]["id"], old_cp["latest"]["savepoint"]["id"]);
  EXPECT_EQ(cp["counts"]["restored"], 1);
}

// ------------------------------------------------------------------ 8:00 scale-up

TEST_F(IncidentsApiTest, FlinkScaledUpByTwoTaskManagers) {
  const std::string fw = FrameworkId("Flink");
  At(8 * kMin - kSec);
  const std::size_t before = FlinkJson("Flink", "/taskmanagers")["taskmanagers"].size();
  {
    const Json tasks = GetTasks();
    EXPECT_EQ(FindTask(tasks["tasks"], fw, "taskmanager-00006"), nullptr);
    EXPECT_EQ(FindTask(tasks["tasks"], fw, "taskmanager-00007"), nullptr);
  }
  At(8 * kMin + 6 * kSec);
  const Json tms = FlinkJson("Flink", "/taskmanagers")["taskmanagers"];
  EXPECT_EQ(tms.size(), before + 2);
  std::vector<std::string> ids;
  for (const auto& tm : tms) ids.push_back(tm["id"].get<std::string>());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "taskmanager-00006"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "taskmanager-00007"), ids.end());
  const Json tasks = GetTasks();
  for (const char* id : {"taskmanager-00006", "taskmanager-00007"}) {
    const Json* t = FindTask(tasks["tasks"], fw, id);
    ASSERT_NE(t, nullptr) << id;
    EXPECT_EQ((*t)["state"], "TASK_RUNNING") << id;
  }
}

// ------------------------------------------------------------------ 8:30 upgrade of flink-legacy

TEST_F(IncidentsApiTest, LegacyClusterUpgradedTo1136) {
  At(510 * kSec - kSec);
  EXPECT_EQ(FlinkJson("flink-legacy", "/config")["flink-version"], "1.9.3");
  const std::string old_id = JobId("flink-legacy", "sessionization");
  At(510 * kSec + 10 * kSec);
  EXPECT_FALSE(engine_.Read([](const World& w) {
    for (const auto& c : w.flink) {
      if (c.name == "flink-legacy") return c.reachable;
    }
    return true;
  }));
  At(510 * kSec + 60 * kSec);
  EXPECT_EQ(FlinkJson("flink-legacy", "/config")["flink-version"], "1.13.6");
  const Json o = JobOverview("flink-legacy", "sessionization");
  EXPECT_EQ(o["state"], "RUNNING");
  EXPECT_NE(o["jid"], old_id);
  const Json cp = FlinkJson("flink-legacy", "/jobs/" + o["jid"].get<std::string>() + "/checkpoints");
  EXPECT_TRUE(cp["latest"]["restored"].is_object());
}

}  // namespace
}  // namespace fme::sim
