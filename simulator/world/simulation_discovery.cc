// What a consumer discovering Flink clusters from Mesos, and joining TaskManagers with Mesos
// tasks, has to cope with: a framework that registers late (start_at), one that is torn down,
// TaskManagers whose task ended while Flink still lists them (zombies) and TaskManager tasks
// Flink never lists (leaks).
#include <algorithm>

#include "mesos/v1_json.h"
#include "world/simulation.h"

namespace fme::sim {
namespace {

// The TaskManagers of a late cluster run ~4 s after their launch; its jobs are submitted then.
constexpr Millis kLateSubmitDelay = 5'000;

}  // namespace

void Simulation::RegisterLateFramework(std::size_t cluster) {
  auto& crt = clusters_[cluster];
  auto& c = w_.flink[cluster];
  if (!crt.pending) return;
  Framework f = std::move(*crt.pending);
  crt.pending.reset();
  f.registered_time = w_.now;
  f.webui_url = c.rest_url;  // the server has written the listener's URL by now
  w_.mesos.frameworks.push_back(std::move(f));
  crt.framework = static_cast<int>(w_.mesos.frameworks.size() - 1);
  AppendEvent("FRAMEWORK_ADDED", FrameworkAddedEventJson(w_.mesos.frameworks.back()));

  crt.unreachable = std::max(0, crt.unreachable - 1);
  c.reachable = crt.unreachable == 0;
  LaunchTaskManagers(cluster, TaskManagerCount(crt.spec), 0);
  for (const auto& js : crt.spec.jobs) {
    for (int i = 0; i < js.count; ++i) {
      SubmitFromSavepoint(cluster, CopyName(js.name, i, js.count), js, std::nullopt, w_.now + kLateSubmitDelay);
    }
  }
}

void Simulation::FrameworkTeardown(const IncidentSpec& inc, std::size_t cluster) {
  auto& c = w_.flink[cluster];
  auto& crt = clusters_[cluster];
  if (!FrameworkRegistered(cluster)) return Warn(inc, "the framework of " + c.name + " is not registered");
  const std::string fw = w_.mesos.frameworks[static_cast<std::size_t>(crt.framework)].id;

  // Master::removeFramework: every task is killed by the master, then FRAMEWORK_REMOVED.
  std::vector<std::string> live;
  for (const auto& t : w_.mesos.tasks) {
    if (t.framework_id == fw) live.push_back(t.id);
  }
  const std::string msg = "Framework " + fw + " removed";
  for (const auto& id : live) {
    UpdateTask(fw, id, Status("TASK_KILLED", "SOURCE_MASTER", "REASON_FRAMEWORK_REMOVED", msg));
  }
  auto& f = w_.mesos.frameworks[static_cast<std::size_t>(crt.framework)];
  f.active = f.connected = false;
  f.completed = true;
  f.unregistered_time = w_.now;
  AppendEvent("FRAMEWORK_REMOVED", FrameworkRemovedEventJson(f));

  // The JobManager goes down with its framework and never answers again.
  crt.torn_down = true;
  crt.unreachable += 1;
  c.reachable = false;
  c.taskmanagers.clear();
  crt.zombies.clear();
  for (auto& job : c.jobs) {
    if (!IsGloballyTerminal(job.state)) EndJob(cluster, job, JobStatus::kSuspended, w_.now);
  }
}

void Simulation::TaskManagerZombie(const IncidentSpec& inc, std::size_t cluster) {
  auto& c = w_.flink[cluster];
  auto& crt = clusters_[cluster];
  if (!FrameworkRegistered(cluster)) return Warn(inc, "the framework of " + c.name + " is not registered");
  std::string tm = inc.taskmanager;
  if (tm.empty()) {
    for (const auto& x : c.taskmanagers) {
      if (!crt.zombies.count(x.id)) {
        tm = x.id;
        break;
      }
    }
  }
  const bool listed = std::any_of(c.taskmanagers.begin(), c.taskmanagers.end(),
                                  [&](const TaskManager& x) { return x.id == tm; });
  if (!listed || crt.zombies.count(tm)) return Warn(inc, "no live TaskManager '" + tm + "' in " + c.name);
  if (!FindTask(c.framework_id, tm)) return Warn(inc, "no live Mesos task '" + tm + "' in " + c.name);
  // The executor died, Mesos knows; Flink has not noticed: no restart, no replacement.
  UpdateTask(c.framework_id, tm, Status("TASK_FAILED", "SOURCE_EXECUTOR", "REASON_EXECUTOR_TERMINATED",
                                        "Executor terminated"));
  crt.zombies.insert(tm);
  incident_tasks_[&inc] = {tm};
}

void Simulation::ZombieDropped(const IncidentSpec& inc, std::size_t cluster) {
  const auto it = incident_tasks_.find(&inc);
  if (it == incident_tasks_.end()) return;
  auto& c = w_.flink[cluster];
  auto& crt = clusters_[cluster];
  // Flink finally drops it from its list; its jobs are left alone (this incident restarts none).
  for (const auto& id : it->second) {
    if (!crt.zombies.erase(id)) continue;
    std::erase_if(c.taskmanagers, [&](const TaskManager& x) { return x.id == id; });
  }
  incident_tasks_.erase(it);
  RecomputeSlots(cluster);
}

void Simulation::TaskLeak(const IncidentSpec& inc, std::size_t cluster) {
  const auto& c = w_.flink[cluster];
  if (!FrameworkRegistered(cluster)) return Warn(inc, "the framework of " + c.name + " is not registered");
  // Workers the framework launched but Flink never lists: the next TaskManager ids, TaskManager
  // resources, no registration with the JobManager when they run.
  auto& ids = incident_tasks_[&inc];
  for (int i = 0; i < inc.count; ++i) {
    const std::string id = NextTaskManagerId(cluster);
    LaunchTask(static_cast<std::size_t>(clusters_[cluster].framework), PickAgent(), id, id,
               TaskManagerResources(cluster), nullptr);
    ids.push_back(id);
  }
}

void Simulation::LeakKilled(const IncidentSpec& inc, std::size_t cluster) {
  const auto it = incident_tasks_.find(&inc);
  if (it == incident_tasks_.end()) return;
  const std::string fw = w_.flink[cluster].framework_id;
  // From Flink's resource manager's point of view these workers never finished launching: they
  // never registered, so it kills them.
  for (const auto& id : it->second) {
    if (!FindTask(fw, id)) continue;  // already ended (e.g. framework torn down, agent lost)
    UpdateTask(fw, id, Status("TASK_KILLED", "SOURCE_EXECUTOR", "REASON_TASK_KILLED_DURING_LAUNCH",
                              "Killed by the framework: the TaskManager never registered"));
  }
  incident_tasks_.erase(it);
}

}  // namespace fme::sim
