// Checks of the simulated Mesos v1 operator API (POST /api/v1), the SUBSCRIBE event JSON and
// RecordIO framing: transport rules, protobuf-JSON mapping quirks (ids as {"value"}, enums by
// name, exact int64 TimeInfo nanoseconds, full Resource objects, "agent" not "slave").
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mesos/mesos_api.h"
#include "mesos/v1_json.h"
#include "sim/mesos_world_fixture.h"

namespace fme::sim {
namespace {

using Json = nlohmann::json;
using namespace mesostest;  // NOLINT(google-build-using-namespace)

// Splits a RecordIO stream into records; fails the test on malformed framing.
std::vector<std::string> ParseRecordIo(const std::string& stream) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t nl = stream.find('\n', pos);
    EXPECT_NE(nl, std::string::npos);
    if (nl == std::string::npos) break;
    const std::string size_text = stream.substr(pos, nl - pos);
    for (char c : size_text) EXPECT_TRUE(c >= '0' && c <= '9') << size_text;
    const std::size_t size = std::stoull(size_text);
    EXPECT_LE(nl + 1 + size, stream.size());
    out.push_back(stream.substr(nl + 1, size));
    pos = nl + 1 + size;
  }
  return out;
}

class MesosV1Test : public ::testing::Test {
 protected:
  ApiResponse Call(const std::string& body, std::size_t master = 0, const std::string& method = "POST",
                   const std::string& content_type = "application/json", const std::string& path = "/api/v1") {
    return HandleMesosMasterRequest(world_, master, method, path, {}, body, content_type);
  }
  Json CallJson(const std::string& type) {
    ApiResponse r = Call(R"({"type":")" + type + R"("})");
    EXPECT_EQ(r.status, 200) << type << " -> " << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    Json j = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j["type"], type);
    return j;
  }
  static const Json* FindTask(const Json& tasks, const std::string& id) {
    for (const auto& t : tasks) {
      if (t["task_id"]["value"] == id) return &t;
    }
    return nullptr;
  }
  static const Json* FindResource(const Json& list, const std::string& name) {
    for (const auto& r : list) {
      if (r["name"] == name) return &r;
    }
    return nullptr;
  }
  static void ExpectNanos(const Json& time_info, int64_t expected) {
    ASSERT_TRUE(time_info.is_object()) << time_info;
    ASSERT_TRUE(time_info["nanoseconds"].is_number_integer()) << time_info;
    EXPECT_EQ(time_info["nanoseconds"].get<int64_t>(), expected);
  }

  World world_ = MakeMesosWorld();
};

// ------------------------------------------------------------------ transport

TEST_F(MesosV1Test, RequiresPost) {
  ApiResponse r = Call(R"({"type":"GET_HEALTH"})", 0, "GET");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at("Allow"), "POST");
}

TEST_F(MesosV1Test, RequiresExactJsonContentType) {
  EXPECT_EQ(Call(R"({"type":"GET_HEALTH"})", 0, "POST", "application/json; charset=utf-8").status, 415);
  EXPECT_EQ(Call(R"({"type":"GET_HEALTH"})", 0, "POST", "text/plain").status, 415);
  EXPECT_EQ(Call(R"({"type":"GET_HEALTH"})", 0, "POST", "").status, 415);
  EXPECT_EQ(Call(R"({"type":"GET_HEALTH"})", 0, "POST", "application/json").status, 200);
  EXPECT_EQ(Call(R"({"type":"GET_HEALTH"})", 0, "POST", "application/json", "/master/api/v1").status, 200);
}

TEST_F(MesosV1Test, BadCalls) {
  EXPECT_EQ(Call(R"({"type":"GET_UNICORNS"})").status, 400);
  EXPECT_EQ(Call("not json").status, 400);
  EXPECT_EQ(Call(R"({"get_state":{}})").status, 400);
  EXPECT_EQ(Call(R"([1,2])").status, 400);
}

TEST_F(MesosV1Test, LeaderRules) {
  ApiResponse r = Call(R"({"type":"GET_STATE"})", 1);
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1/api/v1");
  r = Call(R"({"type":"GET_STATE"})", 1, "POST", "application/json", "/master/api/v1");
  EXPECT_EQ(r.headers.at("Location"), "//mesos-m1:5050/m1/master/api/v1");
  world_.mesos.leader = -1;
  r = Call(R"({"type":"GET_STATE"})", 0);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "No leader elected");
}

// ------------------------------------------------------------------ GET_* calls

TEST_F(MesosV1Test, GetHealthVersionMaster) {
  EXPECT_EQ(CallJson("GET_HEALTH")["get_health"]["healthy"], true);

  const Json v = CallJson("GET_VERSION")["get_version"]["version_info"];
  EXPECT_EQ(v["version"], "1.11.0");
  EXPECT_TRUE(v["build_date"].is_string());
  EXPECT_TRUE(v["build_time"].is_number());
  EXPECT_TRUE(v["build_user"].is_string());

  const Json m = CallJson("GET_MASTER")["get_master"];
  EXPECT_EQ(m["master_info"]["id"], world_.mesos.masters[0].id);
  EXPECT_EQ(m["master_info"]["hostname"], "mesos-m1");
  EXPECT_EQ(m["master_info"]["port"], 5050);
  EXPECT_EQ(m["master_info"]["pid"], "master@mesos-m1:5050");
  EXPECT_TRUE(m["master_info"]["ip"].is_number_integer());
  EXPECT_EQ(m["master_info"]["address"]["hostname"], "mesos-m1");
  EXPECT_TRUE(m["start_time"].is_number_float());
  EXPECT_DOUBLE_EQ(m["start_time"].get<double>(), kLeaderStart / 1000.0);
  EXPECT_DOUBLE_EQ(m["elected_time"].get<double>(), kLeaderElected / 1000.0);
}

TEST_F(MesosV1Test, GetMasterIpIsPackedIpv4) {
  world_.mesos.masters[0].hostname = "127.0.1.1";
  const Json m = CallJson("GET_MASTER")["get_master"];
  EXPECT_EQ(m["master_info"]["ip"].get<int64_t>(), 16842879);  // the GET_MASTER doc example's value
  EXPECT_EQ(m["master_info"]["address"]["ip"], "127.0.1.1");
}

TEST_F(MesosV1Test, GetMetrics) {
  const Json j = CallJson("GET_METRICS")["get_metrics"]["metrics"];
  ASSERT_TRUE(j.is_array());
  bool elected = false;
  for (const auto& m : j) {
    ASSERT_TRUE(m["name"].is_string());
    ASSERT_TRUE(m["value"].is_number());
    if (m["name"] == "master/elected") elected = m["value"].get<double>() == 1.0;
  }
  EXPECT_TRUE(elected);
}

TEST_F(MesosV1Test, GetTasksFullStatuses) {
  const Json j = CallJson("GET_TASKS")["get_tasks"];
  ASSERT_EQ(j["tasks"].size(), 3u);
  ASSERT_EQ(j["unreachable_tasks"].size(), 1u);
  ASSERT_EQ(j["completed_tasks"].size(), 3u);
  EXPECT_EQ(j["unreachable_tasks"][0]["task_id"]["value"], "web.1");

  const Json* t = FindTask(j["tasks"], "taskmanager-00001");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["name"], "taskmanager-00001");
  EXPECT_EQ((*t)["framework_id"]["value"], kF1);
  EXPECT_EQ((*t)["agent_id"]["value"], kS0);
  EXPECT_FALSE(t->contains("slave_id"));
  EXPECT_FALSE(t->contains("executor_id"));  // command executor task: unset
  EXPECT_EQ((*t)["state"], "TASK_RUNNING");
  EXPECT_EQ((*t)["status_update_state"], "TASK_RUNNING");
  EXPECT_TRUE((*t)["status_update_uuid"].is_string());
  ASSERT_TRUE((*t)["resources"].is_array());
  const Json* cpus = FindResource((*t)["resources"], "cpus");
  ASSERT_NE(cpus, nullptr);
  EXPECT_EQ((*cpus)["type"], "SCALAR");
  EXPECT_EQ((*cpus)["scalar"]["value"].get<double>(), 2.0);
  EXPECT_EQ((*cpus)["role"], "*");
  EXPECT_EQ((*cpus)["allocation_info"]["role"], "flink");
  const Json* mem = FindResource((*t)["resources"], "mem");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ((*mem)["scalar"]["value"].get<double>(), 4096.0);  // MB
  const Json* ports = FindResource((*t)["resources"], "ports");
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ((*ports)["type"], "RANGES");
  EXPECT_EQ((*ports)["ranges"]["range"][0]["begin"], 31001);
  EXPECT_EQ((*ports)["ranges"]["range"][0]["end"], 31001);
  EXPECT_TRUE((*ports)["ranges"]["range"][0]["begin"].is_number_integer());
  EXPECT_EQ(FindResource((*t)["resources"], "disk"), nullptr);  // zero scalars are not resources

  const Json& st = (*t)["statuses"][1];
  EXPECT_EQ(st["task_id"]["value"], "taskmanager-00001");
  EXPECT_EQ(st["state"], "TASK_STARTING");
  EXPECT_EQ(st["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(st["agent_id"]["value"], kS0);
  EXPECT_TRUE(st["timestamp"].is_number_float());
  EXPECT_DOUBLE_EQ(st["timestamp"].get<double>(), kNowSec - 3600 + 1.5);
  EXPECT_TRUE(st["uuid"].is_string());
  EXPECT_FALSE((*t)["statuses"][0].contains("source"));  // STAGING is set by the master, no source
}

TEST_F(MesosV1Test, V1CompletedTasksCarryReasonSourceMessage) {
  const Json j = CallJson("GET_TASKS")["get_tasks"];
  const Json* c = FindTask(j["completed_tasks"], "taskmanager-00000");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["state"], "TASK_FAILED");
  const Json& last = (*c)["statuses"].back();
  EXPECT_EQ(last["state"], "TASK_FAILED");
  EXPECT_EQ(last["reason"], "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(last["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(last["message"], "Memory limit exceeded: Requested: 4096MB");
  EXPECT_EQ(last["uuid"], "IWjmPnfgQCWxGVlNNwctcg==");
  EXPECT_EQ((*c)["status_update_uuid"], "IWjmPnfgQCWxGVlNNwctcg==");
  // v1 spells the agent reason with AGENT.
  const Json* lost = FindTask(j["completed_tasks"], "taskmanager-00004");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ((*lost)["statuses"].back()["reason"], "REASON_AGENT_REMOVED");
  EXPECT_EQ((*lost)["statuses"].back()["source"], "SOURCE_MASTER");
}

TEST_F(MesosV1Test, GetFrameworks) {
  const Json j = CallJson("GET_FRAMEWORKS")["get_frameworks"];
  ASSERT_EQ(j["frameworks"].size(), 2u);
  ASSERT_EQ(j["completed_frameworks"].size(), 1u);
  const Json& f = j["frameworks"][0];
  const Json& info = f["framework_info"];
  EXPECT_EQ(info["id"]["value"], kF1);
  EXPECT_EQ(info["name"], "Flink");
  EXPECT_EQ(info["user"], "flink");
  EXPECT_EQ(info["role"], "flink");
  EXPECT_EQ(info["hostname"], "jm-host-1");
  EXPECT_EQ(info["principal"], "flink");
  EXPECT_EQ(info["webui_url"], "http://jm-host-1:8081");
  EXPECT_EQ(info["checkpoint"], true);
  EXPECT_EQ(info["failover_timeout"].get<double>(), 604800.0);
  EXPECT_EQ(f["active"], true);
  EXPECT_EQ(f["connected"], true);
  EXPECT_EQ(f["recovered"], false);
  ExpectNanos(f["registered_time"], int64_t{1699999000123000000});
  EXPECT_FALSE(f.contains("unregistered_time"));
  const Json* cpus = FindResource(f["allocated_resources"], "cpus");
  ASSERT_NE(cpus, nullptr);
  EXPECT_EQ((*cpus)["scalar"]["value"].get<double>(), 6.0);
  EXPECT_EQ(f["offered_resources"], Json::array());
  ExpectNanos(j["frameworks"][1]["unregistered_time"], (kNow - 60000) * 1000000);
  EXPECT_EQ(j["completed_frameworks"][0]["framework_info"]["id"]["value"], kF3);
}

TEST_F(MesosV1Test, GetAgents) {
  const Json j = CallJson("GET_AGENTS")["get_agents"];
  ASSERT_EQ(j["agents"].size(), 2u);
  EXPECT_EQ(j["recovered_agents"], Json::array());
  const Json& a = j["agents"][0];
  EXPECT_EQ(a["agent_info"]["id"]["value"], kS0);
  EXPECT_EQ(a["agent_info"]["hostname"], "agent-0");
  EXPECT_EQ(a["agent_info"]["port"], 5051);
  const Json* mem = FindResource(a["agent_info"]["resources"], "mem");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ((*mem)["scalar"]["value"].get<double>(), 126976.0);
  EXPECT_EQ((*mem)["role"], "*");
  bool rack = false, cores = false;
  for (const auto& attr : a["agent_info"]["attributes"]) {
    if (attr["name"] == "rack") rack = attr["type"] == "TEXT" && attr["text"]["value"] == "r1";
    if (attr["name"] == "cores") cores = attr["type"] == "SCALAR" && attr["scalar"]["value"] == 32.0;
  }
  EXPECT_TRUE(rack);
  EXPECT_TRUE(cores);
  EXPECT_EQ(a["active"], true);
  EXPECT_EQ(a["deactivated"], false);
  EXPECT_EQ(a["version"], "1.11.0");
  EXPECT_EQ(a["pid"], "slave(1)@10.0.1.1:5051");
  ExpectNanos(a["registered_time"], int64_t{1699000000457000000});
  EXPECT_EQ(a["total_resources"], a["agent_info"]["resources"]);
  const Json* cpus = FindResource(a["allocated_resources"], "cpus");
  ASSERT_NE(cpus, nullptr);
  EXPECT_EQ((*cpus)["scalar"]["value"].get<double>(), 4.0);
  EXPECT_EQ((*cpus)["allocation_info"]["role"], "flink");
  ASSERT_TRUE(a["capabilities"].is_array());
  EXPECT_TRUE(a["capabilities"][0]["type"].is_string());
}

TEST_F(MesosV1Test, NanosecondsAreExactAbove2Pow53) {
  // 1699999000123 ms -> 1699999000123000000 ns: not representable as a double.
  const int64_t expected = 1699999000123000000;
  ASSERT_NE(static_cast<int64_t>(static_cast<double>(expected)), expected);
  ApiResponse r = Call(R"({"type":"GET_FRAMEWORKS"})");
  EXPECT_NE(r.body.find(R"("registered_time":{"nanoseconds":1699999000123000000})"), std::string::npos);
  const Json j = Json::parse(r.body);
  ExpectNanos(j["get_frameworks"]["frameworks"][0]["registered_time"], expected);
}

TEST_F(MesosV1Test, GetState) {
  const Json j = CallJson("GET_STATE")["get_state"];
  for (const char* k : {"get_tasks", "get_executors", "get_frameworks", "get_agents"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["get_tasks"], CallJson("GET_TASKS")["get_tasks"]);
  EXPECT_EQ(j["get_frameworks"], CallJson("GET_FRAMEWORKS")["get_frameworks"]);
  EXPECT_EQ(j["get_agents"], CallJson("GET_AGENTS")["get_agents"]);
  EXPECT_EQ(j["get_executors"]["executors"], Json::array());
  EXPECT_EQ(j.dump().find("slave"), j.dump().find("slave(1)@"));  // only inside agent pids
}

TEST_F(MesosV1Test, StringsAreEscapedAndScalarsAreDoubles) {
  // OOM messages carry newlines; names may carry quotes, backslashes, control bytes and UTF-8.
  const std::string message = "Memory limit exceeded: \"4096MB\"\n\nMEMORY STATISTICS: \ncache 1\t\\ \x01 \xE2\x82\xAC";
  world_.mesos.completed_tasks[0].statuses.back().message = message;
  world_.mesos.frameworks[0].name = "Fl\"ink\\";
  ApiResponse r = Call(R"({"type":"GET_STATE"})");
  ASSERT_EQ(r.status, 200);
  const Json j = Json::parse(r.body);  // throws (fails the test) on invalid JSON
  const Json* c = FindTask(j["get_state"]["get_tasks"]["completed_tasks"], "taskmanager-00000");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["statuses"].back()["message"], message);
  EXPECT_EQ(j["get_state"]["get_frameworks"]["frameworks"][0]["framework_info"]["name"], "Fl\"ink\\");
  // Scalars are written as doubles even when integral ("value":2.0), like Mesos' writer.
  EXPECT_NE(r.body.find(R"("scalar":{"value":2.0})"), std::string::npos);
  const ApiResponse state = HandleMesosMasterRequest(world_, 0, "GET", "/master/state", {}, "", "");
  EXPECT_FALSE(Json::parse(state.body, nullptr, false).is_discarded());
  EXPECT_NE(state.body.find(R"("cpus":32.0,"gpus":0.0,"mem":126976.0,"disk":819200.0)"), std::string::npos);
}

// ------------------------------------------------------------------ SUBSCRIBE and events

TEST_F(MesosV1Test, SubscribeReturnsSubscribedThenHeartbeat) {
  ApiResponse r = Call(R"({"type":"SUBSCRIBE"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const auto records = ParseRecordIo(r.body);
  ASSERT_EQ(records.size(), 2u);
  const Json sub = Json::parse(records[0]);
  EXPECT_EQ(sub["type"], "SUBSCRIBED");
  EXPECT_EQ(sub["subscribed"]["heartbeat_interval_seconds"].get<double>(), 15.0);
  EXPECT_EQ(sub["subscribed"]["get_state"], CallJson("GET_STATE")["get_state"]);
  EXPECT_EQ(Json::parse(records[1]), Json::parse(R"({"type":"HEARTBEAT"})"));
  EXPECT_EQ(records[0], SubscribedEventJson(world_));
  // Standby: redirected like every /api/v1 call.
  EXPECT_EQ(Call(R"({"type":"SUBSCRIBE"})", 1).status, 307);
}

TEST_F(MesosV1Test, RecordIoFramingCountsBytes) {
  EXPECT_EQ(RecordIoFrame(R"({"type":"HEARTBEAT"})"), "20\n{\"type\":\"HEARTBEAT\"}");
  const std::string utf8 = "{\"m\":\"gr\xC3\xBC\xC3\x9F \xE2\x82\xAC\"}";  // "grüß €"
  const std::string framed = RecordIoFrame(utf8);
  EXPECT_EQ(framed, std::to_string(utf8.size()) + "\n" + utf8);
  EXPECT_EQ(utf8.size(), 18u);
  EXPECT_EQ(RecordIoFrame(""), "0\n");
  const auto records = ParseRecordIo(RecordIoFrame("a") + RecordIoFrame(utf8) + RecordIoFrame("{}"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1], utf8);
}

TEST_F(MesosV1Test, TaskEvents) {
  const Task& task = world_.mesos.completed_tasks[0];
  Json added = Json::parse(TaskAddedEventJson(world_, world_.mesos.tasks[0]));
  EXPECT_EQ(added["type"], "TASK_ADDED");
  EXPECT_EQ(added["task_added"]["task"]["task_id"]["value"], "taskmanager-00001");
  EXPECT_EQ(added["task_added"]["task"]["agent_id"]["value"], kS0);

  Json upd = Json::parse(TaskUpdatedEventJson(task, task.statuses.back(), "TASK_FAILED"));
  EXPECT_EQ(upd["type"], "TASK_UPDATED");
  const Json& tu = upd["task_updated"];
  EXPECT_EQ(tu["framework_id"]["value"], kF1);
  EXPECT_EQ(tu["state"], "TASK_FAILED");
  EXPECT_EQ(tu["status"]["task_id"]["value"], "taskmanager-00000");
  EXPECT_EQ(tu["status"]["reason"], "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(tu["status"]["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(tu["status"]["agent_id"]["value"], kS1);
  EXPECT_FALSE(tu.contains("task_id"));  // not the (wrong) doc example shape
  // `state` may be ahead of `status.state`.
  upd = Json::parse(TaskUpdatedEventJson(task, task.statuses[1], "TASK_FAILED"));
  EXPECT_EQ(upd["task_updated"]["status"]["state"], "TASK_STARTING");
  EXPECT_EQ(upd["task_updated"]["state"], "TASK_FAILED");
}

TEST_F(MesosV1Test, AgentAndFrameworkEvents) {
  const Agent& agent = world_.mesos.agents[1];
  Json j = Json::parse(AgentAddedEventJson(agent));
  EXPECT_EQ(j["type"], "AGENT_ADDED");
  EXPECT_EQ(j["agent_added"]["agent"]["agent_info"]["id"]["value"], kS1);
  ExpectNanos(j["agent_added"]["agent"]["registered_time"], (kS0Registered + 1000) * 1000000);
  j = Json::parse(AgentRemovedEventJson(agent));
  EXPECT_EQ(j, Json::parse(R"({"type":"AGENT_REMOVED","agent_removed":{"agent_id":{"value":")" + kS1 + R"("}}})"));

  const Framework& f = world_.mesos.frameworks[0];
  for (const auto& [type, text] : std::vector<std::pair<std::string, std::string>>{
           {"FRAMEWORK_ADDED", FrameworkAddedEventJson(f)}, {"FRAMEWORK_UPDATED", FrameworkUpdatedEventJson(f)}}) {
    j = Json::parse(text);
    EXPECT_EQ(j["type"], type);
    const std::string field = type == "FRAMEWORK_ADDED" ? "framework_added" : "framework_updated";
    EXPECT_EQ(j[field]["framework"]["framework_info"]["id"]["value"], kF1);
    EXPECT_EQ(j[field]["framework"]["active"], true);
    ExpectNanos(j[field]["framework"]["registered_time"], kF1Registered * 1000000);
  }
  j = Json::parse(FrameworkRemovedEventJson(f));
  EXPECT_EQ(j["type"], "FRAMEWORK_REMOVED");
  EXPECT_EQ(j["framework_removed"]["framework_info"]["id"]["value"], kF1);
  EXPECT_EQ(j["framework_removed"]["framework_info"]["name"], "Flink");
  EXPECT_EQ(Json::parse(HeartbeatEventJson()), Json::parse(R"({"type":"HEARTBEAT"})"));
}

}  // namespace
}  // namespace fme::sim
