#include "flink/flink_exceptions_parser.h"

#include "common/json_util.h"
#include "flink/flink_checkpoints_parser.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

FlinkJobFailure FailureFromHistory(const Json& entry, const Json& doc) {
  FlinkJobFailure f;
  // exceptionName is normally the class name itself (for a SerializedThrowable, the original
  // class); the stack trace's first line is the fallback.
  f.exception = ExceptionClassOf(json::String(entry, "exceptionName").value_or(""));
  if (f.exception.empty()) {
    f.exception = ExceptionClassOf(json::String(entry, "stacktrace").value_or(""));
  }
  auto ts = flink_json::TimestampSeconds(entry, "timestamp");
  if (!ts) ts = flink_json::TimestampSeconds(doc, "timestamp");
  f.timestamp = ts.value_or(0);
  f.taskmanager_id = json::String(entry, "taskManagerId").value_or("");
  return f;
}

}  // namespace

Result<std::optional<FlinkJobFailure>> ParseFlinkExceptions(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/:jobid/exceptions");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() ||
      (!doc->contains("root-exception") && !doc->contains("exceptionHistory"))) {
    return Status::ParseError(
        "Flink /jobs/:jobid/exceptions: expected an object with \"root-exception\" or "
        "\"exceptionHistory\"");
  }
  // 1.13+: entries are newest first.
  if (const Json* history = flink_json::Object(*doc, "exceptionHistory")) {
    if (const Json* entries = flink_json::Array(*history, "entries")) {
      if (!entries->empty() && entries->front().is_object()) {
        return std::optional<FlinkJobFailure>(FailureFromHistory(entries->front(), *doc));
      }
    }
  }
  // 1.4-1.20: the root cause as a stack trace string; null when the job never failed.
  auto root = json::String(*doc, "root-exception");
  if (!root || root->empty()) return std::optional<FlinkJobFailure>();
  FlinkJobFailure f;
  f.exception = ExceptionClassOf(*root);
  f.timestamp = flink_json::TimestampSeconds(*doc, "timestamp").value_or(0);
  return std::optional<FlinkJobFailure>(std::move(f));
}

}  // namespace fme
