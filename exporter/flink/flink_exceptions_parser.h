// Parser for GET /jobs/:jid/exceptions, every Flink version (no I/O).
//   1.4-1.12: root-exception + timestamp (+ all-exceptions)
//   1.13-1.20: the above plus exceptionHistory.entries (newest first)
//   2.0+: exceptionHistory only
// exceptionHistory is preferred when it has entries.
#pragma once

#include <optional>
#include <string_view>

#include "fme/model/flink.h"
#include "fme/status.h"

namespace fme {

// The newest failure, or nullopt when the job never failed.
Result<std::optional<FlinkJobFailure>> ParseFlinkExceptions(std::string_view body);

}  // namespace fme
