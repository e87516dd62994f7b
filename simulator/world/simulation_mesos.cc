// Mesos mutations. Each one records the v1 event the master would publish to SUBSCRIBE streams.
#include <algorithm>
#include <cctype>

#include "mesos/v1_json.h"
#include "world/simulation.h"

namespace fme::sim {
namespace {

bool IsTerminalTaskState(const std::string& s) {
  return s == "TASK_FINISHED" || s == "TASK_FAILED" || s == "TASK_KILLED" || s == "TASK_LOST" ||
         s == "TASK_ERROR" || s == "TASK_DROPPED" || s == "TASK_GONE" || s == "TASK_GONE_BY_OPERATOR";
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string StripPrefix(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

// v1 reason -> the v0 metric key spelling (AGENT -> SLAVE).
std::string V0Reason(const std::string& reason) {
  auto r = StripPrefix(reason, "REASON_");
  const auto pos = r.find("AGENT");
  if (pos != std::string::npos) r.replace(pos, 5, "SLAVE");
  return Lower(r);
}

}  // namespace

void Simulation::AppendEvent(const std::string& type, std::string json) {
  auto& m = w_.mesos;
  MasterEvent e;
  e.sequence = m.next_event_sequence++;
  e.type = type;
  e.json = std::move(json);
  e.time = w_.now;
  m.events.push_back(std::move(e));
  while (m.events.size() > kMaxEvents) m.events.pop_front();
}

Task* Simulation::FindTask(const std::string& framework_id, const std::string& task_id) {
  auto& tasks = w_.mesos.tasks;
  for (auto it = tasks.rbegin(); it != tasks.rend(); ++it) {
    if (it->id == task_id && (framework_id.empty() || it->framework_id == framework_id)) return &*it;
  }
  return nullptr;
}

int Simulation::AgentIndex(const std::string& agent_id) const {
  const auto& agents = w_.mesos.agents;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].id == agent_id) return static_cast<int>(i);
  }
  return -1;
}

TaskStatusRecord Simulation::Status(const std::string& state, const std::string& source, const std::string& reason,
                                    const std::string& message) {
  TaskStatusRecord s;
  s.state = state;
  s.source = source;
  s.reason = reason;
  s.message = message;
  s.timestamp = static_cast<double>(w_.now) / 1000.0;
  s.uuid = rng_.Base64Uuid();
  return s;
}

void Simulation::LaunchTask(std::size_t framework, std::size_t agent, const std::string& id, const std::string& name,
                            const Resources& res, std::function<void(const Task&)> on_running) {
  Task t;
  t.id = id;
  t.name = name;
  t.framework_id = w_.mesos.frameworks[framework].id;
  t.agent_id = w_.mesos.agents[agent].id;
  t.executor_id = id;
  t.resources = res;
  t.role = w_.mesos.frameworks[framework].role;
  t.state = "TASK_STAGING";
  t.statuses.push_back(Status("TASK_STAGING", "", "", ""));
  auto& used = w_.mesos.agents[agent].used;
  used.cpus += res.cpus;
  used.mem_mb += res.mem_mb;
  used.disk_mb += res.disk_mb;
  w_.mesos.tasks.push_back(std::move(t));
  AppendEvent("TASK_ADDED", TaskAddedEventJson(w_, w_.mesos.tasks.back()));

  const std::string fw = w_.mesos.frameworks[framework].id;
  const Millis now = w_.now;
  Schedule(now + 1000 + rng_.Int(0, 500),
           [this, fw, id] { UpdateTask(fw, id, Status("TASK_STARTING", "SOURCE_EXECUTOR", "", "")); });
  Schedule(now + 3000 + rng_.Int(0, 1000), [this, fw, id, on_running = std::move(on_running)] {
    const Task* task = FindTask(fw, id);
    if (!task) return;  // ended before it ran
    UpdateTask(fw, id, Status("TASK_RUNNING", "SOURCE_EXECUTOR", "", ""));
    task = FindTask(fw, id);
    if (task && on_running) on_running(*task);
  });
}

void Simulation::UpdateTask(const std::string& framework_id, const std::string& task_id, TaskStatusRecord status) {
  Task* task = FindTask(framework_id, task_id);
  if (!task) return;
  if (status.timestamp == 0) status.timestamp = static_cast<double>(w_.now) / 1000.0;
  if (status.uuid.empty()) status.uuid = rng_.Base64Uuid();
  if (!task->statuses.empty() && task->statuses.back().state == status.state) {
    task->statuses.back() = status;
  } else {
    task->statuses.push_back(status);
  }
  task->state = status.state;
  AppendEvent("TASK_UPDATED", TaskUpdatedEventJson(*task, status, task->state));
  if (!IsTerminalTaskState(status.state)) return;

  auto& m = w_.mesos;
  const std::string state = Lower(StripPrefix(status.state, "TASK_"));
  m.terminal_counters[state] += 1;
  if (!status.reason.empty()) {
    const std::string source = Lower(StripPrefix(status.source.empty() ? "SOURCE_MASTER" : status.source, "SOURCE_"));
    m.termination_counters["master/task_" + state + "/source_" + source + "/reason_" + V0Reason(status.reason)] += 1;
  }
  const int ai = AgentIndex(task->agent_id);
  if (ai >= 0) {
    auto& used = m.agents[static_cast<std::size_t>(ai)].used;
    used.cpus = std::max(0.0, used.cpus - task->resources.cpus);
    used.mem_mb = std::max(0.0, used.mem_mb - task->resources.mem_mb);
    used.disk_mb = std::max(0.0, used.disk_mb - task->resources.disk_mb);
  }
  const auto index = static_cast<std::size_t>(task - m.tasks.data());
  m.completed_tasks.push_back(std::move(*task));
  m.tasks.erase(m.tasks.begin() + static_cast<std::ptrdiff_t>(index));
  while (m.completed_tasks.size() > m.max_completed_tasks) m.completed_tasks.pop_front();
}

std::string Simulation::NextTaskManagerId(std::size_t cluster) {
  return "taskmanager-" + PadNumber(clusters_[cluster].next_tm++, 5);
}

Resources Simulation::TaskManagerResources(std::size_t cluster) const {
  const auto& spec = clusters_[cluster].spec;
  return Resources{spec.tm_cpus, 0, spec.tm_mem_mb, 0, "[31000-31001]"};
}

bool Simulation::FrameworkRegistered(std::size_t cluster) const {
  const int fi = clusters_[cluster].framework;
  return fi >= 0 && !w_.mesos.frameworks[static_cast<std::size_t>(fi)].completed;
}

void Simulation::LaunchTaskManagers(std::size_t cluster, int count, Millis delay) {
  for (int i = 0; i < count; ++i) {
    if (w_.flink[cluster].on_mesos) {
      const std::string id = NextTaskManagerId(cluster);
      Schedule(w_.now + delay, [this, cluster, id] {
        if (!FrameworkRegistered(cluster)) return;  // not yet registered, or torn down meanwhile
        LaunchTask(static_cast<std::size_t>(clusters_[cluster].framework), PickAgent(), id, id,
                   TaskManagerResources(cluster),
                   [this, cluster](const Task& task) {
                     const int ai = AgentIndex(task.agent_id);
                     const std::string host =
                         ai >= 0 ? w_.mesos.agents[static_cast<std::size_t>(ai)].hostname : std::string("127.0.0.1");
                     w_.flink[cluster].taskmanagers.push_back(MakeTaskManager(cluster, task.id, host, w_.now));
                   });
      });
    } else {
      Schedule(w_.now + delay + 3000, [this, cluster] {
        const auto n = w_.flink[cluster].taskmanagers.size();
        const std::string host = "10.8." + std::to_string(cluster % 250) + "." + std::to_string(n % 250 + 1);
        const std::string id = host + ":" + std::to_string(rng_.Int(32768, 60999)) + "-" + rng_.Hex(6);
        w_.flink[cluster].taskmanagers.push_back(MakeTaskManager(cluster, id, host, w_.now));
      });
    }
  }
}

}  // namespace fme::sim
