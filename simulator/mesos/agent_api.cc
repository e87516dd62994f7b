// Simulated Mesos agent endpoints: /slave(1)/state (= /state), /monitor/statistics,
// /metrics/snapshot, /health, /version. Every task runs under its own command executor.
#include <algorithm>
#include <map>
#include <vector>

#include "mesos/mesos_api.h"
#include "mesos/mesos_internal.h"

namespace fme::sim {
namespace mesos {
namespace {

// Command executors use the task id as executor id when the task names none.
std::string ExecutorId(const Task& t) { return t.executor_id.empty() ? t.id : t.executor_id; }

std::string ExecutorName(const Task& t) {
  return "Command Executor (Task: " + t.id + ") (Command: sh -c '" + t.name + "')";
}

std::string ContainerId(const Agent& a, const Task& t) { return HashUuid("container:" + a.id + "/" + t.id); }

std::string Directory(const Agent& a, const Task& t) {
  return "/var/lib/mesos/slaves/" + a.id + "/frameworks/" + t.framework_id + "/executors/" + ExecutorId(t) +
         "/runs/" + ContainerId(a, t);
}

void Executor(JsonWriter& w, const Agent& a, const Task& t, bool completed) {
  w.BeginObject();
  w.FieldStr("id", ExecutorId(t));
  w.FieldStr("name", ExecutorName(t));
  w.FieldStr("source", t.id);
  w.FieldStr("container", ContainerId(a, t));
  w.FieldStr("directory", Directory(a, t));
  w.Key("resources");
  V0Resources(w, t.resources);
  w.FieldStr("role", t.role);
  w.Key("tasks").BeginArray();
  if (!completed) V0Task(w, t);
  w.EndArray();
  w.FieldEmptyArray("queued_tasks");
  w.Key("completed_tasks").BeginArray();
  if (completed) V0Task(w, t);
  w.EndArray();
  w.EndObject();
}

// Framework fields without braces (the caller appends the executors).
void AgentFrameworkFields(JsonWriter& w, const Index& index, const std::string& framework_id, const Task& sample) {
  w.FieldStr("id", framework_id);
  const auto it = index.framework_by_id.find(framework_id);
  if (it != index.framework_by_id.end()) {
    const Framework& f = *it->second;
    w.FieldStr("name", f.name);
    w.FieldStr("user", f.user);
    w.FieldDouble("failover_timeout", f.failover_timeout);
    w.FieldBool("checkpoint", true);
    w.FieldStr("hostname", f.hostname);
    if (!f.principal.empty()) w.FieldStr("principal", f.principal);
    w.FieldStr("role", f.role);
  } else {
    w.FieldStr("name", "");
    w.FieldStr("user", "");
    w.FieldDouble("failover_timeout", 0.0);
    w.FieldBool("checkpoint", false);
    w.FieldStr("hostname", "");
    w.FieldStr("role", sample.role);
  }
}

// Seconds since the task reached TASK_RUNNING (0 before).
double RunningSeconds(const World& world, const Task& t) {
  for (const auto& s : t.statuses) {
    if (s.state == "TASK_RUNNING") return std::max(0.0, Seconds(world.now) - s.timestamp);
  }
  return 0.0;
}

}  // namespace

std::string V0AgentState(const Index& index, const Agent& a) {
  JsonWriter w;
  w.BeginObject();
  V0VersionFields(w, a.version);
  w.FieldDouble("start_time", Seconds(a.registered_time));
  w.FieldStr("id", a.id);
  w.FieldStr("pid", a.pid);
  w.FieldStr("hostname", a.hostname);
  w.Key("capabilities").BeginArray();
  for (const char* c : {"MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER",
                        "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING", "TASK_RESOURCE_LIMITS"}) {
    w.String(c);
  }
  w.EndArray();
  w.Key("resources");
  V0Resources(w, a.total);
  w.FieldEmptyObject("reserved_resources");
  w.Key("unreserved_resources");
  V0Resources(w, a.total);
  w.FieldEmptyObject("reserved_resources_allocated");
  w.Key("unreserved_resources_allocated");
  V0Resources(w, a.used);
  w.FieldEmptyObject("reserved_resources_full");
  w.Key("unreserved_resources_full");
  V1Resources(w, a.total);
  w.FieldEmptyArray("resource_providers");
  w.Key("attributes");
  V0Attributes(w, a.attributes);
  if (index.leader != nullptr) w.FieldStr("master_hostname", index.leader->hostname);
  w.Key("flags").BeginObject();
  w.FieldStr("hostname", a.hostname);
  w.FieldStr("max_completed_executors_per_framework", "150");
  w.FieldStr("port", std::to_string(a.port));
  w.FieldStr("work_dir", "/var/lib/mesos");
  w.EndObject();

  // framework id -> (live tasks, completed tasks) on this agent
  std::map<std::string, std::pair<std::vector<const Task*>, std::vector<const Task*>>> by_framework;
  if (const auto it = index.live_by_agent.find(a.id); it != index.live_by_agent.end()) {
    for (const Task* t : it->second) by_framework[t->framework_id].first.push_back(t);
  }
  if (const auto it = index.completed_by_agent.find(a.id); it != index.completed_by_agent.end()) {
    for (const Task* t : it->second) by_framework[t->framework_id].second.push_back(t);
  }
  for (bool completed_frameworks : {false, true}) {
    w.Key(completed_frameworks ? "completed_frameworks" : "frameworks").BeginArray();
    for (const auto& [id, tasks] : by_framework) {
      // A framework with no live task here is a completed one from this agent's point of view.
      if (tasks.first.empty() != completed_frameworks) continue;
      const Task& sample = tasks.first.empty() ? *tasks.second.front() : *tasks.first.front();
      w.BeginObject();
      AgentFrameworkFields(w, index, id, sample);
      w.Key("executors").BeginArray();
      for (const Task* t : tasks.first) Executor(w, a, *t, false);
      w.EndArray();
      w.Key("completed_executors").BeginArray();
      for (const Task* t : tasks.second) Executor(w, a, *t, true);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return w.Take();
}

std::string V0MonitorStatistics(const Index& index, const Agent& a) {
  const World& world = index.world;
  JsonWriter w;
  w.BeginArray();
  const auto it = index.live_by_agent.find(a.id);
  if (it != index.live_by_agent.end()) {
    for (const Task* t : it->second) {
      if (IsUnreachableTask(*t) || t->state == "TASK_STAGING") continue;  // no container stats yet
      const std::string seed = a.id + "/" + t->id;
      const double cpus_limit = t->resources.cpus + 0.1;  // + command executor overhead
      const auto mem_limit = static_cast<int64_t>((t->resources.mem_mb + 32.0) * 1048576.0);
      const double running = RunningSeconds(world, *t);
      const double utilization = 0.2 + 0.6 * HashUnit(seed + "/cpu");
      const double user = running * t->resources.cpus * utilization;
      const double rss_ratio = 0.55 + 0.35 * HashUnit(seed + "/rss");
      const auto rss = static_cast<int64_t>(static_cast<double>(mem_limit) * rss_ratio);
      const auto cache = static_cast<int64_t>(static_cast<double>(mem_limit) * 0.04);
      const auto periods = static_cast<int64_t>(running * 10.0);  // 100 ms CFS periods
      const auto throttled = static_cast<int64_t>(static_cast<double>(periods) * 0.01 * HashUnit(seed + "/thr"));

      w.BeginObject();
      w.FieldStr("executor_id", ExecutorId(*t));
      w.FieldStr("executor_name", ExecutorName(*t));
      w.FieldStr("framework_id", t->framework_id);
      w.FieldStr("source", t->id);
      w.Key("statistics").BeginObject();
      w.FieldDouble("timestamp", Seconds(world.now));
      w.FieldInt("processes", 2);
      w.FieldInt("threads", 60 + static_cast<int>(HashUnit(seed + "/threads") * 40));
      w.FieldDouble("cpus_user_time_secs", static_cast<double>(static_cast<int64_t>(user * 100)) / 100.0);
      w.FieldDouble("cpus_system_time_secs", static_cast<double>(static_cast<int64_t>(user * 10)) / 100.0);
      w.FieldDouble("cpus_limit", cpus_limit);
      w.FieldInt("cpus_nr_periods", periods);
      w.FieldInt("cpus_nr_throttled", throttled);
      w.FieldDouble("cpus_throttled_time_secs", static_cast<double>(throttled) * 0.02);
      w.FieldInt("mem_total_bytes", rss + cache);
      w.FieldInt("mem_limit_bytes", mem_limit);
      w.FieldInt("mem_file_bytes", cache);
      w.FieldInt("mem_anon_bytes", rss);
      w.FieldInt("mem_cache_bytes", cache);
      w.FieldInt("mem_rss_bytes", rss);
      w.FieldInt("mem_mapped_file_bytes", int64_t{8} * 1048576);
      w.FieldInt("mem_swap_bytes", 0);
      w.FieldInt("mem_unevictable_bytes", 0);
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();
  return w.Take();
}

}  // namespace mesos

ApiResponse HandleMesosAgentRequest(const World& world, std::size_t agent, const std::string& /*method*/,
                                    const std::string& raw_path, const QueryParams& /*query*/) {
  const auto& agents = world.mesos.agents;
  if (agent >= agents.size()) return mesos::TextResponse(503, "Agent is not running");
  const Agent& a = agents[agent];
  std::string path = raw_path.substr(0, raw_path.find('?'));
  while (path.size() > 1 && path.back() == '/') path.pop_back();

  mesos::IndexOptions options;
  options.only_agent = &a.id;
  const mesos::Index index(world, options);
  if (path == "/metrics/snapshot") return mesos::JsonResponse(mesos::MetricsJson(mesos::AgentMetrics(index, a)));
  if (path == "/version") {
    mesos::JsonWriter w;
    w.BeginObject();
    mesos::V0VersionFields(w, a.version);
    w.EndObject();
    return mesos::JsonResponse(w.Take());
  }
  std::string endpoint = path;
  if (path.rfind("/slave(1)/", 0) == 0) endpoint = path.substr(9);
  if (endpoint == "/health") return mesos::TextResponse(200, "");
  if (endpoint == "/state") return mesos::JsonResponse(mesos::V0AgentState(index, a));
  if (endpoint == "/monitor/statistics") return mesos::JsonResponse(mesos::V0MonitorStatistics(index, a));
  return mesos::TextResponse(404, "");
}

}  // namespace fme::sim
