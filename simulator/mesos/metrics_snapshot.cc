// /metrics/snapshot of the simulated masters and agents: flat {"name": double} maps derived from
// the World. Gauges are recomputed from the current state; counters come from the world's
// counters or from the retained task history.
#include <set>

#include "mesos/mesos_internal.h"

namespace fme::sim::mesos {
namespace {

double Percent(double used, double total) { return total > 0 ? used / total : 0.0; }

void PutResources(std::map<std::string, double>* m, const std::string& prefix, const Resources& total,
                  const Resources& used) {
  const std::pair<const char*, std::pair<double, double>> kinds[] = {
      {"cpus", {total.cpus, used.cpus}},
      {"gpus", {total.gpus, used.gpus}},
      {"mem", {total.mem_mb, used.mem_mb}},
      {"disk", {total.disk_mb, used.disk_mb}},
  };
  for (const auto& [name, tu] : kinds) {
    const std::string base = prefix + name;
    (*m)[base + "_total"] = tu.first;
    (*m)[base + "_used"] = tu.second;
    (*m)[base + "_percent"] = Percent(tu.second, tu.first);
    (*m)[base + "_revocable_total"] = 0;
    (*m)[base + "_revocable_used"] = 0;
    (*m)[base + "_revocable_percent"] = 0;
  }
}

// "TASK_GONE_BY_OPERATOR" -> "gone_by_operator".
std::string ShortState(const std::string& state) {
  return Lower(state.rfind("TASK_", 0) == 0 ? state.substr(5) : state);
}

int64_t StatusUpdates(const Task& t) {
  // The master creates TASK_STAGING itself; every later status arrived as an update.
  int64_t n = 0;
  for (const auto& s : t.statuses) {
    if (s.state != "TASK_STAGING") ++n;
  }
  return n;
}

void PutSystem(std::map<std::string, double>* m, double cpus, double mem_bytes, const std::string& seed) {
  (*m)["system/cpus_total"] = cpus;
  (*m)["system/mem_total_bytes"] = mem_bytes;
  (*m)["system/mem_free_bytes"] = static_cast<double>(static_cast<int64_t>(mem_bytes * (0.2 + 0.3 * HashUnit(seed))));
  const double load = cpus * (0.1 + 0.4 * HashUnit(seed + "/load"));
  (*m)["system/load_1min"] = static_cast<double>(static_cast<int64_t>(load * 100)) / 100.0;
  (*m)["system/load_5min"] = static_cast<double>(static_cast<int64_t>(load * 95)) / 100.0;
  (*m)["system/load_15min"] = static_cast<double>(static_cast<int64_t>(load * 90)) / 100.0;
}

}  // namespace

std::map<std::string, double> MasterMetrics(const Index& index, std::size_t master) {
  const World& w = index.world;
  const auto& mc = w.mesos;
  const Master& self = mc.masters.at(master);
  const bool elected = index.leader == &self;
  std::map<std::string, double> m;

  m["master/elected"] = elected ? 1 : 0;
  m["master/uptime_secs"] = self.start_time > 0 && w.now > self.start_time ? Seconds(w.now - self.start_time) : 0;

  // Agents.
  double slaves_active = 0, slaves_inactive = 0, slaves_unreachable = 0, slaves_removed = 0;
  Resources total, used;
  for (const auto& a : mc.agents) {
    if (a.state == AgentState::kActive) slaves_active += 1;
    if (a.state == AgentState::kDeactivated) slaves_inactive += 1;
    if (a.state == AgentState::kUnreachable) slaves_unreachable += 1;
    if (a.state == AgentState::kRemoved) slaves_removed += 1;
    if (IsRegistered(a)) {
      total = Add(total, a.total);
      used = Add(used, a.used);
    }
  }
  // Frameworks.
  double fw_active = 0, fw_inactive = 0, fw_connected = 0, fw_disconnected = 0;
  for (const Framework* f : index.Frameworks(false)) {
    (f->active ? fw_active : fw_inactive) += 1;
    (f->connected ? fw_connected : fw_disconnected) += 1;
  }
  // Tasks.
  std::map<std::string, double> current;
  for (const auto& t : mc.tasks) current[t.state] += 1;
  int64_t launched = 0, updates = 0;
  for (const auto& t : mc.tasks) {
    ++launched;
    updates += StatusUpdates(t);
  }
  for (const auto& t : mc.completed_tasks) {
    ++launched;
    updates += StatusUpdates(t);
  }

  auto cluster = [&](double v) { return elected ? v : 0.0; };
  m["master/slaves_active"] = cluster(slaves_active);
  m["master/slaves_inactive"] = cluster(slaves_inactive);
  m["master/slaves_connected"] = cluster(slaves_active + slaves_inactive);
  m["master/slaves_disconnected"] = 0;
  m["master/slaves_unreachable"] = cluster(slaves_unreachable);
  m["master/slave_registrations"] = cluster(static_cast<double>(mc.agents.size()));
  m["master/slave_reregistrations"] = 0;
  m["master/slave_removals"] = cluster(slaves_removed);
  m["master/slave_removals/reason_registered"] = 0;
  m["master/slave_removals/reason_unhealthy"] = cluster(slaves_removed);
  m["master/slave_removals/reason_unregistered"] = 0;
  m["master/slave_unreachable_scheduled"] = cluster(slaves_unreachable);
  m["master/slave_unreachable_completed"] = cluster(slaves_unreachable);
  m["master/slave_unreachable_canceled"] = 0;
  m["master/recovery_slave_removals"] = 0;

  m["master/frameworks_active"] = cluster(fw_active);
  m["master/frameworks_inactive"] = cluster(fw_inactive);
  m["master/frameworks_connected"] = cluster(fw_connected);
  m["master/frameworks_disconnected"] = cluster(fw_disconnected);
  m["master/outstanding_offers"] = 0;

  for (const char* s : {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE"}) {
    m["master/tasks_" + ShortState(s)] = cluster(current[s]);
  }
  for (const char* s : {"finished", "failed", "killed", "lost", "error", "dropped", "gone", "gone_by_operator"}) {
    const auto it = mc.terminal_counters.find(s);
    m[std::string("master/tasks_") + s] = cluster(it == mc.terminal_counters.end() ? 0 : it->second);
  }

  PutResources(&m, "master/", elected ? total : Resources{}, elected ? used : Resources{});

  m["master/event_queue_messages"] = 0;
  m["master/event_queue_dispatches"] = 0;
  m["master/event_queue_http_requests"] = 0;
  m["master/operator_event_stream_subscribers"] = 0;
  m["master/http_cache_hits"] = 0;
  m["master/dropped_messages"] = 0;
  m["master/messages_launch_tasks"] = cluster(static_cast<double>(launched));
  m["master/messages_status_update"] = cluster(static_cast<double>(updates));
  m["master/messages_status_update_acknowledgement"] = cluster(static_cast<double>(updates));
  m["master/valid_status_updates"] = cluster(static_cast<double>(updates));
  m["master/valid_status_update_acknowledgements"] = cluster(static_cast<double>(updates));
  m["master/invalid_status_updates"] = 0;
  m["master/invalid_status_update_acknowledgements"] = 0;
  m["master/messages_register_framework"] = cluster(static_cast<double>(mc.frameworks.size()));
  m["master/messages_register_slave"] = cluster(static_cast<double>(mc.agents.size()));

  m["registrar/log/recovered"] = 1;
  m["registrar/log/ensemble_size"] = static_cast<double>(mc.masters.size());
  m["allocator/mesos/event_queue_dispatches"] = 0;
  m["allocator/mesos/resources/cpus/total"] = elected ? total.cpus : 0;
  m["allocator/mesos/resources/cpus/offered_or_allocated"] = elected ? used.cpus : 0;
  m["allocator/mesos/resources/mem/total"] = elected ? total.mem_mb : 0;
  m["allocator/mesos/resources/mem/offered_or_allocated"] = elected ? used.mem_mb : 0;
  m["allocator/mesos/resources/disk/total"] = elected ? total.disk_mb : 0;
  m["allocator/mesos/resources/disk/offered_or_allocated"] = elected ? used.disk_mb : 0;

  PutSystem(&m, 8, 32.0 * 1024 * 1024 * 1024, "master:" + self.id);

  if (!elected) return m;

  // Dynamic task-termination counters (v0 names, lower case).
  for (const auto& [name, value] : mc.termination_counters) m[name] = value;

  // Per-framework metrics for registered and cached completed frameworks.
  for (const auto& f : mc.frameworks) {
    const std::string prefix = "master/frameworks/" + PercentEncode(f.name) + "/" + f.id + "/";
    m[prefix + "subscribed"] = !f.completed && f.connected ? 1 : 0;
    std::map<std::string, double> active, terminal;
    for (const auto& state : AllTaskStates()) (IsTerminalTaskState(state) ? terminal : active)[state] = 0;
    for (const auto* by : {&index.live_by_framework, &index.unreachable_by_framework}) {
      const auto it = by->find(f.id);
      if (it == by->end()) continue;
      for (const Task* t : it->second) active[t->state] += 1;
    }
    const auto it = index.completed_by_framework.find(f.id);
    if (it != index.completed_by_framework.end()) {
      for (const Task* t : it->second) terminal[t->state] += 1;
    }
    for (const auto& [state, n] : active) m[prefix + "tasks/active/" + Lower(state)] = n;
    for (const auto& [state, n] : terminal) m[prefix + "tasks/terminal/" + Lower(state)] = n;
  }
  return m;
}

std::map<std::string, double> AgentMetrics(const Index& index, const Agent& a) {
  const World& w = index.world;
  std::map<std::string, double> m;
  m["slave/registered"] = IsRegistered(a) ? 1 : 0;
  m["slave/uptime_secs"] = w.now > a.registered_time ? Seconds(w.now - a.registered_time) : 0;
  PutResources(&m, "slave/", a.total, a.used);

  std::map<std::string, double> live, done;
  std::set<std::string> frameworks;
  int64_t updates = 0;
  if (const auto it = index.live_by_agent.find(a.id); it != index.live_by_agent.end()) {
    for (const Task* t : it->second) {
      live[t->state] += 1;
      frameworks.insert(t->framework_id);
      updates += StatusUpdates(*t);
    }
  }
  if (const auto it = index.completed_by_agent.find(a.id); it != index.completed_by_agent.end()) {
    for (const Task* t : it->second) {
      done[t->state] += 1;
      updates += StatusUpdates(*t);
    }
  }
  for (const char* s : {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING"}) {
    m["slave/tasks_" + ShortState(s)] = live[s];
  }
  for (const char* s : {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_GONE"}) {
    m["slave/tasks_" + ShortState(s)] = done[s];
  }
  double executors = 0;
  for (const auto& [state, n] : live) executors += n;
  double terminated = 0;
  for (const auto& [state, n] : done) terminated += n;
  m["slave/executors_registering"] = live["TASK_STAGING"];
  m["slave/executors_running"] = executors - live["TASK_STAGING"];
  m["slave/executors_terminating"] = live["TASK_KILLING"];
  m["slave/executors_terminated"] = terminated;
  m["slave/executors_preempted"] = 0;
  m["slave/frameworks_active"] = static_cast<double>(frameworks.size());
  m["slave/container_launch_errors"] = 0;
  m["slave/recovery_errors"] = 0;
  m["slave/valid_status_updates"] = static_cast<double>(updates);
  m["slave/invalid_status_updates"] = 0;
  m["slave/valid_framework_messages"] = 0;
  m["slave/invalid_framework_messages"] = 0;
  m["gc/path_removals_pending"] = 0;
  m["gc/path_removals_succeeded"] = 0;
  m["gc/path_removals_failed"] = 0;
  m["containerizer/mesos/container_destroy_errors"] = 0;
  PutSystem(&m, a.total.cpus, a.total.mem_mb * 1048576.0, "agent:" + a.id);
  return m;
}

std::string MetricsJson(const std::map<std::string, double>& metrics) {
  JsonWriter w;
  w.BeginObject();
  for (const auto& [name, value] : metrics) w.FieldDouble(name, value);
  w.EndObject();
  return w.Take();
}

}  // namespace fme::sim::mesos
