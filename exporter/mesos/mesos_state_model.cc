#include "mesos/mesos_state_model.h"

#include <utility>
#include <vector>

namespace fme {
namespace {

constexpr std::string_view kUnknown = "unknown";

// How a terminal task ended. The status's reason and source describe the status's own state,
// which may lag behind the task's latest state (the master forwards statuses one at a time);
// they are used only when they describe the terminal state itself.
std::pair<std::string, std::string> ReasonAndSource(const MesosTaskRecord& task) {
  std::string reason(kUnknown), source(kUnknown);
  if (task.status && task.status->state == task.state) {
    if (!task.status->reason.empty()) reason = task.status->reason;
    if (!task.status->source.empty()) source = task.status->source;
  }
  return {std::move(reason), std::move(source)};
}

// Statuses the master sends for every task of an agent it has removed or marked unreachable.
// No AGENT_REMOVED follows in that case, so these are the only sign of the agent's loss.
bool SignalsAgentLoss(const MesosTaskRecord& task) {
  if (task.state == MesosTaskState::kUnreachable) return true;
  if (!task.status) return false;
  const MesosTaskStatusRecord& s = *task.status;
  if (s.state == MesosTaskState::kUnreachable) return true;
  const bool gone = s.state == MesosTaskState::kLost || s.state == MesosTaskState::kGone ||
                    s.state == MesosTaskState::kGoneByOperator;
  return gone && (s.reason == "REASON_AGENT_REMOVED" ||
                  s.reason == "REASON_AGENT_REMOVED_BY_OPERATOR");
}

std::string AgentState(const MesosAgentRecord& a) {
  if (a.unreachable) return "unreachable";
  if (a.deactivated || !a.active) return "inactive";
  return "active";
}

}  // namespace

bool IsTaskManagerTaskId(std::string_view id) {
  constexpr std::string_view kPrefix = "taskmanager-";
  if (id.size() <= kPrefix.size() || !id.starts_with(kPrefix)) return false;
  for (char c : id.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::size_t MesosStateModel::counted_task_ids() const {
  std::size_t n = 0;
  for (const auto& [id, f] : frameworks_) n += f.counted.size();
  return n;
}

MesosStateModel::Framework& MesosStateModel::FrameworkFor(const std::string& id) {
  return frameworks_.try_emplace(id, options_.max_counted_tasks_per_framework).first->second;
}

void MesosStateModel::DropIfUnused(FrameworkMap::iterator it) {
  const Framework& f = it->second;
  if (!f.record && f.tasks.empty() && f.taskmanagers.empty() && f.counted.size() == 0 &&
      f.terminations.empty()) {
    frameworks_.erase(it);
  }
}

const MesosTaskRecord* MesosStateModel::FindTask(const Framework& f, const std::string& id) {
  if (IsTaskManagerTaskId(id)) {
    auto it = f.taskmanagers.find(id);
    return it != f.taskmanagers.end() ? &it->second : nullptr;
  }
  auto it = f.tasks.find(id);
  return it != f.tasks.end() ? &it->second : nullptr;
}

void MesosStateModel::AdjustActive(Framework& f, MesosTaskState s, int64_t delta) {
  const auto i = static_cast<std::size_t>(s);
  if (i < f.active.size()) f.active[i] += delta;
}

bool MesosStateModel::Store(Framework& f, MesosTaskRecord task) {
  const bool taskmanager = IsTaskManagerTaskId(task.id);
  // A terminal TaskManager record of a registered framework is kept for the join with Flink;
  // any other terminal task lives on only as a counted id.
  if (IsTerminal(task.state) && !(taskmanager && f.record)) {
    Erase(f, task.id);
    return true;
  }
  auto put = [&](auto& container) {
    auto it = container.find(task.id);
    if (it != container.end()) {
      AdjustActive(f, it->second.state, -1);
      AdjustActive(f, task.state, +1);
      it->second = std::move(task);
      return true;
    }
    if (stored_tasks_ >= options_.max_tasks) return false;
    AdjustActive(f, task.state, +1);
    std::string id = task.id;
    container.emplace(std::move(id), std::move(task));
    ++stored_tasks_;
    return true;
  };
  return taskmanager ? put(f.taskmanagers) : put(f.tasks);
}

void MesosStateModel::Erase(Framework& f, const std::string& id) {
  auto erase = [&](auto& container) {
    auto it = container.find(id);
    if (it == container.end()) return;
    AdjustActive(f, it->second.state, -1);
    container.erase(it);
    --stored_tasks_;
  };
  if (IsTaskManagerTaskId(id)) {
    erase(f.taskmanagers);
  } else {
    erase(f.tasks);
  }
}

void MesosStateModel::CountTermination(Framework& f, const MesosTaskRecord& task,
                                       const Framework* counted_before) {
  if (!f.record || f.counted.Contains(task.id)) return;
  if (counted_before == nullptr || !counted_before->counted.Contains(task.id)) {
    auto [reason, source] = ReasonAndSource(task);
    f.terminations[TerminationKey{task.state, std::move(reason), std::move(source)}] += 1;
  }
  std::vector<std::string> evicted;
  f.counted.Insert(task.id, evicted);
  // A TaskManager record forgotten as counted goes too: the master has evicted it as well.
  for (const std::string& id : evicted) {
    if (const MesosTaskRecord* t = FindTask(f, id); t != nullptr && IsTerminal(t->state)) {
      Erase(f, id);
    }
  }
}

void MesosStateModel::Reset(MesosStateRecords state) {
  FrameworkMap previous = std::exchange(frameworks_, FrameworkMap());
  stored_tasks_ = 0;

  for (MesosFrameworkRecord& record : state.frameworks) {
    auto [it, inserted] =
        frameworks_.try_emplace(record.id, options_.max_counted_tasks_per_framework);
    if (inserted) {
      if (auto prev = previous.find(record.id); prev != previous.end()) {
        it->second.terminations = std::move(prev->second.terminations);
      }
    }
    it->second.record = std::move(record);
  }

  for (MesosTaskRecord& task : state.tasks) {
    auto fit = frameworks_.find(task.framework_id);
    if (IsTerminal(task.state)) {
      // Terminal tasks matter only to registered frameworks' counters and TaskManager records.
      if (fit == frameworks_.end() || !fit->second.record) continue;
      Framework& f = fit->second;
      auto prev = previous.find(task.framework_id);
      CountTermination(f, task, prev != previous.end() ? &prev->second : nullptr);
      if (!IsTaskManagerTaskId(task.id)) continue;
      // A reused id: the live incarnation wins over a completed one.
      if (const MesosTaskRecord* live = FindTask(f, task.id);
          live != nullptr && !IsTerminal(live->state)) {
        continue;
      }
      if (!Store(f, std::move(task))) ++dropped_tasks_;
      continue;
    }
    Framework& f = fit != frameworks_.end() ? fit->second : FrameworkFor(task.framework_id);
    if (!Store(f, std::move(task))) ++dropped_tasks_;
  }
  for (auto it = frameworks_.begin(); it != frameworks_.end();) DropIfUnused(it++);

  agents_.clear();
  for (MesosAgentRecord& agent : state.agents) {
    std::string id = agent.id;
    agents_.insert_or_assign(std::move(id), std::move(agent));
  }
}

void MesosStateModel::Apply(const MesosEvent& e) {
  switch (e.type) {
    case MesosEvent::Type::kSubscribed:
      if (e.state) Reset(*e.state);
      break;
    case MesosEvent::Type::kTaskAdded:
      if (e.task) AddTask(*e.task);
      break;
    case MesosEvent::Type::kTaskUpdated:
      if (e.task) UpdateTask(*e.task);
      break;
    case MesosEvent::Type::kAgentAdded:
      // Also how an agent that was unreachable re-registers: it is active again.
      if (e.agent) agents_.insert_or_assign(e.agent->id, *e.agent);
      break;
    case MesosEvent::Type::kAgentRemoved:
      agents_.erase(e.removed_id);
      break;
    case MesosEvent::Type::kFrameworkAdded:
    case MesosEvent::Type::kFrameworkUpdated:
      if (e.framework) FrameworkFor(e.framework->id).record = *e.framework;
      break;
    case MesosEvent::Type::kFrameworkRemoved:
      if (auto it = frameworks_.find(e.removed_id); it != frameworks_.end()) {
        stored_tasks_ -= it->second.tasks.size() + it->second.taskmanagers.size();
        frameworks_.erase(it);
      }
      break;
    case MesosEvent::Type::kHeartbeat:
    case MesosEvent::Type::kOther:
      break;
  }
}

namespace {

// Tasks in these states hold their resources on the agent.
bool HoldsResources(MesosTaskState s) {
  return s == MesosTaskState::kStaging || s == MesosTaskState::kStarting ||
         s == MesosTaskState::kRunning || s == MesosTaskState::kKilling;
}

void AddScaled(MesosResources& to, const MesosResources& r, double sign) {
  // Clamped: the snapshot's figures include executors, which events do not describe, so a
  // subtraction could otherwise dip below zero.
  to.cpus = std::max(0.0, to.cpus + sign * r.cpus);
  to.gpus = std::max(0.0, to.gpus + sign * r.gpus);
  to.memory_bytes = std::max(0.0, to.memory_bytes + sign * r.memory_bytes);
  to.disk_bytes = std::max(0.0, to.disk_bytes + sign * r.disk_bytes);
}

}  // namespace

void MesosStateModel::AccountUsage(Framework& f, const MesosTaskRecord& task, double sign) {
  if (auto a = agents_.find(task.agent_id); a != agents_.end()) {
    AddScaled(a->second.used, task.resources, sign);
  }
  if (f.record) AddScaled(f.record->used, task.resources, sign);
}

void MesosStateModel::AddTask(const MesosTaskRecord& task) {
  auto it = frameworks_.try_emplace(task.framework_id, options_.max_counted_tasks_per_framework)
                .first;
  Framework& f = it->second;
  // Resources in use follow the tasks between snapshots; a re-added task already counted once.
  const MesosTaskRecord* known = FindTask(f, task.id);
  const bool held_before = known != nullptr && HoldsResources(known->state);
  if (!held_before && HoldsResources(task.state)) AccountUsage(f, task, +1);
  if (IsTerminal(task.state)) {
    CountTermination(f, task);
  } else {
    // A new incarnation (a reused id, or a lost task whose agent came back) may end again.
    f.counted.Erase(task.id);
  }
  if (!Store(f, task)) ++dropped_tasks_;
  DropIfUnused(it);
}

void MesosStateModel::UpdateTask(const MesosTaskRecord& update) {
  auto it = frameworks_.find(update.framework_id);
  const MesosTaskRecord* known = it != frameworks_.end() ? FindTask(it->second, update.id)
                                                         : nullptr;
  MesosTaskRecord task;
  if (known != nullptr) {
    task = *known;  // keeps name and resources, which updates do not carry
  } else {
    task.id = update.id;
    task.framework_id = update.framework_id;
  }
  task.state = update.state;
  if (update.status) task.status = update.status;
  if (!update.agent_id.empty()) task.agent_id = update.agent_id;
  if (!update.executor_id.empty()) task.executor_id = update.executor_id;
  MarkAgentLost(task);

  if (it == frameworks_.end()) {
    if (IsTerminal(task.state)) return;  // nothing to count or keep for an unknown framework
    it = frameworks_.try_emplace(update.framework_id, options_.max_counted_tasks_per_framework)
             .first;
  }
  Framework& f = it->second;
  const bool held_before = known != nullptr && HoldsResources(known->state);
  if (held_before != HoldsResources(task.state)) AccountUsage(f, task, held_before ? -1 : +1);
  if (IsTerminal(task.state)) {
    CountTermination(f, task);
  } else {
    f.counted.Erase(task.id);
  }
  Store(f, std::move(task));  // false only for a new task when full: it stays unknown
  DropIfUnused(it);
}

void MesosStateModel::ReconcileAgents(const std::vector<MesosAgentRecord>& polled) {
  std::map<std::string, MesosAgentRecord> next;
  for (const MesosAgentRecord& a : polled) next.insert_or_assign(a.id, a);
  for (auto& [id, agent] : agents_) {
    if (next.count(id) > 0) continue;
    agent.unreachable = true;  // gone from the master's lists without an AGENT_REMOVED
    next.insert_or_assign(id, std::move(agent));
  }
  agents_ = std::move(next);
}

void MesosStateModel::MarkAgentLost(const MesosTaskRecord& task) {
  if (task.agent_id.empty() || !SignalsAgentLoss(task)) return;
  // An agent already removed (AGENT_REMOVED may come first) is not brought back.
  if (auto it = agents_.find(task.agent_id); it != agents_.end()) it->second.unreachable = true;
}

void MesosStateModel::Fill(MesosObservation& obs) const {
  obs.agents.clear();
  obs.agents.reserve(agents_.size());
  for (const auto& [id, a] : agents_) {
    MesosAgent out;
    out.id = id;
    out.hostname = a.hostname;
    out.version = a.version;
    out.state = AgentState(a);
    out.total = a.total;
    out.used = a.used;
    out.reserved = a.reserved;
    out.attributes = a.attributes;
    obs.agents.push_back(std::move(out));
  }

  obs.frameworks.clear();
  for (const auto& [id, f] : frameworks_) {
    if (!f.record) continue;
    const MesosFrameworkRecord& r = *f.record;
    MesosFramework out;
    out.id = id;
    out.name = r.name;
    out.role = r.role;
    out.webui_url = r.webui_url;
    out.active = r.active;
    out.connected = r.connected;
    out.used = r.used;
    if (r.task_counts) {
      // A summary without task objects (v0 /master/state-summary) carries counts instead.
      for (std::size_t i = 0; i < out.tasks.size(); ++i) out.tasks[i] = (*r.task_counts)[i];
    } else {
      out.tasks = f.active;
    }
    out.terminations.reserve(f.terminations.size());
    for (const auto& [key, count] : f.terminations) {
      out.terminations.push_back(MesosTermination{key.state, key.source, key.reason, count});
    }
    out.taskmanager_tasks.reserve(f.taskmanagers.size());
    for (const auto& [task_id, t] : f.taskmanagers) {
      MesosTask task;
      task.id = task_id;
      task.name = t.name;
      task.framework_id = id;
      task.agent_id = t.agent_id;
      task.state = t.state;
      if (t.status) {
        task.reason = t.status->reason;
        task.source = t.status->source;
        task.message = t.status->message;
        task.state_timestamp = t.status->timestamp;
      }
      out.taskmanager_tasks.push_back(std::move(task));
    }
    obs.frameworks.push_back(std::move(out));
  }
}

}  // namespace fme
