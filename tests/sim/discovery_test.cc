// Flink-cluster discovery from Mesos and the TaskManager <-> Mesos task join, on
// config/scenarios/discovery.yml: two clusters registered as framework "Flink" (framework_name),
// a late cluster (start_at), a zombie TaskManager, a leaked TaskManager task and a framework
// teardown, each seen through the Mesos v0 endpoints, the v1 calls, the event log SUBSCRIBE
// replays and the Flink /taskmanagers answers. Handlers are called inside Engine::Read; time is
// driven with AdvanceTo, nothing sleeps. Misuse of the new incidents ends in warnings or errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
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

Scenario LoadDiscovery() {
  auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/discovery.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  Scenario s = r.ok() ? *r.scenario : Scenario{};
  s.start = kStart;
  return s;
}

Json Parse(const std::string& body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << body.substr(0, 200);
  return j;
}

// The framework objects of a v0 or v1 list with that id (v1 nests it in framework_info).
std::vector<Json> WithId(const Json& list, const std::string& id) {
  std::vector<Json> out;
  for (const auto& f : list) {
    const Json& fid = f.contains("framework_info") ? f["framework_info"]["id"]["value"] : f["id"];
    if (fid == id) out.push_back(f);
  }
  return out;
}

std::vector<std::string> NamesOf(const Json& v0_frameworks) {
  std::vector<std::string> out;
  for (const auto& f : v0_frameworks) out.push_back(f["name"]);
  return out;
}

// A v1 task by framework and task id (TaskManager ids repeat across frameworks), nullptr if absent.
const Json* V1Task(const Json& list, const std::string& framework_id, const std::string& id) {
  for (const auto& t : list) {
    if (t["framework_id"]["value"] == framework_id && t["task_id"]["value"] == id) return &t;
  }
  return nullptr;
}

// A v0 task by framework and task id, nullptr if absent.
const Json* V0Task(const Json& list, const std::string& framework_id, const std::string& id) {
  for (const auto& t : list) {
    if (t["framework_id"] == framework_id && t["id"] == id) return &t;
  }
  return nullptr;
}

class DiscoveryTest : public ::testing::Test {
 protected:
  DiscoveryTest() : engine_(LoadDiscovery(), [] { return kStart; }) {}

  void At(Millis offset) { engine_.AdvanceTo(kStart + offset); }

  const FlinkCluster& Cluster(const World& w, const std::string& name) {
    for (const auto& c : w.flink) {
      if (c.name == name) return c;
    }
    ADD_FAILURE() << "no cluster " << name;
    return w.flink.front();
  }
  std::string FrameworkId(const std::string& cluster) {
    return engine_.Read([&](const World& w) { return Cluster(w, cluster).framework_id; });
  }
  bool Reachable(const std::string& cluster) {
    return engine_.Read([&](const World& w) { return Cluster(w, cluster).reachable; });
  }

  Json FlinkJson(const std::string& cluster, const std::string& path) {
    const ApiResponse r =
        engine_.Read([&](const World& w) { return HandleFlinkRequest(w, Cluster(w, cluster), "GET", path, {}); });
    EXPECT_EQ(r.status, 200) << cluster << path << ": " << r.body;
    return Parse(r.body);
  }
  // Ids of the TaskManagers the JobManager lists.
  std::set<std::string> FlinkTaskManagers(const std::string& cluster) {
    const Json tms = FlinkJson(cluster, "/taskmanagers");  // named: ranging over a temporary's member dangles
    std::set<std::string> ids;
    for (const auto& tm : tms["taskmanagers"]) ids.insert(tm["id"]);
    return ids;
  }
  Json FlinkTaskManager(const std::string& cluster, const std::string& id) {
    const Json tms = FlinkJson(cluster, "/taskmanagers");
    for (const auto& tm : tms["taskmanagers"]) {
      if (tm["id"] == id) return tm;
    }
    ADD_FAILURE() << "no TaskManager " << id << " in " << cluster;
    return Json::object({{"timeSinceLastHeartbeat", 0}});
  }

  Json V0(const std::string& path, const QueryParams& query = {}) {
    const ApiResponse r = engine_.Read([&](const World& w) {
      return HandleMesosMasterRequest(w, static_cast<std::size_t>(w.mesos.leader), "GET", path, query, "", "");
    });
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return Parse(r.body);
  }
  // A v1 call's payload ("GET_STATE" -> the get_state object).
  Json V1(const std::string& type) {
    const ApiResponse r = engine_.Read([&](const World& w) {
      return HandleMesosMasterRequest(w, static_cast<std::size_t>(w.mesos.leader), "POST", "/api/v1", {},
                                      R"({"type":")" + type + R"("})", "application/json");
    });
    EXPECT_EQ(r.status, 200) << type << ": " << r.body;
    std::string field = type;
    std::transform(field.begin(), field.end(), field.begin(), [](unsigned char c) { return std::tolower(c); });
    return Parse(r.body)[field];
  }
  // The event log SUBSCRIBE streams replay, parsed, in order.
  std::vector<Json> Events() {
    return engine_.Read([](const World& w) {
      std::vector<Json> out;
      for (const auto& e : w.mesos.events) out.push_back(Json::parse(e.json));
      return out;
    });
  }
  double Metric(const std::string& key) {
    const Json m = V0("/metrics/snapshot");
    return m.contains(key) ? m[key].get<double>() : 0.0;
  }

  Engine engine_;
};

// Every answer that lists frameworks or tasks leaves out framework `id`.
void ExpectAbsentEverywhere(const std::string& id, const Json& frameworks, const Json& state, const Json& summary,
                            const Json& tasks, const Json& v1_state, const Json& v1_frameworks) {
  EXPECT_TRUE(WithId(frameworks["frameworks"], id).empty());
  EXPECT_TRUE(WithId(frameworks["completed_frameworks"], id).empty());
  EXPECT_TRUE(WithId(state["frameworks"], id).empty());
  EXPECT_TRUE(WithId(state["completed_frameworks"], id).empty());
  EXPECT_TRUE(WithId(summary["frameworks"], id).empty());
  for (const auto& a : summary["slaves"]) {
    for (const auto& f : a["framework_ids"]) EXPECT_NE(f, id);
  }
  for (const auto& task : tasks["tasks"]) EXPECT_NE(task["framework_id"], id);
  for (const char* list : {"frameworks", "completed_frameworks"}) {
    EXPECT_TRUE(WithId(v1_state["get_frameworks"][list], id).empty()) << list;
    EXPECT_TRUE(WithId(v1_frameworks[list], id).empty()) << list;
  }
  for (const char* list : {"tasks", "unreachable_tasks", "completed_tasks"}) {
    for (const auto& task : v1_state["get_tasks"][list]) EXPECT_NE(task["framework_id"]["value"], id);
  }
}

// ------------------------------------------------------------------ whole scenario

TEST_F(DiscoveryTest, NoWarningsAndAnOrderedEventLog) {
  At(6 * kMin);
  EXPECT_TRUE(engine_.Warnings().empty()) << engine_.Warnings().front();
  engine_.Read([](const World& w) {
    for (std::size_t i = 1; i < w.mesos.events.size(); ++i) {
      EXPECT_EQ(w.mesos.events[i].sequence, w.mesos.events[i - 1].sequence + 1);
      EXPECT_GE(w.mesos.events[i].time, w.mesos.events[i - 1].time);
    }
    return 0;
  });
}

TEST_F(DiscoveryTest, SameWorldRegardlessOfStepping) {
  Engine other(LoadDiscovery(), [] { return kStart; });
  for (Millis t = kStart; t < kStart + 6 * kMin; t += 17'321) other.AdvanceTo(t);
  other.AdvanceTo(kStart + 6 * kMin);
  At(6 * kMin);
  auto log = [](const World& w) {
    std::string out;
    for (const auto& e : w.mesos.events) out += std::to_string(e.time) + e.json + "\n";
    for (const auto& c : w.flink) {
      for (const auto& tm : c.taskmanagers) {
        out += c.name + "/" + tm.id + "@" + std::to_string(tm.last_heartbeat) + "\n";
      }
    }
    return out;
  };
  EXPECT_EQ(engine_.Read(log), other.Read(log));
}

// ------------------------------------------------------------------ framework_name

TEST_F(DiscoveryTest, TwoClustersRegisterAsFrameworkFlinkWithDistinctIds) {
  const std::string a = FrameworkId("flink-a"), b = FrameworkId("flink-b");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_NE(a, b);
  engine_.Read([&](const World& w) {
    EXPECT_EQ(Cluster(w, "flink-a").framework_name, "Flink");
    EXPECT_EQ(Cluster(w, "flink-b").framework_name, "Flink");
    EXPECT_EQ(Cluster(w, "flink-late").framework_name, "flink-late");  // defaults to the cluster's name
    EXPECT_TRUE(Cluster(w, "reporting").framework_name.empty());     // standalone: no framework
    return 0;
  });

  // v0: both under "Flink" in /master/frameworks, /master/state and /master/state-summary.
  for (const char* path : {"/master/frameworks", "/master/state", "/master/state-summary"}) {
    SCOPED_TRACE(path);
    const Json j = V0(path);
    const auto names = NamesOf(j["frameworks"]);
    EXPECT_EQ(std::count(names.begin(), names.end(), "Flink"), 2);
    for (const auto& id : {a, b}) {
      const auto f = WithId(j["frameworks"], id);
      ASSERT_EQ(f.size(), 1u);
      EXPECT_EQ(f[0]["name"], "Flink");
      EXPECT_EQ(f[0]["active"], true);
    }
  }
  // v1: GET_FRAMEWORKS and GET_STATE agree.
  for (const Json& frameworks : {V1("GET_FRAMEWORKS"), V1("GET_STATE")["get_frameworks"]}) {
    int flink = 0;
    for (const auto& f : frameworks["frameworks"]) flink += f["framework_info"]["name"] == "Flink";
    EXPECT_EQ(flink, 2);
    for (const auto& id : {a, b}) {
      const auto f = WithId(frameworks["frameworks"], id);
      ASSERT_EQ(f.size(), 1u);
      EXPECT_EQ(f[0]["framework_info"]["name"], "Flink");
    }
  }

  // The join is per framework: both have taskmanager-00001/-00002, each the TaskManagers of its
  // own JobManager.
  const Json tasks = V1("GET_TASKS")["tasks"];
  for (const auto& [cluster, id] : {std::pair{std::string("flink-a"), a}, std::pair{std::string("flink-b"), b}}) {
    SCOPED_TRACE(cluster);
    std::set<std::string> mesos;
    for (const auto& t : tasks) {
      if (t["framework_id"]["value"] == id) mesos.insert(t["task_id"]["value"]);
    }
    EXPECT_EQ(mesos, (std::set<std::string>{"taskmanager-00001", "taskmanager-00002"}));
    EXPECT_EQ(FlinkTaskManagers(cluster), mesos);
  }
}

TEST_F(DiscoveryTest, FrameworkFoundOnlyByItsTaskNames) {
  // "analytics" matches no Flink framework name; its tasks are TaskManagers all the same.
  const std::string id = FrameworkId("analytics");
  const auto f = WithId(V0("/master/frameworks")["frameworks"], id);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["name"], "analytics");
  ASSERT_EQ(f[0]["tasks"].size(), 1u);
  EXPECT_EQ(f[0]["tasks"][0]["name"], "taskmanager-00001");
  EXPECT_EQ(FlinkTaskManagers("analytics"), (std::set<std::string>{"taskmanager-00001"}));
}

// ------------------------------------------------------------------ start_at

TEST_F(DiscoveryTest, LateClusterIsUnknownToMesosUntilItsStart) {
  const std::string id = FrameworkId("flink-late");
  ASSERT_FALSE(id.empty());  // known in advance (ports file), registered only at 1:00
  At(59 * kSec);
  {
    SCOPED_TRACE("0:59");
    ExpectAbsentEverywhere(id, V0("/master/frameworks"), V0("/master/state"), V0("/master/state-summary"),
                           V0("/master/tasks"), V1("GET_STATE"), V1("GET_FRAMEWORKS"));
    for (const auto& e : Events()) EXPECT_NE(e["type"], "FRAMEWORK_ADDED");
    EXPECT_FALSE(Reachable("flink-late"));  // its listener resets every connection
    EXPECT_TRUE(FlinkTaskManagers("flink-late").empty());
    EXPECT_TRUE(FlinkJson("flink-late", "/jobs/overview")["jobs"].empty());
  }

  At(60 * kSec);
  EXPECT_TRUE(Reachable("flink-late"));
  std::vector<Json> events = Events();
  std::vector<std::string> types;
  for (const auto& e : events) {
    if (e["type"] == "FRAMEWORK_ADDED") {
      EXPECT_EQ(e["framework_added"]["framework"]["framework_info"]["id"]["value"], id);
      EXPECT_EQ(e["framework_added"]["framework"]["framework_info"]["name"], "flink-late");
      EXPECT_EQ(e["framework_added"]["framework"]["active"], true);
      types.push_back("FRAMEWORK_ADDED");
    } else if (e["type"] == "TASK_ADDED" && e["task_added"]["task"]["framework_id"]["value"] == id) {
      types.push_back("TASK_ADDED " + e["task_added"]["task"]["task_id"]["value"].get<std::string>());
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"FRAMEWORK_ADDED", "TASK_ADDED taskmanager-00001",
                                             "TASK_ADDED taskmanager-00002"}));

  At(75 * kSec);
  {
    SCOPED_TRACE("1:15");
    const auto v0 = WithId(V0("/master/frameworks")["frameworks"], id);
    ASSERT_EQ(v0.size(), 1u);
    EXPECT_EQ(v0[0]["name"], "flink-late");
    EXPECT_EQ(v0[0]["active"], true);
    EXPECT_DOUBLE_EQ(v0[0]["registered_time"].get<double>(), static_cast<double>(kStart + kMin) / 1000.0);
    std::set<std::string> running;
    for (const auto& t : v0[0]["tasks"]) {
      EXPECT_EQ(t["state"], "TASK_RUNNING");
      running.insert(t["id"]);
    }
    EXPECT_EQ(running, (std::set<std::string>{"taskmanager-00001", "taskmanager-00002"}));
    EXPECT_EQ(WithId(V0("/master/state-summary")["frameworks"], id).size(), 1u);
    EXPECT_EQ(WithId(V1("GET_FRAMEWORKS")["frameworks"], id).size(), 1u);
    const Json v1_tasks = V1("GET_STATE")["get_tasks"]["tasks"];
    for (const auto& tm : running) {
      const Json* t = V1Task(v1_tasks, id, tm);
      ASSERT_NE(t, nullptr) << tm;
      EXPECT_EQ((*t)["state"], "TASK_RUNNING");
    }
    // The JobManager answers normally: its TaskManagers are the tasks, its job runs.
    EXPECT_EQ(FlinkTaskManagers("flink-late"), running);
    const Json jobs = FlinkJson("flink-late", "/jobs/overview")["jobs"];
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["name"], "late-arrivals");
    EXPECT_EQ(jobs[0]["state"], "RUNNING");
  }
}

// ------------------------------------------------------------------ taskmanager_zombie

TEST_F(DiscoveryTest, ZombieTaskManagerFailedInMesosStillListedByFlink) {
  const std::string fw = FrameworkId("flink-a");
  const std::string zombie = "taskmanager-00002";
  At(89 * kSec);
  ASSERT_NE(V1Task(V1("GET_TASKS")["tasks"], fw, zombie), nullptr);
  EXPECT_EQ(Metric("master/task_failed/source_executor/reason_executor_terminated"), 0);
  const double failed_before = Metric("master/tasks_failed");

  At(91 * kSec);
  // v1: the task is completed, TASK_FAILED, by its executor.
  const Json v1 = V1("GET_STATE")["get_tasks"];
  EXPECT_EQ(V1Task(v1["tasks"], fw, zombie), nullptr);
  const Json* t = V1Task(v1["completed_tasks"], fw, zombie);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["state"], "TASK_FAILED");
  const Json& last = (*t)["statuses"].back();
  EXPECT_EQ(last["state"], "TASK_FAILED");
  EXPECT_EQ(last["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(last["reason"], "REASON_EXECUTOR_TERMINATED");
  EXPECT_EQ(last["message"], "Executor terminated");
  // v0: /master/tasks, the framework's completed_tasks in /master/state and the summary counts.
  const Json v0_tasks = V0("/master/tasks");
  const Json* v0 = V0Task(v0_tasks["tasks"], fw, zombie);
  ASSERT_NE(v0, nullptr);
  EXPECT_EQ((*v0)["state"], "TASK_FAILED");
  const auto state_fw = WithId(V0("/master/state")["frameworks"], fw);
  ASSERT_EQ(state_fw.size(), 1u);
  EXPECT_EQ(V0Task(state_fw[0]["tasks"], fw, zombie), nullptr);
  ASSERT_NE(V0Task(state_fw[0]["completed_tasks"], fw, zombie), nullptr);
  const auto summary_fw = WithId(V0("/master/state-summary")["frameworks"], fw);
  ASSERT_EQ(summary_fw.size(), 1u);
  EXPECT_EQ(summary_fw[0]["TASK_FAILED"], 1);
  EXPECT_EQ(summary_fw[0]["TASK_RUNNING"], 1);
  // Counted like every terminal task.
  EXPECT_EQ(Metric("master/task_failed/source_executor/reason_executor_terminated"), 1);
  EXPECT_EQ(Metric("master/tasks_failed"), failed_before + 1);
  // The event log has the TASK_UPDATED.
  bool updated = false;
  for (const auto& e : Events()) {
    if (e["type"] != "TASK_UPDATED") continue;
    const Json& s = e["task_updated"]["status"];
    updated |= s["task_id"]["value"] == zombie && s["state"] == "TASK_FAILED" &&
               e["task_updated"]["framework_id"]["value"] == fw;
  }
  EXPECT_TRUE(updated);

  // Flink has not noticed: the TaskManager is listed, its heartbeat frozen; nothing restarts.
  EXPECT_EQ(FlinkTaskManagers("flink-a"), (std::set<std::string>{"taskmanager-00001", zombie}));
  const int64_t frozen = FlinkTaskManager("flink-a", zombie)["timeSinceLastHeartbeat"];
  EXPECT_LE(frozen, kStart + 90 * kSec);
  At(3 * kMin);
  EXPECT_EQ(FlinkTaskManagers("flink-a"), (std::set<std::string>{"taskmanager-00001", zombie}));
  EXPECT_EQ(FlinkTaskManager("flink-a", zombie)["timeSinceLastHeartbeat"], frozen);
  EXPECT_GE(FlinkTaskManager("flink-a", "taskmanager-00001")["timeSinceLastHeartbeat"].get<int64_t>(),
            kStart + 3 * kMin - 10 * kSec);
  const Json job = FlinkJson("flink-a", "/jobs/overview")["jobs"][0];
  EXPECT_EQ(job["state"], "RUNNING");
  engine_.Read([&](const World& w) {
    for (const auto& j : Cluster(w, "flink-a").jobs) EXPECT_EQ(j.restarts, 0) << j.name;
    // No replacement worker either.
    for (const auto& task : w.mesos.tasks) EXPECT_FALSE(task.framework_id == fw && task.id == "taskmanager-00003");
    return 0;
  });

  // 4:00: Flink drops it, still without restarting anything.
  At(4 * kMin);
  EXPECT_EQ(FlinkTaskManagers("flink-a"), (std::set<std::string>{"taskmanager-00001"}));
  EXPECT_EQ(FlinkJson("flink-a", "/jobs/overview")["jobs"][0]["state"], "RUNNING");
  engine_.Read([&](const World& w) {
    for (const auto& j : Cluster(w, "flink-a").jobs) EXPECT_EQ(j.restarts, 0) << j.name;
    return 0;
  });
  EXPECT_EQ(Metric("master/task_failed/source_executor/reason_executor_terminated"), 1);
}

// ------------------------------------------------------------------ task_leak

TEST_F(DiscoveryTest, LeakedTaskRunsInMesosButNotInFlink) {
  const std::string fw = FrameworkId("flink-b");
  const std::string leak = "taskmanager-00003";
  At(2 * kMin - kSec);
  EXPECT_EQ(V1Task(V1("GET_TASKS")["tasks"], fw, leak), nullptr);

  At(2 * kMin + 5 * kSec);
  // v1: running with the resources of the cluster's TaskManagers, added and updated in the log.
  const Json v1 = V1("GET_STATE")["get_tasks"];
  const Json* t = V1Task(v1["tasks"], fw, leak);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["state"], "TASK_RUNNING");
  EXPECT_EQ((*t)["name"], leak);
  const Json* sibling = V1Task(v1["tasks"], fw, "taskmanager-00001");
  ASSERT_NE(sibling, nullptr);
  EXPECT_EQ((*t)["resources"], (*sibling)["resources"]);
  std::vector<std::string> seen;
  for (const auto& e : Events()) {
    if (e["type"] == "TASK_ADDED" && e["task_added"]["task"]["task_id"]["value"] == leak) {
      EXPECT_EQ(e["task_added"]["task"]["framework_id"]["value"], fw);
      seen.push_back("TASK_ADDED " + e["task_added"]["task"]["state"].get<std::string>());
    }
    if (e["type"] == "TASK_UPDATED" && e["task_updated"]["status"]["task_id"]["value"] == leak) {
      seen.push_back("TASK_UPDATED " + e["task_updated"]["status"]["state"].get<std::string>());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"TASK_ADDED TASK_STAGING", "TASK_UPDATED TASK_STARTING",
                                            "TASK_UPDATED TASK_RUNNING"}));
  // v0: a running task of the framework in /master/state, /master/frameworks and /master/tasks.
  for (const char* path : {"/master/state", "/master/frameworks"}) {
    const auto f = WithId(V0(path)["frameworks"], fw);
    ASSERT_EQ(f.size(), 1u) << path;
    const Json* v0 = V0Task(f[0]["tasks"], fw, leak);
    ASSERT_NE(v0, nullptr) << path;
    EXPECT_EQ((*v0)["state"], "TASK_RUNNING");
  }
  ASSERT_NE(V0Task(V0("/master/tasks")["tasks"], fw, leak), nullptr);
  EXPECT_EQ(WithId(V0("/master/state-summary")["frameworks"], fw).at(0)["TASK_RUNNING"], 3);
  // Flink never lists it.
  EXPECT_EQ(FlinkTaskManagers("flink-b"), (std::set<std::string>{"taskmanager-00001", "taskmanager-00002"}));
  At(5 * kMin - kSec);
  ASSERT_NE(V1Task(V1("GET_TASKS")["tasks"], fw, leak), nullptr);
  EXPECT_EQ(FlinkTaskManagers("flink-b").count(leak), 0u);

  // 5:00: killed, counted.
  At(5 * kMin);
  const Json after = V1("GET_TASKS");
  EXPECT_EQ(V1Task(after["tasks"], fw, leak), nullptr);
  const Json* killed = V1Task(after["completed_tasks"], fw, leak);
  ASSERT_NE(killed, nullptr);
  EXPECT_EQ((*killed)["state"], "TASK_KILLED");
  EXPECT_EQ((*killed)["statuses"].back()["reason"], "REASON_TASK_KILLED_DURING_LAUNCH");
  const Json v0_after = V0("/master/tasks")["tasks"];
  const Json* v0_killed = V0Task(v0_after, fw, leak);
  ASSERT_NE(v0_killed, nullptr);
  EXPECT_EQ((*v0_killed)["state"], "TASK_KILLED");
  EXPECT_EQ(Metric("master/task_killed/source_executor/reason_task_killed_during_launch"), 1);
  EXPECT_EQ(FlinkTaskManagers("flink-b"), (std::set<std::string>{"taskmanager-00001", "taskmanager-00002"}));
}

// ------------------------------------------------------------------ framework_teardown

TEST_F(DiscoveryTest, TornDownFrameworkMovesToCompletedAndItsJobManagerIsGone) {
  const std::string fw = FrameworkId("flink-doomed");
  At(3 * kMin - kSec);
  {
    const auto f = WithId(V0("/master/frameworks")["frameworks"], fw);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0]["tasks"].size(), 2u);
    EXPECT_TRUE(Reachable("flink-doomed"));
  }
  const std::size_t events_before = Events().size();
  const double killed_before = Metric("master/tasks_killed");

  At(3 * kMin);
  // v0: gone from the active frameworks, listed under completed_frameworks with its tasks killed.
  for (const char* path : {"/master/frameworks", "/master/state"}) {
    SCOPED_TRACE(path);
    const Json j = V0(path);
    EXPECT_TRUE(WithId(j["frameworks"], fw).empty());
    const auto done = WithId(j["completed_frameworks"], fw);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]["name"], "flink-doomed");
    EXPECT_EQ(done[0]["active"], false);
    EXPECT_EQ(done[0]["connected"], false);
    EXPECT_DOUBLE_EQ(done[0]["unregistered_time"].get<double>(), static_cast<double>(kStart + 3 * kMin) / 1000.0);
    EXPECT_TRUE(done[0]["tasks"].empty());
    ASSERT_EQ(done[0]["completed_tasks"].size(), 2u);
    for (const auto& t : done[0]["completed_tasks"]) EXPECT_EQ(t["state"], "TASK_KILLED");
  }
  EXPECT_TRUE(WithId(V0("/master/state-summary")["frameworks"], fw).empty());
  const Json v0_tasks = V0("/master/tasks");
  for (const auto& t : v0_tasks["tasks"]) {
    if (t["framework_id"] == fw) {
      EXPECT_EQ(t["state"], "TASK_KILLED") << t["id"];
    }
  }
  // v1: completed framework; tasks killed by the master because the framework was removed.
  const Json frameworks = V1("GET_FRAMEWORKS");
  EXPECT_TRUE(WithId(frameworks["frameworks"], fw).empty());
  ASSERT_EQ(WithId(frameworks["completed_frameworks"], fw).size(), 1u);
  const Json state = V1("GET_STATE");
  EXPECT_TRUE(WithId(state["get_frameworks"]["frameworks"], fw).empty());
  EXPECT_EQ(WithId(state["get_frameworks"]["completed_frameworks"], fw).size(), 1u);
  int killed = 0;
  for (const auto& t : state["get_tasks"]["completed_tasks"]) {
    if (t["framework_id"]["value"] != fw) continue;
    const Json& last = t["statuses"].back();
    EXPECT_EQ(last["state"], "TASK_KILLED");
    EXPECT_EQ(last["source"], "SOURCE_MASTER");
    EXPECT_EQ(last["reason"], "REASON_FRAMEWORK_REMOVED");
    EXPECT_EQ(last["message"], "Framework " + fw + " removed");
    ++killed;
  }
  EXPECT_EQ(killed, 2);
  for (const auto& t : state["get_tasks"]["tasks"]) EXPECT_NE(t["framework_id"]["value"], fw);
  // The event log: both tasks' TASK_UPDATEDs, then FRAMEWORK_REMOVED.
  const std::vector<Json> events = Events();
  std::vector<std::string> types;
  for (std::size_t i = events_before; i < events.size(); ++i) {
    const Json& e = events[i];
    if (e["type"] == "TASK_UPDATED" && e["task_updated"]["framework_id"]["value"] == fw) {
      EXPECT_EQ(e["task_updated"]["state"], "TASK_KILLED");
      types.push_back("TASK_UPDATED");
    } else if (e["type"] == "FRAMEWORK_REMOVED") {
      EXPECT_EQ(e["framework_removed"]["framework_info"]["id"]["value"], fw);
      EXPECT_EQ(e["framework_removed"]["framework_info"]["name"], "flink-doomed");
      types.push_back("FRAMEWORK_REMOVED");
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"TASK_UPDATED", "TASK_UPDATED", "FRAMEWORK_REMOVED"}));
  EXPECT_EQ(Metric("master/task_killed/source_master/reason_framework_removed"), 2);
  EXPECT_EQ(Metric("master/tasks_killed"), killed_before + 2);

  // The JobManager resets every connection from now on.
  EXPECT_FALSE(Reachable("flink-doomed"));
  At(6 * kMin);
  EXPECT_FALSE(Reachable("flink-doomed"));
  EXPECT_TRUE(WithId(V0("/master/frameworks")["frameworks"], fw).empty());
}

// ------------------------------------------------------------------ misuse

Scenario Small(const std::string& timeline) {
  const std::string yaml = R"(start: 2024-05-01T12:00:00Z
mesos: {agents: 2}
flink:
  - {name: a, taskmanagers: 2, jobs: [{name: j, parallelism: 2}]}
  - {name: late, start_at: 2m, jobs: [{name: k, parallelism: 1}]}
  - {name: solo, on_mesos: false, jobs: [{name: s, parallelism: 1}]}
timeline:
)" + timeline;
  auto r = ParseScenario(yaml, "small.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? *r.scenario : Scenario{};
}

std::vector<std::string> WarningsAfter(const Scenario& s, Millis offset) {
  Engine e(s, [] { return kStart; });
  e.AdvanceTo(kStart + offset);
  return e.Warnings();
}

TEST(DiscoveryIncidents, MisuseEndsInWarnings) {
  // A TaskManager that does not exist; a second zombie on the same one.
  auto w = WarningsAfter(Small("  - {at: 10s, type: taskmanager_zombie, cluster: a, taskmanager: taskmanager-00009}\n"),
                         20 * kSec);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("taskmanager-00009"), std::string::npos) << w[0];
  w = WarningsAfter(Small("  - {at: 10s, type: taskmanager_zombie, cluster: a, taskmanager: taskmanager-00001}\n"
                          "  - {at: 20s, type: taskmanager_zombie, cluster: a, taskmanager: taskmanager-00001}\n"),
                    30 * kSec);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("line 9"), std::string::npos) << w[0];
  // Leaks, zombies and teardowns before the framework registered, or after it was removed.
  w = WarningsAfter(Small("  - {at: 1m, type: task_leak, cluster: late}\n"
                          "  - {at: 1m, type: framework_teardown, cluster: late}\n"
                          "  - {at: 1m, type: taskmanager_zombie, cluster: late}\n"),
                    90 * kSec);
  EXPECT_EQ(w.size(), 3u);
  for (const auto& m : w) EXPECT_NE(m.find("not registered"), std::string::npos) << m;
  w = WarningsAfter(Small("  - {at: 10s, type: framework_teardown, cluster: a}\n"
                          "  - {at: 20s, type: framework_teardown, cluster: a}\n"
                          "  - {at: 30s, type: task_leak, cluster: a}\n"),
                    40 * kSec);
  EXPECT_EQ(w.size(), 2u);
}

TEST(DiscoveryIncidents, DefaultsAndCount) {
  // No taskmanager: the first listed one; count: that many leaked tasks, numbered after the
  // cluster's TaskManagers.
  Engine e(Small("  - {at: 10s, type: taskmanager_zombie, cluster: a}\n"
                 "  - {at: 10s, until: 1m, type: task_leak, cluster: a, count: 3}\n"),
           [] { return kStart; });
  e.AdvanceTo(kStart + 20 * kSec);
  EXPECT_TRUE(e.Warnings().empty());
  e.Read([](const World& w) {
    const auto& c = w.flink[0];
    std::set<std::string> running, failed;
    for (const auto& t : w.mesos.tasks) {
      if (t.framework_id == c.framework_id) running.insert(t.id);
    }
    for (const auto& t : w.mesos.completed_tasks) {
      if (t.framework_id == c.framework_id) failed.insert(t.id);
    }
    EXPECT_EQ(failed, (std::set<std::string>{"taskmanager-00001"}));
    EXPECT_EQ(running, (std::set<std::string>{"taskmanager-00002", "taskmanager-00003", "taskmanager-00004",
                                              "taskmanager-00005"}));
    EXPECT_EQ(c.taskmanagers.size(), 2u);  // the zombie and taskmanager-00002
    return 0;
  });
  e.AdvanceTo(kStart + 61 * kSec);
  e.Read([](const World& w) {
    EXPECT_EQ(w.mesos.termination_counters.at("master/task_killed/source_executor/reason_task_killed_during_launch"),
              3);
    return 0;
  });
}

TEST(DiscoveryIncidents, OnlyClustersOnMesosHaveFrameworksToBreak) {
  for (const char* type : {"taskmanager_zombie", "task_leak", "framework_teardown"}) {
    SCOPED_TRACE(type);
    try {
      Engine e(Small(std::string("  - {at: 10s, type: ") + type + ", cluster: solo}\n"), [] { return kStart; });
      ADD_FAILURE() << "expected invalid_argument";
    } catch (const std::invalid_argument& ex) {
      EXPECT_NE(std::string(ex.what()).find("line 8"), std::string::npos) << ex.what();
      EXPECT_NE(std::string(ex.what()).find("'solo' is not on Mesos"), std::string::npos) << ex.what();
    }
  }
}

TEST(DiscoveryIncidents, TimelineMayNameJobsOfALateCluster) {
  // The late cluster's jobs do not exist at build time; the timeline is checked against the spec.
  Engine e(Small("  - {at: 3m, until: 4m, type: backpressure, cluster: late, job: k, vertex: 0, ratio: 0.5}\n"),
           [] { return kStart; });
  e.AdvanceTo(kStart + 3 * kMin + 30 * kSec);
  EXPECT_TRUE(e.Warnings().empty()) << e.Warnings().front();
  EXPECT_THROW(Engine(Small("  - {at: 3m, type: job_cancelled, cluster: late, job: nope}\n"), [] { return kStart; }),
               std::invalid_argument);
}

}  // namespace
}  // namespace fme::sim
