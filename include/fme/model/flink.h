// Plain value types a Flink source produces. No Prometheus, no JSON: these are what the
// JobManager told us, normalized (base units: seconds, bytes, ratios 0-1; known spellings).
// A std::optional is empty when the JobManager did not report the value (an older version, a
// field still -1, an endpoint that failed this poll): absent is never turned into 0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fme/model/endpoint_error.h"

namespace fme {

// From GET /config and GET /overview.
struct FlinkClusterOverview {
  std::string version;   // "1.13.6"; empty when the JobManager did not say
  std::string revision;  // "<short sha> @ <build date>" or the commit from /overview
  int64_t taskmanagers = 0;
  int64_t slots_total = 0;
  int64_t slots_available = 0;
  // Job counts as the overview gives them. Flink counts pending jobs as running.
  int64_t jobs_running = 0;
  int64_t jobs_finished = 0;
  int64_t jobs_cancelled = 0;
  int64_t jobs_failed = 0;
};

// JobStatus, every value Flink 1.4-2.x knows, plus kUnknown for a value we do not.
enum class FlinkJobState : uint8_t {
  kInitializing,
  kCreated,
  kRunning,
  kFailing,
  kFailed,
  kCancelling,
  kCanceled,
  kFinished,
  kRestarting,
  kSuspended,
  kReconciling,
  kUnknown,
};
inline constexpr int kFlinkJobStateCount = 12;
// Wire spelling ("RUNNING"); kUnknown is "UNKNOWN".
std::string_view FlinkJobStateName(FlinkJobState s);
// Case-insensitive; anything else is kUnknown.
FlinkJobState ParseFlinkJobState(std::string_view s);
// FINISHED, CANCELED, FAILED: the job will not change any more.
bool IsTerminal(FlinkJobState s);

// ExecutionState of subtasks, plus kUnknown.
enum class FlinkExecutionState : uint8_t {
  kCreated,
  kScheduled,
  kDeploying,
  kRunning,
  kFinished,
  kCanceling,
  kCanceled,
  kFailed,
  kReconciling,
  kInitializing,
  kUnknown,
};
inline constexpr int kFlinkExecutionStateCount = 11;
std::string_view FlinkExecutionStateName(FlinkExecutionState s);  // "RUNNING"
FlinkExecutionState ParseFlinkExecutionState(std::string_view s);  // case-insensitive

// Backpressure level with Flink's thresholds: ok <= 0.10 < low <= 0.5 < high.
enum class FlinkBackpressureLevel : uint8_t { kOk, kLow, kHigh };
std::string_view FlinkBackpressureLevelName(FlinkBackpressureLevel l);  // "ok", "low", "high"
FlinkBackpressureLevel BackpressureLevelForRatio(double ratio);

// A statistic over a vertex's subtasks.
struct MaxAvg {
  std::optional<double> max;
  std::optional<double> avg;
};

// One subtask's backpressure as the per-subtask view reports it (opt-in, see FlinkSource).
struct FlinkSubtaskLoad {
  int index = 0;
  std::optional<double> backpressured_ratio;
  std::optional<double> busy_ratio;
  std::optional<double> idle_ratio;
};

// One job vertex (task): structure from the job details, load from aggregated subtask metrics.
struct FlinkVertex {
  std::string id;
  std::string name;
  int64_t parallelism = 0;
  // Subtasks per ExecutionState (index = FlinkExecutionState); all zero when not reported.
  std::array<int64_t, kFlinkExecutionStateCount> subtasks_by_state{};

  // 1.13+: backPressured/busy/idle TimeMsPerSecond / 1000, max and avg over subtasks.
  MaxAvg backpressured_ratio;
  MaxAvg busy_ratio;
  MaxAvg idle_ratio;  // also 1.11-1.12 (idleTimeMsPerSecond)
  // Buffer pool usage (Shuffle.Netty.* preferred over the old buffers.* names), max and avg.
  MaxAvg out_pool_usage;
  MaxAvg in_pool_usage;
  // From the backpressured ratio (1.13+) or from the sampling endpoint when enabled (<= 1.12).
  std::optional<FlinkBackpressureLevel> backpressure_level;
  // Sums over subtasks (numRecordsIn / numRecordsOut counters).
  std::optional<double> records_in;
  std::optional<double> records_out;
  // Minimum input watermark over subtasks, seconds; empty until every subtask has one.
  std::optional<double> watermark_seconds;
  // Per-subtask detail, only when enabled in the config.
  std::vector<FlinkSubtaskLoad> subtasks;
};

// From /jobs/:jid/checkpoints. Counts are since the job (or its JobManager) started.
struct FlinkCheckpointStats {
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t in_progress = 0;
  int64_t restored = 0;
  // Latest completed checkpoint (not savepoint).
  std::optional<double> last_completed_timestamp;  // latest_ack_timestamp, seconds
  std::optional<double> last_duration_seconds;      // end_to_end_duration
  std::optional<double> last_size_bytes;            // checkpointed_size (1.15+), else state_size
  std::optional<double> last_state_size_bytes;      // state_size: full state size
  std::optional<double> last_processed_bytes;       // processed_data (1.12+)
  std::optional<double> last_persisted_bytes;       // persisted_data (1.12+)
  // Latest failed checkpoint.
  std::optional<double> last_failure_timestamp;  // failure_timestamp, seconds
  std::string last_failure_exception;            // class named by failure_message; may be empty
  // Latest completed savepoint and latest restore.
  std::optional<double> last_savepoint_timestamp;
  std::optional<double> last_restore_timestamp;
};

// From /jobs/:jid/checkpoints/config.
struct FlinkCheckpointConfig {
  bool periodic = false;  // false when interval is Long.MAX_VALUE (checkpointing disabled)
  std::optional<double> interval_seconds;  // only when periodic
  std::optional<double> timeout_seconds;
  std::optional<double> min_pause_seconds;
  std::optional<int64_t> max_concurrent;
  std::optional<int64_t> tolerable_failures;  // 1.13+
  std::string mode;                           // "exactly_once" | "at_least_once" | ""
};

// The newest failure from /jobs/:jid/exceptions.
struct FlinkJobFailure {
  double timestamp = 0;   // seconds
  std::string exception;  // class name, e.g. "java.lang.OutOfMemoryError"
  std::string taskmanager_id;  // when the entry names one (1.17+); the Mesos task id on Mesos
};

struct FlinkJob {
  std::string id;
  std::string name;
  FlinkJobState state = FlinkJobState::kUnknown;
  std::optional<double> start_timestamp;        // seconds
  std::optional<double> state_since_timestamp;  // when it entered `state` (timestamps map)
  std::optional<double> end_timestamp;          // terminal jobs
  std::optional<int64_t> restarts;              // numRestarts, else fullRestarts
  std::vector<FlinkVertex> vertices;
  // Empty when the job has no checkpoint coordinator (404) or the call failed this poll.
  std::optional<FlinkCheckpointStats> checkpoints;
  std::optional<FlinkCheckpointConfig> checkpoint_config;
  std::optional<FlinkJobFailure> last_failure;
};

struct FlinkGarbageCollector {
  std::string name;  // as Flink names it, e.g. "G1_Young_Generation"
  double collections = 0;
  double time_seconds = 0;
};

// JVM figures of a JobManager or TaskManager process, from its metrics endpoint.
struct FlinkJvmMetrics {
  std::optional<double> heap_used_bytes;
  std::optional<double> heap_max_bytes;
  std::optional<double> cpu_load;  // Status.JVM.CPU.Load, 0-1
  std::vector<FlinkGarbageCollector> gc;
};

struct FlinkTaskManager {
  std::string id;  // ResourceID verbatim; the Mesos task id on Flink-on-Mesos
  std::string host;
  int64_t slots = 0;
  int64_t slots_free = 0;
  std::optional<double> last_heartbeat_timestamp;  // seconds ("timeSinceLastHeartbeat")
  FlinkJvmMetrics jvm;
};

// Everything one poll of one Flink cluster yields.
struct FlinkObservation {
  FlinkClusterOverview overview;
  std::vector<FlinkJob> jobs;  // sorted by id
  std::vector<FlinkTaskManager> taskmanagers;  // sorted by id
  std::optional<FlinkJvmMetrics> jobmanager;
  std::vector<EndpointError> endpoint_errors;  // calls that failed this poll
  // Redeployments per job name since the exporter started: a job name seen again under a new
  // job id (an upgrade from a savepoint, a resubmission). Sorted by name.
  std::vector<std::pair<std::string, double>> deployments;
  // Per configured expected_jobs pattern, in config order: jobs RUNNING whose name matches.
  std::vector<std::pair<std::string, int64_t>> expected_jobs_running;
  // Per-subtask series left out this poll because the cluster's limit was reached.
  uint64_t series_dropped = 0;
};

}  // namespace fme
