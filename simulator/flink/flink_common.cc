// Shared helpers of the simulated Flink REST API.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "flink/flink_internal.h"

namespace fme::sim::flink {

ApiResponse JsonOk(const Json& body) {
  ApiResponse r;
  r.status = 200;
  r.body = body.dump();
  return r;
}

ApiResponse ErrorResponse(const Ctx& ctx, int status, const std::string& message) {
  ApiResponse r;
  r.status = status;
  if (ctx.Legacy()) {
    // The 1.4 web monitor (RuntimeMonitorHandler) answers errors as plain text.
    r.content_type = "text/plain; charset=UTF-8";
    r.body = message;
  } else {
    Json body;
    body["errors"] = Json::array({message});
    r.body = body.dump();
  }
  return r;
}

const Job* FindJob(const FlinkCluster& cluster, const std::string& id) {
  for (const Job& j : cluster.jobs) {
    if (j.id == id) return &j;
  }
  return nullptr;
}

const Vertex* FindVertex(const Job& job, const std::string& id) {
  for (const Vertex& v : job.vertices) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

const TaskManager* FindTaskManager(const FlinkCluster& cluster, const std::string& id) {
  for (const TaskManager& tm : cluster.taskmanagers) {
    if (tm.id == id) return &tm;
  }
  return nullptr;
}

ApiResponse JobNotFound(const Ctx& ctx, const std::string& job_id) {
  if (ctx.Legacy()) return ErrorResponse(ctx, 404, "Could not find job with id " + job_id + ".");
  return ErrorResponse(ctx, 404, "Job " + job_id + " not found");
}

ApiResponse VertexNotFound(const Ctx& ctx, const std::string& vertex_id) {
  return ErrorResponse(ctx, 404, "No vertex with ID '" + vertex_id + "' exists.");
}

ApiResponse TaskManagerNotFound(const Ctx& ctx, const std::string& tm_id) {
  return ErrorResponse(ctx, 404, "Could not find TaskExecutor " + tm_id + ".");
}

namespace {
std::string Trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return s.substr(b, e - b);
}
}  // namespace

std::vector<std::string> QueryList(const QueryParams& query, const std::string& key) {
  std::vector<std::string> out;
  auto [lo, hi] = query.equal_range(key);
  for (auto it = lo; it != hi; ++it) {
    std::size_t start = 0;
    const std::string& v = it->second;
    while (start <= v.size()) {
      std::size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      std::string item = Trim(v.substr(start, comma - start));
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
  }
  return out;
}

std::optional<std::string> QueryValue(const QueryParams& query, const std::string& key) {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string JobStatusWire(const Ctx& ctx, JobStatus s) {
  if (s == JobStatus::kInitializing && !ctx.Since(FlinkDialect::k1_13)) return "CREATED";
  return JobStatusName(s);
}

std::string ExecutionStateWire(const Ctx& ctx, ExecutionState s) {
  if (s == ExecutionState::kInitializing && !ctx.Since(FlinkDialect::k1_13)) return "DEPLOYING";
  return ExecutionStateName(s);
}

std::vector<JobStatus> DialectJobStatuses(const Ctx& ctx) {
  std::vector<JobStatus> out;
  if (ctx.Since(FlinkDialect::k1_13)) out.push_back(JobStatus::kInitializing);
  for (JobStatus s : {JobStatus::kCreated, JobStatus::kRunning, JobStatus::kFailing,
                      JobStatus::kFailed, JobStatus::kCancelling, JobStatus::kCanceled,
                      JobStatus::kFinished, JobStatus::kRestarting, JobStatus::kSuspended,
                      JobStatus::kReconciling}) {
    out.push_back(s);
  }
  return out;
}

std::vector<ExecutionState> DialectExecutionStates(const Ctx& ctx) {
  std::vector<ExecutionState> out = {
      ExecutionState::kCreated,  ExecutionState::kScheduled, ExecutionState::kDeploying,
      ExecutionState::kRunning,  ExecutionState::kFinished,  ExecutionState::kCanceling,
      ExecutionState::kCanceled, ExecutionState::kFailed,    ExecutionState::kReconciling};
  if (ctx.Since(FlinkDialect::k1_13)) out.push_back(ExecutionState::kInitializing);
  return out;
}

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsTerminal(ExecutionState s) {
  return s == ExecutionState::kFinished || s == ExecutionState::kCanceled ||
         s == ExecutionState::kFailed;
}

std::map<ExecutionState, int> CountStates(const Vertex& v) {
  std::map<ExecutionState, int> counts;
  for (const Subtask& s : v.subtasks) ++counts[s.state];
  return counts;
}

std::map<ExecutionState, int> CountStates(const Job& job) {
  std::map<ExecutionState, int> counts;
  for (const Vertex& v : job.vertices) {
    for (const Subtask& s : v.subtasks) ++counts[s.state];
  }
  return counts;
}

ExecutionState VertexState(const Vertex& v) {
  auto counts = CountStates(v);
  auto n = [&](ExecutionState s) { return counts.count(s) != 0 ? counts[s] : 0; };
  const int parallelism = static_cast<int>(v.subtasks.size());
  if (parallelism > 0 && n(ExecutionState::kFinished) == parallelism) {
    return ExecutionState::kFinished;
  }
  if (n(ExecutionState::kCanceling) > 0) return ExecutionState::kCanceling;
  if (n(ExecutionState::kCanceled) > 0) return ExecutionState::kCanceled;
  if (n(ExecutionState::kFailed) > 0) return ExecutionState::kFailed;
  if (n(ExecutionState::kInitializing) > 0) return ExecutionState::kInitializing;
  if (n(ExecutionState::kRunning) > 0) return ExecutionState::kRunning;
  if (n(ExecutionState::kFinished) > 0) return ExecutionState::kRunning;
  if (n(ExecutionState::kDeploying) > 0) return ExecutionState::kDeploying;
  if (n(ExecutionState::kScheduled) > 0) return ExecutionState::kScheduled;
  return ExecutionState::kCreated;
}

Millis VertexStartTime(const Vertex& v) {
  Millis start = -1;
  for (const Subtask& s : v.subtasks) {
    if (s.start_time > 0 && (start < 0 || s.start_time < start)) start = s.start_time;
  }
  return start;
}

Millis SubtaskEndTime(const Job& job, const Subtask& s) {
  if (!IsTerminal(s.state)) return -1;
  return job.end_time >= 0 ? job.end_time : LastModification(job);
}

Millis VertexEndTime(const Job& job, const Vertex& v) {
  if (v.subtasks.empty()) return -1;
  Millis end = -1;
  for (const Subtask& s : v.subtasks) {
    Millis e = SubtaskEndTime(job, s);
    if (e < 0) return -1;
    end = std::max(end, e);
  }
  return end;
}

Millis Duration(const Ctx& ctx, Millis start, Millis end) {
  if (start <= 0) return -1;
  return (end >= 0 ? end : ctx.now()) - start;
}

Millis LastModification(const Job& job) {
  Millis last = job.start_time;
  for (const auto& [status, ts] : job.state_timestamps) last = std::max(last, ts);
  if (job.end_time > 0) last = std::max(last, job.end_time);
  return last;
}

std::string SubtaskEndpoint(const FlinkCluster& cluster, const Subtask& s) {
  if (const TaskManager* tm = FindTaskManager(cluster, s.taskmanager_id)) {
    return tm->host + ":" + std::to_string(tm->data_port);
  }
  return s.host;
}

int64_t BackPressuredMsPerSecond(const Subtask& s) {
  return std::llround(std::clamp(s.backpressured_ratio, 0.0, 1.0) * 1000.0);
}
int64_t IdleMsPerSecond(const Subtask& s) {
  return std::llround(std::clamp(s.idle_ratio, 0.0, 1.0) * 1000.0);
}
double BusyMsPerSecond(const Subtask& s) { return std::clamp(s.busy_ratio, 0.0, 1.0) * 1000.0; }

const char* BackpressureLevel(double ratio) {
  if (ratio <= 0.10) return "ok";
  if (ratio <= 0.5) return "low";
  return "high";
}

std::string JavaDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string s(buf, res.ptr);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);  // e.g. "1.5e+07", "1e-05"
  const std::size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  std::string exponent = s.substr(e + 1);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  bool negative = !exponent.empty() && exponent[0] == '-';
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.erase(0, 1);
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  return mantissa + "E" + (negative ? "-" : "") + exponent;
}

}  // namespace fme::sim::flink
