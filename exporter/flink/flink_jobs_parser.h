// Parsers for the job list and job details of every Flink version (no I/O).
//   1.5+: GET /jobs/overview -> {"jobs":[JobDetails]}, GET /jobs/:jid -> JobDetailsInfo
//   1.4:  GET /joboverview   -> {"running":[..],"finished":[..]}, GET /jobs/:jid (same shape)
// Unknown fields are ignored; an unknown state is FlinkJobState::kUnknown, never an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

// One element of the job list.
struct FlinkJobSummary {
  std::string id;
  std::string name;
  FlinkJobState state = FlinkJobState::kUnknown;
  std::optional<double> start_timestamp;  // seconds; empty for -1
  std::optional<double> end_timestamp;    // seconds; empty for -1
  std::optional<double> last_modification_timestamp;  // seconds
};

// Either list shape (1.5+ {"jobs":[..]} or 1.4 {"running":[..],"finished":[..]}). Elements
// without a "jid" are skipped. Sorted by id.
Result<std::vector<FlinkJobSummary>> ParseFlinkJobsOverview(std::string_view body);

// GET /jobs/:jid: id, name, state, start/end time, the time the current state was entered
// (`timestamps[STATE]`), and the vertices with parallelism and subtask counts per state
// (`tasks`, upper-case keys). Leaves restarts, checkpoints and load empty.
Result<FlinkJob> ParseFlinkJobDetails(std::string_view body);

}  // namespace fme
