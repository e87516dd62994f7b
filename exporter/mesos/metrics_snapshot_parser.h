// Pure parser for a Mesos master's GET /metrics/snapshot: a flat JSON object of doubles.
// Missing keys stay absent (std::nullopt), never 0: with `?timeout=` the master omits metrics
// that were not ready. Memory and disk arrive in MB (MiB) and are converted to bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fme/model/mesos.h"
#include "fme/status.h"

namespace fme {

struct MasterMetrics {
  MesosMasterStatus self;      // elected, uptime, event queue (url/reachable left to caller)
  MesosClusterMetrics cluster;  // meaningful only on the elected master
  // master/task_<state>/source_<source>/reason_<reason> counters (state as TASK_*, source and
  // reason upper-cased with their SOURCE_/REASON_ prefix), sorted by (state, reason, source).
  std::vector<MesosTermination> terminations;
  // Per-framework counters (1.7+, master/frameworks/<encoded name>/<id>/tasks/...): the
  // fallback for per-framework task counts when no event stream or task list is available.
  struct FrameworkTasks {
    std::string framework_id;
    std::string framework_name;  // percent-decoded
    std::array<int64_t, kMesosActiveTaskStateCount> active{};  // tasks/active/<state>
    std::vector<MesosTermination> terminal;  // tasks/terminal/<state>; reason/source "unknown"
  };
  std::vector<FrameworkTasks> frameworks;  // sorted by id
};

Result<MasterMetrics> ParseMasterMetricsSnapshot(std::string_view body);

}  // namespace fme
