// Internals shared by the simulated Flink JobManager REST handlers (simulator/flink/*.cc).
// Everything is a pure function of (World, FlinkCluster, request): no clock, no randomness.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_response.h"
#include "world/world.h"

namespace fme::sim::flink {

// Insertion-ordered, so field order follows Flink's serializers where it matters for readability.
using Json = nlohmann::ordered_json;

// Long.MAX_VALUE / Long.MIN_VALUE as Flink writes them.
inline constexpr int64_t kLongMax = INT64_MAX;
inline constexpr int64_t kLongMin = INT64_MIN;

struct Ctx {
  const World& world;
  const FlinkCluster& cluster;
  const QueryParams& query;
  FlinkDialect dialect;

  // True when the cluster's dialect is `d` or newer (dialects are ordered oldest first).
  bool Since(FlinkDialect d) const { return static_cast<int>(dialect) >= static_cast<int>(d); }
  bool Legacy() const { return dialect == FlinkDialect::k1_4; }
  Millis now() const { return world.now; }
};

// ------------------------------------------------------------------ responses
ApiResponse JsonOk(const Json& body);
// 1.5+: {"errors":["<message>"]}; 1.4 (legacy web monitor): text/plain message.
ApiResponse ErrorResponse(const Ctx& ctx, int status, const std::string& message);

// ------------------------------------------------------------------ lookups
const Job* FindJob(const FlinkCluster& cluster, const std::string& id);
const Vertex* FindVertex(const Job& job, const std::string& id);
const TaskManager* FindTaskManager(const FlinkCluster& cluster, const std::string& id);

ApiResponse JobNotFound(const Ctx& ctx, const std::string& job_id);
ApiResponse VertexNotFound(const Ctx& ctx, const std::string& vertex_id);
ApiResponse TaskManagerNotFound(const Ctx& ctx, const std::string& tm_id);

// Query parameter values: all occurrences of `key`, comma-split, trimmed, empties dropped.
std::vector<std::string> QueryList(const QueryParams& query, const std::string& key);
std::optional<std::string> QueryValue(const QueryParams& query, const std::string& key);

// ------------------------------------------------------------------ enums per dialect
// INITIALIZING job status appeared in 1.12 (first simulated dialect with it: 1.13); older
// dialects show it as CREATED. INITIALIZING execution state appeared in 1.13; older: DEPLOYING.
std::string JobStatusWire(const Ctx& ctx, JobStatus s);
std::string ExecutionStateWire(const Ctx& ctx, ExecutionState s);
std::vector<JobStatus> DialectJobStatuses(const Ctx& ctx);
std::vector<ExecutionState> DialectExecutionStates(const Ctx& ctx);
std::string ToLower(std::string s);

// ------------------------------------------------------------------ derived job facts
bool IsTerminal(ExecutionState s);
// Flink's ExecutionJobVertex#getAggregateJobVertexState.
ExecutionState VertexState(const Vertex& v);
Millis VertexStartTime(const Vertex& v);
Millis VertexEndTime(const Job& job, const Vertex& v);  // -1 while not all subtasks ended
Millis SubtaskEndTime(const Job& job, const Subtask& s);
Millis Duration(const Ctx& ctx, Millis start, Millis end);  // end -1 => until now
Millis LastModification(const Job& job);
std::map<ExecutionState, int> CountStates(const Job& job);
std::map<ExecutionState, int> CountStates(const Vertex& v);
// "host:dataPort" of the subtask's TaskManager (Flink 1.19+ `endpoint`), else the host.
std::string SubtaskEndpoint(const FlinkCluster& cluster, const Subtask& s);

// The task time metrics of a subtask (1.13+ names): backPressuredTimeMsPerSecond and
// idleTimeMsPerSecond are long gauges, busyTimeMsPerSecond a double gauge.
int64_t BackPressuredMsPerSecond(const Subtask& s);
int64_t IdleMsPerSecond(const Subtask& s);
double BusyMsPerSecond(const Subtask& s);

// TaskExecutorMemoryConfiguration (bytes), derived from the World's heap and managed memory with
// Flink's defaults: framework heap/off-heap 128m, metaspace 256m, network 10% of total Flink
// memory (64m..1g), JVM overhead 10% of process memory (192m..1g).
inline constexpr int64_t kMiB = int64_t{1} << 20;
inline constexpr int64_t kSegmentSize = 32 * 1024;  // taskmanager.memory.segment-size default
struct TmMemory {
  int64_t framework_heap = 128 * kMiB, task_heap = 0, framework_off_heap = 128 * kMiB,
          task_off_heap = 0, network = 0, managed = 0, metaspace = 256 * kMiB, overhead = 0,
          total_flink = 0, total_process = 0;
  int64_t segments_total() const { return network / kSegmentSize; }
};
TmMemory TaskManagerMemory(const TaskManager& tm);
// Network buffers in use: proportional to the TaskManager's used slots.
int64_t TaskManagerFreeSegments(const TaskManager& tm);

// Backpressure level thresholds (all versions): ok <= 0.10 < low <= 0.5 < high.
const char* BackpressureLevel(double ratio);

// ------------------------------------------------------------------ value formatting
// Java's String.valueOf(double): "0.0", "1523.4", "1.0E7", "NaN".
std::string JavaDouble(double v);

// ------------------------------------------------------------------ handlers
// cluster.cc
ApiResponse HandleConfig(const Ctx& ctx);
ApiResponse HandleOverview(const Ctx& ctx);
ApiResponse HandleJobIds(const Ctx& ctx);                 // GET /jobs
ApiResponse HandleJobsOverview(const Ctx& ctx);           // GET /jobs/overview (1.5+)
enum class LegacyOverview { kAll, kRunning, kCompleted };
ApiResponse HandleLegacyJobOverview(const Ctx& ctx, LegacyOverview which);  // 1.4 /joboverview*
// jobs.cc
ApiResponse HandleJobDetails(const Ctx& ctx, const Job& job);
ApiResponse HandleJobStatus(const Ctx& ctx, const Job& job);  // 1.16+
ApiResponse HandleVertexDetails(const Ctx& ctx, const Job& job, const Vertex& v);
// checkpoints.cc
ApiResponse HandleCheckpoints(const Ctx& ctx, const Job& job);
ApiResponse HandleCheckpointConfig(const Ctx& ctx, const Job& job);
ApiResponse HandleCheckpointDetails(const Ctx& ctx, const Job& job, const std::string& id);
// exceptions.cc
ApiResponse HandleExceptions(const Ctx& ctx, const Job& job);
// backpressure.cc
ApiResponse HandleBackpressure(const Ctx& ctx, const Job& job, const Vertex& v);
// taskmanagers.cc
ApiResponse HandleTaskManagers(const Ctx& ctx);
ApiResponse HandleTaskManagerDetails(const Ctx& ctx, const TaskManager& tm);
// metrics.cc (null pointers = unknown component: Flink answers an empty list)
ApiResponse HandleJobManagerMetrics(const Ctx& ctx);
ApiResponse HandleTaskManagerMetrics(const Ctx& ctx, const TaskManager* tm);
ApiResponse HandleAggregatedTaskManagerMetrics(const Ctx& ctx);  // /taskmanagers/metrics
ApiResponse HandleJobMetrics(const Ctx& ctx, const Job* job);
ApiResponse HandleAggregatedJobMetrics(const Ctx& ctx);          // /jobs/metrics
ApiResponse HandleVertexMetrics(const Ctx& ctx, const Job* job, const Vertex* v);
ApiResponse HandleSubtaskMetrics(const Ctx& ctx, const Job* job, const Vertex* v,
                                 const std::string& subtask);
ApiResponse HandleAggregatedSubtaskMetrics(const Ctx& ctx, const Job* job, const Vertex* v);
ApiResponse HandleWatermarks(const Ctx& ctx, const Job& job, const Vertex& v);  // 1.10+

}  // namespace fme::sim::flink
