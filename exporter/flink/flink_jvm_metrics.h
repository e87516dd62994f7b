// JVM metrics of JobManager and TaskManager processes, one ?get= call each (no I/O).
// Garbage collector names depend on the JVM's collector, so the common names of every HotSpot
// collector are requested; the ones a JVM does not have are dropped by Flink.
#pragma once

#include <string>

#include "flink/flink_metrics_parser.h"
#include "fme/model/flink.h"

namespace fme {

// The query for /jobmanager/metrics and /taskmanagers/:id/metrics, starting with '?'.
const std::string& JvmMetricsQuery();

// Status.JVM.Memory.Heap.Used/Max, Status.JVM.CPU.Load and
// Status.JVM.GarbageCollector.<name>.Count/Time (ms -> seconds), collectors sorted by name.
FlinkJvmMetrics JvmMetricsFrom(const FlinkMetricValues& values);

}  // namespace fme
