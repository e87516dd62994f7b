// Wire spellings of the Flink enums and the version -> dialect mapping (see world.h).
#include <cstdlib>
#include <string>

#include "world/world.h"

namespace fme::sim {

const char* JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kInitializing: return "INITIALIZING";
    case JobStatus::kCreated: return "CREATED";
    case JobStatus::kRunning: return "RUNNING";
    case JobStatus::kFailing: return "FAILING";
    case JobStatus::kFailed: return "FAILED";
    case JobStatus::kCancelling: return "CANCELLING";
    case JobStatus::kCanceled: return "CANCELED";
    case JobStatus::kFinished: return "FINISHED";
    case JobStatus::kRestarting: return "RESTARTING";
    case JobStatus::kSuspended: return "SUSPENDED";
    case JobStatus::kReconciling: return "RECONCILING";
  }
  return "CREATED";
}

bool IsGloballyTerminal(JobStatus s) {
  return s == JobStatus::kFinished || s == JobStatus::kCanceled || s == JobStatus::kFailed;
}

const char* ExecutionStateName(ExecutionState s) {
  switch (s) {
    case ExecutionState::kCreated: return "CREATED";
    case ExecutionState::kScheduled: return "SCHEDULED";
    case ExecutionState::kDeploying: return "DEPLOYING";
    case ExecutionState::kRunning: return "RUNNING";
    case ExecutionState::kFinished: return "FINISHED";
    case ExecutionState::kCanceling: return "CANCELING";
    case ExecutionState::kCanceled: return "CANCELED";
    case ExecutionState::kFailed: return "FAILED";
    case ExecutionState::kReconciling: return "RECONCILING";
    case ExecutionState::kInitializing: return "INITIALIZING";
  }
  return "CREATED";
}

// "major.minor[.patch][-suffix]" -> the nearest dialect at or below that version. Versions older
// than 1.9 speak the 1.4 dialect (1.5-1.8 are closer to 1.9 in shape, but "nearest below" is the
// contract); anything unparsable gets the World's default dialect, 1.13.
FlinkDialect DialectForVersion(const std::string& version) {
  const char* p = version.c_str();
  char* end = nullptr;
  const long major = std::strtol(p, &end, 10);
  if (end == p || *end != '.') return FlinkDialect::k1_13;
  const char* q = end + 1;
  const long minor = std::strtol(q, &end, 10);
  if (end == q) return FlinkDialect::k1_13;
  if (major >= 2) return FlinkDialect::k2_0;
  if (major < 1) return FlinkDialect::k1_4;
  if (minor >= 18) return FlinkDialect::k1_18;
  if (minor >= 13) return FlinkDialect::k1_13;
  if (minor >= 9) return FlinkDialect::k1_9;
  return FlinkDialect::k1_4;
}

}  // namespace fme::sim
