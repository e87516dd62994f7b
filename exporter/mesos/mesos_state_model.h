// MesosStateModel: the in-memory state of one Mesos cluster (agents, registered frameworks and
// their tasks), kept current from the v1 event stream or replaced wholesale by a poll.
//
// Tasks ending are counted per framework by {state, reason, source}. A task counts once, when it
// is first seen terminal (from an event or in a snapshot); the counted task ids are remembered
// so that repeated updates and a resubscribe's replay of the master's completed tasks do not
// count it again. A snapshot forgets the counted ids it no longer lists (the master evicted
// them, so they cannot come back), which bounds memory by the master's own retention. Counters
// never decrease; they vanish only with their framework.
//
// Memory: non-terminal tasks are kept (up to max_tasks; further new tasks are only counted in
// dropped_tasks()); of terminal tasks only the counted ids and the latest record of each
// Flink-on-Mesos TaskManager task (id "taskmanager-<digits>"), so a join with Flink can tell
// why a TaskManager ended.
//
// Not thread-safe; the owner serialises access.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fme/model/mesos.h"
#include "mesos/bounded_id_set.h"
#include "mesos/mesos_records.h"
#include "mesos/mesos_v1_parser.h"

namespace fme {

struct MesosStateModelOptions {
  // Tasks held in memory; beyond it, new tasks are counted in dropped_tasks() instead.
  std::size_t max_tasks = 1'000'000;
  // Counted task ids remembered per framework between snapshots. It must not be below the
  // master's --max_completed_tasks_per_framework (1000 by default), or a resubscribe could
  // replay a completed task this model has already forgotten and count it twice.
  std::size_t max_counted_tasks_per_framework = 10'000;
};

// "taskmanager-<digits>": the task ids Flink's Mesos resource manager gives TaskManagers.
bool IsTaskManagerTaskId(std::string_view id);

class MesosStateModel {
 public:
  explicit MesosStateModel(MesosStateModelOptions options = {}) : options_(options) {}

  // Replaces the whole state with a snapshot (SUBSCRIBED or a poll); only the termination
  // counters of frameworks the snapshot still lists are carried over.
  void Reset(MesosStateRecords state);
  // Applies one event; SUBSCRIBED resets, HEARTBEAT and unknown types are ignored.
  void Apply(const MesosEvent& e);
  // Brings agent liveness in line with a poll of /master/slaves: the event stream sends no
  // AGENT_REMOVED for agents that become unreachable, and an agent without tasks gives no task
  // event either. Listed agents replace the model's; agents the master no longer lists, or
  // lists as recovered only, are unreachable.
  void ReconcileAgents(const std::vector<MesosAgentRecord>& polled);
  // Sets obs.agents and obs.frameworks (registered frameworks only), both sorted by id.
  void Fill(MesosObservation& obs) const;

  // New tasks not stored because max_tasks was reached, since construction.
  uint64_t dropped_tasks() const { return dropped_tasks_; }
  // Task records held (non-terminal tasks and TaskManager tasks).
  std::size_t stored_tasks() const { return stored_tasks_; }
  // Counted terminal task ids remembered, over all frameworks.
  std::size_t counted_task_ids() const;

 private:
  struct TerminationKey {
    MesosTaskState state = MesosTaskState::kUnrecognized;
    std::string reason;
    std::string source;
    auto operator<=>(const TerminationKey&) const = default;
  };

  struct Framework {
    explicit Framework(std::size_t counted_capacity) : counted(counted_capacity) {}
    std::optional<MesosFrameworkRecord> record;  // unset: tasks seen, framework not registered
    std::unordered_map<std::string, MesosTaskRecord> tasks;  // non-terminal, not TaskManagers
    std::map<std::string, MesosTaskRecord> taskmanagers;     // TaskManager tasks, any state
    std::array<int64_t, kMesosActiveTaskStateCount> active{};  // stored tasks per state
    BoundedIdSet counted;
    std::map<TerminationKey, double> terminations;
  };
  using FrameworkMap = std::map<std::string, Framework>;

  Framework& FrameworkFor(const std::string& id);
  void DropIfUnused(FrameworkMap::iterator it);
  static const MesosTaskRecord* FindTask(const Framework& f, const std::string& id);
  // Keeps `task` as the latest record of its id, or forgets the id when a terminal record is not
  // worth keeping. False when the task is new and max_tasks is reached.
  bool Store(Framework& f, MesosTaskRecord task);
  void Erase(Framework& f, const std::string& id);
  void AdjustActive(Framework& f, MesosTaskState s, int64_t delta);
  // Counts a terminal task of a registered framework unless its id was counted already.
  // `counted_before` is consulted too (a resubscribe's previous state).
  void CountTermination(Framework& f, const MesosTaskRecord& task,
                        const Framework* counted_before = nullptr);
  void AddTask(const MesosTaskRecord& task);
  void UpdateTask(const MesosTaskRecord& update);
  void MarkAgentLost(const MesosTaskRecord& task);
  // Adds (sign +1) or removes (-1) a task's resources from its agent's and framework's usage.
  void AccountUsage(Framework& f, const MesosTaskRecord& task, double sign);

  MesosStateModelOptions options_;
  FrameworkMap frameworks_;
  std::map<std::string, MesosAgentRecord> agents_;
  std::size_t stored_tasks_ = 0;
  uint64_t dropped_tasks_ = 0;
};

}  // namespace fme
