// v1 operator API JSON (Mesos' protobuf-to-JSON mapping): objects of GET_* responses and the
// SUBSCRIBE events declared in v1_json.h.
#include "mesos/v1_json.h"

#include "mesos/mesos_internal.h"

namespace fme::sim {
namespace mesos {
namespace {

void AgentCapabilitiesV1(JsonWriter& w) {
  w.BeginArray();
  for (const char* c : {"MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER",
                        "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING", "TASK_RESOURCE_LIMITS"}) {
    w.BeginObject().FieldStr("type", c).EndObject();
  }
  w.EndArray();
}

void TaskArray(JsonWriter& w, std::string_view key, const std::vector<const Task*>& tasks) {
  w.Key(key).BeginArray();
  for (const Task* t : tasks) V1Task(w, *t);
  w.EndArray();
}

}  // namespace

void V1TaskStatus(JsonWriter& w, const Task& task, const TaskStatusRecord& s) {
  w.BeginObject();
  w.FieldId("task_id", task.id);
  w.FieldStr("state", s.state);
  if (!s.message.empty()) w.FieldStr("message", s.message);
  if (!s.source.empty()) w.FieldStr("source", s.source);
  if (!s.reason.empty()) w.FieldStr("reason", s.reason);
  w.FieldId("agent_id", task.agent_id);
  if (!task.executor_id.empty()) w.FieldId("executor_id", task.executor_id);
  w.FieldDouble("timestamp", s.timestamp);
  if (!s.uuid.empty()) w.FieldStr("uuid", s.uuid);
  if (s.healthy) w.FieldBool("healthy", *s.healthy);
  w.EndObject();
}

void V1Task(JsonWriter& w, const Task& task) {
  w.BeginObject();
  w.FieldStr("name", task.name);
  w.FieldId("task_id", task.id);
  w.FieldId("framework_id", task.framework_id);
  if (!task.executor_id.empty()) w.FieldId("executor_id", task.executor_id);
  w.FieldId("agent_id", task.agent_id);
  w.FieldStr("state", task.state);
  w.Key("resources");
  V1Resources(w, task.resources, task.role);
  w.Key("statuses").BeginArray();
  for (const auto& s : task.statuses) V1TaskStatus(w, task, s);
  w.EndArray();
  if (!task.statuses.empty()) {
    const auto& last = task.statuses.back();
    w.FieldStr("status_update_state", last.state);
    if (!last.uuid.empty()) w.FieldStr("status_update_uuid", last.uuid);
  }
  w.EndObject();
}

void V1FrameworkInfo(JsonWriter& w, const Framework& f) {
  w.BeginObject();
  w.FieldStr("user", f.user);
  w.FieldStr("name", f.name);
  w.FieldId("id", f.id);
  w.FieldDouble("failover_timeout", f.failover_timeout);
  w.FieldBool("checkpoint", true);
  w.FieldStr("role", f.role);
  if (!f.hostname.empty()) w.FieldStr("hostname", f.hostname);
  if (!f.principal.empty()) w.FieldStr("principal", f.principal);
  if (!f.webui_url.empty()) w.FieldStr("webui_url", f.webui_url);
  w.EndObject();
}

void V1Framework(JsonWriter& w, const Framework& f, const Index* index) {
  w.BeginObject();
  w.Key("framework_info");
  V1FrameworkInfo(w, f);
  w.FieldBool("active", f.active);
  w.FieldBool("connected", f.connected);
  w.FieldBool("recovered", f.recovered);
  FieldTimeInfo(w, "registered_time", f.registered_time);
  if (f.unregistered_time > 0) FieldTimeInfo(w, "unregistered_time", f.unregistered_time);
  Resources used;
  if (index != nullptr) {
    used = index->FrameworkUsed(f.id);
    used.ports.clear();  // each task holds its own port range; the framework-wide list keeps scalars
  }
  w.Key("allocated_resources");
  V1Resources(w, used, f.role);
  w.FieldEmptyArray("offered_resources");
  w.EndObject();
}

void V1Agent(JsonWriter& w, const Agent& a, const Index* index) {
  w.BeginObject();
  w.Key("agent_info").BeginObject();
  w.FieldStr("hostname", a.hostname);
  w.FieldInt("port", a.port);
  w.Key("resources");
  V1Resources(w, a.total);
  if (!a.attributes.empty()) {
    w.Key("attributes");
    V1Attributes(w, a.attributes);
  }
  w.FieldId("id", a.id);
  w.EndObject();
  w.FieldBool("active", a.state == AgentState::kActive);
  w.FieldBool("deactivated", a.state == AgentState::kDeactivated);
  w.FieldStr("version", a.version);
  w.FieldStr("pid", a.pid);
  FieldTimeInfo(w, "registered_time", a.registered_time);
  w.Key("total_resources");
  V1Resources(w, a.total);
  w.Key("allocated_resources").BeginArray();
  const auto by_role = index != nullptr ? UsedByRole(*index, a) : std::map<std::string, Resources>{};
  if (by_role.empty()) {
    Resources used = a.used;
    used.ports.clear();
    V1ResourceElements(w, used, std::nullopt);
  }
  for (const auto& [role, res] : by_role) V1ResourceElements(w, res, role);
  w.EndArray();
  w.FieldEmptyArray("offered_resources");
  w.Key("capabilities");
  AgentCapabilitiesV1(w);
  w.EndObject();
}

void V1GetTasks(JsonWriter& w, const Index& index) {
  std::vector<const Task*> live, unreachable, completed;
  for (const auto& t : index.world.mesos.tasks) {
    if (IsUnreachableTask(t)) {
      unreachable.push_back(&t);
    } else if (IsTerminalTaskState(t.state)) {
      completed.push_back(&t);
    } else {
      live.push_back(&t);
    }
  }
  for (const auto& t : index.world.mesos.completed_tasks) completed.push_back(&t);
  w.BeginObject();
  TaskArray(w, "tasks", live);
  TaskArray(w, "unreachable_tasks", unreachable);
  TaskArray(w, "completed_tasks", completed);
  w.EndObject();
}

void V1GetFrameworks(JsonWriter& w, const Index& index) {
  w.BeginObject();
  w.Key("frameworks").BeginArray();
  for (const Framework* f : index.Frameworks(false)) V1Framework(w, *f, &index);
  w.EndArray();
  w.Key("completed_frameworks").BeginArray();
  for (const Framework* f : index.Frameworks(true)) V1Framework(w, *f, &index);
  w.EndArray();
  w.EndObject();
}

void V1GetAgents(JsonWriter& w, const Index& index) {
  w.BeginObject();
  w.Key("agents").BeginArray();
  for (const Agent* a : index.RegisteredAgents()) V1Agent(w, *a, &index);
  w.EndArray();
  w.FieldEmptyArray("recovered_agents");
  w.EndObject();
}

void V1GetExecutors(JsonWriter& w, const Index& /*index*/) {
  // Tasks run under command executors, which the master does not track as executors.
  w.BeginObject().FieldEmptyArray("executors").EndObject();
}

void V1GetState(JsonWriter& w, const Index& index) {
  w.BeginObject();
  w.Key("get_tasks");
  V1GetTasks(w, index);
  w.Key("get_executors");
  V1GetExecutors(w, index);
  w.Key("get_frameworks");
  V1GetFrameworks(w, index);
  w.Key("get_agents");
  V1GetAgents(w, index);
  w.EndObject();
}

void V1GetMaster(JsonWriter& w, const Index& index, const Master& self) {
  const uint32_t ip = PackedIpv4(self.hostname);
  w.BeginObject();
  w.Key("master_info").BeginObject();
  w.FieldStr("id", self.id);
  w.FieldInt("ip", ip);
  w.FieldInt("port", self.port);
  w.FieldStr("pid", MasterPid(self));
  w.FieldStr("hostname", self.hostname);
  w.FieldStr("version", index.world.mesos.version);
  w.Key("address").BeginObject();
  w.FieldStr("hostname", self.hostname);
  if (ip != 0) w.FieldStr("ip", self.hostname);
  w.FieldInt("port", self.port);
  w.EndObject();
  w.EndObject();
  w.FieldDouble("start_time", Seconds(self.start_time));
  if (self.elected_time > 0) w.FieldDouble("elected_time", Seconds(self.elected_time));
  w.EndObject();
}

void V1GetVersion(JsonWriter& w, const World& world) {
  w.BeginObject().Key("version_info").BeginObject();
  V0VersionFields(w, world.mesos.version);
  w.EndObject().EndObject();
}

}  // namespace mesos

// ------------------------------------------------------------------ events (v1_json.h)

namespace {

using mesos::JsonWriter;

// {"type": type, field: <payload written by fn>}
template <typename Fn>
std::string Event(const char* type, const char* field, Fn fn) {
  JsonWriter w;
  w.BeginObject();
  w.FieldStr("type", type);
  w.Key(field);
  fn(w);
  w.EndObject();
  return w.Take();
}

}  // namespace

std::string SubscribedEventJson(const World& world) {
  const mesos::Index index(world);
  return Event("SUBSCRIBED", "subscribed", [&](JsonWriter& w) {
    w.BeginObject();
    w.Key("get_state");
    mesos::V1GetState(w, index);
    w.FieldDouble("heartbeat_interval_seconds", mesos::kHeartbeatIntervalSeconds);
    w.EndObject();
  });
}

std::string HeartbeatEventJson() { return R"({"type":"HEARTBEAT"})"; }

std::string TaskAddedEventJson(const World& /*world*/, const Task& task) {
  return Event("TASK_ADDED", "task_added", [&](JsonWriter& w) {
    w.BeginObject().Key("task");
    mesos::V1Task(w, task);
    w.EndObject();
  });
}

std::string TaskUpdatedEventJson(const Task& task, const TaskStatusRecord& status, const std::string& latest_state) {
  return Event("TASK_UPDATED", "task_updated", [&](JsonWriter& w) {
    w.BeginObject();
    w.FieldId("framework_id", task.framework_id);
    w.Key("status");
    mesos::V1TaskStatus(w, task, status);
    w.FieldStr("state", latest_state);
    w.EndObject();
  });
}

std::string AgentAddedEventJson(const Agent& agent) {
  return Event("AGENT_ADDED", "agent_added", [&](JsonWriter& w) {
    w.BeginObject().Key("agent");
    mesos::V1Agent(w, agent, nullptr);
    w.EndObject();
  });
}

std::string AgentRemovedEventJson(const Agent& agent) {
  return Event("AGENT_REMOVED", "agent_removed",
               [&](JsonWriter& w) { w.BeginObject().FieldId("agent_id", agent.id).EndObject(); });
}

std::string FrameworkAddedEventJson(const Framework& framework) {
  return Event("FRAMEWORK_ADDED", "framework_added", [&](JsonWriter& w) {
    w.BeginObject().Key("framework");
    mesos::V1Framework(w, framework, nullptr);
    w.EndObject();
  });
}

std::string FrameworkUpdatedEventJson(const Framework& framework) {
  return Event("FRAMEWORK_UPDATED", "framework_updated", [&](JsonWriter& w) {
    w.BeginObject().Key("framework");
    mesos::V1Framework(w, framework, nullptr);
    w.EndObject();
  });
}

std::string FrameworkRemovedEventJson(const Framework& framework) {
  return Event("FRAMEWORK_REMOVED", "framework_removed", [&](JsonWriter& w) {
    w.BeginObject().Key("framework_info");
    mesos::V1FrameworkInfo(w, framework);
    w.EndObject();
  });
}

}  // namespace fme::sim
