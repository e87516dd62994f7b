// Job endpoints: /jobs/:jobid, /jobs/:jobid/status, /jobs/:jobid/vertices/:vertexid.
#include <algorithm>
#include <string>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

Millis SubtaskRunningMillis(const Ctx& ctx, const Job& job, const Subtask& s) {
  if (s.start_time <= 0) return 0;
  const Millis end = SubtaskEndTime(job, s);
  return std::max<Millis>(0, (end >= 0 ? end : ctx.now()) - s.start_time);
}

struct IoTotals {
  int64_t read_bytes = 0, write_bytes = 0, read_records = 0, write_records = 0;
  int64_t backpressured_ms = 0, idle_ms = 0;
  double busy_ms = 0;
};

void Add(const Ctx& ctx, const Job& job, const Subtask& s, IoTotals* t) {
  t->read_bytes += s.bytes_in;
  t->write_bytes += s.bytes_out;
  t->read_records += s.records_in;
  t->write_records += s.records_out;
  // Accumulated times (1.16+): the simulator's per-second ratios applied over the running time.
  const double ms = static_cast<double>(SubtaskRunningMillis(ctx, job, s));
  t->backpressured_ms += static_cast<int64_t>(ms * s.backpressured_ratio);
  t->idle_ms += static_cast<int64_t>(ms * s.idle_ratio);
  t->busy_ms += ms * s.busy_ratio;
}

// IOMetricsInfo: read/write bytes/records (+ "-complete" flags), accumulated-* times 1.16+.
Json IoMetricsJson(const Ctx& ctx, const IoTotals& t) {
  Json m;
  m["read-bytes"] = t.read_bytes;
  m["read-bytes-complete"] = true;
  m["write-bytes"] = t.write_bytes;
  m["write-bytes-complete"] = true;
  m["read-records"] = t.read_records;
  m["read-records-complete"] = true;
  m["write-records"] = t.write_records;
  m["write-records-complete"] = true;
  if (ctx.Since(FlinkDialect::k1_18)) {
    m["accumulated-backpressured-time"] = t.backpressured_ms;
    m["accumulated-idle-time"] = t.idle_ms;
    m["accumulated-busy-time"] = t.busy_ms;
  }
  return m;
}

Json StateCounts(const Ctx& ctx, const std::map<ExecutionState, int>& counts) {
  Json j;
  for (ExecutionState s : DialectExecutionStates(ctx)) {
    int n = 0;
    for (const auto& [state, count] : counts) {
      if (ExecutionStateWire(ctx, state) == ExecutionStateName(s)) n += count;
    }
    j[ExecutionStateName(s)] = n;
  }
  return j;
}

// A 32-hex id derived from a string (FNV-1a), for ids the World does not model.
std::string DerivedHexId(const std::string& seed) {
  uint64_t h1 = 1469598103934665603ULL, h2 = 1099511628211ULL ^ 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : seed) {
    h1 = (h1 ^ c) * 1099511628211ULL;
    h2 = (h2 ^ c) * 0x100000001b3ULL + 0x7f;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint64_t h : {h1, h2}) {
    for (int i = 15; i >= 0; --i) out.push_back(kHex[(h >> (i * 4)) & 0xF]);
  }
  return out;
}

// JobPlanInfo (raw JSON from JsonPlanGenerator): nodes sinks first; each non-source vertex reads
// from the vertex before it (the World's vertices are a topologically ordered chain).
Json PlanJson(const Ctx& ctx, const Job& job) {
  Json plan;
  plan["jid"] = job.id;
  plan["name"] = job.name;
  if (ctx.Since(FlinkDialect::k1_9)) plan["type"] = job.streaming ? "STREAMING" : "BATCH";
  Json nodes = Json::array();
  for (std::size_t i = job.vertices.size(); i-- > 0;) {
    const Vertex& v = job.vertices[i];
    Json n;
    n["id"] = v.id;
    n["parallelism"] = v.parallelism;
    n["operator"] = "";
    n["operator_strategy"] = "";
    n["description"] = v.name;
    if (i > 0) {
      const Vertex& prev = job.vertices[i - 1];
      Json in;
      in["num"] = 0;
      in["id"] = prev.id;
      in["ship_strategy"] = prev.parallelism == v.parallelism ? "FORWARD" : "HASH";
      in["exchange"] = "pipelined_bounded";
      n["inputs"] = Json::array({in});
    }
    n["optimizer_properties"] = Json::object();
    nodes.push_back(n);
  }
  plan["nodes"] = nodes;
  return plan;
}

}  // namespace

// GET /jobs/:jobid (JobDetailsInfo; 1.4 legacy JobDetailsHandler has the same core).
ApiResponse HandleJobDetails(const Ctx& ctx, const Job& job) {
  Json j;
  j["jid"] = job.id;
  j["name"] = job.name;
  j["isStoppable"] = false;
  j["state"] = JobStatusWire(ctx, job.state);
  if (ctx.Since(FlinkDialect::k2_0)) j["job-type"] = job.streaming ? "STREAMING" : "BATCH";  // 1.20
  j["start-time"] = job.start_time;
  j["end-time"] = job.end_time;
  j["duration"] = Duration(ctx, job.start_time, job.end_time);
  if (ctx.Since(FlinkDialect::k1_13)) {
    int max_parallelism = -1;
    for (const Vertex& v : job.vertices) max_parallelism = std::max(max_parallelism, v.max_parallelism);
    j["maxParallelism"] = max_parallelism;
  }
  j["now"] = ctx.now();
  Json timestamps;
  for (JobStatus s : DialectJobStatuses(ctx)) {
    auto it = job.state_timestamps.find(s);
    timestamps[JobStatusName(s)] = it == job.state_timestamps.end() ? Millis{0} : it->second;
  }
  j["timestamps"] = timestamps;

  Json vertices = Json::array();
  for (const Vertex& v : job.vertices) {
    Json e;
    e["id"] = v.id;
    if (ctx.Since(FlinkDialect::k2_0)) e["slotSharingGroupId"] = DerivedHexId(job.id + "/default");
    e["name"] = v.name;
    if (ctx.Since(FlinkDialect::k1_13)) e["maxParallelism"] = v.max_parallelism;
    e["parallelism"] = v.parallelism;
    e["status"] = ExecutionStateWire(ctx, VertexState(v));
    const Millis start = VertexStartTime(v);
    const Millis end = VertexEndTime(job, v);
    e["start-time"] = start;
    e["end-time"] = end;
    e["duration"] = Duration(ctx, start, end);
    e["tasks"] = StateCounts(ctx, CountStates(v));
    IoTotals t;
    for (const Subtask& s : v.subtasks) Add(ctx, job, s, &t);
    e["metrics"] = IoMetricsJson(ctx, t);
    vertices.push_back(e);
  }
  j["vertices"] = vertices;
  j["status-counts"] = StateCounts(ctx, CountStates(job));
  j["plan"] = PlanJson(ctx, job);
  if (ctx.Since(FlinkDialect::k2_0)) j["pending-operators"] = 0;
  return JsonOk(j);
}

// GET /jobs/:jobid/status (1.16+).
ApiResponse HandleJobStatus(const Ctx& ctx, const Job& job) {
  Json j;
  j["status"] = JobStatusWire(ctx, job.state);
  return JsonOk(j);
}

// GET /jobs/:jobid/vertices/:vertexid (JobVertexDetailsInfo: per-subtask view).
ApiResponse HandleVertexDetails(const Ctx& ctx, const Job& job, const Vertex& v) {
  Json j;
  j["id"] = v.id;
  j["name"] = v.name;
  j["parallelism"] = v.parallelism;
  if (ctx.Since(FlinkDialect::k1_13)) j["maxParallelism"] = v.max_parallelism;
  j["now"] = ctx.now();
  Json subtasks = Json::array();
  for (const Subtask& s : v.subtasks) {
    Json e;
    e["subtask"] = s.index;
    e["status"] = ExecutionStateWire(ctx, s.state);
    e["attempt"] = s.attempt;
    if (ctx.Since(FlinkDialect::k2_0)) {
      e["endpoint"] = SubtaskEndpoint(ctx.cluster, s);  // 1.19+; `host` gone after 1.20
    } else {
      e["host"] = s.host.empty() ? "(unassigned)" : s.host;
    }
    const Millis end = SubtaskEndTime(job, s);
    e["start-time"] = s.start_time;
    e["end-time"] = end;
    e["duration"] = Duration(ctx, s.start_time, end);
    IoTotals t;
    Add(ctx, job, s, &t);
    e["metrics"] = IoMetricsJson(ctx, t);
    if (ctx.Since(FlinkDialect::k1_13)) e["taskmanager-id"] = s.taskmanager_id;  // 1.10+
    if (ctx.Since(FlinkDialect::k1_9)) e["start_time"] = s.start_time;  // legacy duplicate
    subtasks.push_back(e);
  }
  j["subtasks"] = subtasks;
  return JsonOk(j);
}

}  // namespace fme::sim::flink
