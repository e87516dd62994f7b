// The simulated world: one Mesos cluster running Flink clusters (Flink-on-Mesos), plus optional
// standalone Flink clusters. Plain data, advanced by the scenario engine (world/engine.h) as
// simulated time passes; the HTTP layers (simulator/flink/, simulator/mesos/) only read it.
//
// Units here are the simulator's own, chosen to make rendering each dialect easy: times are epoch
// milliseconds (`Millis`), memory/disk in MB (as Mesos reports them), byte counts in bytes.
// Thread-safety: a World is guarded by the engine's mutex; renderers receive a const World& while
// the engine holds the lock.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fme::sim {

using Millis = int64_t;  // epoch milliseconds

// ---------------------------------------------------------------- Flink

// JobStatus wire spellings (all versions; INITIALIZING from 1.12).
enum class JobStatus {
  kInitializing, kCreated, kRunning, kFailing, kFailed, kCancelling, kCanceled, kFinished,
  kRestarting, kSuspended, kReconciling
};
const char* JobStatusName(JobStatus s);  // "RUNNING", ...
bool IsGloballyTerminal(JobStatus s);    // FINISHED, CANCELED, FAILED

// ExecutionState wire spellings (upper case in /jobs/:id, lower case in /jobs/overview).
enum class ExecutionState {
  kCreated, kScheduled, kDeploying, kRunning, kFinished, kCanceling, kCanceled, kFailed,
  kReconciling, kInitializing
};
const char* ExecutionStateName(ExecutionState s);  // "RUNNING", ...

// The REST dialect a simulated JobManager speaks.
enum class FlinkDialect { k1_4, k1_9, k1_13, k1_18, k2_0 };
FlinkDialect DialectForVersion(const std::string& version);  // "1.13.6" -> k1_13 (nearest below)

struct Subtask {
  int index = 0;
  ExecutionState state = ExecutionState::kRunning;
  int attempt = 0;
  std::string taskmanager_id;  // TaskManager (== Mesos task id on Mesos)
  std::string host;
  Millis start_time = 0;
  // Per-second rates of the last second (what Flink's *PerSecond meters show).
  double records_in_per_second = 0, records_out_per_second = 0;
  // Totals since the subtask started (numRecordsIn / numRecordsOut counters).
  int64_t records_in = 0, records_out = 0, bytes_in = 0, bytes_out = 0;
  // Fractions of the last second (backPressuredTimeMsPerSecond / 1000 and friends); sum to 1.
  double backpressured_ratio = 0, busy_ratio = 0, idle_ratio = 1;
  // currentInputWatermark in ms; nullopt = no watermark yet (Flink shows Long.MIN_VALUE).
  std::optional<Millis> watermark;
};

struct Vertex {
  std::string id;    // 32 hex digits
  std::string name;  // e.g. "Source: Kafka -> Map", "Window(...)", "Sink: Kafka"
  int parallelism = 1;
  int max_parallelism = 128;
  std::vector<Subtask> subtasks;  // size == parallelism
};

enum class CheckpointStatus { kInProgress, kCompleted, kFailed };

struct Checkpoint {
  int64_t id = 0;
  CheckpointStatus status = CheckpointStatus::kInProgress;
  bool is_savepoint = false;
  Millis trigger_timestamp = 0;
  Millis latest_ack_timestamp = 0;
  Millis end_to_end_duration = 0;  // ms
  int64_t state_size = 0;          // bytes, full state
  int64_t checkpointed_size = 0;   // bytes written by this checkpoint (incremental)
  int64_t processed_data = 0, persisted_data = 0, alignment_buffered = 0;
  int num_subtasks = 0, num_acknowledged_subtasks = 0;
  std::string external_path;           // completed only
  Millis failure_timestamp = 0;        // failed only
  std::string failure_message;         // failed only
};

struct CheckpointConfig {
  bool periodic = true;            // false: interval written as Long.MAX_VALUE
  Millis interval = 10000;
  Millis timeout = 600000;
  Millis min_pause = 0;
  int max_concurrent = 1;
  bool exactly_once = true;        // mode exactly_once | at_least_once (lower case on the wire)
  bool externalized = true;
  bool delete_on_cancellation = false;
  int tolerable_failed_checkpoints = 0;
  std::string state_backend = "RocksDBStateBackend";
};

struct CheckpointStats {
  int64_t restored = 0, total = 0, in_progress = 0, completed = 0, failed = 0;
  std::deque<Checkpoint> history;  // newest first, at most 10
  std::optional<Checkpoint> latest_completed, latest_savepoint, latest_failed;
  struct Restored {
    int64_t id = 0;
    Millis restore_timestamp = 0;
    bool is_savepoint = false;
    std::string external_path;
  };
  std::optional<Restored> latest_restored;
};

struct JobException {
  std::string exception_name;  // e.g. "java.lang.OutOfMemoryError"
  std::string message;         // first line of the stack trace after the class name
  std::string stacktrace;
  Millis timestamp = 0;
  std::string task_name;       // may be empty
  std::string location;        // "host:port" of the TaskManager; empty when unknown
  std::string taskmanager_id;  // empty when unknown
};

struct Job {
  std::string id;  // 32 hex digits
  std::string name;
  JobStatus state = JobStatus::kRunning;
  Millis start_time = 0;
  Millis end_time = -1;  // -1 while not ended
  std::map<JobStatus, Millis> state_timestamps;  // when each state was entered last
  int64_t restarts = 0;                          // numRestarts (fullRestarts before 1.11)
  bool streaming = true;
  bool has_checkpoint_coordinator = true;  // false: /checkpoints answers 404
  CheckpointConfig checkpoint_config;
  CheckpointStats checkpoints;
  std::vector<Vertex> vertices;  // topological order: sources first
  std::vector<JobException> exceptions;  // newest first, at most 20
};

struct TaskManager {
  std::string id;  // "taskmanager-00001" on Mesos; "<host>:<port>-<6 hex>" standalone
  std::string host;
  int data_port = 0;
  int rpc_port = 0;
  int slots = 4;
  int free_slots = 0;
  Millis last_heartbeat = 0;  // epoch ms (Flink's misnamed timeSinceLastHeartbeat)
  int cpu_cores = 4;
  int64_t physical_memory = 0, free_memory = 0, managed_memory = 0;  // bytes
  int64_t heap_used = 0, heap_committed = 0, heap_max = 0;           // bytes
  int64_t non_heap_used = 0, non_heap_max = 0;
  struct Gc {
    std::string name;  // "G1_Young_Generation", "G1_Old_Generation"
    int64_t count = 0;
    int64_t time_ms = 0;
  };
  std::vector<Gc> gcs;
};

struct FlinkCluster {
  std::string name;      // the simulated cluster's name (scenario name, unique)
  std::string version;   // "1.13.6"
  std::string revision;  // "b2ca390 @ 2022-02-03T14:54:22+01:00"
  FlinkDialect dialect = FlinkDialect::k1_13;
  std::string rest_url;  // http://127.0.0.1:<port>[/prefix], as served
  bool on_mesos = true;
  std::string framework_id;    // when on Mesos (also before a late cluster has registered)
  std::string framework_name;  // when on Mesos: the framework name (the cluster's name by default)
  bool reachable = true;     // false: the JobManager's port refuses/hangs (see faults)
  Millis jobmanager_start = 0;
  std::vector<TaskManager> taskmanagers;
  std::vector<Job> jobs;  // running and ended (ended ones are kept like Flink's archive)
};

// ---------------------------------------------------------------- Mesos

struct Resources {
  double cpus = 0, gpus = 0, mem_mb = 0, disk_mb = 0;
  std::string ports;  // "[31000-32000]"
};

enum class AgentState { kActive, kDeactivated, kUnreachable, kRemoved };

struct Agent {
  std::string id;  // "<master id>-S<n>"
  std::string hostname;
  int port = 5051;
  std::string pid;  // "slave(1)@10.0.1.7:5051"
  std::map<std::string, std::string> attributes;  // e.g. rack -> "r3"
  Resources total, used, reserved;
  AgentState state = AgentState::kActive;
  Millis registered_time = 0;
  std::string version = "1.11.0";
};

// One TaskStatus as the master stores it (v1 shape; v0 renders only state/timestamp/healthy).
struct TaskStatusRecord {
  std::string state;   // "TASK_RUNNING"
  double timestamp = 0;  // epoch seconds (double, as Mesos writes it)
  std::string source;  // "SOURCE_EXECUTOR", empty when unset
  std::string reason;  // v1 spelling "REASON_CONTAINER_LIMITATION_MEMORY", empty when unset
  std::string message;
  std::optional<bool> healthy;
  std::string uuid;  // base64
};

struct Task {
  std::string id;  // "taskmanager-00001"
  std::string name;
  std::string framework_id;
  std::string agent_id;
  std::string executor_id;  // "" for command-executor tasks
  std::string state;        // latest state
  Resources resources;
  std::string role = "*";
  std::vector<TaskStatusRecord> statuses;  // one per consecutive state (same state replaces)
};

struct Framework {
  std::string id;  // "<master id>-0003"
  std::string name;  // "Flink" or a DC/OS service name
  std::string role = "*";
  std::string user = "flink";
  std::string hostname;
  std::string webui_url;  // the JobManager REST URL for Flink frameworks
  std::string principal;
  double failover_timeout = 604800;
  bool active = true, connected = true, recovered = false;
  Millis registered_time = 0;
  Millis unregistered_time = 0;
  bool completed = false;  // moved to completed_frameworks
};

struct Master {
  std::string id;  // MasterInfo.id
  std::string hostname;  // what redirects point at ("127.0.0.1")
  int port = 5050;       // the port it is served on
  std::string path_prefix;  // when several masters share one listener, e.g. "/m2"
  bool running = true;
  Millis start_time = 0;
  Millis elected_time = 0;  // 0 when never elected
};

// A v1 operator API event, already in JSON (without RecordIO framing); SUBSCRIBE streams
// replay these in order from the position a subscriber joined at.
struct MasterEvent {
  uint64_t sequence = 0;
  std::string type;  // "TASK_ADDED", "TASK_UPDATED", "AGENT_ADDED", ..., "LEADER_CHANGED" (internal: ends streams)
  std::string json;  // the Event object, e.g. {"type":"TASK_UPDATED","task_updated":{...}}
  Millis time = 0;   // simulated time the event was emitted at (orders HEARTBEATs between events)
};

struct MesosCluster {
  std::string version = "1.11.0";
  std::vector<Master> masters;
  int leader = 0;  // index into masters; -1 = no leader elected (503s)
  std::vector<Agent> agents;
  std::vector<Framework> frameworks;  // active and completed
  std::vector<Task> tasks;            // non-terminal and unreachable
  std::deque<Task> completed_tasks;   // terminal, newest last, bounded by max_completed_tasks
  std::size_t max_completed_tasks = 1000;
  // master/task_<state>/source_<src>/reason_<reason> counters (v0 names, lower case keys).
  std::map<std::string, double> termination_counters;
  // Terminal counters master/tasks_finished etc. (keys "finished", "failed", ...).
  std::map<std::string, double> terminal_counters;
  std::deque<MasterEvent> events;  // bounded log of v1 events
  uint64_t next_event_sequence = 1;
};

struct World {
  Millis now = 0;
  uint64_t seed = 1;
  MesosCluster mesos;
  std::vector<FlinkCluster> flink;  // on Mesos first, then standalone
};

}  // namespace fme::sim
