// v0 JSON of the simulated Mesos master: /state, /state-summary, /tasks, /frameworks, /slaves,
// /roles, /version (shapes of Mesos 1.11 ReadOnlyHandler / common/http.cpp writers).
#include <algorithm>
#include <cstdlib>
#include <set>

#include "mesos/mesos_internal.h"

namespace fme::sim::mesos {
namespace {

const std::vector<std::string>& SummaryStates() {
  static const std::vector<std::string> kStates = {
      "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED",
      "TASK_KILLED",  "TASK_FAILED",   "TASK_LOST",    "TASK_ERROR",   "TASK_UNREACHABLE"};
  return kStates;
}

void AgentCapabilities(JsonWriter& w) {
  w.BeginArray();
  for (const char* c : {"MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER",
                        "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING", "TASK_RESOURCE_LIMITS"}) {
    w.String(c);
  }
  w.EndArray();
}

// The role reservations of an agent are made for: the first framework role that is not "*".
std::optional<std::string> ReservationRole(const Index& index) {
  for (const auto& f : index.world.mesos.frameworks) {
    if (f.role != "*" && !f.role.empty()) return f.role;
  }
  return std::nullopt;
}

bool HasScalars(const Resources& r) { return r.cpus > 0 || r.gpus > 0 || r.mem_mb > 0 || r.disk_mb > 0; }

Resources ScalarsOnly(Resources r) {
  r.ports.clear();
  return r;
}

bool HasReservation(const Index& index, const Agent& agent) {
  return ReservationRole(index).has_value() && HasScalars(agent.reserved);
}

void ReservedResources(JsonWriter& w, const Index& index, const Agent& agent) {
  w.BeginObject();
  if (HasReservation(index, agent)) {
    w.Key(*ReservationRole(index));
    V0Resources(w, ScalarsOnly(agent.reserved));
  }
  w.EndObject();
}

Resources Unreserved(const Index& index, const Agent& agent) {
  if (!HasReservation(index, agent)) return agent.total;
  return Subtract(agent.total, agent.reserved);
}

void StatusV0(JsonWriter& w, const TaskStatusRecord& s) {
  w.BeginObject();
  w.FieldStr("state", s.state);
  w.FieldDouble("timestamp", s.timestamp);
  if (s.healthy) w.FieldBool("healthy", *s.healthy);
  w.EndObject();
}

void TaskList(JsonWriter& w, std::string_view key,
              const std::unordered_map<std::string, std::vector<const Task*>>& by,
              const std::string& framework_id) {
  w.Key(key).BeginArray();
  const auto it = by.find(framework_id);
  if (it != by.end()) {
    for (const Task* t : it->second) V0Task(w, *t);
  }
  w.EndArray();
}

// Fields shared by FullFrameworkWriter and the state-summary framework writer.
void FrameworkSummaryFields(JsonWriter& w, const Framework& f, const Resources& used) {
  w.FieldStr("id", f.id);
  w.FieldStr("name", f.name);
  w.FieldStr("pid", FrameworkPid(f));
  w.Key("used_resources");
  V0Resources(w, used);
  w.Key("offered_resources");
  V0Resources(w, Resources{});
  w.FieldEmptyArray("capabilities");
  w.FieldStr("hostname", f.hostname);
  w.FieldStr("webui_url", f.webui_url);
  w.FieldBool("active", f.active);
  w.FieldBool("connected", f.connected);
  w.FieldBool("recovered", f.recovered);
}

using Counts = std::map<std::string, int64_t>;

Counts ZeroCounts() {
  Counts counts;
  for (const auto& s : SummaryStates()) counts[s] = 0;
  return counts;
}

void CountTask(Counts* counts, const Task& t) {
  auto it = counts->find(t.state);
  if (it != counts->end()) ++it->second;
}

void WriteCounts(JsonWriter& w, const Counts& counts) {
  for (const auto& state : SummaryStates()) w.FieldInt(state, counts.at(state));
}

// Every task of registered frameworks: live, unreachable and retained completed ones.
template <typename Fn>
void ForEachRegisteredTask(const Index& index, Fn fn) {
  for (const Framework* f : index.Frameworks(false)) {
    for (const auto* by : {&index.live_by_framework, &index.unreachable_by_framework, &index.completed_by_framework}) {
      const auto it = by->find(f->id);
      if (it == by->end()) continue;
      for (const Task* t : it->second) fn(*f, *t);
    }
  }
}

bool ParseCount(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || v < 0) return false;
  *out = v;
  return true;
}

}  // namespace

std::optional<std::string> QueryValue(const QueryParams& query, const std::string& key) {
  const auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, Resources> UsedByRole(const Index& index, const Agent& agent) {
  std::map<std::string, Resources> out;
  const auto it = index.live_by_agent.find(agent.id);
  if (it == index.live_by_agent.end()) return out;
  for (const Task* t : it->second) {
    if (IsUnreachableTask(*t)) continue;
    out[t->role] = Add(out[t->role], ScalarsOnly(t->resources));
  }
  return out;
}

void V0Task(JsonWriter& w, const Task& task) {
  w.BeginObject();
  w.FieldStr("id", task.id);
  w.FieldStr("name", task.name);
  w.FieldStr("framework_id", task.framework_id);
  w.FieldStr("executor_id", task.executor_id);
  w.FieldStr("slave_id", task.agent_id);
  w.FieldStr("state", task.state);
  w.Key("resources");
  V0Resources(w, task.resources);
  w.FieldStr("role", task.role);
  w.Key("statuses").BeginArray();
  for (const auto& s : task.statuses) StatusV0(w, s);
  w.EndArray();
  w.EndObject();
}

void V0Framework(JsonWriter& w, const Index& index, const Framework& f) {
  const Resources used = index.FrameworkUsed(f.id);
  w.BeginObject();
  FrameworkSummaryFields(w, f, used);
  w.FieldStr("user", f.user);
  w.FieldDouble("failover_timeout", f.failover_timeout);
  w.FieldBool("checkpoint", true);
  w.FieldDouble("registered_time", Seconds(f.registered_time));
  w.FieldDouble("unregistered_time", Seconds(f.unregistered_time));
  if (!f.principal.empty()) w.FieldStr("principal", f.principal);
  w.Key("resources");
  V0Resources(w, used);
  w.FieldStr("role", f.role);
  TaskList(w, "tasks", index.live_by_framework, f.id);
  TaskList(w, "unreachable_tasks", index.unreachable_by_framework, f.id);
  TaskList(w, "completed_tasks", index.completed_by_framework, f.id);
  w.FieldEmptyArray("offers");
  w.FieldEmptyArray("executors");
  w.FieldEmptyObject("offer_constraints");
  w.EndObject();
}

void V0AgentFields(JsonWriter& w, const Index& index, const Agent& a) {
  w.FieldStr("id", a.id);
  w.FieldStr("hostname", a.hostname);
  w.FieldInt("port", a.port);
  w.Key("attributes");
  V0Attributes(w, a.attributes);
  w.FieldStr("pid", a.pid);
  w.FieldDouble("registered_time", Seconds(a.registered_time));
  w.Key("resources");
  V0Resources(w, a.total);
  w.Key("used_resources");
  V0Resources(w, a.used);
  w.Key("offered_resources");
  V0Resources(w, Resources{});
  w.Key("reserved_resources");
  ReservedResources(w, index, a);
  w.Key("unreserved_resources");
  V0Resources(w, Unreserved(index, a));
  w.FieldBool("active", a.state == AgentState::kActive);
  w.FieldBool("deactivated", a.state == AgentState::kDeactivated);
  w.FieldStr("version", a.version);
  w.Key("capabilities");
  AgentCapabilities(w);
}

void V0VersionFields(JsonWriter& w, const std::string& version) {
  w.FieldStr("version", version);
  w.FieldStr("build_date", kBuildDate);
  w.FieldDouble("build_time", kBuildTime);
  w.FieldStr("build_user", kBuildUser);
}

std::string V0MasterState(const Index& index, const Master& self) {
  const auto& m = index.world.mesos;
  JsonWriter w;
  w.BeginObject();
  V0VersionFields(w, m.version);
  w.FieldDouble("start_time", Seconds(self.start_time));
  if (self.elected_time > 0) w.FieldDouble("elected_time", Seconds(self.elected_time));
  w.FieldStr("id", self.id);
  w.FieldStr("pid", MasterPid(self));
  w.FieldStr("hostname", self.hostname);
  w.Key("capabilities").BeginArray().String("AGENT_UPDATE").String("AGENT_DRAINING").String("QUOTA_V2").EndArray();
  double activated = 0, deactivated = 0, unreachable = 0;
  for (const auto& a : m.agents) {
    if (a.state == AgentState::kActive) activated += 1;
    if (a.state == AgentState::kDeactivated) deactivated += 1;
    if (a.state == AgentState::kUnreachable) unreachable += 1;
  }
  w.FieldDouble("activated_slaves", activated);
  w.FieldDouble("deactivated_slaves", deactivated);
  w.FieldDouble("unreachable_slaves", unreachable);
  if (index.leader != nullptr) {
    w.FieldStr("leader", MasterPid(*index.leader));
    w.Key("leader_info").BeginObject();
    w.FieldStr("id", index.leader->id);
    w.FieldStr("pid", MasterPid(*index.leader));
    w.FieldInt("port", index.leader->port);
    w.FieldStr("hostname", index.leader->hostname);
    w.EndObject();
  }
  w.Key("flags").BeginObject();
  w.FieldStr("authenticate_http_readonly", "false");
  w.FieldStr("max_completed_frameworks", "50");
  w.FieldStr("max_completed_tasks_per_framework", std::to_string(m.max_completed_tasks));
  w.FieldStr("max_unreachable_tasks_per_framework", "1000");
  w.FieldStr("port", std::to_string(self.port));
  w.EndObject();
  w.Key("slaves").BeginArray();
  for (const Agent* a : index.RegisteredAgents()) {
    w.BeginObject();
    V0AgentFields(w, index, *a);
    w.EndObject();
  }
  w.EndArray();
  w.FieldEmptyArray("recovered_slaves");
  w.Key("frameworks").BeginArray();
  for (const Framework* f : index.Frameworks(false)) V0Framework(w, index, *f);
  w.EndArray();
  w.Key("completed_frameworks").BeginArray();
  for (const Framework* f : index.Frameworks(true)) V0Framework(w, index, *f);
  w.EndArray();
  w.FieldEmptyArray("orphan_tasks");
  w.FieldEmptyArray("unregistered_frameworks");
  w.EndObject();
  return w.Take();
}

std::string V0StateSummary(const Index& index, const Master& self) {
  std::map<std::string, Counts> agent_counts, framework_counts;
  std::map<std::string, std::set<std::string>> agent_frameworks, framework_agents;
  ForEachRegisteredTask(index, [&](const Framework& f, const Task& t) {
    auto& ac = agent_counts[t.agent_id];
    if (ac.empty()) ac = ZeroCounts();
    CountTask(&ac, t);
    auto& fc = framework_counts[f.id];
    if (fc.empty()) fc = ZeroCounts();
    CountTask(&fc, t);
    agent_frameworks[t.agent_id].insert(f.id);
    framework_agents[f.id].insert(t.agent_id);
  });
  const Counts zero = ZeroCounts();

  JsonWriter w;
  w.BeginObject();
  w.FieldStr("hostname", self.hostname);
  w.Key("slaves").BeginArray();
  for (const Agent* a : index.RegisteredAgents()) {
    w.BeginObject();
    V0AgentFields(w, index, *a);
    const auto it = agent_counts.find(a->id);
    WriteCounts(w, it == agent_counts.end() ? zero : it->second);
    w.Key("framework_ids").BeginArray();
    for (const auto& id : agent_frameworks[a->id]) w.String(id);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("frameworks").BeginArray();
  for (const Framework* f : index.Frameworks(false)) {
    w.BeginObject();
    FrameworkSummaryFields(w, *f, index.FrameworkUsed(f->id));
    const auto it = framework_counts.find(f->id);
    WriteCounts(w, it == framework_counts.end() ? zero : it->second);
    w.Key("slave_ids").BeginArray();
    for (const auto& id : framework_agents[f->id]) w.String(id);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::optional<std::string> V0Tasks(const Index& index, const QueryParams& query, std::string* error) {
  int64_t limit = kDefaultTaskLimit, offset = 0;
  if (auto v = QueryValue(query, "limit"); v && !ParseCount(*v, &limit)) {
    *error = "Failed to parse query parameter 'limit': '" + *v + "'";
    return std::nullopt;
  }
  if (auto v = QueryValue(query, "offset"); v && !ParseCount(*v, &offset)) {
    *error = "Failed to parse query parameter 'offset': '" + *v + "'";
    return std::nullopt;
  }
  const bool ascending = QueryValue(query, "order").value_or("desc") == "asc";
  const auto framework_id = QueryValue(query, "framework_id");
  const auto task_id = QueryValue(query, "task_id");

  // Tasks of registered and completed frameworks: live, unreachable and completed.
  std::vector<const Task*> tasks;
  const auto& m = index.world.mesos;
  tasks.reserve(m.tasks.size() + m.completed_tasks.size());
  auto keep = [&](const Task& t) {
    return (!framework_id || t.framework_id == *framework_id) && (!task_id || t.id == *task_id);
  };
  for (const auto& t : m.tasks) {
    if (keep(t)) tasks.push_back(&t);
  }
  for (const auto& t : m.completed_tasks) {
    if (keep(t)) tasks.push_back(&t);
  }
  // TaskComparator: by statuses[0].timestamp; tasks without statuses sort first when ascending
  // and last when descending.
  auto asc = [](const Task* l, const Task* r) {
    if (l->statuses.empty() && r->statuses.empty()) return false;
    if (l->statuses.empty()) return true;
    if (r->statuses.empty()) return false;
    return l->statuses.front().timestamp < r->statuses.front().timestamp;
  };
  if (ascending) {
    std::stable_sort(tasks.begin(), tasks.end(), asc);
  } else {
    std::stable_sort(tasks.begin(), tasks.end(), [&](const Task* l, const Task* r) { return asc(r, l); });
  }
  JsonWriter w;
  w.BeginObject().Key("tasks").BeginArray();
  const auto n = static_cast<int64_t>(tasks.size());
  for (int64_t i = offset; i < n && i - offset < limit; ++i) V0Task(w, *tasks[static_cast<std::size_t>(i)]);
  w.EndArray().EndObject();
  return w.Take();
}

std::string V0Frameworks(const Index& index, const QueryParams& query) {
  const auto id = QueryValue(query, "framework_id");
  JsonWriter w;
  w.BeginObject();
  for (bool completed : {false, true}) {
    w.Key(completed ? "completed_frameworks" : "frameworks").BeginArray();
    for (const Framework* f : index.Frameworks(completed)) {
      if (!id || f->id == *id) V0Framework(w, index, *f);
    }
    w.EndArray();
  }
  w.FieldEmptyArray("unregistered_frameworks");
  w.EndObject();
  return w.Take();
}

std::string V0Slaves(const Index& index, const QueryParams& query) {
  const auto id = QueryValue(query, "slave_id");
  JsonWriter w;
  w.BeginObject();
  w.Key("slaves").BeginArray();
  for (const Agent* a : index.RegisteredAgents()) {
    if (id && a->id != *id) continue;
    w.BeginObject();
    V0AgentFields(w, index, *a);
    w.Key("reserved_resources_full").BeginObject();
    if (HasReservation(index, *a)) {
      const std::string role = *ReservationRole(index);
      w.Key(role);
      V1Resources(w, ScalarsOnly(a->reserved), std::nullopt, role);
    }
    w.EndObject();
    w.Key("unreserved_resources_full");
    V1Resources(w, Unreserved(index, *a));
    w.Key("used_resources_full").BeginArray();
    const auto by_role = UsedByRole(index, *a);
    if (by_role.empty()) V1ResourceElements(w, ScalarsOnly(a->used), std::nullopt);
    for (const auto& [role, res] : by_role) V1ResourceElements(w, res, role);
    w.EndArray();
    w.FieldEmptyArray("offered_resources_full");
    w.EndObject();
  }
  w.EndArray();
  w.FieldEmptyArray("recovered_slaves");
  w.EndObject();
  return w.Take();
}

std::string V0Roles(const Index& index) {
  std::map<std::string, std::vector<std::string>> frameworks;
  std::map<std::string, Resources> allocated;
  for (const Framework* f : index.Frameworks(false)) {
    frameworks[f->role].push_back(f->id);
    allocated[f->role] = Add(allocated[f->role], index.FrameworkUsed(f->id));
  }
  JsonWriter w;
  w.BeginObject().Key("roles").BeginArray();
  for (const auto& [role, ids] : frameworks) {
    w.BeginObject();
    w.FieldStr("name", role);
    w.FieldDouble("weight", 1.0);
    w.Key("quota").BeginObject();
    w.FieldStr("role", role);
    w.FieldEmptyObject("guarantee");
    w.FieldEmptyObject("limit");
    w.Key("consumed");
    V0Resources(w, allocated[role]);
    w.EndObject();
    w.Key("resources");
    V0Resources(w, allocated[role]);
    w.Key("allocated");
    V0Resources(w, allocated[role]);
    w.Key("offered");
    V0Resources(w, Resources{});
    w.Key("reserved");
    V0Resources(w, Resources{});
    w.Key("frameworks").BeginArray();
    for (const auto& fid : ids) w.String(fid);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace fme::sim::mesos
