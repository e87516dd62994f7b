#include "flink/flink_checkpoints_parser.h"

#include <cstdint>

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

// Interval Flink reports when periodic checkpointing is off: Long.MAX_VALUE
// (CheckpointCoordinatorConfiguration.DISABLED_CHECKPOINT_INTERVAL). A double cannot hold it
// exactly, so anything at or beyond 2^62 ms (146 million years) counts as disabled too.
constexpr double kDisabledIntervalMs = 4611686018427387904.0;

bool IsJavaIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// "a.b.C": non-empty dot-separated segments of identifier characters, none starting with a digit.
bool IsDottedJavaName(std::string_view s) {
  if (s.empty()) return false;
  bool segment_start = true;
  for (char c : s) {
    if (c == '.') {
      if (segment_start) return false;  // empty segment
      segment_start = true;
      continue;
    }
    if (!IsJavaIdentifierChar(c)) return false;
    if (segment_start && c >= '0' && c <= '9') return false;
    segment_start = false;
  }
  return !segment_start;  // no trailing '.'
}

bool EndsWithLonger(std::string_view s, std::string_view suffix) {
  // Longer than the suffix: a bare "Error" or "Exception" is prose, not a class.
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void ApplyCompleted(const Json& c, FlinkCheckpointStats& stats) {
  stats.last_completed_timestamp = flink_json::TimestampSeconds(c, "latest_ack_timestamp");
  stats.last_duration_seconds = flink_json::DurationSeconds(c, "end_to_end_duration");
  stats.last_state_size_bytes = flink_json::Bytes(c, "state_size");
  // checkpointed_size (1.15+) is what this checkpoint wrote; state_size is the full state,
  // which is the same thing for non-incremental checkpoints.
  stats.last_size_bytes = flink_json::Bytes(c, "checkpointed_size");
  if (!stats.last_size_bytes) stats.last_size_bytes = stats.last_state_size_bytes;
  stats.last_processed_bytes = flink_json::Bytes(c, "processed_data");
  stats.last_persisted_bytes = flink_json::Bytes(c, "persisted_data");
}

}  // namespace

std::string ExceptionClassOf(std::string_view message) {
  while (!message.empty() && (message.front() == ' ' || message.front() == '\t' ||
                              message.front() == '\n' || message.front() == '\r')) {
    message.remove_prefix(1);
  }
  size_t end = message.find_first_of(": \t\r\n");
  std::string_view head = message.substr(0, end);
  if (!IsDottedJavaName(head)) return "";
  if (head.find('.') == std::string_view::npos && !EndsWithLonger(head, "Exception") &&
      !EndsWithLonger(head, "Error") && !EndsWithLonger(head, "Throwable")) {
    return "";
  }
  return std::string(head);
}

Result<FlinkCheckpointStats> ParseFlinkCheckpointStats(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/:jobid/checkpoints");
  if (!doc.ok()) return doc.status();
  const Json* counts = flink_json::Object(*doc, "counts");
  if (counts == nullptr) {
    return Status::ParseError("Flink /jobs/:jobid/checkpoints: expected an object with \"counts\"");
  }
  FlinkCheckpointStats stats;
  stats.completed = flink_json::Integer(*counts, "completed").value_or(0);
  stats.failed = flink_json::Integer(*counts, "failed").value_or(0);
  stats.in_progress = flink_json::Integer(*counts, "in_progress").value_or(0);
  stats.restored = flink_json::Integer(*counts, "restored").value_or(0);

  // Each latest.* entry is null (1.5+) or omitted (1.4) until such a checkpoint exists. The
  // type tag (@class / className / none on 1.4) is implied by the key and not needed.
  const Json* latest = flink_json::Object(*doc, "latest");
  if (latest == nullptr) return stats;
  if (const Json* completed = flink_json::Object(*latest, "completed")) {
    ApplyCompleted(*completed, stats);
  }
  if (const Json* failed = flink_json::Object(*latest, "failed")) {
    stats.last_failure_timestamp = flink_json::TimestampSeconds(*failed, "failure_timestamp");
    stats.last_failure_exception = ExceptionClassOf(json::String(*failed, "failure_message").value_or(""));
  }
  if (const Json* savepoint = flink_json::Object(*latest, "savepoint")) {
    stats.last_savepoint_timestamp = flink_json::TimestampSeconds(*savepoint, "latest_ack_timestamp");
  }
  if (const Json* restored = flink_json::Object(*latest, "restored")) {
    stats.last_restore_timestamp = flink_json::TimestampSeconds(*restored, "restore_timestamp");
  }
  return stats;
}

Result<FlinkCheckpointConfig> ParseFlinkCheckpointConfig(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/:jobid/checkpoints/config");
  if (!doc.ok()) return doc.status();
  const Json* interval = flink_json::Member(*doc, "interval");
  if (interval == nullptr) {
    return Status::ParseError(
        "Flink /jobs/:jobid/checkpoints/config: expected an object with \"interval\"");
  }
  FlinkCheckpointConfig config;
  bool disabled = false;
  // Compared as an integer first: Long.MAX_VALUE is exact only there.
  if (interval->is_number_unsigned()) {
    disabled = interval->get<uint64_t>() >= static_cast<uint64_t>(INT64_MAX);
  } else if (interval->is_number_integer()) {
    disabled = interval->get<int64_t>() == INT64_MAX;
  }
  std::optional<double> interval_ms = flink_json::Finite(*doc, "interval");
  if (interval_ms && *interval_ms >= kDisabledIntervalMs) disabled = true;
  if (!disabled && interval_ms && *interval_ms > 0) {
    config.periodic = true;
    config.interval_seconds = *interval_ms / 1000.0;
  }
  config.timeout_seconds = flink_json::DurationSeconds(*doc, "timeout");
  config.min_pause_seconds = flink_json::DurationSeconds(*doc, "min_pause");
  config.max_concurrent = flink_json::Integer(*doc, "max_concurrent");
  config.tolerable_failures = flink_json::Integer(*doc, "tolerable_failed_checkpoints");
  // Lower-case on the wire (custom serializer); the OpenAPI spec shows upper case.
  config.mode = flink_json::ToLower(json::String(*doc, "mode").value_or(""));
  return config;
}

}  // namespace fme
