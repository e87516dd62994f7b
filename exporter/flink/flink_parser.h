// Pure parsers for Flink JobManager REST responses (no I/O). Every Flink version from 1.4 to
// 2.x is accepted; unknown fields are ignored; numbers may be JSON numbers or numeric strings.
#pragma once

#include <string>
#include <string_view>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

struct FlinkVersionInfo {
  std::string version;   // "flink-version"
  std::string revision;  // "flink-revision"
};

// GET /config (DashboardConfiguration). Requires an object; fields are optional.
Result<FlinkVersionInfo> ParseFlinkConfig(std::string_view body);

// GET /overview. Requires an object with `taskmanagers`; the other counts default to 0.
Result<FlinkClusterOverview> ParseFlinkOverview(std::string_view body);

}  // namespace fme
