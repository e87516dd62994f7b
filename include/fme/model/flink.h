// Plain value types a Flink source produces. No Prometheus, no JSON: these are what the
// JobManager told us, normalized (base units, known spellings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fme {

// From GET /config and GET /overview.
struct FlinkClusterOverview {
  std::string version;   // "1.13.6"; empty when the JobManager did not say
  std::string revision;  // "<short sha> @ <build date>" or the commit from /overview
  int64_t taskmanagers = 0;
  int64_t slots_total = 0;
  int64_t slots_available = 0;
  // Job counts as the overview gives them. Flink counts pending jobs as running.
  int64_t jobs_running = 0;
  int64_t jobs_finished = 0;
  int64_t jobs_cancelled = 0;
  int64_t jobs_failed = 0;
};

// Everything one poll of one Flink cluster yields.
struct FlinkObservation {
  FlinkClusterOverview overview;
};

}  // namespace fme
