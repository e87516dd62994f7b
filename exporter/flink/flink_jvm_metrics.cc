#include "flink/flink_jvm_metrics.h"

#include <array>
#include <map>
#include <string_view>

namespace fme {
namespace {

constexpr std::string_view kHeapUsed = "Status.JVM.Memory.Heap.Used";
constexpr std::string_view kHeapMax = "Status.JVM.Memory.Heap.Max";
constexpr std::string_view kCpuLoad = "Status.JVM.CPU.Load";
constexpr std::string_view kGcPrefix = "Status.JVM.GarbageCollector.";
constexpr std::string_view kCountSuffix = ".Count";
constexpr std::string_view kTimeSuffix = ".Time";
// Flink's sum over all collectors (1.19+); not a collector of its own.
constexpr std::string_view kAllCollectors = "All";

// MXBean names with spaces turned into '_' as Flink registers them: G1, Parallel, Serial,
// CMS/ParNew, ZGC (single- and generational) and Shenandoah.
constexpr std::array<std::string_view, 16> kCollectorNames = {
    "G1_Young_Generation", "G1_Old_Generation", "G1_Concurrent_GC", "PS_Scavenge",
    "PS_MarkSweep",        "Copy",              "MarkSweepCompact", "ParNew",
    "ConcurrentMarkSweep", "ZGC",               "ZGC_Cycles",       "ZGC_Pauses",
    "ZGC_Minor_Cycles",    "ZGC_Major_Cycles",  "Shenandoah_Cycles", "Shenandoah_Pauses",
};

std::optional<double> Get(const FlinkMetricValues& values, std::string_view name) {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const std::string& JvmMetricsQuery() {
  static const std::string kQuery = [] {
    // Every name is plain [A-Za-z0-9._]: nothing to escape.
    std::string q = "?get=";
    q += kHeapUsed;
    q += ',';
    q += kHeapMax;
    q += ',';
    q += kCpuLoad;
    for (std::string_view gc : kCollectorNames) {
      for (std::string_view suffix : {kCountSuffix, kTimeSuffix}) {
        q += ',';
        q += kGcPrefix;
        q += gc;
        q += suffix;
      }
    }
    return q;
  }();
  return kQuery;
}

FlinkJvmMetrics JvmMetricsFrom(const FlinkMetricValues& values) {
  FlinkJvmMetrics jvm;
  jvm.heap_used_bytes = Get(values, kHeapUsed);
  jvm.heap_max_bytes = Get(values, kHeapMax);
  jvm.cpu_load = Get(values, kCpuLoad);
  // Any collector that answered, requested or not; one with only Count or Time still counts.
  std::map<std::string, FlinkGarbageCollector, std::less<>> collectors;
  for (auto it = values.lower_bound(kGcPrefix);
       it != values.end() && it->first.compare(0, kGcPrefix.size(), kGcPrefix) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(kGcPrefix.size());
    const bool is_count = EndsWith(rest, kCountSuffix);
    const bool is_time = !is_count && EndsWith(rest, kTimeSuffix);
    if (!is_count && !is_time) continue;  // e.g. <name>.TimeMsPerSecond (1.19+)
    std::string_view name =
        rest.substr(0, rest.size() - (is_count ? kCountSuffix.size() : kTimeSuffix.size()));
    if (name.empty() || name == kAllCollectors) continue;
    auto [entry, inserted] = collectors.try_emplace(std::string(name));
    if (inserted) entry->second.name = std::string(name);
    if (is_count) {
      entry->second.collections = it->second;
    } else {
      entry->second.time_seconds = it->second / 1000.0;
    }
  }
  jvm.gc.reserve(collectors.size());
  for (auto& [name, gc] : collectors) jvm.gc.push_back(std::move(gc));
  return jvm;
}

}  // namespace fme
