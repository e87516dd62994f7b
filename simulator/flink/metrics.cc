// Metric endpoints (bare JSON arrays): /jobmanager/metrics, /taskmanagers[/:id]/metrics,
// /jobs[/:id]/metrics, /jobs/:id/vertices/:vid/metrics, .../subtasks[/:idx]/metrics, and the
// 1.10+ .../watermarks. Values come from the World; what Flink's MetricFetcher would hold.
//
// - without `get`: [{"id":..}] = the available metric ids;
// - with `get=a,b`: [{"id":"a","value":"<string>"}] in request order, unknown ids dropped;
// - aggregated endpoints: [{"id","min","max","avg","sum"[,"skew" 1.20+]}] as numbers (JSON strings
//   on 1.4), `agg` chooses (case-insensitive; unknown => 400), non-numeric metrics skipped.
// Unknown jobs/vertices/TaskManagers (and ended jobs, whose metrics Flink drops) give [].
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

struct Metric {
  std::string id;
  std::string value;
};
using MetricList = std::vector<Metric>;

std::string Long(int64_t v) { return std::to_string(v); }
double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// Operator names as MetricQueryService sanitises them: ' ', '.', ':', ',' -> '_', max 80 chars.
std::string SanitizeOperatorName(const std::string& name) {
  std::string out = name.substr(0, 80);
  for (char& c : out) {
    if (c == ' ' || c == '.' || c == ':' || c == ',') c = '_';
  }
  return out;
}

std::vector<std::string> ChainedOperators(const Vertex& v) {
  std::vector<std::string> ops;
  std::size_t start = 0;
  while (true) {
    const std::size_t arrow = v.name.find(" -> ", start);
    ops.push_back(v.name.substr(start, arrow == std::string::npos ? std::string::npos : arrow - start));
    if (arrow == std::string::npos) break;
    start = arrow + 4;
  }
  return ops;
}

bool HasMetrics(const Job& job) { return !IsGloballyTerminal(job.state); }
bool HasMetrics(const Subtask& s) {
  return s.state == ExecutionState::kRunning || s.state == ExecutionState::kInitializing ||
         s.state == ExecutionState::kFinished;
}

std::string WatermarkValue(const Subtask& s) {
  return Long(s.watermark.has_value() ? *s.watermark : kLongMin);
}

// Pool usages derived from the time ratios: a backpressured task's output pool fills (full at a
// ratio of 0.5), a busy task's input pool fills.
double OutPoolUsage(const Subtask& s) { return Round3(std::clamp(s.backpressured_ratio * 2, 0.0, 1.0)); }
double InPoolUsage(const Subtask& s) { return Round3(std::clamp(s.busy_ratio, 0.0, 1.0)); }

double BytesPerRecord(int64_t bytes, int64_t records) {
  return records > 0 ? static_cast<double>(bytes) / static_cast<double>(records) : 0.0;
}

// Task + operator metrics of one subtask, ids without the "<subtask>." prefix.
MetricList SubtaskMetricList(const Ctx& ctx, const Vertex& v, const Subtask& s) {
  MetricList m;
  m.push_back({"numRecordsIn", Long(s.records_in)});
  m.push_back({"numRecordsOut", Long(s.records_out)});
  m.push_back({"numRecordsInPerSecond", JavaDouble(s.records_in_per_second)});
  m.push_back({"numRecordsOutPerSecond", JavaDouble(s.records_out_per_second)});
  m.push_back({"numBytesIn", Long(s.bytes_in)});
  m.push_back({"numBytesOut", Long(s.bytes_out)});
  m.push_back({"numBytesInPerSecond",
               JavaDouble(Round3(s.records_in_per_second * BytesPerRecord(s.bytes_in, s.records_in)))});
  m.push_back({"numBytesOutPerSecond",
               JavaDouble(Round3(s.records_out_per_second * BytesPerRecord(s.bytes_out, s.records_out)))});
  if (!ctx.Since(FlinkDialect::k2_0)) {  // deprecated 1.9, removed 2.0
    m.push_back({"buffers.inPoolUsage", JavaDouble(InPoolUsage(s))});
    m.push_back({"buffers.outPoolUsage", JavaDouble(OutPoolUsage(s))});
  }
  if (ctx.Since(FlinkDialect::k1_9)) {
    m.push_back({"Shuffle.Netty.Input.Buffers.inPoolUsage", JavaDouble(InPoolUsage(s))});
    m.push_back({"Shuffle.Netty.Output.Buffers.outPoolUsage", JavaDouble(OutPoolUsage(s))});
  }
  if (ctx.Since(FlinkDialect::k1_13)) {
    m.push_back({"isBackPressured", s.backpressured_ratio > 0 ? "true" : "false"});  // 1.10
    m.push_back({"idleTimeMsPerSecond", Long(IdleMsPerSecond(s))});                  // 1.11
    m.push_back({"busyTimeMsPerSecond", JavaDouble(BusyMsPerSecond(s))});            // 1.13
    m.push_back({"backPressuredTimeMsPerSecond", Long(BackPressuredMsPerSecond(s))});
  }
  if (ctx.Legacy()) {
    m.push_back({"currentLowWatermark", WatermarkValue(s)});  // 1.4 only
  } else {
    m.push_back({"currentInputWatermark", WatermarkValue(s)});  // 1.5+
  }
  const std::vector<std::string> ops = ChainedOperators(v);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::string p = SanitizeOperatorName(ops[i]) + ".";
    const bool first = i == 0;
    m.push_back({p + "numRecordsIn", Long(first ? s.records_in : s.records_out)});
    m.push_back({p + "numRecordsOut", Long(s.records_out)});
    m.push_back({p + "numRecordsInPerSecond",
                 JavaDouble(first ? s.records_in_per_second : s.records_out_per_second)});
    m.push_back({p + "numRecordsOutPerSecond", JavaDouble(s.records_out_per_second)});
    if (!ctx.Legacy()) {
      m.push_back({p + "currentInputWatermark", WatermarkValue(s)});
      m.push_back({p + "currentOutputWatermark", WatermarkValue(s)});
    }
  }
  return m;
}

MetricList JobMetricList(const Ctx& ctx, const Job& job) {
  auto ts = [&](JobStatus st) -> Millis {
    auto it = job.state_timestamps.find(st);
    return it == job.state_timestamps.end() ? 0 : it->second;
  };
  const Millis now = ctx.now();
  const bool terminal = IsGloballyTerminal(job.state);
  Millis uptime = 0, downtime = 0, restarting = 0;
  if (terminal) {
    uptime = downtime = -1;
  } else if (job.state == JobStatus::kRunning) {
    uptime = now - (ts(JobStatus::kRunning) > 0 ? ts(JobStatus::kRunning) : job.start_time);
  } else if (job.state == JobStatus::kFailing || job.state == JobStatus::kRestarting) {
    const Millis since = ts(JobStatus::kFailing) > 0 ? ts(JobStatus::kFailing) : ts(job.state);
    downtime = since > 0 ? now - since : 0;
  }
  if (job.state == JobStatus::kRestarting && ts(JobStatus::kRestarting) > 0) {
    restarting = now - ts(JobStatus::kRestarting);
  } else if (ts(JobStatus::kRestarting) > 0 && ts(JobStatus::kRunning) > ts(JobStatus::kRestarting)) {
    restarting = ts(JobStatus::kRunning) - ts(JobStatus::kRestarting);
  }

  MetricList m;
  m.push_back({"uptime", Long(uptime)});
  m.push_back({"downtime", Long(downtime)});
  m.push_back({"restartingTime", Long(restarting)});
  if (ctx.Since(FlinkDialect::k1_18)) {  // 1.15 state-time gauges
    m.push_back({"runningTime", Long(job.state == JobStatus::kRunning ? uptime : 0)});
  }
  if (!ctx.Since(FlinkDialect::k2_0)) m.push_back({"fullRestarts", Long(job.restarts)});
  if (ctx.Since(FlinkDialect::k1_13)) m.push_back({"numRestarts", Long(job.restarts)});  // 1.10
  if (ctx.Since(FlinkDialect::k2_0)) m.push_back({"numRescales", "0"});

  if (job.has_checkpoint_coordinator) {
    const CheckpointStats& st = job.checkpoints;
    const auto& last = st.latest_completed;
    m.push_back({"numberOfInProgressCheckpoints", Long(st.in_progress)});
    m.push_back({"numberOfCompletedCheckpoints", Long(st.completed)});
    m.push_back({"numberOfFailedCheckpoints", Long(st.failed)});
    m.push_back({"totalNumberOfCheckpoints", Long(st.total)});
    m.push_back({"lastCheckpointDuration", Long(last ? last->end_to_end_duration : -1)});
    // lastCheckpointSize is the checkpointed (incremental) size from 1.15 on.
    m.push_back({"lastCheckpointSize",
                 Long(last ? (ctx.Since(FlinkDialect::k1_18) ? last->checkpointed_size : last->state_size)
                           : -1)});
    if (ctx.Since(FlinkDialect::k1_18)) {
      m.push_back({"lastCheckpointFullSize", Long(last ? last->state_size : -1)});  // 1.15
      m.push_back({"lastCompletedCheckpointId", Long(last ? last->id : -1)});       // 1.17
    }
    if (ctx.Since(FlinkDialect::k2_0)) {
      m.push_back({"lastCheckpointCompletedTimestamp", Long(last ? last->latest_ack_timestamp : -1)});
    }
    if (!ctx.Since(FlinkDialect::k1_13)) {  // 1.4-1.10
      m.push_back({"lastCheckpointAlignmentBuffered", Long(last ? last->alignment_buffered : -1)});
    }
    m.push_back({"lastCheckpointExternalPath",
                 last && !last->external_path.empty() ? last->external_path : "n/a"});
    m.push_back({"lastCheckpointRestoreTimestamp",
                 Long(st.latest_restored ? st.latest_restored->restore_timestamp : -1)});
  }
  return m;
}

void JvmMetrics(const Ctx& ctx, int64_t heap_used, int64_t heap_committed, int64_t heap_max,
                int64_t non_heap_used, int64_t non_heap_max, double cpu_load,
                const std::vector<TaskManager::Gc>& gcs, MetricList* m) {
  (void)ctx;
  m->push_back({"Status.JVM.CPU.Load", JavaDouble(cpu_load)});
  m->push_back({"Status.JVM.Memory.Heap.Used", Long(heap_used)});
  m->push_back({"Status.JVM.Memory.Heap.Committed", Long(heap_committed)});
  m->push_back({"Status.JVM.Memory.Heap.Max", Long(heap_max)});
  m->push_back({"Status.JVM.Memory.NonHeap.Used", Long(non_heap_used)});
  m->push_back({"Status.JVM.Memory.NonHeap.Committed", Long(non_heap_used)});
  m->push_back({"Status.JVM.Memory.NonHeap.Max", Long(non_heap_max)});
  for (const TaskManager::Gc& gc : gcs) {
    m->push_back({"Status.JVM.GarbageCollector." + gc.name + ".Count", Long(gc.count)});
    m->push_back({"Status.JVM.GarbageCollector." + gc.name + ".Time", Long(gc.time_ms)});
  }
}

MetricList TaskManagerMetricList(const Ctx& ctx, const TaskManager& tm) {
  // CPU load: the busy time of the subtasks running on this TaskManager over its cores.
  double busy = 0;
  for (const Job& job : ctx.cluster.jobs) {
    if (!HasMetrics(job)) continue;
    for (const Vertex& v : job.vertices) {
      for (const Subtask& s : v.subtasks) {
        if (s.taskmanager_id == tm.id && s.state == ExecutionState::kRunning) busy += s.busy_ratio;
      }
    }
  }
  const double load = Round3(std::clamp(busy / std::max(1, tm.cpu_cores), 0.0, 1.0));
  MetricList m;
  JvmMetrics(ctx, tm.heap_used, tm.heap_committed, tm.heap_max, tm.non_heap_used, tm.non_heap_max,
             load, tm.gcs, &m);
  const TmMemory mem = TaskManagerMemory(tm);
  const int64_t total = mem.segments_total();
  const int64_t free = TaskManagerFreeSegments(tm);
  if (!ctx.Since(FlinkDialect::k2_0)) {  // removed 2.0
    m.push_back({"Status.Network.AvailableMemorySegments", Long(free)});
    m.push_back({"Status.Network.TotalMemorySegments", Long(total)});
  }
  if (ctx.Since(FlinkDialect::k1_9)) {
    m.push_back({"Status.Shuffle.Netty.AvailableMemorySegments", Long(free)});
    m.push_back({"Status.Shuffle.Netty.UsedMemorySegments", Long(total - free)});
    m.push_back({"Status.Shuffle.Netty.TotalMemorySegments", Long(total)});
  }
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.12
    const double used_fraction =
        tm.slots > 0 ? static_cast<double>(tm.slots - tm.free_slots) / tm.slots : 0.0;
    m.push_back({"Status.Flink.Memory.Managed.Used",
                 Long(static_cast<int64_t>(static_cast<double>(tm.managed_memory) * used_fraction))});
    m.push_back({"Status.Flink.Memory.Managed.Total", Long(tm.managed_memory)});
  }
  return m;
}

// The World does not model the JobManager's JVM; these follow a fixed model: 1 GiB heap
// (jobmanager.heap.size default), 128 MiB + 32 MiB per job used, CPU load 2% + 1% per running
// job, one young-generation collection per minute of JobManager uptime.
MetricList JobManagerMetricList(const Ctx& ctx) {
  const FlinkCluster& c = ctx.cluster;
  int slots_total = 0, slots_free = 0, running = 0;
  for (const TaskManager& tm : c.taskmanagers) {
    slots_total += tm.slots;
    slots_free += tm.free_slots;
  }
  for (const Job& job : c.jobs) running += IsGloballyTerminal(job.state) ? 0 : 1;
  const int64_t heap_max = 1024 * kMiB;
  const int64_t heap_used =
      std::min<int64_t>(heap_max, 128 * kMiB + 32 * kMiB * static_cast<int64_t>(c.jobs.size()));
  const int64_t uptime_min = c.jobmanager_start > 0 ? (ctx.now() - c.jobmanager_start) / 60000 : 0;
  std::vector<TaskManager::Gc> gcs = {{"G1_Young_Generation", uptime_min, uptime_min * 12},
                                      {"G1_Old_Generation", 0, 0}};
  MetricList m;
  m.push_back({"numRegisteredTaskManagers", Long(static_cast<int64_t>(c.taskmanagers.size()))});
  m.push_back({"numRunningJobs", Long(running)});
  m.push_back({"taskSlotsTotal", Long(slots_total)});
  m.push_back({"taskSlotsAvailable", Long(slots_free)});
  JvmMetrics(ctx, heap_used, heap_max, heap_max, 96 * kMiB, -1, Round3(0.02 + 0.01 * running), gcs,
             &m);
  return m;
}

// ----------------------------------------------------------------- response building

ApiResponse IdList(const std::vector<std::string>& ids) {
  Json arr = Json::array();
  for (const std::string& id : ids) {
    Json e;
    e["id"] = id;
    arr.push_back(e);
  }
  return JsonOk(arr);
}

ApiResponse ListOrGet(const Ctx& ctx, const MetricList& metrics) {
  const std::vector<std::string> get = QueryList(ctx.query, "get");
  if (get.empty()) {
    std::vector<std::string> ids;
    for (const Metric& m : metrics) ids.push_back(m.id);
    return IdList(ids);
  }
  Json arr = Json::array();
  for (const std::string& id : get) {
    for (const Metric& m : metrics) {
      if (m.id != id) continue;
      Json e;
      e["id"] = m.id;
      e["value"] = m.value;
      arr.push_back(e);
      break;
    }
  }
  return JsonOk(arr);
}

std::optional<double> ParseDouble(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

ApiResponse Aggregate(const Ctx& ctx, const std::vector<MetricList>& components) {
  // agg: min,max,avg,sum (+ skew from 1.20); case-insensitive; default = all.
  std::vector<std::string> aggs;
  for (const std::string& a : QueryList(ctx.query, "agg")) {
    const std::string l = ToLower(a);
    const bool known = l == "min" || l == "max" || l == "avg" || l == "sum" ||
                       (l == "skew" && ctx.Since(FlinkDialect::k2_0));
    if (!known) {
      return ErrorResponse(ctx, 400, "Cannot resolve value '" + a + "' for query parameter agg.");
    }
    if (std::find(aggs.begin(), aggs.end(), l) == aggs.end()) aggs.push_back(l);
  }
  if (aggs.empty()) {
    aggs = {"min", "max", "avg", "sum"};
    if (ctx.Since(FlinkDialect::k2_0)) aggs.push_back("skew");
  }
  const std::vector<std::string> get = QueryList(ctx.query, "get");
  if (get.empty()) {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const MetricList& c : components) {
      for (const Metric& m : c) {
        if (seen.insert(m.id).second) ids.push_back(m.id);
      }
    }
    return IdList(ids);
  }
  Json arr = Json::array();
  for (const std::string& id : get) {
    std::vector<double> values;
    for (const MetricList& c : components) {
      for (const Metric& m : c) {
        if (m.id != id) continue;
        if (auto d = ParseDouble(m.value)) values.push_back(*d);
        break;
      }
    }
    if (values.empty()) continue;
    double mn = values[0], mx = values[0], sum = 0;
    for (double v : values) {
      mn = std::min(mn, v);
      mx = std::max(mx, v);
      sum += v;
    }
    const double avg = sum / static_cast<double>(values.size());
    double skew = 0;  // average absolute deviation over the mean, in percent, capped at 100
    if (avg != 0.0) {
      double dev = 0;
      for (double v : values) dev += std::fabs(avg - v);
      skew = std::min(dev / static_cast<double>(values.size()) / avg * 100.0, 100.0);
    }
    Json e;
    e["id"] = id;
    // Fixed field order min, max, avg, sum, skew; only the requested ones.
    for (const char* name : {"min", "max", "avg", "sum", "skew"}) {
      if (std::find(aggs.begin(), aggs.end(), name) == aggs.end()) continue;
      const std::string n = name;
      const double v = n == "min" ? mn : n == "max" ? mx : n == "avg" ? avg : n == "sum" ? sum : skew;
      if (ctx.Legacy()) {
        e[n] = JavaDouble(v);  // 1.4 legacy handler writes strings
      } else {
        e[n] = v;
      }
    }
    arr.push_back(e);
  }
  return JsonOk(arr);
}

// "0-2,4" -> {0,1,2,4}; empty => all.
std::optional<std::set<int>> ParseSubtaskRanges(const std::vector<std::string>& items) {
  if (items.empty()) return std::nullopt;
  std::set<int> out;
  for (const std::string& item : items) {
    const std::size_t dash = item.find('-');
    const int a = std::atoi(item.substr(0, dash).c_str());
    const int b = dash == std::string::npos ? a : std::atoi(item.substr(dash + 1).c_str());
    for (int i = a; i <= b && i - a < 100000; ++i) out.insert(i);
  }
  return out;
}

}  // namespace

ApiResponse HandleJobManagerMetrics(const Ctx& ctx) { return ListOrGet(ctx, JobManagerMetricList(ctx)); }

ApiResponse HandleTaskManagerMetrics(const Ctx& ctx, const TaskManager* tm) {
  return ListOrGet(ctx, tm == nullptr ? MetricList{} : TaskManagerMetricList(ctx, *tm));
}

ApiResponse HandleAggregatedTaskManagerMetrics(const Ctx& ctx) {
  const std::vector<std::string> wanted = QueryList(ctx.query, "taskmanagers");
  std::vector<MetricList> comps;
  for (const TaskManager& tm : ctx.cluster.taskmanagers) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), tm.id) == wanted.end()) continue;
    comps.push_back(TaskManagerMetricList(ctx, tm));
  }
  return Aggregate(ctx, comps);
}

ApiResponse HandleJobMetrics(const Ctx& ctx, const Job* job) {
  return ListOrGet(ctx, job == nullptr || !HasMetrics(*job) ? MetricList{} : JobMetricList(ctx, *job));
}

ApiResponse HandleAggregatedJobMetrics(const Ctx& ctx) {
  const std::vector<std::string> wanted = QueryList(ctx.query, "jobs");
  std::vector<MetricList> comps;
  for (const Job& job : ctx.cluster.jobs) {
    if (!HasMetrics(job)) continue;
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), job.id) == wanted.end()) continue;
    comps.push_back(JobMetricList(ctx, job));
  }
  return Aggregate(ctx, comps);
}

ApiResponse HandleVertexMetrics(const Ctx& ctx, const Job* job, const Vertex* v) {
  MetricList all;
  if (job != nullptr && v != nullptr && HasMetrics(*job)) {
    for (const Subtask& s : v->subtasks) {
      if (!HasMetrics(s)) continue;
      const std::string prefix = std::to_string(s.index) + ".";
      for (Metric& m : SubtaskMetricList(ctx, *v, s)) all.push_back({prefix + m.id, m.value});
    }
  }
  return ListOrGet(ctx, all);
}

ApiResponse HandleSubtaskMetrics(const Ctx& ctx, const Job* job, const Vertex* v,
                                 const std::string& subtask) {
  MetricList list;
  if (job != nullptr && v != nullptr && HasMetrics(*job)) {
    for (const Subtask& s : v->subtasks) {
      if (std::to_string(s.index) == subtask && HasMetrics(s)) list = SubtaskMetricList(ctx, *v, s);
    }
  }
  return ListOrGet(ctx, list);
}

ApiResponse HandleAggregatedSubtaskMetrics(const Ctx& ctx, const Job* job, const Vertex* v) {
  std::vector<MetricList> comps;
  if (job != nullptr && v != nullptr && HasMetrics(*job)) {
    const auto wanted = ParseSubtaskRanges(QueryList(ctx.query, "subtasks"));
    for (const Subtask& s : v->subtasks) {
      if (!HasMetrics(s) || (wanted && wanted->count(s.index) == 0)) continue;
      comps.push_back(SubtaskMetricList(ctx, *v, s));
    }
  }
  return Aggregate(ctx, comps);
}

ApiResponse HandleWatermarks(const Ctx& ctx, const Job& job, const Vertex& v) {
  Json arr = Json::array();
  if (HasMetrics(job)) {
    for (const Subtask& s : v.subtasks) {
      if (!HasMetrics(s)) continue;
      Json e;
      e["id"] = std::to_string(s.index) + ".currentInputWatermark";
      e["value"] = WatermarkValue(s);
      arr.push_back(e);
    }
  }
  (void)ctx;
  return JsonOk(arr);
}

}  // namespace fme::sim::flink
