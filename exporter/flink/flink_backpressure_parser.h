// Parser for GET /jobs/:jid/vertices/:vid/backpressure, every Flink version (no I/O).
// 1.4-1.12 sample stack traces on demand: {"status":"deprecated"} without subtasks means no
// sample exists yet (one has just been triggered), not "ok". 1.13+ compute it from metrics and
// add idleRatio/busyRatio per subtask. Level key: `backpressure-level` (all versions) or
// `backpressureLevel` (1.17+).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

struct FlinkBackpressureSample {
  bool has_sample = false;  // false for the "no sample yet" answer
  std::optional<FlinkBackpressureLevel> level;
  std::optional<double> max_ratio;
  std::vector<FlinkSubtaskLoad> subtasks;  // sorted by index
};

Result<FlinkBackpressureSample> ParseFlinkBackpressure(std::string_view body);

}  // namespace fme
