// Internal to the engine: the deterministic simulation that builds a World from a Scenario and
// moves it forward step by step. Not thread-safe: the Engine calls it under its mutex.
//
// Split over several files: simulation_build.cc (initial world), simulation_step.cc (Flink
// metrics, checkpoints, TaskManagers), simulation_mesos.cc (Mesos task/agent/framework mutations
// and their v1 events), simulation_incidents.cc (the scripted timeline), simulation_discovery.cc
// (what tests discovery and the TaskManager <-> task join: late registration, teardown, zombies,
// leaked tasks).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scenario/scenario.h"
#include "world/rng.h"
#include "world/world.h"

namespace fme::sim {

std::string PadNumber(int n, int width);                           // 7, 5 -> "00007"
std::string CopyName(const std::string& base, int i, int count);  // copy i of count: "<base>-001"

class Simulation {
 public:
  // Builds the initial world at `start` into `world` (which must be empty).
  Simulation(const Scenario& scenario, Millis start, World& world);

  // Runs every step whose time is <= `now` (steps are on a fixed grid from the start, so how the
  // calls are split does not change the outcome). Sets world.now = max(world.now, now).
  void AdvanceTo(Millis now);

  // Problems found while applying the timeline (e.g. a named TaskManager that does not exist).
  const std::vector<std::string>& warnings() const { return warnings_; }

  static constexpr std::size_t kMaxEvents = 10000;
  static constexpr int kMaxCheckpointHistory = 10;
  static constexpr int kMaxExceptions = 20;

 private:
  enum class CheckpointMode { kNormal, kFail, kTimeout, kStall };

  struct JobRuntime {
    JobSpec spec;
    Millis next_trigger = 0;
    int64_t next_checkpoint_id = 1;
    std::optional<int64_t> pending;  // id of the in-progress checkpoint
    Millis pending_complete_at = 0;
    CheckpointMode mode = CheckpointMode::kNormal;
    std::string fail_message;
    std::map<int, double> backpressure;  // vertex index -> ratio
    double extra_lag = 0;                // ms of watermark lag added by backpressure
    double state_size = 0;               // bytes
    std::vector<std::string> slot_tms;   // TaskManager id per slot (subtask index)
    std::function<void(const Checkpoint&)> on_savepoint;  // called when a savepoint completes
  };

  struct ClusterRuntime {
    FlinkClusterSpec spec;
    int framework = -1;  // index in world.mesos.frameworks once registered with Mesos
    int next_tm = 1;     // next taskmanager-NNNNN number
    int unreachable = 0; // incidents currently holding the JobManager down
    std::optional<Framework> pending;  // start_at: the framework it will register as
    std::set<std::string> zombies;     // TaskManagers Flink still lists although their task ended
    bool torn_down = false;            // framework_teardown: gone for good
  };

  // ------------------------------------------------------------ build (simulation_build.cc)
  void BuildMesos();
  void BuildFlink();
  void BuildCluster(const FlinkClusterSpec& spec, const std::string& name);
  void AssignLateFrameworkIds();  // start_at clusters: ids in registration order, registration scheduled
  int TaskManagerCount(const FlinkClusterSpec& spec) const;  // raised to fit the jobs' slots
  Job MakeJob(std::size_t cluster, const JobSpec& spec, const std::string& name, Millis start, bool restored);
  Task MakeTask(std::size_t framework, std::size_t agent, const std::string& id, const std::string& name,
                const Resources& res, Millis launched, bool with_executor);
  std::size_t PickAgent();
  void ValidateTimeline();

  // ------------------------------------------------------------ steps (simulation_step.cc)
  void Step(Millis t);
  void StepJob(FlinkCluster& cluster, Job& job, JobRuntime& rt, Millis t);
  void StepCheckpoints(Job& job, JobRuntime& rt, Millis t);
  void StepTaskManager(TaskManager& tm, Millis t);
  void TriggerCheckpoint(Job& job, JobRuntime& rt, Millis t, bool savepoint);
  void CompleteCheckpoint(Job& job, JobRuntime& rt, Millis t);
  void FailCheckpoint(Job& job, JobRuntime& rt, Millis t, const std::string& message);
  Checkpoint* FindCheckpoint(Job& job, int64_t id);
  void RecomputeSlots(std::size_t cluster);
  bool AllocateSlots(std::size_t cluster, Job& job, JobRuntime& rt);
  void AssignSubtasks(std::size_t cluster, Job& job, JobRuntime& rt, Millis t, bool new_attempt);
  void SetJobState(Job& job, JobStatus s, Millis t);
  void EndJob(std::size_t cluster, Job& job, JobStatus s, Millis t);
  TaskManager MakeTaskManager(std::size_t cluster, const std::string& id, const std::string& host, Millis t);

  // ------------------------------------------------------------ Mesos (simulation_mesos.cc)
  void AppendEvent(const std::string& type, std::string json);
  Task* FindTask(const std::string& framework_id, const std::string& task_id);
  // Launches a task (TASK_ADDED now, STARTING/RUNNING later); `on_running` runs at TASK_RUNNING.
  void LaunchTask(std::size_t framework, std::size_t agent, const std::string& id, const std::string& name,
                  const Resources& res, std::function<void(const Task&)> on_running);
  // Records a status update for a task and emits TASK_UPDATED; terminal states move it to
  // completed_tasks and release its agent resources.
  void UpdateTask(const std::string& framework_id, const std::string& task_id, TaskStatusRecord status);
  TaskStatusRecord Status(const std::string& state, const std::string& source, const std::string& reason,
                          const std::string& message);
  void LaunchTaskManagers(std::size_t cluster, int count, Millis delay);
  std::string NextTaskManagerId(std::size_t cluster);  // "taskmanager-NNNNN", numbering continues
  Resources TaskManagerResources(std::size_t cluster) const;
  bool FrameworkRegistered(std::size_t cluster) const;  // registered and not torn down
  int AgentIndex(const std::string& agent_id) const;

  // ------------------------------------------------------------ incidents (simulation_incidents.cc)
  void ScheduleTimeline();
  void Schedule(Millis at, std::function<void()> action);
  // What an incident names: its cluster (if any), job and the job's runtime (null when absent).
  struct IncidentTarget {
    std::optional<std::size_t> cluster;
    Job* job = nullptr;
    JobRuntime* runtime = nullptr;
  };
  IncidentTarget ResolveIncident(const IncidentSpec& inc);
  void StartIncident(const IncidentSpec& inc);
  void EndIncident(const IncidentSpec& inc);
  void TaskManagerLost(std::size_t cluster, const std::string& tm_id, Millis t);
  void RestartJob(std::size_t cluster, const std::string& job_id);
  void Redeploy(std::size_t cluster, const std::string& job_name, const std::string& mode,
                std::function<void(std::size_t, const std::string&, std::optional<Checkpoint>)> then);
  void SubmitFromSavepoint(std::size_t cluster, const std::string& name, const JobSpec& spec,
                           std::optional<Checkpoint> savepoint, Millis t);
  void Upgrade(std::size_t cluster, const std::string& version, Millis downtime);
  void LeaderFailover(std::optional<int> to, Millis downtime);
  void HealthCheck(const IncidentSpec& inc, Millis t, int n);

  // ------------------------------------------------------------ discovery (simulation_discovery.cc)
  void RegisterLateFramework(std::size_t cluster);
  void FrameworkTeardown(const IncidentSpec& inc, std::size_t cluster);
  void TaskManagerZombie(const IncidentSpec& inc, std::size_t cluster);
  void ZombieDropped(const IncidentSpec& inc, std::size_t cluster);
  void TaskLeak(const IncidentSpec& inc, std::size_t cluster);
  void LeakKilled(const IncidentSpec& inc, std::size_t cluster);
  std::optional<std::size_t> ClusterIndex(const std::string& name) const;
  Job* FindJob(std::size_t cluster, const std::string& name);  // newest non-terminal, else newest
  JobRuntime* Runtime(const Job& job);
  void Warn(const IncidentSpec& inc, const std::string& what);

  const Scenario& scenario_;
  World& w_;
  Rng rng_;
  Millis start_;
  Millis next_step_;  // time of the next step to run
  std::string cluster_prefix_;  // Mesos id prefix of frameworks and agents
  std::size_t next_agent_pick_ = 0;
  int next_framework_ = 0;
  std::vector<ClusterRuntime> clusters_;
  std::unordered_map<std::string, JobRuntime> jobs_;  // by job id
  std::multimap<std::pair<Millis, uint64_t>, std::function<void()>> schedule_;
  uint64_t schedule_seq_ = 0;
  std::vector<std::string> warnings_;
  // Tasks an incident acted on at its start, for its end (zombie TaskManager, leaked tasks).
  std::map<const IncidentSpec*, std::vector<std::string>> incident_tasks_;
};

}  // namespace fme::sim
