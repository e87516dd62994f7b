// Parser for GET /taskmanagers, Flink 1.4 (flat hardware fields) and 1.5+ (no I/O).
// The id is kept verbatim (it is the Mesos task id on Flink-on-Mesos); the host comes from
// `path` (akka.tcp://flink@host:port/..., pekko.tcp://... on 1.18+) when no better field is
// present; `timeSinceLastHeartbeat` is, despite its name, the epoch-ms time of the last heartbeat.
#pragma once

#include <string_view>
#include <vector>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

// Sorted by id. Leaves `jvm` empty.
Result<std::vector<FlinkTaskManager>> ParseFlinkTaskManagers(std::string_view body);

}  // namespace fme
