#include "flink/flink_vertex_metrics.h"

#include <array>
#include <string_view>

namespace fme {
namespace {

constexpr std::string_view kBackPressuredTime = "backPressuredTimeMsPerSecond";
constexpr std::string_view kBusyTime = "busyTimeMsPerSecond";
constexpr std::string_view kIdleTime = "idleTimeMsPerSecond";
constexpr std::string_view kNettyOutPoolUsage = "Shuffle.Netty.Output.Buffers.outPoolUsage";
constexpr std::string_view kNettyInPoolUsage = "Shuffle.Netty.Input.Buffers.inPoolUsage";
constexpr std::string_view kOldOutPoolUsage = "buffers.outPoolUsage";
constexpr std::string_view kOldInPoolUsage = "buffers.inPoolUsage";
constexpr std::string_view kRecordsIn = "numRecordsIn";
constexpr std::string_view kRecordsOut = "numRecordsOut";
constexpr std::string_view kInputWatermark = "currentInputWatermark";
constexpr std::string_view kLowWatermark = "currentLowWatermark";  // 1.4

// isBackPressured (1.10+) is not asked for: it is a boolean gauge, and the aggregating
// endpoint leaves out every value that is not a number.
constexpr std::array<std::string_view, 11> kMetricNames = {
    kBackPressuredTime, kBusyTime,         kIdleTime,        kNettyOutPoolUsage,
    kNettyInPoolUsage,  kOldOutPoolUsage,  kOldInPoolUsage,  kRecordsIn,
    kRecordsOut,        kInputWatermark,   kLowWatermark,
};

// Watermark gauges report Long.MIN_VALUE before the first watermark and Long.MAX_VALUE once
// the input has ended; neither is a point in event time.
constexpr double kWatermarkLimitMs = 9.2e18;

std::string UrlEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                            (u >= '0' && u <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

const FlinkAggregate* Find(const FlinkAggregates& aggregates, std::string_view name) {
  auto it = aggregates.find(name);
  return it == aggregates.end() ? nullptr : &it->second;
}

// A *TimeMsPerSecond metric as a 0-1 ratio.
void ApplyRatio(const FlinkAggregates& aggregates, std::string_view name, MaxAvg& out) {
  const FlinkAggregate* a = Find(aggregates, name);
  if (a == nullptr) return;
  out.max = a->max ? std::optional<double>(*a->max / 1000.0) : std::nullopt;
  out.avg = a->avg ? std::optional<double>(*a->avg / 1000.0) : std::nullopt;
}

// Buffer pool usage from the current metric name, else from the pre-1.9 one.
void ApplyPoolUsage(const FlinkAggregates& aggregates, std::string_view current,
                    std::string_view old, MaxAvg& out) {
  const FlinkAggregate* a = Find(aggregates, current);
  if (a == nullptr || (!a->max && !a->avg)) a = Find(aggregates, old);
  if (a == nullptr) return;
  out.max = a->max;
  out.avg = a->avg;
}

}  // namespace

const std::string& VertexMetricsQuery() {
  // No "skew": servers before 1.20 reject the whole request with 400.
  static const std::string kQuery = [] {
    std::string q = "?get=";
    for (size_t i = 0; i < kMetricNames.size(); ++i) {
      if (i > 0) q += ',';
      q += UrlEscape(kMetricNames[i]);
    }
    q += "&agg=min,max,avg,sum";
    return q;
  }();
  return kQuery;
}

void ApplyVertexAggregates(const FlinkAggregates& aggregates, FlinkVertex& vertex) {
  ApplyRatio(aggregates, kBackPressuredTime, vertex.backpressured_ratio);
  ApplyRatio(aggregates, kBusyTime, vertex.busy_ratio);
  ApplyRatio(aggregates, kIdleTime, vertex.idle_ratio);
  ApplyPoolUsage(aggregates, kNettyOutPoolUsage, kOldOutPoolUsage, vertex.out_pool_usage);
  ApplyPoolUsage(aggregates, kNettyInPoolUsage, kOldInPoolUsage, vertex.in_pool_usage);
  if (const FlinkAggregate* a = Find(aggregates, kRecordsIn); a != nullptr && a->sum) {
    vertex.records_in = *a->sum;
  }
  if (const FlinkAggregate* a = Find(aggregates, kRecordsOut); a != nullptr && a->sum) {
    vertex.records_out = *a->sum;
  }
  const FlinkAggregate* wm = Find(aggregates, kInputWatermark);
  if (wm == nullptr || !wm->min) wm = Find(aggregates, kLowWatermark);
  if (wm != nullptr && wm->min) {
    // The minimum is Long.MIN_VALUE while any subtask still waits for its first watermark.
    const double ms = *wm->min;
    if (ms > -kWatermarkLimitMs && ms < kWatermarkLimitMs) vertex.watermark_seconds = ms / 1000.0;
  }
  if (vertex.backpressured_ratio.max) {
    vertex.backpressure_level = BackpressureLevelForRatio(*vertex.backpressured_ratio.max);
  }
}

}  // namespace fme
