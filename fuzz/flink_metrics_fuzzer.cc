// The metric endpoints (?get= values and aggregated ?agg= answers), and what the exporter derives
// from them: a vertex's load figures and a JVM's memory, CPU and garbage collectors.
#include <cmath>

#include "flink/flink_jvm_metrics.h"
#include "flink/flink_metrics_parser.h"
#include "flink/flink_vertex_metrics.h"
#include "fuzz_check.h"

using fme::fuzz::Finite;

namespace {

bool MaxAvgFinite(const fme::MaxAvg& m) { return Finite(m.max) && Finite(m.avg); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = fme::fuzz::AsText(data, size);

  auto values = fme::ParseFlinkMetricValues(body);
  if (values.ok()) {
    for (const auto& [id, v] : *values) {
      FME_FUZZ_CHECK(!id.empty());
      FME_FUZZ_CHECK(std::isfinite(v));
    }
    const fme::FlinkJvmMetrics jvm = fme::JvmMetricsFrom(*values);
    FME_FUZZ_CHECK(Finite(jvm.heap_used_bytes) && Finite(jvm.heap_max_bytes) &&
                   Finite(jvm.cpu_load));
    for (std::size_t i = 0; i < jvm.gc.size(); ++i) {
      const fme::FlinkGarbageCollector& gc = jvm.gc[i];
      FME_FUZZ_CHECK(!gc.name.empty() && gc.name != "All");
      FME_FUZZ_CHECK(i == 0 || jvm.gc[i - 1].name < gc.name);  // sorted, one entry per name
      FME_FUZZ_CHECK(std::isfinite(gc.collections) && std::isfinite(gc.time_seconds));
    }
  } else {
    fme::fuzz::CheckError(values.status(), fme::StatusCode::kParseError);
  }

  auto aggregates = fme::ParseFlinkAggregatedMetrics(body);
  if (aggregates.ok()) {
    for (const auto& [id, a] : *aggregates) {
      FME_FUZZ_CHECK(!id.empty());
      FME_FUZZ_CHECK(a.min || a.max || a.avg || a.sum);
      FME_FUZZ_CHECK(Finite(a.min) && Finite(a.max) && Finite(a.avg) && Finite(a.sum));
    }
    fme::FlinkVertex vertex;
    fme::ApplyVertexAggregates(*aggregates, vertex);
    FME_FUZZ_CHECK(MaxAvgFinite(vertex.backpressured_ratio) && MaxAvgFinite(vertex.busy_ratio) &&
                   MaxAvgFinite(vertex.idle_ratio) && MaxAvgFinite(vertex.out_pool_usage) &&
                   MaxAvgFinite(vertex.in_pool_usage));
    FME_FUZZ_CHECK(Finite(vertex.records_in) && Finite(vertex.records_out));
    FME_FUZZ_CHECK(Finite(vertex.watermark_seconds));
    // The level is derived from the max backpressured ratio, and only from it.
    FME_FUZZ_CHECK(vertex.backpressure_level.has_value() ==
                   vertex.backpressured_ratio.max.has_value());
    if (vertex.backpressure_level) {
      FME_FUZZ_CHECK(*vertex.backpressure_level == fme::FlinkBackpressureLevel::kOk ||
                     *vertex.backpressure_level == fme::FlinkBackpressureLevel::kLow ||
                     *vertex.backpressure_level == fme::FlinkBackpressureLevel::kHigh);
    }
  } else {
    fme::fuzz::CheckError(aggregates.status(), fme::StatusCode::kParseError);
  }
  return 0;
}
