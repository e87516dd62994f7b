// GET /jobs/:jobid/exceptions (JobExceptionsInfo / JobExceptionsInfoWithHistory).
#include <cstdlib>
#include <string>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

constexpr int kDefaultMaxExceptions = 20;  // legacy MAX_NUMBER_EXCEPTION_TO_REPORT / default

std::string Stacktrace(const JobException& e) {
  if (!e.stacktrace.empty()) return e.stacktrace;
  return e.message.empty() ? e.exception_name : e.exception_name + ": " + e.message;
}

// ExceptionInfo / RootExceptionInfo entry of exceptionHistory (1.13+).
Json HistoryEntry(const Ctx& ctx, const JobException& e, bool root) {
  Json j;
  j["exceptionName"] = e.exception_name;
  j["stacktrace"] = Stacktrace(e);
  j["timestamp"] = e.timestamp;
  if (!e.task_name.empty()) j["taskName"] = e.task_name;  // omitted when null
  if (!e.location.empty()) j[ctx.Since(FlinkDialect::k2_0) ? "endpoint" : "location"] = e.location;
  if (ctx.Since(FlinkDialect::k1_18) && !e.taskmanager_id.empty()) {
    j["taskManagerId"] = e.taskmanager_id;  // 1.17+
  }
  if (ctx.Since(FlinkDialect::k1_18)) j["failureLabels"] = Json::object();  // 1.18+
  if (root) j["concurrentExceptions"] = Json::array();
  return j;
}

}  // namespace

ApiResponse HandleExceptions(const Ctx& ctx, const Job& job) {
  // maxExceptions (1.10+): caps both lists; the legacy list is capped at 20 before 1.10.
  int max = kDefaultMaxExceptions;
  if (ctx.Since(FlinkDialect::k1_13)) {
    if (auto v = QueryValue(ctx.query, "maxExceptions")) {
      char* end = nullptr;
      const long parsed = std::strtol(v->c_str(), &end, 10);
      if (end == v->c_str() || *end != '\0' || parsed < 0) {
        return ErrorResponse(ctx, 400, "Cannot resolve value '" + *v + "' for query parameter maxExceptions.");
      }
      max = static_cast<int>(parsed);
    }
  }
  const int total = static_cast<int>(job.exceptions.size());
  Json j;
  if (!ctx.Since(FlinkDialect::k2_0)) {  // legacy fields, removed in 2.0
    if (job.exceptions.empty()) {
      j["root-exception"] = nullptr;
      j["timestamp"] = nullptr;
    } else {
      j["root-exception"] = Stacktrace(job.exceptions.front());
      j["timestamp"] = job.exceptions.front().timestamp;
    }
    // all-exceptions: the task failures (entries with a task), newest first.
    Json all = Json::array();
    int task_failures = 0;
    for (const JobException& e : job.exceptions) {
      if (e.task_name.empty()) continue;
      ++task_failures;
      if (static_cast<int>(all.size()) >= max) continue;
      Json a;
      a["exception"] = Stacktrace(e);
      a["task"] = e.task_name;
      a["location"] = e.location.empty() ? "(unassigned)" : e.location;
      a["timestamp"] = e.timestamp;
      if (ctx.Since(FlinkDialect::k1_18) && !e.taskmanager_id.empty()) {
        a["taskManagerId"] = e.taskmanager_id;  // 1.17
      }
      all.push_back(a);
    }
    j["all-exceptions"] = all;
    j["truncated"] = task_failures > static_cast<int>(all.size());
  }
  if (ctx.Since(FlinkDialect::k1_13)) {
    Json entries = Json::array();
    for (int i = 0; i < total && i < max; ++i) {
      entries.push_back(HistoryEntry(ctx, job.exceptions[static_cast<std::size_t>(i)], true));
    }
    Json history;
    history["entries"] = entries;
    history["truncated"] = total > max;
    j["exceptionHistory"] = history;
  }
  return JsonOk(j);
}

}  // namespace fme::sim::flink
