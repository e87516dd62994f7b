#include "mesos/mesos_v1_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mesos/mesos_json.h"
#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

constexpr double kMiB = 1024.0 * 1024.0;
const std::string kPrefix = "9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d";
const std::string kFlink = kPrefix + "-0004";
const std::string kMarathon = kPrefix + "-0001";

MesosEvent ParseFixture(const std::string& name) {
  auto r = ParseMesosEvent(ReadFixture("mesos/v1/" + name));
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : MesosEvent{};
}

template <typename T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it != items.end() ? &*it : nullptr;
}

const MesosTaskRecord* FindTask(const MesosStateRecords& s, const std::string& framework_id,
                                const std::string& id) {
  for (const auto& t : s.tasks) {
    if (t.framework_id == framework_id && t.id == id) return &t;
  }
  return nullptr;
}

TEST(MesosV1ParserTest, SubscribedCarriesTheSnapshot) {
  MesosEvent e = ParseFixture("subscribed.json");
  EXPECT_EQ(e.type, MesosEvent::Type::kSubscribed);
  EXPECT_EQ(e.type_name, "SUBSCRIBED");
  EXPECT_OPT_DOUBLE(e.heartbeat_interval_seconds, 15.0);
  ASSERT_TRUE(e.state.has_value());
  // Active, unreachable and completed tasks, of registered and completed frameworks.
  EXPECT_EQ(e.state->tasks.size(), 9u);
  EXPECT_EQ(e.state->frameworks.size(), 2u) << "completed frameworks are left out";
  EXPECT_EQ(e.state->agents.size(), 3u);
}

TEST(MesosV1ParserTest, Frameworks) {
  MesosEvent e = ParseFixture("subscribed.json");
  ASSERT_TRUE(e.state);
  const MesosFrameworkRecord* flink = FindById(e.state->frameworks, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(flink->name, "Flink");
  EXPECT_EQ(flink->role, "flink");
  EXPECT_EQ(flink->webui_url, "http://10.10.0.21:8081");
  EXPECT_TRUE(flink->active);
  EXPECT_TRUE(flink->connected);
  EXPECT_DOUBLE_EQ(flink->used.cpus, 3.0);
  EXPECT_DOUBLE_EQ(flink->used.memory_bytes, 6144 * kMiB);
  EXPECT_DOUBLE_EQ(flink->used.disk_bytes, 512 * kMiB);
  EXPECT_FALSE(flink->task_counts.has_value());

  const MesosFrameworkRecord* marathon = FindById(e.state->frameworks, kMarathon);
  ASSERT_NE(marathon, nullptr);
  EXPECT_EQ(marathon->name, "marathon");
  EXPECT_EQ(marathon->role, "marathon,slave_public") << "MULTI_ROLE `roles`";
  EXPECT_DOUBLE_EQ(marathon->used.cpus, 0.5) << "offered resources are not used";
  EXPECT_EQ(FindById(e.state->frameworks, kPrefix + "-0002"), nullptr);
}

TEST(MesosV1ParserTest, AgentsWithResourcesReservationsAndAttributes) {
  MesosEvent e = ParseFixture("subscribed.json");
  ASSERT_TRUE(e.state);
  const MesosAgentRecord* s0 = FindById(e.state->agents, kPrefix + "-S0");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(s0->hostname, "agent-a.example");
  EXPECT_EQ(s0->version, "1.11.0");
  EXPECT_TRUE(s0->active);
  EXPECT_FALSE(s0->deactivated);
  EXPECT_FALSE(s0->unreachable);
  EXPECT_DOUBLE_EQ(s0->total.cpus, 16.0);
  EXPECT_DOUBLE_EQ(s0->total.memory_bytes, 65536 * kMiB);
  EXPECT_DOUBLE_EQ(s0->total.disk_bytes, 200000 * kMiB);
  EXPECT_DOUBLE_EQ(s0->reserved.cpus, 2.0) << "a `reservations` stack";
  EXPECT_DOUBLE_EQ(s0->reserved.memory_bytes, 4096 * kMiB);
  EXPECT_DOUBLE_EQ(s0->reserved.disk_bytes, 0.0);
  EXPECT_DOUBLE_EQ(s0->used.cpus, 2.5);
  EXPECT_DOUBLE_EQ(s0->used.memory_bytes, 5120 * kMiB);
  const std::vector<std::pair<std::string, std::string>> attributes = {
      {"cores", "8"},
      {"ports_attr", "[1000-2000, 3000-3000]"},
      {"rack", "r1"},
      {"weight", "1.5"},
      {"zones", "{a, b}"},
  };
  EXPECT_EQ(s0->attributes, attributes);

  const MesosAgentRecord* s1 = FindById(e.state->agents, kPrefix + "-S1");
  ASSERT_NE(s1, nullptr);
  EXPECT_TRUE(s1->deactivated);
  EXPECT_EQ(s1->version, "1.10.0");
  EXPECT_DOUBLE_EQ(s1->total.cpus, 8.0) << "revocable cpus are left out";
  EXPECT_DOUBLE_EQ(s1->total.gpus, 1.0);
  EXPECT_DOUBLE_EQ(s1->total.memory_bytes, 16384 * kMiB);
  EXPECT_DOUBLE_EQ(s1->reserved.cpus, 4.0) << "role other than \"*\"";
  EXPECT_DOUBLE_EQ(s1->reserved.memory_bytes, 0.0) << "role \"*\" is unreserved";
  EXPECT_DOUBLE_EQ(s1->used.cpus, 1.0);
  EXPECT_TRUE(s1->attributes.empty());

  const MesosAgentRecord* s2 = FindById(e.state->agents, kPrefix + "-S2");
  ASSERT_NE(s2, nullptr) << "recovered agents are listed";
  EXPECT_TRUE(s2->unreachable);
  EXPECT_FALSE(s2->active);
  EXPECT_EQ(s2->hostname, "agent-c.example");
  EXPECT_DOUBLE_EQ(s2->total.cpus, 8.0);
  EXPECT_DOUBLE_EQ(s2->total.memory_bytes, 32768 * kMiB);
  EXPECT_EQ(s2->attributes, (std::vector<std::pair<std::string, std::string>>{{"rack", "r2"}}));
}

TEST(MesosV1ParserTest, TasksUseTheLastStatus) {
  MesosEvent e = ParseFixture("subscribed.json");
  ASSERT_TRUE(e.state);
  const MesosTaskRecord* tm1 = FindTask(*e.state, kFlink, "taskmanager-00001");
  ASSERT_NE(tm1, nullptr);
  EXPECT_EQ(tm1->name, "taskmanager-00001");
  EXPECT_EQ(tm1->agent_id, kPrefix + "-S0");
  EXPECT_EQ(tm1->executor_id, "taskmanager-00001");
  EXPECT_EQ(tm1->state, MesosTaskState::kRunning);
  ASSERT_TRUE(tm1->status.has_value());
  EXPECT_EQ(tm1->status->state, MesosTaskState::kRunning);
  EXPECT_EQ(tm1->status->source, "SOURCE_EXECUTOR");
  EXPECT_EQ(tm1->status->reason, "");
  EXPECT_OPT_DOUBLE(tm1->status->timestamp, 1712000012.25);
  EXPECT_DOUBLE_EQ(tm1->resources.cpus, 1.0);
  EXPECT_DOUBLE_EQ(tm1->resources.memory_bytes, 2048 * kMiB);

  const MesosTaskRecord* tm3 = FindTask(*e.state, kFlink, "taskmanager-00003");
  ASSERT_NE(tm3, nullptr);
  EXPECT_EQ(tm3->state, MesosTaskState::kStaging);
  EXPECT_FALSE(tm3->status.has_value()) << "no statuses yet";
  EXPECT_DOUBLE_EQ(tm3->resources.disk_bytes, 512 * kMiB);

  const MesosTaskRecord* lost =
      FindTask(*e.state, kMarathon, "web.0c1d2e3f-f1d3-11ee-9b1c-0242ac110002");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->state, MesosTaskState::kUnreachable);
  ASSERT_TRUE(lost->status.has_value());
  EXPECT_EQ(lost->status->reason, "REASON_AGENT_REMOVED") << "v0 SLAVE spelling normalized";
  EXPECT_EQ(lost->status->source, "SOURCE_MASTER");
  EXPECT_EQ(lost->status->message, "Agent agent-c.example is unreachable");

  const MesosTaskRecord* failed =
      FindTask(*e.state, kMarathon, "web.1a2b3c4d-f1d2-11ee-9b1c-0242ac110002");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->state, MesosTaskState::kFailed);
  ASSERT_TRUE(failed->status.has_value());
  EXPECT_EQ(failed->status->state, MesosTaskState::kFailed);
  EXPECT_EQ(failed->status->reason, "REASON_COMMAND_EXECUTOR_FAILED");
  EXPECT_EQ(failed->status->message, "Command exited with status 1");

  const MesosTaskRecord* lagging =
      FindTask(*e.state, kMarathon, "web.3c4d5e6f-f1d2-11ee-9b1c-0242ac110002");
  ASSERT_NE(lagging, nullptr);
  EXPECT_EQ(lagging->state, MesosTaskState::kFailed) << "the task's state is the latest";
  ASSERT_TRUE(lagging->status.has_value());
  EXPECT_EQ(lagging->status->state, MesosTaskState::kRunning);

  const MesosTaskRecord* old = FindTask(*e.state, kPrefix + "-0002", "taskmanager-00001");
  ASSERT_NE(old, nullptr) << "a completed framework's task, same id as a live one elsewhere";
  EXPECT_EQ(old->state, MesosTaskState::kKilled);
  EXPECT_EQ(old->status->reason, "REASON_FRAMEWORK_REMOVED");
}

TEST(MesosV1ParserTest, GetStateAloneAndAsAResponse) {
  const auto doc = nlohmann::json::parse(ReadFixture("mesos/v1/subscribed.json"));
  const nlohmann::json& get_state = doc["subscribed"]["get_state"];

  auto bare = ParseMesosGetState(get_state.dump());
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->tasks.size(), 9u);
  EXPECT_EQ(bare->frameworks.size(), 2u);
  EXPECT_EQ(bare->agents.size(), 3u);

  nlohmann::json response = {{"type", "GET_STATE"}, {"get_state", get_state}};
  auto wrapped = ParseMesosGetState(response.dump());
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->tasks.size(), 9u);

  auto empty = ParseMesosGetState("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->tasks.empty() && empty->frameworks.empty() && empty->agents.empty());

  EXPECT_EQ(ParseMesosGetState("[]").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseMesosGetState("{\"get_tasks\":").status().code(), StatusCode::kParseError);
}

TEST(MesosV1ParserTest, NanosecondsAbove2To53AreExact) {
  const auto doc = nlohmann::json::parse(ReadFixture("mesos/v1/subscribed.json"));
  const auto& state = doc["subscribed"]["get_state"];
  const auto& flink = state["get_frameworks"]["frameworks"][0];
  constexpr int64_t kRegistered = 1712000000123456789;
  static_assert(kRegistered > (int64_t{1} << 53));
  EXPECT_EQ(mesos_json::Nanoseconds(flink, "registered_time"), kRegistered);
  // The same value through a double would be off: this is what reading it exactly avoids.
  EXPECT_NE(static_cast<int64_t>(static_cast<double>(kRegistered)), kRegistered);

  const auto& status = state["get_tasks"]["unreachable_tasks"][0]["statuses"][0];
  EXPECT_EQ(mesos_json::Nanoseconds(status, "unreachable_time"), 1712000500987654321);

  const auto odd = nlohmann::json::parse(
      R"({"neg":{"nanoseconds":-5},"big":{"nanoseconds":9223372036854775808},
          "frac":{"nanoseconds":1.5},"whole":{"nanoseconds":2.0},"text":{"nanoseconds":"1"},
          "flat":7})");
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "neg"), -5);
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "big"), std::nullopt) << "above int64";
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "frac"), std::nullopt);
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "whole"), 2);
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "text"), std::nullopt);
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "flat"), std::nullopt) << "not a TimeInfo";
  EXPECT_EQ(mesos_json::Nanoseconds(odd, "missing"), std::nullopt);
}

TEST(MesosV1ParserTest, TaskAdded) {
  MesosEvent e = ParseFixture("event_task_added.json");
  EXPECT_EQ(e.type, MesosEvent::Type::kTaskAdded);
  ASSERT_TRUE(e.task.has_value());
  EXPECT_EQ(e.task->id, "taskmanager-00004");
  EXPECT_EQ(e.task->framework_id, kFlink);
  EXPECT_EQ(e.task->agent_id, kPrefix + "-S1");
  EXPECT_EQ(e.task->state, MesosTaskState::kStaging);
  EXPECT_FALSE(e.task->status.has_value());
  EXPECT_DOUBLE_EQ(e.task->resources.memory_bytes, 2048 * kMiB);
  EXPECT_FALSE(e.state || e.agent || e.framework);
}

TEST(MesosV1ParserTest, TaskUpdatedOomKill) {
  MesosEvent e = ParseFixture("event_task_updated_oom.json");
  EXPECT_EQ(e.type, MesosEvent::Type::kTaskUpdated);
  EXPECT_EQ(e.type_name, "TASK_UPDATED");
  ASSERT_TRUE(e.task.has_value());
  EXPECT_EQ(e.task->id, "taskmanager-00002");
  EXPECT_EQ(e.task->framework_id, kFlink);
  EXPECT_EQ(e.task->agent_id, kPrefix + "-S1") << "from status.agent_id";
  EXPECT_EQ(e.task->executor_id, "taskmanager-00002");
  EXPECT_EQ(e.task->state, MesosTaskState::kFailed);
  ASSERT_TRUE(e.task->status.has_value());
  EXPECT_EQ(e.task->status->state, MesosTaskState::kFailed);
  EXPECT_EQ(e.task->status->reason, "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(e.task->status->source, "SOURCE_EXECUTOR");
  EXPECT_EQ(e.task->status->message.rfind("Memory limit exceeded: Requested: 2080MB", 0), 0u);
  EXPECT_OPT_DOUBLE(e.task->status->timestamp, 1712003600.75);
}

TEST(MesosV1ParserTest, TaskUpdatedStateMayBeAheadOfTheStatus) {
  auto r = ParseMesosEvent(R"({"type":"TASK_UPDATED","task_updated":{
      "framework_id":{"value":"f"},"state":"TASK_KILLED",
      "status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR"}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->task->state, MesosTaskState::kKilled);
  EXPECT_EQ(r->task->status->state, MesosTaskState::kRunning);

  auto no_state = ParseMesosEvent(R"({"type":"TASK_UPDATED","task_updated":{
      "framework_id":{"value":"f"},
      "status":{"task_id":{"value":"t"},"state":"TASK_LOST","reason":"REASON_SLAVE_REMOVED",
                "source":"SOURCE_MASTER"}}})");
  ASSERT_TRUE(no_state.ok()) << no_state.status().ToString();
  EXPECT_EQ(no_state->task->state, MesosTaskState::kLost) << "falls back to status.state";
  EXPECT_EQ(no_state->task->status->reason, "REASON_AGENT_REMOVED");
  EXPECT_TRUE(no_state->task->agent_id.empty());
}

TEST(MesosV1ParserTest, TaskUpdatedAgentRemovedAndHealthCheck) {
  MesosEvent lost = ParseFixture("event_task_updated_agent_removed.json");
  ASSERT_TRUE(lost.task.has_value());
  EXPECT_EQ(lost.task->state, MesosTaskState::kLost);
  EXPECT_EQ(lost.task->status->reason, "REASON_AGENT_REMOVED");
  EXPECT_EQ(lost.task->status->source, "SOURCE_MASTER");
  EXPECT_EQ(lost.task->agent_id, kPrefix + "-S0");

  MesosEvent health = ParseFixture("event_task_updated_health.json");
  ASSERT_TRUE(health.task.has_value());
  EXPECT_EQ(health.task->state, MesosTaskState::kRunning);
  EXPECT_EQ(health.task->status->reason, "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
}

TEST(MesosV1ParserTest, AgentEvents) {
  MesosEvent added = ParseFixture("event_agent_added.json");
  EXPECT_EQ(added.type, MesosEvent::Type::kAgentAdded);
  ASSERT_TRUE(added.agent.has_value());
  EXPECT_EQ(added.agent->id, kPrefix + "-S3");
  EXPECT_EQ(added.agent->hostname, "agent-d.example");
  EXPECT_TRUE(added.agent->active);
  EXPECT_FALSE(added.agent->unreachable);
  EXPECT_DOUBLE_EQ(added.agent->total.cpus, 32.0);
  EXPECT_DOUBLE_EQ(added.agent->total.memory_bytes, 131072 * kMiB);
  EXPECT_DOUBLE_EQ(added.agent->used.cpus, 0.0);

  MesosEvent removed = ParseFixture("event_agent_removed.json");
  EXPECT_EQ(removed.type, MesosEvent::Type::kAgentRemoved);
  EXPECT_EQ(removed.removed_id, kPrefix + "-S1");
}

TEST(MesosV1ParserTest, FrameworkEvents) {
  MesosEvent added = ParseFixture("event_framework_added.json");
  EXPECT_EQ(added.type, MesosEvent::Type::kFrameworkAdded);
  ASSERT_TRUE(added.framework.has_value());
  EXPECT_EQ(added.framework->id, kPrefix + "-0005");
  EXPECT_EQ(added.framework->name, "Flink");
  EXPECT_EQ(added.framework->webui_url, "http://10.10.0.22:8081");
  EXPECT_TRUE(added.framework->connected);

  MesosEvent updated = ParseFixture("event_framework_updated.json");
  EXPECT_EQ(updated.type, MesosEvent::Type::kFrameworkUpdated);
  ASSERT_TRUE(updated.framework.has_value());
  EXPECT_EQ(updated.framework->id, kFlink);
  EXPECT_FALSE(updated.framework->active);
  EXPECT_FALSE(updated.framework->connected);
  EXPECT_DOUBLE_EQ(updated.framework->used.cpus, 2.0);

  MesosEvent removed = ParseFixture("event_framework_removed.json");
  EXPECT_EQ(removed.type, MesosEvent::Type::kFrameworkRemoved);
  EXPECT_EQ(removed.removed_id, kFlink);
}

TEST(MesosV1ParserTest, HeartbeatAndUnknownTypes) {
  MesosEvent hb = ParseFixture("event_heartbeat.json");
  EXPECT_EQ(hb.type, MesosEvent::Type::kHeartbeat);
  EXPECT_EQ(hb.type_name, "HEARTBEAT");

  auto other = ParseMesosEvent(R"({"type":"OPERATION_UPDATED","operation_updated":{"x":1}})");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->type, MesosEvent::Type::kOther);
  EXPECT_EQ(other->type_name, "OPERATION_UPDATED") << "kept for the per-type event counter";
}

TEST(MesosV1ParserTest, UnknownFieldsAndStatesAreTolerated) {
  auto r = ParseMesosEvent(R"({"type":"TASK_ADDED","future_field":[1,2],"task_added":{
      "task":{"task_id":{"value":"t","extra":true},"framework_id":{"value":"f"},
              "state":"TASK_FROM_THE_FUTURE","new_thing":{"a":{}},
              "resources":[{"name":"fpgas","type":"SCALAR","scalar":{"value":2}},
                           {"name":"cpus","type":"SCALAR","scalar":{"value":2}}]}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->task->state, MesosTaskState::kUnrecognized);
  EXPECT_DOUBLE_EQ(r->task->resources.cpus, 2.0);
}

TEST(MesosV1ParserTest, WrongTypesNeverThrow) {
  // Every member with an unexpected JSON type: read as absent, never an exception.
  auto r = ParseMesosEvent(R"({"type":"SUBSCRIBED","subscribed":{
      "heartbeat_interval_seconds":"15",
      "get_state":{
        "get_tasks":{"tasks":{"not":"an array"},"completed_tasks":[1,null,"x",
          {"task_id":{"value":"t"},"framework_id":{"value":"f"},"state":7,"name":5,
           "agent_id":"S0","resources":"none","statuses":[1,{"state":["TASK_RUNNING"],
           "timestamp":"yesterday","reason":{},"message":3}]}]},
        "get_frameworks":{"frameworks":[{"framework_info":{"id":{"value":"f"},"roles":[1,"a",null],
           "name":[]},"active":"yes","allocated_resources":[{"name":"cpus","scalar":{"value":"1"}},
           {"name":"mem","scalar":"1"},null]}]},
        "get_agents":{"agents":[{"agent_info":{"id":{"value":"a"},"attributes":[null,{"name":5},
           {"name":"x","scalar":{"value":"1"}},{"name":"r","ranges":{"range":[{"begin":"1"}]}},
           {"name":"s","set":{"item":[1,"b"]}}],"resources":5},"total_resources":{"x":1}}],
           "recovered_agents":[{"id":5},{"hostname":"h"}]}}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->heartbeat_interval_seconds.has_value());
  ASSERT_EQ(r->state->tasks.size(), 1u);
  const MesosTaskRecord& t = r->state->tasks[0];
  EXPECT_EQ(t.state, MesosTaskState::kUnrecognized);
  EXPECT_TRUE(t.agent_id.empty());
  ASSERT_TRUE(t.status.has_value());
  EXPECT_FALSE(t.status->timestamp.has_value());
  ASSERT_EQ(r->state->frameworks.size(), 1u);
  EXPECT_EQ(r->state->frameworks[0].role, "a");
  EXPECT_FALSE(r->state->frameworks[0].active);
  EXPECT_DOUBLE_EQ(r->state->frameworks[0].used.cpus, 0.0);
  ASSERT_EQ(r->state->agents.size(), 1u) << "recovered agents without an id are skipped";
  const std::vector<std::pair<std::string, std::string>> attributes = {{"r", "[]"},
                                                                       {"s", "{b}"}};
  EXPECT_EQ(r->state->agents[0].attributes, attributes);
}

void ExpectMalformed(std::string_view record, std::string_view mentions = {}) {
  auto r = ParseMesosEvent(record);
  ASSERT_FALSE(r.ok()) << record;
  EXPECT_EQ(r.status().code(), StatusCode::kParseError) << record;
  if (!mentions.empty()) {
    EXPECT_NE(r.status().message().find(mentions), std::string::npos) << r.status().ToString();
  }
}

TEST(MesosV1ParserTest, MalformedRecords) {
  ExpectMalformed("");
  ExpectMalformed("not json");
  ExpectMalformed(R"({"type":"HEARTBEAT")");  // truncated
  ExpectMalformed("[1,2]");
  ExpectMalformed("\"HEARTBEAT\"");
  ExpectMalformed("{}");
  ExpectMalformed(R"({"type":9})");
  ExpectMalformed(R"({"type":""})");
}

TEST(MesosV1ParserTest, EventsWithoutTheirIdsNameTheType) {
  ExpectMalformed(R"({"type":"SUBSCRIBED"})", "SUBSCRIBED");
  ExpectMalformed(R"({"type":"SUBSCRIBED","subscribed":{"get_state":[]}})", "SUBSCRIBED");
  ExpectMalformed(R"({"type":"TASK_ADDED"})", "TASK_ADDED");
  ExpectMalformed(R"({"type":"TASK_ADDED","task_added":{"task":{"task_id":"t",
                     "framework_id":{"value":"f"}}}})",
                  "TASK_ADDED");
  ExpectMalformed(R"({"type":"TASK_ADDED","task_added":{"task":{"task_id":{"value":"t"}}}})",
                  "TASK_ADDED");
  ExpectMalformed(R"({"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"f"}}})",
                  "TASK_UPDATED");
  ExpectMalformed(R"({"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"f"},
                     "status":{"state":"TASK_RUNNING"}}})",
                  "TASK_UPDATED");
  ExpectMalformed(R"({"type":"TASK_UPDATED","task_updated":{
                     "status":{"task_id":{"value":"t"}}}})",
                  "TASK_UPDATED");
  ExpectMalformed(R"({"type":"AGENT_ADDED","agent_added":{"agent":{"agent_info":{"id":5}}}})",
                  "AGENT_ADDED");
  ExpectMalformed(R"({"type":"AGENT_REMOVED","agent_removed":{"agent_id":{}}})",
                  "AGENT_REMOVED");
  ExpectMalformed(R"({"type":"FRAMEWORK_ADDED","framework_added":{"framework":{}}})",
                  "FRAMEWORK_ADDED");
  ExpectMalformed(R"({"type":"FRAMEWORK_UPDATED","framework_updated":{}})",
                  "FRAMEWORK_UPDATED");
  ExpectMalformed(R"({"type":"FRAMEWORK_REMOVED","framework_removed":{"framework_info":{}}})",
                  "FRAMEWORK_REMOVED");
}

}  // namespace
}  // namespace fme
