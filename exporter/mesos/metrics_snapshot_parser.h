// Pure parser for a Mesos master's GET /metrics/snapshot: a flat JSON object of doubles.
// Missing keys stay absent (std::nullopt), never 0: with `?timeout=` the master omits metrics
// that were not ready. Memory and disk arrive in MB (MiB) and are converted to bytes.
#pragma once

#include <string_view>

#include "fme/model/mesos.h"
#include "fme/status.h"

namespace fme {

struct MasterMetrics {
  MesosMasterStatus self;      // elected, uptime, event queue (url/reachable left to caller)
  MesosClusterMetrics cluster;  // meaningful only on the elected master
};

Result<MasterMetrics> ParseMasterMetricsSnapshot(std::string_view body);

}  // namespace fme
