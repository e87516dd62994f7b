// Which task metrics the exporter asks for per vertex, and how their aggregates over subtasks
// become FlinkVertex fields. One aggregated call per vertex serves every version: unknown
// names are silently dropped by Flink, so the union of all versions' names is requested and
// the presence of a metric decides, not the version number.
//   1.13+: backPressured/busy/idleTimeMsPerSecond
//   1.11-1.12: idleTimeMsPerSecond (isBackPressured cannot be aggregated: it is a boolean)
//   all: buffer pool usage (Shuffle.Netty.* 1.9+, buffers.* 1.4-1.20), numRecordsIn/Out,
//        currentInputWatermark (1.5+) / currentLowWatermark (1.4)
#pragma once

#include <string>

#include "flink/flink_metrics_parser.h"
#include "fme/model/flink.h"

namespace fme {

// The query for /jobs/:jid/vertices/:vid/subtasks/metrics, starting with '?':
// "?get=<names, URL-escaped>&agg=min,max,avg,sum".
const std::string& VertexMetricsQuery();

// Fills the load fields of `vertex` from the aggregates (fields whose metrics are absent stay
// empty). The backpressure level is derived from the max backpressured ratio when present.
// A watermark of Long.MIN_VALUE (no watermark yet) or Long.MAX_VALUE (end of input) is absent.
void ApplyVertexAggregates(const FlinkAggregates& aggregates, FlinkVertex& vertex);

}  // namespace fme
