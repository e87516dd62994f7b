#include "exposition/flink_families.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace fme::exposition {
namespace {

// Label tails of the enum families, escaped once per process: `,state="RUNNING"` and so on,
// indexed by the enum value.
struct EnumTails {
  std::array<std::string, kFlinkJobStateCount> job_state;
  std::array<std::string, kFlinkExecutionStateCount> execution_state;
  std::array<std::string, 3> backpressure_level;  // ok, low, high: FlinkBackpressureLevel
};
static_assert(static_cast<int>(FlinkBackpressureLevel::kHigh) == 2, "three levels, from 0");

template <typename Enum, std::size_t N, typename NameOf>
std::array<std::string, N> MakeTails(std::string_view label, NameOf name_of) {
  std::array<std::string, N> tails;
  for (std::size_t i = 0; i < N; ++i) AppendLabel(tails[i], label, name_of(static_cast<Enum>(i)));
  return tails;
}

const EnumTails& GetTails() {
  static const EnumTails tails{
      MakeTails<FlinkJobState, kFlinkJobStateCount>("state", FlinkJobStateName),
      MakeTails<FlinkExecutionState, kFlinkExecutionStateCount>("state", FlinkExecutionStateName),
      MakeTails<FlinkBackpressureLevel, 3>("level", FlinkBackpressureLevelName),
  };
  return tails;
}

constexpr std::string_view kStatMax = ",stat=\"max\"";
constexpr std::string_view kStatAvg = ",stat=\"avg\"";

double Num(int64_t v) { return static_cast<double>(v); }

void MaxAvgLines(FamilyBuffers& fb, Family f, std::string_view labels, const MaxAvg& v) {
  fb.Optional(f, labels, kStatMax, v.max);
  fb.Optional(f, labels, kStatAvg, v.avg);
}

// An `_info` series naming an exception class; "unknown" when Flink gave none.
void ExceptionInfo(FamilyBuffers& fb, Family f, std::string_view labels, std::string& extra,
                   const std::string& exception, std::string_view mesos_reason = {}) {
  extra.clear();
  AppendLabel(extra, "exception", exception.empty() ? std::string_view("unknown") : exception);
  if (!mesos_reason.empty()) AppendLabel(extra, "mesos_reason", mesos_reason);
  fb.Line(f, labels, extra, 1);
}

void RenderCheckpoints(const FlinkCheckpointStats& c, FamilyBuffers& fb, std::string_view labels,
                       std::string& extra) {
  fb.Line(kFlinkJobCheckpoints, labels, ",result=\"completed\"", Num(c.completed));
  fb.Line(kFlinkJobCheckpoints, labels, ",result=\"failed\"", Num(c.failed));
  fb.Line(kFlinkJobCheckpointsInProgress, labels, {}, Num(c.in_progress));
  fb.Line(kFlinkJobCheckpointsRestored, labels, {}, Num(c.restored));
  fb.Optional(kFlinkJobLastCheckpointCompleted, labels, {}, c.last_completed_timestamp);
  fb.Optional(kFlinkJobLastCheckpointDuration, labels, {}, c.last_duration_seconds);
  fb.Optional(kFlinkJobLastCheckpointSize, labels, {}, c.last_size_bytes);
  fb.Optional(kFlinkJobLastCheckpointStateSize, labels, {}, c.last_state_size_bytes);
  fb.Optional(kFlinkJobLastCheckpointProcessed, labels, {}, c.last_processed_bytes);
  fb.Optional(kFlinkJobLastCheckpointPersisted, labels, {}, c.last_persisted_bytes);
  fb.Optional(kFlinkJobLastCheckpointFailure, labels, {}, c.last_failure_timestamp);
  if (c.last_failure_timestamp || !c.last_failure_exception.empty()) {
    ExceptionInfo(fb, kFlinkJobLastCheckpointFailureInfo, labels, extra, c.last_failure_exception);
  }
  fb.Optional(kFlinkJobLastSavepoint, labels, {}, c.last_savepoint_timestamp);
  fb.Optional(kFlinkJobLastCheckpointRestore, labels, {}, c.last_restore_timestamp);
}

void RenderCheckpointConfig(const FlinkCheckpointConfig& c, FamilyBuffers& fb,
                            std::string_view labels, std::string& extra) {
  // An interval is meaningless (Long.MAX_VALUE upstream) while periodic checkpointing is off.
  if (c.periodic) fb.Optional(kFlinkJobCheckpointInterval, labels, {}, c.interval_seconds);
  fb.Optional(kFlinkJobCheckpointTimeout, labels, {}, c.timeout_seconds);
  fb.Optional(kFlinkJobCheckpointMinPause, labels, {}, c.min_pause_seconds);
  if (c.max_concurrent) {
    fb.Line(kFlinkJobCheckpointMaxConcurrent, labels, {}, Num(*c.max_concurrent));
  }
  if (c.tolerable_failures) {
    fb.Line(kFlinkJobCheckpointTolerableFailures, labels, {}, Num(*c.tolerable_failures));
  }
  extra.clear();
  AppendLabel(extra, "mode", c.mode.empty() ? std::string_view("unknown") : c.mode);
  extra += c.periodic ? ",periodic=\"true\"" : ",periodic=\"false\"";
  fb.Line(kFlinkJobCheckpointInfo, labels, extra, 1);
}

void RenderSubtask(const FlinkSubtaskLoad& st, FamilyBuffers& fb, const std::string& vertex,
                   std::string& labels) {
  char index[24];
  const char* end = std::to_chars(index, index + sizeof index, st.index).ptr;
  labels.assign(vertex);
  AppendLabel(labels, "subtask", std::string_view(index, static_cast<std::size_t>(end - index)));
  fb.Optional(kFlinkSubtaskBackpressuredRatio, labels, {}, st.backpressured_ratio);
  fb.Optional(kFlinkSubtaskBusyRatio, labels, {}, st.busy_ratio);
  fb.Optional(kFlinkSubtaskIdleRatio, labels, {}, st.idle_ratio);
}

void RenderVertex(const FlinkVertex& v, FamilyBuffers& fb, LabelScratch& s,
                  const EnumTails& tails) {
  std::string& labels = s.vertex;
  labels.assign(s.entity);
  AppendLabel(labels, "vertex_id", v.id);
  AppendLabel(labels, "vertex_name", v.name);

  fb.Line(kFlinkVertexParallelism, labels, {}, Num(v.parallelism));
  for (int i = 0; i < kFlinkExecutionStateCount; ++i) {
    fb.Line(kFlinkVertexSubtasks, labels, tails.execution_state[i], Num(v.subtasks_by_state[i]));
  }
  MaxAvgLines(fb, kFlinkVertexBackpressuredRatio, labels, v.backpressured_ratio);
  MaxAvgLines(fb, kFlinkVertexBusyRatio, labels, v.busy_ratio);
  MaxAvgLines(fb, kFlinkVertexIdleRatio, labels, v.idle_ratio);
  MaxAvgLines(fb, kFlinkVertexOutputBufferUsage, labels, v.out_pool_usage);
  MaxAvgLines(fb, kFlinkVertexInputBufferUsage, labels, v.in_pool_usage);
  if (v.backpressure_level) {
    const auto level = static_cast<std::size_t>(*v.backpressure_level);
    for (std::size_t i = 0; i < tails.backpressure_level.size(); ++i) {
      fb.Line(kFlinkVertexBackpressureLevel, labels, tails.backpressure_level[i],
              i == level ? 1 : 0);
    }
  }
  fb.Optional(kFlinkVertexRecordsIn, labels, {}, v.records_in);
  fb.Optional(kFlinkVertexRecordsOut, labels, {}, v.records_out);
  fb.Optional(kFlinkVertexWatermark, labels, {}, v.watermark_seconds);
  for (const FlinkSubtaskLoad& st : v.subtasks) RenderSubtask(st, fb, labels, s.subtask);
}

void RenderJob(const FlinkJob& j, const MesosLink* mesos, FamilyBuffers& fb, LabelScratch& s,
               const EnumTails& tails) {
  std::string& labels = s.entity;
  labels.assign(s.target);
  AppendLabel(labels, "job_id", j.id);
  AppendLabel(labels, "job_name", j.name);

  // One-hot over every state, so `== 1` and changes() work whatever the job does next.
  std::size_t state = static_cast<std::size_t>(j.state);
  if (state >= tails.job_state.size()) state = static_cast<std::size_t>(FlinkJobState::kUnknown);
  for (std::size_t i = 0; i < tails.job_state.size(); ++i) {
    fb.Line(kFlinkJobState, labels, tails.job_state[i], i == state ? 1 : 0);
  }
  fb.Optional(kFlinkJobStart, labels, {}, j.start_timestamp);
  fb.Optional(kFlinkJobStateSince, labels, {}, j.state_since_timestamp);
  fb.Optional(kFlinkJobEnd, labels, {}, j.end_timestamp);
  if (j.restarts) fb.Line(kFlinkJobRestarts, labels, {}, Num(*j.restarts));
  if (j.checkpoints) RenderCheckpoints(*j.checkpoints, fb, labels, s.extra);
  if (j.checkpoint_config) RenderCheckpointConfig(*j.checkpoint_config, fb, labels, s.extra);
  if (j.last_failure) {
    fb.Line(kFlinkJobLastFailure, labels, {}, j.last_failure->timestamp);
    // The Mesos reason of the TaskManager the failure names, once Mesos has ended that task:
    // "job X restarted because taskmanager-00042 was killed for exceeding its memory limit".
    std::string_view reason;
    if (mesos != nullptr && !j.last_failure->taskmanager_id.empty()) {
      if (const MesosTask* task = mesos->FindTask(j.last_failure->taskmanager_id);
          task != nullptr && IsTerminal(task->state)) {
        reason = task->reason.empty() ? std::string_view("unknown") : std::string_view(task->reason);
      }
    }
    ExceptionInfo(fb, kFlinkJobLastFailureInfo, labels, s.extra, j.last_failure->exception,
                  reason);
  }
  for (const FlinkVertex& v : j.vertices) RenderVertex(v, fb, s, tails);
}

// The JVM families of a TaskManager or the JobManager.
struct JvmFamilies {
  Family heap_used, heap_max, cpu_load, gc_collections, gc_time;
};
constexpr JvmFamilies kTaskmanagerJvm{kFlinkTaskmanagerHeapUsed, kFlinkTaskmanagerHeapMax,
                                      kFlinkTaskmanagerCpuLoad, kFlinkTaskmanagerGcCollections,
                                      kFlinkTaskmanagerGcTime};
constexpr JvmFamilies kJobmanagerJvm{kFlinkJobmanagerHeapUsed, kFlinkJobmanagerHeapMax,
                                     kFlinkJobmanagerCpuLoad, kFlinkJobmanagerGcCollections,
                                     kFlinkJobmanagerGcTime};

void RenderJvm(const FlinkJvmMetrics& m, const JvmFamilies& f, FamilyBuffers& fb,
               std::string_view labels, std::string& extra) {
  fb.Optional(f.heap_used, labels, {}, m.heap_used_bytes);
  fb.Optional(f.heap_max, labels, {}, m.heap_max_bytes);
  fb.Optional(f.cpu_load, labels, {}, m.cpu_load);
  for (const FlinkGarbageCollector& gc : m.gc) {
    extra.clear();
    AppendLabel(extra, "gc", gc.name);
    fb.Line(f.gc_collections, labels, extra, gc.collections);
    fb.Line(f.gc_time, labels, extra, gc.time_seconds);
  }
}

void RenderTaskmanager(const FlinkTaskManager& tm, const MesosLink* mesos, FamilyBuffers& fb,
                       LabelScratch& s) {
  std::string& labels = s.entity;
  labels.assign(s.target);
  AppendLabel(labels, "tm_id", tm.id);
  s.extra.clear();
  AppendLabel(s.extra, "host", tm.host);
  // On Mesos the TaskManager id is the Mesos task id of the cluster's framework.
  if (const MesosTask* task = mesos != nullptr ? mesos->FindTask(tm.id) : nullptr) {
    AppendLabel(s.extra, "mesos_task_id", task->id);
    AppendLabel(s.extra, "agent_id", task->agent_id);
    AppendLabel(s.extra, "hostname", mesos->AgentHostname(task->agent_id));
    AppendLabel(s.extra, "mesos_task_state", MesosTaskStateName(task->state));
  }
  fb.Line(kFlinkTaskmanagerInfo, labels, s.extra, 1);
  fb.Line(kFlinkTaskmanagerSlots, labels, {}, Num(tm.slots));
  fb.Line(kFlinkTaskmanagerSlotsFree, labels, {}, Num(tm.slots_free));
  fb.Optional(kFlinkTaskmanagerLastHeartbeat, labels, {}, tm.last_heartbeat_timestamp);
  RenderJvm(tm.jvm, kTaskmanagerJvm, fb, labels, s.extra);
}

}  // namespace

// What only the join can tell: how the framework's TaskManager tasks ended, which TaskManagers
// one side does not know, and what the framework holds.
void RenderMesosJoin(const FlinkObservation& obs, const MesosLink& mesos, FamilyBuffers& fb,
                     std::string_view labels, std::string& extra) {
  const MesosFramework& f = *mesos.framework;
  // By state and reason; the source (executor, agent, master) is folded in.
  std::map<std::pair<std::string_view, std::string_view>, double> failures;
  for (const MesosTermination& t : f.terminations) {
    const std::string_view reason =
        t.reason.empty() ? std::string_view("unknown") : std::string_view(t.reason);
    failures[{MesosTaskStateName(t.state), reason}] += t.count;
  }
  for (const auto& [key, count] : failures) {
    extra.clear();
    AppendLabel(extra, "state", key.first);
    AppendLabel(extra, "reason", key.second);
    fb.Line(kFlinkClusterTaskmanagerTaskFailures, labels, extra, count);
  }
  double flink_only = 0;
  for (const FlinkTaskManager& tm : obs.taskmanagers) {
    const MesosTask* task = mesos.FindTask(tm.id);
    if (task == nullptr || IsTerminal(task->state)) ++flink_only;
  }
  double mesos_only = 0;
  for (const MesosTask& task : f.taskmanager_tasks) {
    if (IsTerminal(task.state)) continue;
    const bool listed = std::any_of(obs.taskmanagers.begin(), obs.taskmanagers.end(),
                                    [&](const FlinkTaskManager& tm) { return tm.id == task.id; });
    if (!listed) ++mesos_only;
  }
  fb.Line(kFlinkClusterTaskmanagersUnmatched, labels, ",side=\"flink_only\"", flink_only);
  fb.Line(kFlinkClusterTaskmanagersUnmatched, labels, ",side=\"mesos_only\"", mesos_only);
  fb.Line(kFlinkClusterMesosCpus, labels, {}, f.used.cpus);
  fb.Line(kFlinkClusterMesosMemory, labels, {}, f.used.memory_bytes);
}

void RenderFlinkTarget(const TargetState& t, const MesosLink* mesos, FamilyBuffers& fb,
                       LabelScratch& s) {
  std::string& labels = s.target;
  OpenLabels(labels, "flink_cluster", t.target.name);
  fb.Line(kFlinkUp, labels, {}, t.up ? 1 : 0);
  const auto* obs =
      t.up && t.observation ? std::get_if<FlinkObservation>(&*t.observation) : nullptr;
  if (obs == nullptr) return;
  const FlinkClusterOverview& o = obs->overview;

  s.extra.clear();
  AppendLabel(s.extra, "version", o.version);
  AppendLabel(s.extra, "revision", o.revision);
  AppendLabel(s.extra, "rest_url", t.target.url);
  if (mesos != nullptr) {
    AppendLabel(s.extra, "mesos_cluster", t.target.mesos_cluster);
    AppendLabel(s.extra, "framework_id", mesos->framework->id);
  }
  fb.Line(kFlinkClusterInfo, labels, s.extra, 1);
  fb.Line(kFlinkTaskmanagers, labels, {}, Num(o.taskmanagers));
  fb.Line(kFlinkTaskSlots, labels, {}, Num(o.slots_total));
  fb.Line(kFlinkTaskSlotsAvailable, labels, {}, Num(o.slots_available));
  fb.Line(kFlinkJobs, labels, ",state=\"RUNNING\"", Num(o.jobs_running));
  fb.Line(kFlinkJobs, labels, ",state=\"FINISHED\"", Num(o.jobs_finished));
  fb.Line(kFlinkJobs, labels, ",state=\"CANCELED\"", Num(o.jobs_cancelled));
  fb.Line(kFlinkJobs, labels, ",state=\"FAILED\"", Num(o.jobs_failed));
  for (const auto& [name, count] : obs->deployments) {
    s.extra.clear();
    AppendLabel(s.extra, "job_name", name);
    fb.Line(kFlinkJobDeployments, labels, s.extra, count);
  }
  for (const auto& [pattern, running] : obs->expected_jobs_running) {
    s.extra.clear();
    AppendLabel(s.extra, "pattern", pattern);
    fb.Line(kFlinkExpectedJobsRunning, labels, s.extra, Num(running));
  }

  if (!obs->jobs.empty()) {
    const EnumTails& tails = GetTails();
    for (const FlinkJob& j : obs->jobs) RenderJob(j, mesos, fb, s, tails);
  }
  for (const FlinkTaskManager& tm : obs->taskmanagers) RenderTaskmanager(tm, mesos, fb, s);
  if (mesos != nullptr) RenderMesosJoin(*obs, *mesos, fb, labels, s.extra);
  if (obs->jobmanager) RenderJvm(*obs->jobmanager, kJobmanagerJvm, fb, labels, s.extra);
}

void PrefetchFlink(const FlinkObservation& f) {
  __builtin_prefetch(f.overview.version.data());
  __builtin_prefetch(f.overview.revision.data());
  __builtin_prefetch(f.jobs.data());
  __builtin_prefetch(f.taskmanagers.data());
}

}  // namespace fme::exposition
