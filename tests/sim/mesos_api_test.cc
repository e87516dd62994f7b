// Field-by-field checks of the simulated Mesos master v0 endpoints, leader/redirect rules,
// /metrics/snapshot and the agent endpoints (facts: Mesos 1.11 writers as summarised in the
// shared reference NOTES).
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mesos/mesos_api.h"
#include "sim/mesos_world_fixture.h"

namespace fme::sim {
namespace {

using Json = nlohmann::json;
using namespace mesostest;  // NOLINT(google-build-using-namespace)

class MesosApiTest : public ::testing::Test {
 protected:
  ApiResponse Get(std::size_t master, const std::string& path, const QueryParams& q = {}) {
    return HandleMesosMasterRequest(world_, master, "GET", path, q, "", "");
  }
  Json GetJson(const std::string& path, const QueryParams& q = {}, std::size_t master = 0) {
    ApiResponse r = Get(master, path, q);
    EXPECT_EQ(r.status, 200) << path << " -> " << r.body;
    Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << path << " -> not JSON: " << r.body;
    return j;
  }
  Json AgentJson(std::size_t agent, const std::string& path) {
    ApiResponse r = HandleMesosAgentRequest(world_, agent, "GET", path, {});
    EXPECT_EQ(r.status, 200) << path << " -> " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path << " -> not JSON: " << r.body;
    return j;
  }
  static const Json* FindById(const Json& list, const std::string& id, const char* key = "id") {
    for (const auto& e : list) {
      if (e.contains(key) && e[key] == id) return &e;
    }
    return nullptr;
  }
  static std::vector<std::string> Ids(const Json& tasks) {
    std::vector<std::string> ids;
    for (const auto& t : tasks) ids.push_back(t["id"].get<std::string>());
    return ids;
  }
  static void ExpectV0Resources(const Json& r, bool ports) {
    ASSERT_TRUE(r.is_object()) << r;
    for (const char* k : {"cpus", "gpus", "mem", "disk"}) {
      ASSERT_TRUE(r.contains(k)) << k << " in " << r;
      EXPECT_TRUE(r[k].is_number()) << k;
    }
    EXPECT_EQ(r.contains("ports"), ports) << r;
    if (ports) {
      EXPECT_TRUE(r["ports"].is_string());
    }
  }

  World world_ = MakeMesosWorld();
};

// ------------------------------------------------------------------ leader rules

TEST_F(MesosApiTest, HealthIsAnsweredByEveryRunningMaster) {
  for (std::size_t m : {0u, 1u}) {
    for (const char* p : {"/health", "/master/health"}) {
      ApiResponse r = Get(m, p);
      EXPECT_EQ(r.status, 200) << p;
      EXPECT_TRUE(r.body.empty());
    }
  }
  world_.mesos.leader = -1;
  EXPECT_EQ(Get(1, "/health").status, 200);
}

TEST_F(MesosApiTest, VersionEndpoint) {
  for (std::size_t m : {0u, 1u}) {
    const Json j = GetJson("/version", {}, m);
    EXPECT_EQ(j["version"], "1.11.0");
    EXPECT_TRUE(j["build_date"].is_string());
    EXPECT_TRUE(j["build_time"].is_number());
    EXPECT_TRUE(j["build_user"].is_string());
  }
}

TEST_F(MesosApiTest, StandbyRedirectsLeaderOnlyEndpointsSchemeLess) {
  const std::vector<std::string> paths = {"/master/state",  "/state",         "/master/state-summary",
                                          "/master/tasks",  "/master/frameworks", "/master/slaves",
                                          "/master/roles",  "/slaves"};
  for (const auto& p : paths) {
    ApiResponse r = Get(1, p);
    EXPECT_EQ(r.status, 307) << p;
    ASSERT_TRUE(r.headers.count("Location")) << p;
    EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1" + p);
    EXPECT_EQ(r.headers.at("Location").rfind("//", 0), 0u) << "Location must be protocol-relative";
  }
}

TEST_F(MesosApiTest, RedirectKeepsQuery) {
  ApiResponse r = Get(1, "/master/tasks", {{"limit", "5"}, {"order", "asc"}});
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1/master/tasks?limit=5&order=asc");
  r = Get(1, "/master/frameworks?framework_id=abc");
  EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1/master/frameworks?framework_id=abc");
}

TEST_F(MesosApiTest, RedirectEndpoint) {
  for (std::size_t m : {0u, 1u}) {
    for (const char* p : {"/master/redirect", "/redirect"}) {
      ApiResponse r = Get(m, p);
      EXPECT_EQ(r.status, 307) << p;
      EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1");
    }
  }
  world_.mesos.leader = 1;
  EXPECT_EQ(Get(0, "/master/redirect").headers.at("Location"), "//mesos-m2:5051/m2");
  world_.mesos.leader = -1;
  EXPECT_EQ(Get(0, "/master/redirect").status, 503);
}

TEST_F(MesosApiTest, NoLeaderAnswers503) {
  world_.mesos.leader = -1;
  for (std::size_t m : {0u, 1u}) {
    ApiResponse r = Get(m, "/master/state");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body, "No leader elected");
    EXPECT_EQ(r.headers.count("Location"), 0u);
  }
  // Not redirected: still answered.
  EXPECT_EQ(Get(1, "/metrics/snapshot").status, 200);
  EXPECT_EQ(Get(1, "/version").status, 200);
}

TEST_F(MesosApiTest, StoppedMasterAnswers503AndUnknownPaths404) {
  EXPECT_EQ(Get(2, "/health").status, 503);
  EXPECT_EQ(Get(2, "/master/state").status, 503);
  EXPECT_EQ(Get(0, "/master/state.json").status, 404);  // *.json aliases removed in 1.8
  EXPECT_EQ(Get(0, "/nope").status, 404);
  EXPECT_EQ(Get(0, "/redirect/sub").status, 404);
}

// ------------------------------------------------------------------ /master/state

TEST_F(MesosApiTest, StateTopLevel) {
  const Json j = GetJson("/master/state");
  EXPECT_EQ(j, GetJson("/state"));
  EXPECT_EQ(j["version"], "1.11.0");
  EXPECT_TRUE(j["build_date"].is_string());
  EXPECT_TRUE(j["build_time"].is_number());
  EXPECT_TRUE(j["build_user"].is_string());
  EXPECT_TRUE(j["start_time"].is_number_float());
  EXPECT_DOUBLE_EQ(j["start_time"].get<double>(), kLeaderStart / 1000.0);
  EXPECT_DOUBLE_EQ(j["elected_time"].get<double>(), kLeaderElected / 1000.0);
  EXPECT_EQ(j["id"], world_.mesos.masters[0].id);
  EXPECT_EQ(j["pid"], "master@mesos-m1:5050");
  EXPECT_EQ(j["hostname"], "mesos-m1");
  EXPECT_TRUE(j["capabilities"].is_array());
  EXPECT_TRUE(j["activated_slaves"].is_number_float());
  EXPECT_EQ(j["activated_slaves"].get<double>(), 2.0);
  EXPECT_EQ(j["deactivated_slaves"].get<double>(), 0.0);
  EXPECT_EQ(j["unreachable_slaves"].get<double>(), 1.0);
  EXPECT_EQ(j["leader"], "master@mesos-m1:5050");
  EXPECT_EQ(j["leader_info"]["hostname"], "mesos-m1");
  EXPECT_EQ(j["leader_info"]["port"], 5050);
  EXPECT_TRUE(j["leader_info"]["port"].is_number_integer());
  EXPECT_TRUE(j["flags"].is_object());
  for (const auto& [k, v] : j["flags"].items()) EXPECT_TRUE(v.is_string()) << k;
  EXPECT_EQ(j["recovered_slaves"], Json::array());
  EXPECT_EQ(j["orphan_tasks"], Json::array());
  EXPECT_EQ(j["unregistered_frameworks"], Json::array());
  ASSERT_EQ(j["slaves"].size(), 2u);  // the unreachable agent is not registered
  ASSERT_EQ(j["frameworks"].size(), 2u);
  ASSERT_EQ(j["completed_frameworks"].size(), 1u);
  EXPECT_EQ(j["completed_frameworks"][0]["id"], kF3);
}

TEST_F(MesosApiTest, StateAgentShape) {
  const Json j = GetJson("/master/state");
  const Json* s = FindById(j["slaves"], kS0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["hostname"], "agent-0");
  EXPECT_TRUE((*s)["port"].is_number_integer());
  EXPECT_EQ((*s)["port"], 5051);
  EXPECT_EQ((*s)["pid"], "slave(1)@10.0.1.1:5051");
  EXPECT_EQ((*s)["attributes"]["rack"], "r1");
  EXPECT_TRUE((*s)["attributes"]["cores"].is_number());  // scalar attribute
  EXPECT_EQ((*s)["attributes"]["cores"].get<double>(), 32.0);
  EXPECT_DOUBLE_EQ((*s)["registered_time"].get<double>(), kS0Registered / 1000.0);
  ExpectV0Resources((*s)["resources"], true);
  EXPECT_EQ((*s)["resources"]["cpus"].get<double>(), 32.0);
  EXPECT_EQ((*s)["resources"]["mem"].get<double>(), 126976.0);  // MB
  EXPECT_EQ((*s)["resources"]["disk"].get<double>(), 819200.0);
  EXPECT_EQ((*s)["resources"]["ports"], "[31000-32000]");
  ExpectV0Resources((*s)["used_resources"], false);
  EXPECT_EQ((*s)["used_resources"]["cpus"].get<double>(), 4.0);
  EXPECT_EQ((*s)["used_resources"]["mem"].get<double>(), 8192.0);
  ExpectV0Resources((*s)["offered_resources"], false);
  EXPECT_TRUE((*s)["reserved_resources"].is_object());
  ExpectV0Resources((*s)["unreserved_resources"], true);
  EXPECT_EQ((*s)["active"], true);
  EXPECT_EQ((*s)["deactivated"], false);
  EXPECT_EQ((*s)["version"], "1.11.0");
  EXPECT_TRUE((*s)["capabilities"].is_array());
  EXPECT_FALSE(s->contains("agent_id"));
}

TEST_F(MesosApiTest, StateFrameworkShape) {
  const Json j = GetJson("/master/state");
  const Json* f = FindById(j["frameworks"], kF1);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["name"], "Flink");
  EXPECT_TRUE((*f)["pid"].is_string());
  EXPECT_EQ((*f)["role"], "flink");
  EXPECT_FALSE(f->contains("roles"));
  EXPECT_EQ((*f)["webui_url"], "http://jm-host-1:8081");
  EXPECT_EQ((*f)["hostname"], "jm-host-1");
  EXPECT_EQ((*f)["active"], true);
  EXPECT_EQ((*f)["connected"], true);
  EXPECT_EQ((*f)["recovered"], false);
  EXPECT_EQ((*f)["user"], "flink");
  EXPECT_EQ((*f)["principal"], "flink");
  EXPECT_EQ((*f)["checkpoint"], true);
  EXPECT_EQ((*f)["failover_timeout"].get<double>(), 604800.0);
  EXPECT_DOUBLE_EQ((*f)["registered_time"].get<double>(), kF1Registered / 1000.0);
  EXPECT_TRUE((*f)["unregistered_time"].is_number());
  ExpectV0Resources((*f)["used_resources"], false);
  EXPECT_EQ((*f)["used_resources"]["cpus"].get<double>(), 6.0);  // 3 live TaskManagers x 2
  EXPECT_EQ((*f)["used_resources"]["mem"].get<double>(), 12288.0);
  EXPECT_EQ((*f)["resources"], (*f)["used_resources"]);
  ExpectV0Resources((*f)["offered_resources"], false);
  EXPECT_EQ((*f)["offers"], Json::array());
  EXPECT_EQ((*f)["executors"], Json::array());
  EXPECT_EQ(Ids((*f)["tasks"]), (std::vector<std::string>{"taskmanager-00001", "taskmanager-00002",
                                                         "taskmanager-00003"}));
  EXPECT_EQ((*f)["unreachable_tasks"], Json::array());
  EXPECT_EQ(Ids((*f)["completed_tasks"]), (std::vector<std::string>{"taskmanager-00000", "taskmanager-00004"}));

  const Json* f2 = FindById(j["frameworks"], kF2);
  ASSERT_NE(f2, nullptr);
  EXPECT_EQ((*f2)["active"], false);
  EXPECT_EQ((*f2)["connected"], false);
  EXPECT_EQ((*f2)["role"], "*");
  EXPECT_EQ(Ids((*f2)["unreachable_tasks"]), std::vector<std::string>{"web.1"});
  EXPECT_FALSE(f2->contains("principal"));  // optional, unset
}

TEST_F(MesosApiTest, V0TaskShapeAndStatusesWithoutReason) {
  const Json j = GetJson("/master/state");
  const Json* f = FindById(j["frameworks"], kF1);
  ASSERT_NE(f, nullptr);
  const Json* t = FindById((*f)["tasks"], "taskmanager-00002");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["name"], "taskmanager-00002");
  EXPECT_EQ((*t)["framework_id"], kF1);
  EXPECT_EQ((*t)["executor_id"], "");
  EXPECT_EQ((*t)["slave_id"], kS1);
  EXPECT_FALSE(t->contains("agent_id"));
  EXPECT_EQ((*t)["state"], "TASK_RUNNING");
  EXPECT_EQ((*t)["role"], "flink");
  ExpectV0Resources((*t)["resources"], true);
  EXPECT_EQ((*t)["resources"]["mem"].get<double>(), 4096.0);
  ASSERT_EQ((*t)["statuses"].size(), 3u);
  EXPECT_EQ((*t)["statuses"][0]["state"], "TASK_STAGING");
  EXPECT_TRUE((*t)["statuses"][0]["timestamp"].is_number_float());
  EXPECT_DOUBLE_EQ((*t)["statuses"][0]["timestamp"].get<double>(), kNowSec - 3000);
  EXPECT_EQ((*t)["statuses"][2]["healthy"], true);

  const Json* c = FindById((*f)["completed_tasks"], "taskmanager-00000");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["state"], "TASK_FAILED");
  for (const auto& s : (*c)["statuses"]) {
    std::set<std::string> keys;
    for (const auto& [k, v] : s.items()) keys.insert(k);
    for (const auto& k : keys) EXPECT_TRUE(k == "state" || k == "timestamp" || k == "healthy") << k;
    EXPECT_FALSE(s.contains("reason"));
    EXPECT_FALSE(s.contains("source"));
    EXPECT_FALSE(s.contains("message"));
  }
}

TEST_F(MesosApiTest, StateSummary) {
  const Json j = GetJson("/master/state-summary");
  EXPECT_EQ(j["hostname"], "mesos-m1");
  ASSERT_EQ(j["slaves"].size(), 2u);
  const Json* s1 = FindById(j["slaves"], kS1);
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ((*s1)["TASK_RUNNING"], 1);
  EXPECT_TRUE((*s1)["TASK_RUNNING"].is_number_integer());
  EXPECT_EQ((*s1)["TASK_FAILED"], 1);
  EXPECT_EQ((*s1)["TASK_STAGING"], 0);
  EXPECT_EQ((*s1)["framework_ids"], Json::array({kF1}));
  ExpectV0Resources((*s1)["resources"], true);
  for (const char* k : {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED",
                        "TASK_KILLED", "TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_UNREACHABLE"}) {
    EXPECT_TRUE(s1->contains(k)) << k;
  }
  EXPECT_FALSE(s1->contains("TASK_DROPPED"));
  // Registered frameworks only: F3 (completed) is absent; its finished task is not counted.
  ASSERT_EQ(j["frameworks"].size(), 2u);
  const Json* f1 = FindById(j["frameworks"], kF1);
  ASSERT_NE(f1, nullptr);
  EXPECT_EQ((*f1)["TASK_RUNNING"], 2);
  EXPECT_EQ((*f1)["TASK_STAGING"], 1);
  EXPECT_EQ((*f1)["TASK_FAILED"], 1);
  EXPECT_EQ((*f1)["TASK_LOST"], 1);
  EXPECT_EQ((*f1)["TASK_FINISHED"], 0);
  EXPECT_EQ((*f1)["slave_ids"], Json::array({kS0, kS1, kS2}));
  EXPECT_EQ((*f1)["webui_url"], "http://jm-host-1:8081");
  EXPECT_FALSE(f1->contains("tasks"));
  const Json* f2 = FindById(j["frameworks"], kF2);
  ASSERT_NE(f2, nullptr);
  EXPECT_EQ((*f2)["TASK_UNREACHABLE"], 1);
  const Json* s0 = FindById(j["slaves"], kS0);
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ((*s0)["TASK_FINISHED"], 0);  // batch.1 belongs to the completed framework
}

// ------------------------------------------------------------------ /master/tasks

TEST_F(MesosApiTest, TasksDefaultOrderIsDescendingByFirstStatus) {
  const Json j = GetJson("/master/tasks");
  ASSERT_TRUE(j["tasks"].is_array());
  EXPECT_EQ(Ids(j["tasks"]), (std::vector<std::string>{"taskmanager-00003", "taskmanager-00002",
                                                       "taskmanager-00001", "taskmanager-00004", "web.1",
                                                       "taskmanager-00000", "batch.1"}));
  const Json* c = FindById(j["tasks"], "taskmanager-00000");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE((*c)["statuses"].back().contains("reason"));
}

TEST_F(MesosApiTest, TasksAscendingLimitOffset) {
  Json j = GetJson("/master/tasks", {{"order", "asc"}});
  EXPECT_EQ(Ids(j["tasks"]), (std::vector<std::string>{"batch.1", "taskmanager-00000", "web.1",
                                                       "taskmanager-00004", "taskmanager-00001",
                                                       "taskmanager-00002", "taskmanager-00003"}));
  j = GetJson("/master/tasks", {{"order", "asc"}, {"limit", "2"}, {"offset", "1"}});
  EXPECT_EQ(Ids(j["tasks"]), (std::vector<std::string>{"taskmanager-00000", "web.1"}));
  j = GetJson("/master/tasks", {{"limit", "3"}});
  EXPECT_EQ(j["tasks"].size(), 3u);
  j = GetJson("/master/tasks", {{"offset", "100"}});
  EXPECT_EQ(j["tasks"], Json::array());
  j = GetJson("/master/tasks", {{"order", "sideways"}, {"limit", "1"}});  // anything but asc: descending
  EXPECT_EQ(Ids(j["tasks"]), std::vector<std::string>{"taskmanager-00003"});
}

TEST_F(MesosApiTest, TasksDefaultLimitIs100) {
  for (int i = 0; i < 150; ++i) {
    world_.mesos.completed_tasks.push_back(MakeTask("extra-" + std::to_string(i), kF1, kS0, "flink",
                                                    kNowSec - 20000 + i, {"TASK_STAGING", "TASK_FINISHED"}));
  }
  EXPECT_EQ(GetJson("/master/tasks")["tasks"].size(), 100u);
  EXPECT_EQ(GetJson("/master/tasks", {{"limit", "1000"}})["tasks"].size(), 157u);
}

TEST_F(MesosApiTest, TasksFilters) {
  Json j = GetJson("/master/tasks", {{"framework_id", kF2}});
  EXPECT_EQ(Ids(j["tasks"]), std::vector<std::string>{"web.1"});
  j = GetJson("/master/tasks", {{"framework_id", kF1}, {"task_id", "taskmanager-00004"}});
  EXPECT_EQ(Ids(j["tasks"]), std::vector<std::string>{"taskmanager-00004"});
  j = GetJson("/master/tasks", {{"task_id", "nope"}});
  EXPECT_EQ(j["tasks"], Json::array());
  EXPECT_EQ(Get(0, "/master/tasks", {{"limit", "ten"}}).status, 400);
  EXPECT_EQ(Get(0, "/master/tasks", {{"offset", "-1"}}).status, 400);
}

TEST_F(MesosApiTest, TasksWithoutStatusesSortFirstAscending) {
  Task t = MakeTask("no-status", kF1, kS0, "flink", 0, {"TASK_STAGING"});
  t.statuses.clear();
  world_.mesos.tasks.push_back(t);
  EXPECT_EQ(GetJson("/master/tasks", {{"order", "asc"}})["tasks"][0]["id"], "no-status");
  EXPECT_EQ(GetJson("/master/tasks")["tasks"].back()["id"], "no-status");
}

// ------------------------------------------------------------------ /frameworks, /slaves, /roles

TEST_F(MesosApiTest, FrameworksEndpoint) {
  Json j = GetJson("/master/frameworks");
  EXPECT_EQ(j["frameworks"].size(), 2u);
  EXPECT_EQ(j["completed_frameworks"].size(), 1u);
  EXPECT_EQ(j["unregistered_frameworks"], Json::array());
  j = GetJson("/master/frameworks", {{"framework_id", kF2}});
  ASSERT_EQ(j["frameworks"].size(), 1u);
  EXPECT_EQ(j["frameworks"][0]["name"], kF2Name);
  EXPECT_EQ(j["completed_frameworks"], Json::array());
  j = GetJson("/master/frameworks", {{"framework_id", kF3}});
  EXPECT_EQ(j["frameworks"], Json::array());
  ASSERT_EQ(j["completed_frameworks"].size(), 1u);
  EXPECT_EQ(Ids(j["completed_frameworks"][0]["completed_tasks"]), std::vector<std::string>{"batch.1"});
}

TEST_F(MesosApiTest, SlavesEndpoint) {
  Json j = GetJson("/master/slaves");
  EXPECT_EQ(j["slaves"].size(), 2u);
  EXPECT_EQ(j["recovered_slaves"], Json::array());
  j = GetJson("/master/slaves", {{"slave_id", kS0}});
  ASSERT_EQ(j["slaves"].size(), 1u);
  const Json& s = j["slaves"][0];
  EXPECT_EQ(s["id"], kS0);
  EXPECT_TRUE(s["reserved_resources_full"].is_object());
  ASSERT_TRUE(s["unreserved_resources_full"].is_array());
  ASSERT_FALSE(s["unreserved_resources_full"].empty());
  EXPECT_EQ(s["unreserved_resources_full"][0]["name"], "cpus");
  EXPECT_EQ(s["unreserved_resources_full"][0]["type"], "SCALAR");
  ASSERT_TRUE(s["used_resources_full"].is_array());
  ASSERT_FALSE(s["used_resources_full"].empty());
  EXPECT_EQ(s["used_resources_full"][0]["allocation_info"]["role"], "flink");
  EXPECT_EQ(s["offered_resources_full"], Json::array());
  j = GetJson("/master/slaves", {{"slave_id", kS2}});  // unreachable: not registered
  EXPECT_EQ(j["slaves"], Json::array());
}

TEST_F(MesosApiTest, RolesEndpoint) {
  const Json j = GetJson("/master/roles");
  ASSERT_EQ(j["roles"].size(), 2u);
  const Json* flink = FindById(j["roles"], "flink", "name");
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ((*flink)["weight"].get<double>(), 1.0);
  EXPECT_EQ((*flink)["frameworks"], Json::array({kF1}));
  EXPECT_EQ((*flink)["allocated"]["cpus"].get<double>(), 6.0);
}

// ------------------------------------------------------------------ /metrics/snapshot

TEST_F(MesosApiTest, LeaderMetrics) {
  const Json j = GetJson("/metrics/snapshot", {{"timeout", "5secs"}});
  ASSERT_TRUE(j.is_object());
  for (const auto& [k, v] : j.items()) EXPECT_TRUE(v.is_number()) << k;
  EXPECT_EQ(j["master/elected"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["master/uptime_secs"].get<double>(), (kNow - kLeaderStart) / 1000.0);
  EXPECT_EQ(j["master/slaves_active"].get<double>(), 2.0);
  EXPECT_EQ(j["master/slaves_inactive"].get<double>(), 0.0);
  EXPECT_EQ(j["master/slaves_connected"].get<double>(), 2.0);
  EXPECT_EQ(j["master/slaves_disconnected"].get<double>(), 0.0);
  EXPECT_EQ(j["master/slaves_unreachable"].get<double>(), 1.0);
  EXPECT_EQ(j["master/frameworks_active"].get<double>(), 1.0);
  EXPECT_EQ(j["master/frameworks_inactive"].get<double>(), 1.0);
  EXPECT_EQ(j["master/frameworks_connected"].get<double>(), 1.0);
  EXPECT_EQ(j["master/frameworks_disconnected"].get<double>(), 1.0);
  EXPECT_EQ(j["master/tasks_running"].get<double>(), 2.0);
  EXPECT_EQ(j["master/tasks_staging"].get<double>(), 1.0);
  EXPECT_EQ(j["master/tasks_starting"].get<double>(), 0.0);
  EXPECT_EQ(j["master/tasks_killing"].get<double>(), 0.0);
  EXPECT_EQ(j["master/tasks_unreachable"].get<double>(), 1.0);
  EXPECT_EQ(j["master/tasks_failed"].get<double>(), 1.0);
  EXPECT_EQ(j["master/tasks_finished"].get<double>(), 1.0);
  EXPECT_EQ(j["master/tasks_lost"].get<double>(), 1.0);
  for (const char* k : {"master/tasks_killed", "master/tasks_error", "master/tasks_dropped", "master/tasks_gone",
                        "master/tasks_gone_by_operator"}) {
    EXPECT_EQ(j[k].get<double>(), 0.0) << k;
  }
  EXPECT_EQ(j["master/cpus_total"].get<double>(), 64.0);
  EXPECT_EQ(j["master/cpus_used"].get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(j["master/cpus_percent"].get<double>(), 6.0 / 64.0);
  EXPECT_EQ(j["master/mem_total"].get<double>(), 2 * 126976.0);  // MB
  EXPECT_EQ(j["master/mem_used"].get<double>(), 12288.0);
  EXPECT_EQ(j["master/disk_total"].get<double>(), 2 * 819200.0);
  EXPECT_EQ(j["master/gpus_total"].get<double>(), 0.0);
  EXPECT_EQ(j["master/gpus_percent"].get<double>(), 0.0);
  for (const char* k : {"master/event_queue_messages", "master/event_queue_dispatches",
                        "master/event_queue_http_requests", "master/outstanding_offers",
                        "master/operator_event_stream_subscribers"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["master/task_failed/source_executor/reason_container_limitation_memory"].get<double>(), 1.0);
  EXPECT_EQ(j["master/task_lost/source_master/reason_slave_removed"].get<double>(), 1.0);
  for (const auto& [k, v] : j.items()) EXPECT_EQ(k.find("reason_agent"), std::string::npos) << k;
}

TEST_F(MesosApiTest, PerFrameworkMetrics) {
  const Json j = GetJson("/metrics/snapshot");
  const std::string p1 = "master/frameworks/Flink/" + kF1 + "/";
  EXPECT_EQ(j[p1 + "subscribed"].get<double>(), 1.0);
  EXPECT_EQ(j[p1 + "tasks/active/task_running"].get<double>(), 2.0);
  EXPECT_EQ(j[p1 + "tasks/active/task_staging"].get<double>(), 1.0);
  EXPECT_EQ(j[p1 + "tasks/active/task_unreachable"].get<double>(), 0.0);
  EXPECT_TRUE(j.contains(p1 + "tasks/active/task_unknown"));
  EXPECT_TRUE(j.contains(p1 + "tasks/active/task_killing"));
  EXPECT_EQ(j[p1 + "tasks/terminal/task_failed"].get<double>(), 1.0);
  EXPECT_EQ(j[p1 + "tasks/terminal/task_lost"].get<double>(), 1.0);
  EXPECT_EQ(j[p1 + "tasks/terminal/task_finished"].get<double>(), 0.0);
  EXPECT_FALSE(j.contains(p1 + "tasks/active/task_failed"));
  EXPECT_FALSE(j.contains(p1 + "tasks/terminal/task_running"));
  // Name percent-encoded: "my flink/prod #2".
  const std::string p2 = "master/frameworks/my%20flink%2Fprod%20%232/" + kF2 + "/";
  EXPECT_EQ(j[p2 + "subscribed"].get<double>(), 0.0);
  EXPECT_EQ(j[p2 + "tasks/active/task_unreachable"].get<double>(), 1.0);
  // Completed frameworks keep their series while cached.
  const std::string p3 = "master/frameworks/Flink/" + kF3 + "/";
  EXPECT_EQ(j[p3 + "subscribed"].get<double>(), 0.0);
  EXPECT_EQ(j[p3 + "tasks/terminal/task_finished"].get<double>(), 1.0);
  for (const auto& [k, v] : j.items()) {
    if (k.rfind("master/frameworks/", 0) == 0) {
      EXPECT_EQ(k.find(' '), std::string::npos) << k;
    }
  }
}

TEST_F(MesosApiTest, StandbyMetricsReportZerosForClusterFigures) {
  const Json leader = GetJson("/metrics/snapshot");
  const Json j = GetJson("/metrics/snapshot", {}, 1);
  EXPECT_EQ(j["master/elected"].get<double>(), 0.0);
  EXPECT_GT(j["master/uptime_secs"].get<double>(), 0.0);
  for (const char* k : {"master/slaves_active", "master/slaves_unreachable", "master/frameworks_active",
                        "master/tasks_running", "master/tasks_failed", "master/cpus_total", "master/mem_total",
                        "master/mem_used", "master/disk_total", "master/cpus_percent"}) {
    ASSERT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j[k].get<double>(), 0.0) << k;
  }
  for (const auto& [k, v] : j.items()) {
    EXPECT_NE(k.rfind("master/frameworks/", 0), 0u) << k;
    EXPECT_NE(k.rfind("master/task_", 0), 0u) << k;
    EXPECT_TRUE(leader.contains(k)) << k;
  }
}

// ------------------------------------------------------------------ agents

TEST_F(MesosApiTest, AgentState) {
  const Json j = AgentJson(0, "/slave(1)/state");
  EXPECT_EQ(j, AgentJson(0, "/state"));
  EXPECT_EQ(j["id"], kS0);
  EXPECT_EQ(j["hostname"], "agent-0");
  EXPECT_EQ(j["pid"], "slave(1)@10.0.1.1:5051");
  EXPECT_EQ(j["version"], "1.11.0");
  EXPECT_TRUE(j["start_time"].is_number());
  ExpectV0Resources(j["resources"], true);
  EXPECT_EQ(j["resources"]["mem"].get<double>(), 126976.0);
  EXPECT_EQ(j["attributes"]["rack"], "r1");
  EXPECT_EQ(j["master_hostname"], "mesos-m1");
  EXPECT_TRUE(j["flags"].is_object());
  ASSERT_EQ(j["frameworks"].size(), 1u);
  const Json& f = j["frameworks"][0];
  EXPECT_EQ(f["id"], kF1);
  EXPECT_EQ(f["name"], "Flink");
  EXPECT_EQ(f["role"], "flink");
  EXPECT_TRUE(f["failover_timeout"].is_number());
  ASSERT_EQ(f["executors"].size(), 2u);
  const Json& e = f["executors"][0];
  for (const char* k : {"id", "name", "source", "container", "directory"}) EXPECT_TRUE(e[k].is_string()) << k;
  ExpectV0Resources(e["resources"], true);
  ASSERT_EQ(e["tasks"].size(), 1u);
  EXPECT_EQ(e["tasks"][0]["id"], "taskmanager-00001");
  EXPECT_EQ(e["tasks"][0]["slave_id"], kS0);
  EXPECT_EQ(e["queued_tasks"], Json::array());
  EXPECT_EQ(e["completed_tasks"], Json::array());
  EXPECT_TRUE(f["completed_executors"].is_array());
  // batch.1 of the completed framework F3 ran here.
  ASSERT_EQ(j["completed_frameworks"].size(), 1u);
  EXPECT_EQ(j["completed_frameworks"][0]["id"], kF3);
  EXPECT_EQ(j["completed_frameworks"][0]["completed_executors"][0]["completed_tasks"][0]["id"], "batch.1");
}

TEST_F(MesosApiTest, AgentMonitorStatistics) {
  const Json j = AgentJson(0, "/monitor/statistics");
  EXPECT_EQ(j, AgentJson(0, "/slave(1)/monitor/statistics"));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);  // taskmanager-00003 is still staging
  const Json& e = j[0];
  EXPECT_EQ(e["executor_id"], "taskmanager-00001");
  EXPECT_TRUE(e["executor_name"].is_string());
  EXPECT_EQ(e["framework_id"], kF1);
  EXPECT_EQ(e["source"], "taskmanager-00001");
  const Json& s = e["statistics"];
  EXPECT_DOUBLE_EQ(s["timestamp"].get<double>(), kNowSec);
  EXPECT_GT(s["cpus_limit"].get<double>(), 2.0);
  EXPECT_GT(s["cpus_user_time_secs"].get<double>(), 0.0);
  EXPECT_GE(s["cpus_system_time_secs"].get<double>(), 0.0);
  EXPECT_TRUE(s["mem_limit_bytes"].is_number_integer());
  EXPECT_GE(s["mem_limit_bytes"].get<int64_t>(), int64_t{4096} * 1048576);
  EXPECT_TRUE(s["mem_rss_bytes"].is_number_integer());
  EXPECT_LT(s["mem_rss_bytes"].get<int64_t>(), s["mem_limit_bytes"].get<int64_t>());
  // Deterministic and monotone in time.
  EXPECT_EQ(j, AgentJson(0, "/monitor/statistics"));
  world_.now += 60000;
  const Json later = AgentJson(0, "/monitor/statistics");
  EXPECT_GT(later[0]["statistics"]["cpus_user_time_secs"].get<double>(), s["cpus_user_time_secs"].get<double>());
}

TEST_F(MesosApiTest, AgentMetrics) {
  const Json j = AgentJson(0, "/metrics/snapshot");
  EXPECT_EQ(j["slave/registered"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["slave/uptime_secs"].get<double>(), (kNow - kS0Registered) / 1000.0);
  EXPECT_EQ(j["slave/tasks_running"].get<double>(), 1.0);
  EXPECT_EQ(j["slave/tasks_staging"].get<double>(), 1.0);
  EXPECT_EQ(j["slave/tasks_finished"].get<double>(), 1.0);
  EXPECT_EQ(j["slave/cpus_total"].get<double>(), 32.0);
  EXPECT_EQ(j["slave/cpus_used"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j["slave/cpus_percent"].get<double>(), 4.0 / 32.0);
  EXPECT_EQ(j["slave/mem_total"].get<double>(), 126976.0);
  EXPECT_EQ(j["slave/mem_used"].get<double>(), 8192.0);
  EXPECT_EQ(j["slave/disk_total"].get<double>(), 819200.0);
  EXPECT_EQ(j["slave/frameworks_active"].get<double>(), 1.0);
  EXPECT_EQ(AgentJson(2, "/metrics/snapshot")["slave/registered"].get<double>(), 0.0);
  EXPECT_EQ(HandleMesosAgentRequest(world_, 0, "GET", "/health", {}).status, 200);
  EXPECT_EQ(HandleMesosAgentRequest(world_, 0, "GET", "/nope", {}).status, 404);
}

}  // namespace
}  // namespace fme::sim
