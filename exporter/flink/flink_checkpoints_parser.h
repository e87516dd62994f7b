// Parsers for a job's checkpoint statistics and configuration, every Flink version (no I/O).
// Handles `@class` (1.5-1.14) and `className` (1.15+) type tags, untagged 1.4 entries,
// `latest.*` null or absent, -1 timestamps, and interval = Long.MAX_VALUE (periodic
// checkpointing disabled). A 404 "Checkpointing has not been enabled." is the caller's business.
#pragma once

#include <string>
#include <string_view>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

// GET /jobs/:jid/checkpoints.
Result<FlinkCheckpointStats> ParseFlinkCheckpointStats(std::string_view body);

// GET /jobs/:jid/checkpoints/config.
Result<FlinkCheckpointConfig> ParseFlinkCheckpointConfig(std::string_view body);

// The Java class an exception message or stack trace starts with:
// "java.io.IOException: disk full\n\tat ..." -> "java.io.IOException". A message that does not
// start with a class name (Flink writes plain prose for some checkpoint failures) gives "".
std::string ExceptionClassOf(std::string_view message);

}  // namespace fme
