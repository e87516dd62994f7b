// The scripted timeline: each incident starts at `at` and, when it has one, ends at `until`.
#include <algorithm>
#include <memory>

#include "mesos/v1_json.h"
#include "world/simulation.h"

namespace fme::sim {
namespace {

constexpr Millis kRestartDelay = 10'000;  // fixed-delay restart strategy

}  // namespace

void Simulation::ScheduleTimeline() {
  for (const auto& inc : scenario_.incidents) {
    const IncidentSpec* p = &inc;
    Schedule(start_ + inc.at, [this, p] { StartIncident(*p); });
    if (inc.until >= 0) Schedule(start_ + inc.until, [this, p] { EndIncident(*p); });
  }
}

void Simulation::Warn(const IncidentSpec& inc, const std::string& what) {
  warnings_.push_back("timeline line " + std::to_string(inc.line) + " (" + inc.type + "): " + what);
}

std::optional<std::size_t> Simulation::ClusterIndex(const std::string& name) const {
  for (std::size_t i = 0; i < w_.flink.size(); ++i) {
    if (w_.flink[i].name == name) return i;
  }
  return std::nullopt;
}

Job* Simulation::FindJob(std::size_t cluster, const std::string& name) {
  auto& jobs = w_.flink[cluster].jobs;
  Job* newest = nullptr;
  for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
    if (it->name != name) continue;
    if (!IsGloballyTerminal(it->state)) return &*it;
    if (!newest) newest = &*it;
  }
  return newest;
}

Simulation::JobRuntime* Simulation::Runtime(const Job& job) {
  auto it = jobs_.find(job.id);
  return it == jobs_.end() ? nullptr : &it->second;
}

Simulation::IncidentTarget Simulation::ResolveIncident(const IncidentSpec& inc) {
  IncidentTarget target;
  if (!inc.cluster.empty()) target.cluster = ClusterIndex(inc.cluster);
  if (target.cluster && !inc.job.empty()) target.job = FindJob(*target.cluster, inc.job);
  if (target.job) target.runtime = Runtime(*target.job);
  return target;
}

void Simulation::StartIncident(const IncidentSpec& inc) {
  const Millis t = w_.now;
  auto [ci, job, rt] = ResolveIncident(inc);
  const auto& type = inc.type;

  if (type == "backpressure" || type == "checkpoint_failures" || type == "checkpoint_timeouts" ||
      type == "checkpoint_stall") {
    if (!rt) return Warn(inc, "job not found");
    if (type == "backpressure") {
      int v = 0;
      for (std::size_t i = 0; i < job->vertices.size(); ++i) {
        if (job->vertices[i].name == inc.vertex || std::to_string(i) == inc.vertex) v = static_cast<int>(i);
      }
      rt->backpressure[v] = inc.ratio;
    } else if (type == "checkpoint_failures") {
      rt->mode = CheckpointMode::kFail;
      rt->fail_message = inc.message.empty() ? "Asynchronous task checkpoint failed." : inc.message;
    } else {
      rt->mode = type == "checkpoint_timeouts" ? CheckpointMode::kTimeout : CheckpointMode::kStall;
    }
  } else if (type == "taskmanager_oom") {
    auto& c = w_.flink[*ci];
    std::string tm = inc.taskmanager;
    if (tm.empty() && !c.taskmanagers.empty()) tm = c.taskmanagers.front().id;
    auto it = std::find_if(c.taskmanagers.begin(), c.taskmanagers.end(), [&](const TaskManager& x) { return x.id == tm; });
    if (it == c.taskmanagers.end()) return Warn(inc, "no TaskManager '" + tm + "' in " + c.name);
    if (c.on_mesos) {
      const auto mem = static_cast<int64_t>(clusters_[*ci].spec.tm_mem_mb);
      const std::string msg =
          inc.message.empty()
              ? "Memory limit exceeded: Requested: " + std::to_string(mem) + "MB Maximum Used: " + std::to_string(mem) +
                    "MB\n\nMEMORY STATISTICS: \ncache 2785280\nrss " + std::to_string(mem << 20) +
                    "\nmapped_file 0\nswap 0\ntotal_pgmajfault 12\n"
              : inc.message;
      UpdateTask(c.framework_id, tm,
                 Status("TASK_FAILED", "SOURCE_EXECUTOR", "REASON_CONTAINER_LIMITATION_MEMORY", msg));
    }
    TaskManagerLost(*ci, tm, t);
  } else if (type == "agent_lost") {
    auto& agents = w_.mesos.agents;
    std::size_t ai = agents.size();
    for (std::size_t i = 0; i < agents.size(); ++i) {
      if (agents[i].id == inc.agent || agents[i].hostname == inc.agent || std::to_string(i) == inc.agent) ai = i;
    }
    if (ai == agents.size()) return Warn(inc, "agent not found");
    auto& agent = agents[ai];
    agent.state = AgentState::kUnreachable;
    std::vector<std::pair<std::string, std::string>> lost;
    for (const auto& task : w_.mesos.tasks) {
      if (task.agent_id == agent.id) lost.emplace_back(task.framework_id, task.id);
    }
    const std::string msg = "Agent " + agent.hostname + " (" + agent.id + ") is unreachable: health check timed out";
    for (const auto& [fw, id] : lost) UpdateTask(fw, id, Status("TASK_LOST", "SOURCE_MASTER", "REASON_AGENT_REMOVED", msg));
    agent.used = Resources{};
    for (const auto& [fw, id] : lost) {
      for (std::size_t c = 0; c < w_.flink.size(); ++c) {
        if (w_.flink[c].on_mesos && w_.flink[c].framework_id == fw) TaskManagerLost(c, id, t);
      }
    }
  } else if (type == "jobmanager_unreachable") {
    clusters_[*ci].unreachable += 1;
    w_.flink[*ci].reachable = false;
  } else if (type == "leader_failover") {
    LeaderFailover(inc.master, inc.downtime);
  } else if (type == "job_cancelled" || type == "job_failed") {
    if (!job || IsGloballyTerminal(job->state)) return Warn(inc, "job not found or already ended");
    const std::string id = job->id;
    const std::size_t c = *ci;
    if (type == "job_cancelled") {
      SetJobState(*job, JobStatus::kCancelling, t);
      Schedule(t + 1000, [this, c, id] {
        for (auto& j : w_.flink[c].jobs) {
          if (j.id == id) EndJob(c, j, JobStatus::kCanceled, w_.now);
        }
      });
    } else {
      SetJobState(*job, JobStatus::kFailing, t);
      JobException ex;
      ex.exception_name = "java.lang.RuntimeException";
      ex.message = inc.message.empty() ? "Job failed: unrecoverable error in user code" : inc.message;
      ex.stacktrace = ex.exception_name + ": " + ex.message +
                      "\n\tat com.example.pipeline.EnrichFunction.processElement(EnrichFunction.java:87)\n"
                      "\tat org.apache.flink.streaming.api.operators.KeyedProcessOperator.processElement("
                      "KeyedProcessOperator.java:83)\n";
      ex.timestamp = t;
      if (job->vertices.size() > 1) {
        const auto& v = job->vertices[1];
        ex.task_name = v.name + " (1/" + std::to_string(v.parallelism) + ")";
        ex.taskmanager_id = v.subtasks.empty() ? "" : v.subtasks[0].taskmanager_id;
      }
      job->exceptions.insert(job->exceptions.begin(), ex);
      if (job->exceptions.size() > static_cast<std::size_t>(kMaxExceptions)) job->exceptions.resize(kMaxExceptions);
      Schedule(t + 1000, [this, c, id] {
        for (auto& j : w_.flink[c].jobs) {
          if (j.id == id) EndJob(c, j, JobStatus::kFailed, w_.now);
        }
      });
    }
  } else if (type == "redeploy") {
    Redeploy(*ci, inc.job, inc.mode.empty() ? "cancel" : inc.mode,
             [this](std::size_t c, const std::string& name, std::optional<Checkpoint> sp) {
               auto* old = FindJob(c, name);
               JobSpec spec = old && Runtime(*old) ? Runtime(*old)->spec : JobSpec{};
               SubmitFromSavepoint(c, name, spec, std::move(sp), w_.now + 1000);
             });
  } else if (type == "upgrade") {
    if (w_.flink[*ci].on_mesos && !FrameworkRegistered(*ci)) return Warn(inc, "framework not registered");
    Upgrade(*ci, inc.version, inc.downtime > 0 ? inc.downtime : 30'000);
  } else if (type == "scale_up") {
    LaunchTaskManagers(*ci, inc.count, 0);
  } else if (type == "taskmanager_zombie") {
    TaskManagerZombie(inc, *ci);
  } else if (type == "task_leak") {
    TaskLeak(inc, *ci);
  } else if (type == "framework_teardown") {
    FrameworkTeardown(inc, *ci);
  } else if (type == "health_check") {
    // Periodic: each run schedules the next one (the schedule holds the only strong reference).
    auto n = std::make_shared<int>(0);
    auto tick = std::make_shared<std::function<void()>>();
    const IncidentSpec* p = &inc;
    std::weak_ptr<std::function<void()>> weak = tick;
    *tick = [this, p, n, weak] {
      HealthCheck(*p, w_.now, (*n)++);
      const Millis next = w_.now + p->interval;
      auto self = weak.lock();
      if (self && p->until >= 0 && next < start_ + p->until) Schedule(next, [self] { (*self)(); });
    };
    (*tick)();
  }
}

void Simulation::EndIncident(const IncidentSpec& inc) {
  const Millis t = w_.now;
  auto [ci, job, rt] = ResolveIncident(inc);
  const auto& type = inc.type;
  if (type == "backpressure") {
    if (rt) {
      for (std::size_t i = 0; i < job->vertices.size(); ++i) {
        if (job->vertices[i].name == inc.vertex || std::to_string(i) == inc.vertex) {
          rt->backpressure.erase(static_cast<int>(i));
        }
      }
    }
  } else if (type == "checkpoint_failures" || type == "checkpoint_timeouts" || type == "checkpoint_stall") {
    if (rt) {
      rt->mode = CheckpointMode::kNormal;
      if (rt->pending) rt->pending_complete_at = std::max(rt->pending_complete_at, t + rt->spec.checkpoint_duration);
    }
  } else if (type == "jobmanager_unreachable") {
    auto& crt = clusters_[*ci];
    crt.unreachable = std::max(0, crt.unreachable - 1);
    w_.flink[*ci].reachable = crt.unreachable == 0;
  } else if (type == "taskmanager_zombie") {
    ZombieDropped(inc, *ci);
  } else if (type == "task_leak") {
    LeakKilled(inc, *ci);
  } else if (type == "agent_lost") {
    for (auto& agent : w_.mesos.agents) {
      if (agent.state != AgentState::kUnreachable) continue;
      if (agent.id == inc.agent || agent.hostname == inc.agent ||
          std::to_string(&agent - w_.mesos.agents.data()) == inc.agent) {
        agent.state = AgentState::kActive;
        agent.registered_time = t;
        AppendEvent("AGENT_ADDED", AgentAddedEventJson(agent));
      }
    }
  }
}

void Simulation::TaskManagerLost(std::size_t cluster, const std::string& tm_id, Millis t) {
  auto& c = w_.flink[cluster];
  auto it = std::find_if(c.taskmanagers.begin(), c.taskmanagers.end(), [&](const TaskManager& x) { return x.id == tm_id; });
  if (it == c.taskmanagers.end()) return;
  const std::string host = it->host;
  const int data_port = it->data_port;
  c.taskmanagers.erase(it);

  for (auto& job : c.jobs) {
    auto* rt = Runtime(job);
    if (!rt || IsGloballyTerminal(job.state)) continue;
    if (std::find(rt->slot_tms.begin(), rt->slot_tms.end(), tm_id) == rt->slot_tms.end()) continue;
    for (auto& s : rt->slot_tms) {
      if (s == tm_id) s.clear();
    }
    if (job.state != JobStatus::kRunning) continue;
    SetJobState(job, JobStatus::kRestarting, t);
    job.restarts += 1;
    JobException ex;
    ex.exception_name = "java.lang.Exception";
    ex.message = "TaskManager was lost/killed: " + tm_id + " @ " + host + " (dataPort=" + std::to_string(data_port) + ")";
    ex.stacktrace = ex.exception_name + ": " + ex.message +
                    "\n\tat org.apache.flink.runtime.resourcemanager.slotmanager.SlotManagerImpl.removeSlot("
                    "SlotManagerImpl.java:1208)\n"
                    "\tat org.apache.flink.runtime.resourcemanager.ResourceManager.closeTaskManagerConnection("
                    "ResourceManager.java:1046)\n";
    ex.timestamp = t;
    ex.location = host + ":" + std::to_string(data_port);
    ex.taskmanager_id = tm_id;
    for (const auto& v : job.vertices) {
      for (const auto& st : v.subtasks) {
        if (ex.task_name.empty() && st.taskmanager_id == tm_id) {
          ex.task_name = v.name + " (" + std::to_string(st.index + 1) + "/" + std::to_string(v.parallelism) + ")";
        }
      }
    }
    job.exceptions.insert(job.exceptions.begin(), ex);
    if (job.exceptions.size() > static_cast<std::size_t>(kMaxExceptions)) job.exceptions.resize(kMaxExceptions);
    for (auto& v : job.vertices) {
      for (auto& st : v.subtasks) {
        st.state = ExecutionState::kCanceled;
        st.records_in_per_second = st.records_out_per_second = 0;
        st.backpressured_ratio = st.busy_ratio = 0;
        st.idle_ratio = 1;
      }
    }
    if (rt->pending) FailCheckpoint(job, *rt, t, "Checkpoint Coordinator is suspending.");
    const std::string id = job.id;
    Schedule(t + kRestartDelay, [this, cluster, id] { RestartJob(cluster, id); });
  }
  // Flink's resource manager asks for a replacement worker.
  LaunchTaskManagers(cluster, 1, 1000);
  RecomputeSlots(cluster);
}

void Simulation::RestartJob(std::size_t cluster, const std::string& job_id) {
  auto& c = w_.flink[cluster];
  for (auto& job : c.jobs) {
    if (job.id != job_id || job.state != JobStatus::kRestarting) continue;
    auto* rt = Runtime(job);
    if (!rt) return;
    if (c.taskmanagers.empty()) {
      Schedule(w_.now + kRestartDelay, [this, cluster, job_id] { RestartJob(cluster, job_id); });
      return;
    }
    AllocateSlots(cluster, job, *rt);
    SetJobState(job, JobStatus::kRunning, w_.now);
    AssignSubtasks(cluster, job, *rt, w_.now, true);
    rt->next_trigger = w_.now + job.checkpoint_config.interval;
    RecomputeSlots(cluster);
  }
}

void Simulation::Redeploy(std::size_t cluster, const std::string& job_name, const std::string& mode,
                          std::function<void(std::size_t, const std::string&, std::optional<Checkpoint>)> then) {
  Job* job = FindJob(cluster, job_name);
  if (!job || job->state != JobStatus::kRunning || !Runtime(*job)) {
    warnings_.push_back("redeploy: job '" + job_name + "' is not running");
    return;
  }
  auto* rt = Runtime(*job);
  const std::string id = job->id;
  rt->on_savepoint = [this, cluster, id, job_name, mode, then](const Checkpoint& sp) {
    for (auto& j : w_.flink[cluster].jobs) {
      if (j.id != id || IsGloballyTerminal(j.state)) continue;
      if (mode == "stop") {
        EndJob(cluster, j, JobStatus::kFinished, w_.now);
      } else {
        j.state_timestamps[JobStatus::kCancelling] = w_.now;
        EndJob(cluster, j, JobStatus::kCanceled, w_.now);
      }
    }
    std::optional<Checkpoint> restored;
    if (sp.status == CheckpointStatus::kCompleted) restored = sp;
    then(cluster, job_name, restored);
  };
  if (job->has_checkpoint_coordinator) {
    TriggerCheckpoint(*job, *rt, w_.now, true);
  } else {
    Checkpoint none;
    none.status = CheckpointStatus::kFailed;
    auto cb = rt->on_savepoint;
    rt->on_savepoint = nullptr;
    Schedule(w_.now + 1000, [cb, none] { cb(none); });
  }
}

void Simulation::SubmitFromSavepoint(std::size_t cluster, const std::string& name, const JobSpec& spec,
                                     std::optional<Checkpoint> savepoint, Millis t) {
  Schedule(t, [this, cluster, name, spec, savepoint] {
    const Millis now = w_.now;
    Job job = MakeJob(cluster, spec, name, now, true);
    job.state_timestamps.clear();
    const bool has_init = w_.flink[cluster].dialect >= FlinkDialect::k1_13;
    SetJobState(job, has_init ? JobStatus::kInitializing : JobStatus::kCreated, now);
    for (auto& v : job.vertices) {
      for (auto& st : v.subtasks) st.state = ExecutionState::kCreated;
    }
    auto& rt = jobs_[job.id];
    if (savepoint) {
      CheckpointStats::Restored r;
      r.id = savepoint->id;
      r.restore_timestamp = now;
      r.is_savepoint = savepoint->is_savepoint;
      r.external_path = savepoint->external_path;
      job.checkpoints.latest_restored = r;
      job.checkpoints.restored = 1;
      rt.next_checkpoint_id = savepoint->id + 1;
    }
    const std::string id = job.id;
    w_.flink[cluster].jobs.push_back(std::move(job));
    Schedule(now + 2000, [this, cluster, id] {
      for (auto& j : w_.flink[cluster].jobs) {
        if (j.id != id || IsGloballyTerminal(j.state)) continue;
        auto* r = Runtime(j);
        if (j.state_timestamps.count(JobStatus::kInitializing)) SetJobState(j, JobStatus::kCreated, w_.now);
        AllocateSlots(cluster, j, *r);
        SetJobState(j, JobStatus::kRunning, w_.now);
        AssignSubtasks(cluster, j, *r, w_.now, true);
        r->next_trigger = w_.now + j.checkpoint_config.interval;
        RecomputeSlots(cluster);
      }
    });
  });
}

void Simulation::Upgrade(std::size_t cluster, const std::string& version, Millis downtime) {
  struct Resubmit {
    std::string name;
    JobSpec spec;
    std::optional<Checkpoint> savepoint;
  };
  auto resubmits = std::make_shared<std::vector<Resubmit>>();
  // 1. Cancel every running job with a savepoint; the JobManager stops once all are done.
  std::vector<std::string> names;
  for (auto& job : w_.flink[cluster].jobs) {
    if (job.state == JobStatus::kRunning && Runtime(job)) names.push_back(job.name);
  }
  auto stop = std::make_shared<std::function<void()>>();
  auto remaining = std::make_shared<std::size_t>(names.size());
  for (const auto& name : names) {
    Job* job = FindJob(cluster, name);
    JobSpec spec = Runtime(*job)->spec;
    Redeploy(cluster, name, "cancel",
             [this, resubmits, spec, remaining, stop](std::size_t, const std::string& n, std::optional<Checkpoint> sp) {
               resubmits->push_back({n, spec, std::move(sp)});
               if (--*remaining == 0) Schedule(w_.now + 1000, [stop] { (*stop)(); });
             });
  }
  // 2. The JobManager stops: TaskManagers are killed, the framework disconnects.
  *stop = [this, cluster, version, downtime, resubmits] {
    auto& c = w_.flink[cluster];
    auto& crt = clusters_[cluster];
    crt.unreachable += 1;
    c.reachable = false;
    for (auto& job : c.jobs) {
      if (!IsGloballyTerminal(job.state)) EndJob(cluster, job, JobStatus::kCanceled, w_.now);
    }
    const int tm_count = static_cast<int>(c.taskmanagers.size());
    const auto tms = c.taskmanagers;
    c.taskmanagers.clear();
    crt.zombies.clear();
    if (c.on_mesos) {
      for (const auto& tm : tms) {
        UpdateTask(c.framework_id, tm.id,
                   Status("TASK_KILLED", "SOURCE_EXECUTOR", "", "Command terminated with signal Terminated"));
      }
      auto& fw = w_.mesos.frameworks[static_cast<std::size_t>(crt.framework)];
      fw.active = fw.connected = false;
      fw.unregistered_time = w_.now;
      AppendEvent("FRAMEWORK_UPDATED", FrameworkUpdatedEventJson(fw));
    }
    // 3. The new version comes up, re-registers as the same framework, gets TaskManagers and
    //    the jobs are resubmitted from their savepoints (with new job ids).
    Schedule(w_.now + downtime, [this, cluster, version, tm_count, resubmits] {
      auto& c2 = w_.flink[cluster];
      auto& crt2 = clusters_[cluster];
      for (const auto& job : c2.jobs) jobs_.erase(job.id);
      c2.jobs.clear();  // the new JobManager has an empty archive
      c2.version = version;
      c2.dialect = DialectForVersion(version);
      c2.revision = version.rfind("1.13", 0) == 0 ? "b2ca390 @ 2022-02-03T14:54:22+01:00"
                                                   : rng_.Hex(7) + " @ 2024-01-01T00:00:00+01:00";
      crt2.spec.version = version;
      c2.jobmanager_start = w_.now;
      crt2.unreachable = std::max(0, crt2.unreachable - 1);
      c2.reachable = crt2.unreachable == 0;
      if (c2.on_mesos) {
        auto& fw = w_.mesos.frameworks[static_cast<std::size_t>(crt2.framework)];
        fw.active = fw.connected = true;
        fw.unregistered_time = 0;
        AppendEvent("FRAMEWORK_UPDATED", FrameworkUpdatedEventJson(fw));
      }
      LaunchTaskManagers(cluster, std::max(1, tm_count), 2000);
      for (const auto& r : *resubmits) SubmitFromSavepoint(cluster, r.name, r.spec, r.savepoint, w_.now + 10'000);
    });
  };
  if (names.empty()) Schedule(w_.now + 1000, [stop] { (*stop)(); });
}

void Simulation::LeaderFailover(std::optional<int> to, Millis downtime) {
  auto& m = w_.mesos;
  const int n = static_cast<int>(m.masters.size());
  const int old = m.leader;
  const int target = to ? *to : (old < 0 ? 0 : (old + 1) % n);
  AppendEvent("LEADER_CHANGED", R"({"type":"LEADER_CHANGED"})");
  if (old >= 0) {
    auto& prev = m.masters[static_cast<std::size_t>(old)];
    prev.start_time = w_.now + 1000;  // the old leader's process restarts
    prev.elected_time = 0;
  }
  if (downtime > 0) {
    m.leader = -1;
    Schedule(w_.now + downtime, [this, target] {
      w_.mesos.leader = target;
      w_.mesos.masters[static_cast<std::size_t>(target)].elected_time = w_.now;
    });
  } else {
    m.leader = target;
    m.masters[static_cast<std::size_t>(target)].elected_time = w_.now;
  }
}

void Simulation::HealthCheck(const IncidentSpec& inc, Millis /*t*/, int n) {
  std::string fw;
  std::string task_id = inc.task.empty() ? inc.taskmanager : inc.task;
  if (!inc.cluster.empty()) {
    if (auto ci = ClusterIndex(inc.cluster)) fw = w_.flink[*ci].framework_id;
  }
  Task* task = FindTask(fw, task_id);
  if (!task) return Warn(inc, "no running task '" + task_id + "'");
  // Same state as before: Mesos still publishes a TASK_UPDATED (a "duplicate" for consumers).
  TaskStatusRecord s = Status(task->state, "SOURCE_EXECUTOR", "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED", "");
  s.healthy = inc.healthy ? *inc.healthy : (n % 2 == 1);
  const std::string framework_id = task->framework_id, id = task->id;
  UpdateTask(framework_id, id, s);
}

}  // namespace fme::sim
