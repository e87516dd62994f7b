#include "flink/flink_jobs_parser.h"

#include <algorithm>
#include <cstdint>

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

// The job state: `state` everywhere; `status` is what the plain /jobs list uses.
FlinkJobState StateOf(const Json& obj) {
  auto s = json::String(obj, "state");
  if (!s) s = json::String(obj, "status");
  return s ? ParseFlinkJobState(*s) : FlinkJobState::kUnknown;
}

std::optional<FlinkJobSummary> SummaryOf(const Json& e) {
  auto id = json::String(e, "jid");
  if (!id || id->empty()) return std::nullopt;
  FlinkJobSummary s;
  s.id = std::move(*id);
  s.name = json::String(e, "name").value_or("");
  s.state = StateOf(e);
  s.start_timestamp = flink_json::TimestampSeconds(e, "start-time");
  s.end_timestamp = flink_json::TimestampSeconds(e, "end-time");
  s.last_modification_timestamp = flink_json::TimestampSeconds(e, "last-modification");
  return s;
}

void AppendSummaries(const Json& list, std::vector<FlinkJobSummary>& out) {
  for (const Json& e : list) {
    if (auto s = SummaryOf(e)) out.push_back(std::move(*s));
  }
}

std::optional<FlinkVertex> VertexOf(const Json& v) {
  auto id = json::String(v, "id");
  if (!id || id->empty()) return std::nullopt;
  FlinkVertex vertex;
  vertex.id = std::move(*id);
  vertex.name = json::String(v, "name").value_or("");
  vertex.parallelism = flink_json::Integer(v, "parallelism").value_or(0);
  if (const Json* tasks = flink_json::Object(v, "tasks")) {
    for (const auto& [state, count] : tasks->items()) {
      auto n = flink_json::Integer(*tasks, state);
      if (!n || *n < 0) continue;
      // Unknown (newer) states are counted, not dropped, so the per-state sum stays whole.
      // Saturating: several keys (unknown states, a state in two spellings) add to one slot.
      int64_t& slot = vertex.subtasks_by_state[static_cast<size_t>(ParseFlinkExecutionState(state))];
      slot = *n > INT64_MAX - slot ? INT64_MAX : slot + *n;
    }
  }
  return vertex;
}

}  // namespace

Result<std::vector<FlinkJobSummary>> ParseFlinkJobsOverview(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/overview");
  if (!doc.ok()) return doc.status();
  std::vector<FlinkJobSummary> jobs;
  if (const Json* list = flink_json::Array(*doc, "jobs")) {
    AppendSummaries(*list, jobs);  // 1.5+ and 1.4's /joboverview/running|completed
  } else {
    const Json* running = flink_json::Array(*doc, "running");
    const Json* finished = flink_json::Array(*doc, "finished");
    if (running == nullptr && finished == nullptr) {
      return Status::ParseError(
          "Flink /jobs/overview: expected an object with \"jobs\" (or \"running\"/\"finished\")");
    }
    if (running != nullptr) AppendSummaries(*running, jobs);
    if (finished != nullptr) AppendSummaries(*finished, jobs);
  }
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const FlinkJobSummary& a, const FlinkJobSummary& b) { return a.id < b.id; });
  return jobs;
}

Result<FlinkJob> ParseFlinkJobDetails(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/:jobid");
  if (!doc.ok()) return doc.status();
  auto id = json::String(*doc, "jid");
  if (!id || id->empty()) {
    return Status::ParseError("Flink /jobs/:jobid: expected an object with \"jid\"");
  }
  FlinkJob job;
  job.id = std::move(*id);
  job.name = json::String(*doc, "name").value_or("");
  job.state = StateOf(*doc);
  job.start_timestamp = flink_json::TimestampSeconds(*doc, "start-time");
  job.end_timestamp = flink_json::TimestampSeconds(*doc, "end-time");
  if (const Json* timestamps = flink_json::Object(*doc, "timestamps")) {
    // Keys are upper-case JobStatus names; states never entered are 0.
    auto raw = json::String(*doc, "state");
    std::string key = raw ? flink_json::ToUpper(*raw) : std::string(FlinkJobStateName(job.state));
    job.state_since_timestamp = flink_json::TimestampSeconds(*timestamps, key);
  }
  if (const Json* vertices = flink_json::Array(*doc, "vertices")) {
    // Wire order is kept: Flink lists vertices in topological order (sources first).
    for (const Json& v : *vertices) {
      if (auto vertex = VertexOf(v)) job.vertices.push_back(std::move(*vertex));
    }
  }
  return job;
}

}  // namespace fme
