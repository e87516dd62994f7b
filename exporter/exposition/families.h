// The catalogue of upstream families: every family a Snapshot can produce, in output order,
// with its HELP text and type. Internal to the renderer; docs/metrics.md is the user-facing
// version and must list the same families.
#pragma once

#include <array>
#include <string_view>

#include "exposition/text_writer.h"

namespace fme::exposition {

enum Family : int {
  // Flink cluster (from /overview and /config).
  kFlinkUp,
  kFlinkClusterInfo,
  kFlinkTaskmanagers,
  kFlinkTaskSlots,
  kFlinkTaskSlotsAvailable,
  kFlinkJobs,
  kFlinkJobDeployments,
  kFlinkExpectedJobsRunning,
  // Flink jobs.
  kFlinkJobState,
  kFlinkJobStart,
  kFlinkJobStateSince,
  kFlinkJobEnd,
  kFlinkJobRestarts,
  kFlinkJobCheckpoints,
  kFlinkJobCheckpointsInProgress,
  kFlinkJobCheckpointsRestored,
  kFlinkJobLastCheckpointCompleted,
  kFlinkJobLastCheckpointDuration,
  kFlinkJobLastCheckpointSize,
  kFlinkJobLastCheckpointStateSize,
  kFlinkJobLastCheckpointProcessed,
  kFlinkJobLastCheckpointPersisted,
  kFlinkJobLastCheckpointFailure,
  kFlinkJobLastCheckpointFailureInfo,
  kFlinkJobLastSavepoint,
  kFlinkJobLastCheckpointRestore,
  kFlinkJobCheckpointInterval,
  kFlinkJobCheckpointTimeout,
  kFlinkJobCheckpointMinPause,
  kFlinkJobCheckpointMaxConcurrent,
  kFlinkJobCheckpointTolerableFailures,
  kFlinkJobCheckpointInfo,
  kFlinkJobLastFailure,
  kFlinkJobLastFailureInfo,
  // Flink job vertices and, opt-in, their subtasks.
  kFlinkVertexParallelism,
  kFlinkVertexSubtasks,
  kFlinkVertexBackpressuredRatio,
  kFlinkVertexBusyRatio,
  kFlinkVertexIdleRatio,
  kFlinkVertexOutputBufferUsage,
  kFlinkVertexInputBufferUsage,
  kFlinkVertexBackpressureLevel,
  kFlinkVertexRecordsIn,
  kFlinkVertexRecordsOut,
  kFlinkVertexWatermark,
  kFlinkSubtaskBackpressuredRatio,
  kFlinkSubtaskBusyRatio,
  kFlinkSubtaskIdleRatio,
  // Flink processes.
  kFlinkTaskmanagerInfo,
  kFlinkTaskmanagerSlots,
  kFlinkTaskmanagerSlotsFree,
  kFlinkTaskmanagerLastHeartbeat,
  kFlinkTaskmanagerHeapUsed,
  kFlinkTaskmanagerHeapMax,
  kFlinkTaskmanagerCpuLoad,
  kFlinkTaskmanagerGcCollections,
  kFlinkTaskmanagerGcTime,
  kFlinkJobmanagerHeapUsed,
  kFlinkJobmanagerHeapMax,
  kFlinkJobmanagerCpuLoad,
  kFlinkJobmanagerGcCollections,
  kFlinkJobmanagerGcTime,
  // Flink joined with Mesos.
  kFlinkClusterTaskmanagerTaskFailures,
  kFlinkClusterTaskmanagersUnmatched,
  kFlinkClusterMesosCpus,
  kFlinkClusterMesosMemory,
  // Mesos.
  kMesosUp,
  kMesosMasterUp,
  kMesosMasterInfo,
  kMesosMasterElected,
  kMesosMasterUptime,
  kMesosMasterEventQueue,
  kMesosAgents,
  kMesosAgentsByConnection,
  kMesosFrameworks,
  kMesosFrameworksByConnection,
  kMesosTasks,
  kMesosTaskTerminations,
  kMesosCpus,
  kMesosGpus,
  kMesosMemory,
  kMesosDisk,
  // Mesos agents and frameworks (from the event stream, or polled).
  kMesosStateSourceInfo,
  kMesosAgentState,
  kMesosAgentInfo,
  kMesosAgentAttributeInfo,
  kMesosAgentCpus,
  kMesosAgentGpus,
  kMesosAgentMemory,
  kMesosAgentDisk,
  kMesosFrameworkInfo,
  kMesosFrameworkActive,
  kMesosFrameworkConnected,
  kMesosFrameworkCpus,
  kMesosFrameworkGpus,
  kMesosFrameworkMemory,
  kMesosFrameworkDisk,
  kMesosFrameworkTasks,
  kMesosFrameworkTaskTerminations,
  // The Mesos event stream.
  kMesosEventStreamConnected,
  kMesosEventStreamEvents,
  kMesosEventStreamReconnects,
  kMesosEventStreamLastEvent,
  kFamilyCount
};

struct FamilySpec {
  std::string_view name;
  std::string_view help;
  MetricType type;
};

inline constexpr MetricType kGauge = MetricType::kGauge;
inline constexpr MetricType kCounter = MetricType::kCounter;

inline constexpr std::array<FamilySpec, kFamilyCount> kFamilies = {{
    // Flink cluster.
    {"flink_up", "Whether the last poll of the Flink cluster's REST API succeeded (1) or not (0).",
     kGauge},
    {"flink_cluster_info", "Flink cluster version and REST URL; always 1.", kGauge},
    {"flink_cluster_taskmanagers", "TaskManagers registered with the JobManager.", kGauge},
    {"flink_cluster_task_slots", "Task slots offered by all TaskManagers.", kGauge},
    {"flink_cluster_task_slots_available", "Task slots not in use.", kGauge},
    {"flink_cluster_jobs",
     "Jobs the JobManager knows, by state, from /overview (RUNNING includes pending jobs).",
     kGauge},
    {"flink_job_deployments_total",
     "Times a job name appeared under a new job id (an upgrade from a savepoint, a "
     "resubmission) since the exporter started; the first id seen is not counted.",
     kCounter},
    {"flink_cluster_expected_jobs_running",
     "Running jobs whose name matches an expected_jobs pattern of the cluster; 0 means a job "
     "that must run is gone, even when the JobManager forgot it entirely.",
     kGauge},
    // Flink jobs.
    {"flink_job_state",
     "Job status, one series per JobStatus value (1 for the current one), from the "
     "JobManager's job list; UNKNOWN stands for a value this exporter does not know.",
     kGauge},
    {"flink_job_start_timestamp_seconds", "When the job was submitted (start-time, Unix time).",
     kGauge},
    {"flink_job_state_since_timestamp_seconds",
     "When the job entered its current status (timestamps of /jobs/:jobid, Unix time).", kGauge},
    {"flink_job_end_timestamp_seconds",
     "When the job reached a terminal status (end-time, Unix time).", kGauge},
    {"flink_job_restarts_total",
     "Restarts of the job since it was submitted (job metric numRestarts, fullRestarts before "
     "Flink 1.10).",
     kCounter},
    {"flink_job_checkpoints_total",
     "Checkpoints completed or failed since the job (or its JobManager) started, from "
     "/jobs/:jobid/checkpoints counts.",
     kCounter},
    {"flink_job_checkpoints_in_progress",
     "Checkpoints currently in progress (/jobs/:jobid/checkpoints counts.in_progress).", kGauge},
    {"flink_job_checkpoints_restored_total",
     "Times the job was restored from a checkpoint (/jobs/:jobid/checkpoints counts.restored).",
     kCounter},
    {"flink_job_last_checkpoint_completed_timestamp_seconds",
     "When the latest completed checkpoint was acknowledged by all tasks (latest.completed "
     "latest_ack_timestamp, Unix time).",
     kGauge},
    {"flink_job_last_checkpoint_duration_seconds",
     "End-to-end duration of the latest completed checkpoint (end_to_end_duration).", kGauge},
    {"flink_job_last_checkpoint_size_bytes",
     "Bytes written by the latest completed checkpoint (checkpointed_size; the full state_size "
     "before Flink 1.15).",
     kGauge},
    {"flink_job_last_checkpoint_state_size_bytes",
     "Full state size of the latest completed checkpoint (state_size).", kGauge},
    {"flink_job_last_checkpoint_processed_bytes",
     "Bytes processed during the alignment of the latest completed checkpoint (processed_data).",
     kGauge},
    {"flink_job_last_checkpoint_persisted_bytes",
     "In-flight bytes persisted during the alignment of the latest completed checkpoint "
     "(persisted_data; above 0 only with unaligned checkpoints).",
     kGauge},
    {"flink_job_last_checkpoint_failure_timestamp_seconds",
     "When the latest failed checkpoint failed (latest.failed failure_timestamp, Unix time).",
     kGauge},
    {"flink_job_last_checkpoint_failure_info",
     "Exception class of the latest failed checkpoint (from failure_message; unknown when it "
     "names none); always 1.",
     kGauge},
    {"flink_job_last_savepoint_timestamp_seconds",
     "When the latest completed savepoint was acknowledged (latest.savepoint, Unix time).",
     kGauge},
    {"flink_job_last_checkpoint_restore_timestamp_seconds",
     "When the job was last restored from a checkpoint (latest.restored restore_timestamp, Unix "
     "time).",
     kGauge},
    {"flink_job_checkpoint_interval_seconds",
     "Periodic checkpoint interval (/jobs/:jobid/checkpoints/config interval); absent when "
     "periodic checkpointing is off.",
     kGauge},
    {"flink_job_checkpoint_timeout_seconds",
     "Time after which a checkpoint is aborted (/jobs/:jobid/checkpoints/config timeout).",
     kGauge},
    {"flink_job_checkpoint_min_pause_seconds",
     "Minimum pause between checkpoints (/jobs/:jobid/checkpoints/config min_pause).", kGauge},
    {"flink_job_checkpoint_max_concurrent",
     "Checkpoints allowed in progress at once (/jobs/:jobid/checkpoints/config max_concurrent).",
     kGauge},
    {"flink_job_checkpoint_tolerable_failures",
     "Consecutive checkpoint failures tolerated before the job fails "
     "(/jobs/:jobid/checkpoints/config tolerable_failed_checkpoints).",
     kGauge},
    {"flink_job_checkpoint_info",
     "Checkpointing mode and whether periodic checkpointing is on (/jobs/:jobid/checkpoints/config); "
     "always 1.",
     kGauge},
    {"flink_job_last_failure_timestamp_seconds",
     "When the job's latest failure happened (/jobs/:jobid/exceptions, Unix time).", kGauge},
    {"flink_job_last_failure_info",
     "Exception class of the job's latest failure (/jobs/:jobid/exceptions); always 1.", kGauge},
    // Flink vertices.
    {"flink_vertex_parallelism", "Parallelism of the job vertex (/jobs/:jobid vertices).", kGauge},
    {"flink_vertex_subtasks",
     "Subtasks of the job vertex per ExecutionState (/jobs/:jobid vertices tasks).", kGauge},
    {"flink_vertex_backpressured_ratio",
     "Share of time the vertex's subtasks were back-pressured, max and avg over subtasks "
     "(subtask metric backPressuredTimeMsPerSecond / 1000).",
     kGauge},
    {"flink_vertex_busy_ratio",
     "Share of time the vertex's subtasks were busy, max and avg over subtasks "
     "(subtask metric busyTimeMsPerSecond / 1000).",
     kGauge},
    {"flink_vertex_idle_ratio",
     "Share of time the vertex's subtasks were idle, max and avg over subtasks "
     "(subtask metric idleTimeMsPerSecond / 1000).",
     kGauge},
    {"flink_vertex_output_buffer_usage_ratio",
     "Output buffer pool usage of the vertex's subtasks, max and avg over subtasks "
     "(subtask metric Shuffle.Netty.Output.Buffers.outPoolUsage, or buffers.outPoolUsage); can "
     "exceed 1.",
     kGauge},
    {"flink_vertex_input_buffer_usage_ratio",
     "Input buffer pool usage of the vertex's subtasks, max and avg over subtasks "
     "(subtask metric Shuffle.Netty.Input.Buffers.inPoolUsage, or buffers.inPoolUsage).",
     kGauge},
    {"flink_vertex_backpressure_level",
     "Backpressure level of the vertex, one series per level (ok <= 0.1 < low <= 0.5 < high), "
     "from the back-pressured ratio or the backpressure sampling endpoint.",
     kGauge},
    {"flink_vertex_records_in_total",
     "Records received by the vertex, summed over subtasks (subtask metric numRecordsIn).",
     kCounter},
    {"flink_vertex_records_out_total",
     "Records emitted by the vertex, summed over subtasks (subtask metric numRecordsOut).",
     kCounter},
    {"flink_vertex_watermark_timestamp_seconds",
     "Lowest input watermark over the vertex's subtasks (subtask metric currentInputWatermark, "
     "currentLowWatermark on Flink 1.4; Unix time); absent until every subtask has one.",
     kGauge},
    {"flink_subtask_backpressured_ratio",
     "Share of time (before Flink 1.13: of stack samples) the subtask was back-pressured "
     "(backpressure endpoint ratio).",
     kGauge},
    {"flink_subtask_busy_ratio",
     "Share of time the subtask was busy (backpressure endpoint busyRatio).", kGauge},
    {"flink_subtask_idle_ratio",
     "Share of time the subtask was idle (backpressure endpoint idleRatio).", kGauge},
    // Flink processes.
    {"flink_taskmanager_info",
     "TaskManager registered with the JobManager, with its host (/taskmanagers); always 1.",
     kGauge},
    {"flink_taskmanager_slots", "Task slots of the TaskManager (/taskmanagers slotsNumber).",
     kGauge},
    {"flink_taskmanager_slots_free",
     "Free task slots of the TaskManager (/taskmanagers freeSlots).", kGauge},
    {"flink_taskmanager_last_heartbeat_timestamp_seconds",
     "When the JobManager last heard from the TaskManager (/taskmanagers timeSinceLastHeartbeat, "
     "which is a timestamp; Unix time).",
     kGauge},
    {"flink_taskmanager_heap_used_bytes",
     "JVM heap used by the TaskManager (/taskmanagers/:taskmanagerid/metrics "
     "Status.JVM.Memory.Heap.Used).",
     kGauge},
    {"flink_taskmanager_heap_max_bytes",
     "JVM heap limit of the TaskManager (/taskmanagers/:taskmanagerid/metrics "
     "Status.JVM.Memory.Heap.Max).",
     kGauge},
    {"flink_taskmanager_cpu_load",
     "Recent CPU load of the TaskManager's JVM, 0-1 (/taskmanagers/:taskmanagerid/metrics "
     "Status.JVM.CPU.Load).",
     kGauge},
    {"flink_taskmanager_gc_collections_total",
     "Garbage collections in the TaskManager, per collector (/taskmanagers/:taskmanagerid/metrics "
     "Status.JVM.GarbageCollector.<gc>.Count).",
     kCounter},
    {"flink_taskmanager_gc_time_seconds_total",
     "Time spent in garbage collection in the TaskManager, per collector "
     "(/taskmanagers/:taskmanagerid/metrics Status.JVM.GarbageCollector.<gc>.Time).",
     kCounter},
    {"flink_jobmanager_heap_used_bytes",
     "JVM heap used by the JobManager (/jobmanager/metrics Status.JVM.Memory.Heap.Used).", kGauge},
    {"flink_jobmanager_heap_max_bytes",
     "JVM heap limit of the JobManager (/jobmanager/metrics Status.JVM.Memory.Heap.Max).", kGauge},
    {"flink_jobmanager_cpu_load",
     "Recent CPU load of the JobManager's JVM, 0-1 (/jobmanager/metrics Status.JVM.CPU.Load).",
     kGauge},
    {"flink_jobmanager_gc_collections_total",
     "Garbage collections in the JobManager, per collector "
     "(/jobmanager/metrics Status.JVM.GarbageCollector.<gc>.Count).",
     kCounter},
    {"flink_jobmanager_gc_time_seconds_total",
     "Time spent in garbage collection in the JobManager, per collector "
     "(/jobmanager/metrics Status.JVM.GarbageCollector.<gc>.Time).",
     kCounter},
    {"flink_cluster_taskmanager_task_failures_total",
     "TaskManager tasks of the cluster's Mesos framework that ended, by Mesos state and reason "
     "(e.g. TASK_FAILED / REASON_CONTAINER_LIMITATION_MEMORY: killed for exceeding its memory "
     "limit). Needs mesos_cluster and mesos_framework on the Flink cluster.",
     kCounter},
    {"flink_cluster_taskmanagers_unmatched",
     "TaskManagers only one side knows: flink_only = listed by Flink without a live Mesos task "
     "of the framework (zombies), mesos_only = live Mesos TaskManager tasks Flink does not list "
     "(leaked, or still starting).",
     kGauge},
    {"flink_cluster_mesos_cpus", "CPUs the cluster's Mesos framework holds (allocated).", kGauge},
    {"flink_cluster_mesos_memory_bytes", "Memory the cluster's Mesos framework holds (allocated).",
     kGauge},
    // Mesos.
    {"mesos_up",
     "Whether at least one Mesos master of the cluster answered the last poll (1) or none did (0).",
     kGauge},
    {"mesos_master_up", "Whether this master answered /metrics/snapshot in the last poll.", kGauge},
    {"mesos_master_info",
     "Mesos version of a master that answered (from /version), and whether it is the elected "
     "leader; always 1. A master whose version is not known yet has no series.",
     kGauge},
    {"mesos_master_elected", "Whether this master is the elected leader (master/elected).", kGauge},
    {"mesos_master_uptime_seconds", "Time since this master process started (master/uptime_secs).",
     kGauge},
    {"mesos_master_event_queue_messages",
     "Messages waiting in this master's actor queue; a growing queue means an overloaded master.",
     kGauge},
    {"mesos_agents", "Agents known to the elected master, by state.", kGauge},
    {"mesos_agents_by_connection", "Registered agents by whether they are connected to the master.",
     kGauge},
    {"mesos_frameworks", "Frameworks known to the elected master, by state.", kGauge},
    {"mesos_frameworks_by_connection",
     "Frameworks by whether their scheduler is connected to the master.", kGauge},
    {"mesos_tasks", "Tasks in each non-terminal state, cluster-wide.", kGauge},
    {"mesos_task_terminations_total",
     "Tasks that reached a terminal state, by state, reason and source, cluster-wide (the "
     "elected master's master/task_<state>/source_<source>/reason_<reason> counters).",
     kCounter},
    {"mesos_cluster_cpus", "CPUs of all agents: total, and used (allocated) by tasks.", kGauge},
    {"mesos_cluster_gpus", "GPUs of all agents: total, and used (allocated) by tasks.", kGauge},
    {"mesos_cluster_memory_bytes", "Memory of all agents: total, and used (allocated) by tasks.",
     kGauge},
    {"mesos_cluster_disk_bytes", "Disk of all agents: total, and used (allocated) by tasks.",
     kGauge},
    // Mesos agents and frameworks.
    {"mesos_state_source_info",
     "Where the per-agent and per-framework series of the cluster come from: the v1 event "
     "stream (event_stream) or polling /master/slaves and /master/state-summary (polling); "
     "always 1.",
     kGauge},
    {"mesos_agent_state",
     "Agent state, one series per state (active, inactive, unreachable; 1 for the current one), "
     "from the v1 event stream or /master/slaves.",
     kGauge},
    {"mesos_agent_info",
     "Mesos version of the agent, from the v1 event stream or /master/slaves; always 1.", kGauge},
    {"mesos_agent_attribute_info",
     "An attribute of the agent, by name and value, from the v1 event stream or /master/slaves; "
     "always 1.",
     kGauge},
    {"mesos_agent_cpus",
     "CPUs of the agent: total, used (allocated to tasks and executors) and reserved (for "
     "roles), from the v1 event stream or /master/slaves.",
     kGauge},
    {"mesos_agent_gpus",
     "GPUs of the agent: total, used (allocated to tasks and executors) and reserved (for "
     "roles), from the v1 event stream or /master/slaves.",
     kGauge},
    {"mesos_agent_memory_bytes",
     "Memory of the agent: total, used (allocated to tasks and executors) and reserved (for "
     "roles), from the v1 event stream or /master/slaves (MB converted to bytes).",
     kGauge},
    {"mesos_agent_disk_bytes",
     "Disk of the agent: total, used (allocated to tasks and executors) and reserved (for "
     "roles), from the v1 event stream or /master/slaves (MB converted to bytes).",
     kGauge},
    {"mesos_framework_info",
     "Name, role and web UI URL of a registered framework, from the v1 event stream or "
     "/master/state-summary; always 1.",
     kGauge},
    {"mesos_framework_active",
     "Whether the framework is active (1) or not (0), from the v1 event stream or "
     "/master/state-summary.",
     kGauge},
    {"mesos_framework_connected",
     "Whether the framework's scheduler is connected to the master (1) or not (0), from the v1 "
     "event stream or /master/state-summary.",
     kGauge},
    {"mesos_framework_cpus",
     "CPUs used (allocated) by the framework's tasks and executors, from the v1 event stream "
     "or /master/state-summary.",
     kGauge},
    {"mesos_framework_gpus",
     "GPUs used (allocated) by the framework's tasks and executors, from the v1 event stream "
     "or /master/state-summary.",
     kGauge},
    {"mesos_framework_memory_bytes",
     "Memory used (allocated) by the framework's tasks and executors, from the v1 event stream "
     "or /master/state-summary (MB converted to bytes).",
     kGauge},
    {"mesos_framework_disk_bytes",
     "Disk used (allocated) by the framework's tasks and executors, from the v1 event stream "
     "or /master/state-summary (MB converted to bytes).",
     kGauge},
    {"mesos_framework_tasks",
     "Current tasks of the framework in each non-terminal state, from the v1 event stream or "
     "/master/state-summary.",
     kGauge},
    {"mesos_framework_task_terminations_total",
     "Tasks of the framework that reached a terminal state, by state, reason and source, "
     "counted from the v1 event stream, or when polling the elected master's per-framework "
     "/metrics/snapshot counters (reason and source unknown).",
     kCounter},
    // The Mesos event stream.
    {"mesos_event_stream_connected",
     "Whether the exporter is subscribed to the v1 event stream (SUBSCRIBE) of the elected "
     "master (1) or not (0).",
     kGauge},
    {"mesos_event_stream_events_total",
     "Events received on the v1 event stream, by event type (TASK_UPDATED, HEARTBEAT, ...).",
     kCounter},
    {"mesos_event_stream_reconnects_total",
     "Times the exporter subscribed to the v1 event stream again after it broke or the leader "
     "changed.",
     kCounter},
    {"mesos_event_stream_last_event_timestamp_seconds",
     "When the last record, heartbeats included, arrived on the v1 event stream (Unix time).",
     kGauge},
}};

// A counter's name must end in _total and nothing else may (the catalogue's own check).
constexpr bool CatalogueTypesConsistent() {
  for (const FamilySpec& f : kFamilies) {
    const bool total = f.name.ends_with("_total");
    if (total != (f.type == MetricType::kCounter)) return false;
  }
  return true;
}
static_assert(CatalogueTypesConsistent(), "counters, and only counters, end in _total");

}  // namespace fme::exposition
