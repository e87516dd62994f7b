#include "flink/flink_parser.h"

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

// Range-checked: casting a double beyond int64 (or NaN) to an integer is undefined.
int64_t Count(const nlohmann::json& doc, std::string_view key) {
  return flink_json::Integer(doc, key).value_or(0);
}

}  // namespace

Result<FlinkVersionInfo> ParseFlinkConfig(std::string_view body) {
  auto doc = json::Parse(body, "Flink /config");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) return Status::ParseError("Flink /config: expected a JSON object");
  FlinkVersionInfo info;
  info.version = json::String(*doc, "flink-version").value_or("");
  info.revision = json::String(*doc, "flink-revision").value_or("");
  return info;
}

Result<FlinkClusterOverview> ParseFlinkOverview(std::string_view body) {
  auto doc = json::Parse(body, "Flink /overview");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !json::Number(*doc, "taskmanagers")) {
    return Status::ParseError("Flink /overview: expected an object with \"taskmanagers\"");
  }
  FlinkClusterOverview o;
  o.version = json::String(*doc, "flink-version").value_or("");
  o.revision = json::String(*doc, "flink-commit").value_or("");
  o.taskmanagers = Count(*doc, "taskmanagers");
  o.slots_total = Count(*doc, "slots-total");
  o.slots_available = Count(*doc, "slots-available");
  o.jobs_running = Count(*doc, "jobs-running");
  o.jobs_finished = Count(*doc, "jobs-finished");
  o.jobs_cancelled = Count(*doc, "jobs-cancelled");
  o.jobs_failed = Count(*doc, "jobs-failed");
  return o;
}

}  // namespace fme
