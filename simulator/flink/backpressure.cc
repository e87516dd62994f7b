// GET /jobs/:jobid/vertices/:vertexid/backpressure (JobVertexBackPressureInfo).
//
// 1.4-1.12: on-demand stack-trace sampling. The simulator assumes a client that keeps polling:
// a sample takes kSampleMillis (100 samples x 50 ms) and is refreshed once it is older than
// kRefreshMillis (web.backpressure.refresh-interval), so samples end at
//   vertex start + kSampleMillis + k * (kRefreshMillis + kSampleMillis).
// Before the first sample ends (or when no subtask runs) the answer is {"status":"deprecated"}.
// 1.4 flags a stale sample (older than the refresh interval; the resample is running) with
// status "deprecated" but still returns its data; 1.5-1.12 return stale data with "ok".
// 1.13+: computed from the task time metrics; end-timestamp = last metric fetch (10 s cadence).
#include <algorithm>
#include <cmath>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

constexpr Millis kSampleMillis = 5000;
constexpr Millis kRefreshMillis = 60000;
constexpr Millis kMetricFetchMillis = 10000;

bool AnyRunning(const Vertex& v) {
  return std::any_of(v.subtasks.begin(), v.subtasks.end(),
                     [](const Subtask& s) { return s.state == ExecutionState::kRunning; });
}

ApiResponse Deprecated() {
  Json j;
  j["status"] = "deprecated";
  return JsonOk(j);
}

}  // namespace

ApiResponse HandleBackpressure(const Ctx& ctx, const Job& job, const Vertex& v) {
  if (IsGloballyTerminal(job.state) || !AnyRunning(v)) return Deprecated();

  const bool metric_based = ctx.Since(FlinkDialect::k1_13);
  std::string status = "ok";
  Millis end_timestamp = 0;
  if (metric_based) {
    end_timestamp = ctx.now() - ctx.now() % kMetricFetchMillis;
  } else {
    const Millis start = VertexStartTime(v);
    if (start <= 0 || ctx.now() < start + kSampleMillis) return Deprecated();
    const Millis cycle = kRefreshMillis + kSampleMillis;
    const Millis k = (ctx.now() - start - kSampleMillis) / cycle;
    end_timestamp = start + kSampleMillis + k * cycle;
    if (ctx.Legacy() && ctx.now() - end_timestamp > kRefreshMillis) status = "deprecated";
  }

  double max_ratio = 0;
  Json subtasks = Json::array();
  for (const Subtask& s : v.subtasks) {
    Json e;
    e["subtask"] = s.index;
    double ratio;
    if (metric_based) {
      ratio = static_cast<double>(BackPressuredMsPerSecond(s)) / 1000.0;
    } else {  // fraction of 100 stack samples blocked on output buffers
      ratio = std::round(std::clamp(s.backpressured_ratio, 0.0, 1.0) * 100.0) / 100.0;
    }
    max_ratio = std::max(max_ratio, ratio);
    e["backpressure-level"] = BackpressureLevel(ratio);
    if (ctx.Since(FlinkDialect::k1_18)) e["backpressureLevel"] = BackpressureLevel(ratio);  // 1.17
    e["ratio"] = ratio;
    if (metric_based) {
      e["idleRatio"] = static_cast<double>(IdleMsPerSecond(s)) / 1000.0;
      e["busyRatio"] = BusyMsPerSecond(s) / 1000.0;
    }
    subtasks.push_back(e);
  }
  Json j;
  j["status"] = status;
  j["backpressure-level"] = BackpressureLevel(max_ratio);
  if (ctx.Since(FlinkDialect::k1_18)) j["backpressureLevel"] = BackpressureLevel(max_ratio);
  j["end-timestamp"] = end_timestamp;
  j["subtasks"] = subtasks;
  return JsonOk(j);
}

}  // namespace fme::sim::flink
