// Wire spellings of Flink's JobStatus, ExecutionState and backpressure levels.
#include <array>
#include <string_view>

#include "flink/flink_json.h"
#include "fme/model/flink.h"

namespace fme {
namespace {

// Indexed by the enum value; the last entry is kUnknown.
constexpr std::array<std::string_view, kFlinkJobStateCount> kJobStateNames = {
    "INITIALIZING", "CREATED",  "RUNNING",    "FAILING",   "FAILED",      "CANCELLING",
    "CANCELED",     "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING", "UNKNOWN",
};

constexpr std::array<std::string_view, kFlinkExecutionStateCount> kExecutionStateNames = {
    "CREATED",  "SCHEDULED", "DEPLOYING", "RUNNING",     "FINISHED",     "CANCELING",
    "CANCELED", "FAILED",    "RECONCILING", "INITIALIZING", "UNKNOWN",
};

template <typename Enum, size_t N>
Enum ParseName(const std::array<std::string_view, N>& names, std::string_view s) {
  // The last name is the "UNKNOWN" placeholder: it is never a match for wire text.
  for (size_t i = 0; i + 1 < N; ++i) {
    if (flink_json::EqualsIgnoreCase(names[i], s)) return static_cast<Enum>(i);
  }
  return static_cast<Enum>(N - 1);
}

}  // namespace

std::string_view FlinkJobStateName(FlinkJobState s) {
  auto i = static_cast<size_t>(s);
  return i < kJobStateNames.size() ? kJobStateNames[i] : kJobStateNames.back();
}

FlinkJobState ParseFlinkJobState(std::string_view s) {
  return ParseName<FlinkJobState>(kJobStateNames, s);
}

bool IsTerminal(FlinkJobState s) {
  return s == FlinkJobState::kFinished || s == FlinkJobState::kCanceled ||
         s == FlinkJobState::kFailed;
}

std::string_view FlinkExecutionStateName(FlinkExecutionState s) {
  auto i = static_cast<size_t>(s);
  return i < kExecutionStateNames.size() ? kExecutionStateNames[i] : kExecutionStateNames.back();
}

FlinkExecutionState ParseFlinkExecutionState(std::string_view s) {
  return ParseName<FlinkExecutionState>(kExecutionStateNames, s);
}

std::string_view FlinkBackpressureLevelName(FlinkBackpressureLevel l) {
  switch (l) {
    case FlinkBackpressureLevel::kOk: return "ok";
    case FlinkBackpressureLevel::kLow: return "low";
    case FlinkBackpressureLevel::kHigh: return "high";
  }
  return "ok";
}

FlinkBackpressureLevel BackpressureLevelForRatio(double ratio) {
  // Flink's thresholds (JobVertexBackPressureHandler): ok <= 0.10 < low <= 0.5 < high.
  if (ratio > 0.5) return FlinkBackpressureLevel::kHigh;
  if (ratio > 0.10) return FlinkBackpressureLevel::kLow;
  return FlinkBackpressureLevel::kOk;
}

}  // namespace fme
