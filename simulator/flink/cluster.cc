// Cluster-level endpoints: /config, /overview, /jobs, /jobs/overview, 1.4 /joboverview*.
#include <string>

#include "flink/flink_internal.h"

namespace fme::sim::flink {

// GET /config (DashboardConfiguration; 1.4 legacy DashboardConfigHandler has the same core).
ApiResponse HandleConfig(const Ctx& ctx) {
  Json j;
  j["refresh-interval"] = int64_t{3000};
  // The simulated JobManagers run in UTC (deterministic regardless of the host's zone).
  j["timezone-name"] = "Coordinated Universal Time";
  j["timezone-offset"] = 0;
  j["flink-version"] = ctx.cluster.version;
  j["flink-revision"] = ctx.cluster.revision;
  if (ctx.Since(FlinkDialect::k1_13)) {  // features: web-submit 1.10, web-cancel 1.14,
    Json f;                               // web-history 1.16, web-rescale 1.18
    f["web-submit"] = true;
    if (ctx.Since(FlinkDialect::k1_18)) {
      f["web-cancel"] = true;
      f["web-rescale"] = false;
      f["web-history"] = false;
    }
    j["features"] = f;
  }
  return JsonOk(j);
}

namespace {

// "b2ca390 @ 2022-02-03T14:54:22+01:00" -> "b2ca390".
std::string CommitOf(const std::string& revision) {
  const std::size_t at = revision.find(" @ ");
  return at == std::string::npos ? revision : revision.substr(0, at);
}

Json JobDetailsElement(const Ctx& ctx, const Job& job) {
  Json j;
  j["jid"] = job.id;
  j["name"] = job.name;
  j["state"] = JobStatusWire(ctx, job.state);
  j["start-time"] = job.start_time;
  j["end-time"] = job.end_time;
  j["duration"] = Duration(ctx, job.start_time, job.end_time);
  j["last-modification"] = LastModification(job);
  Json tasks;
  int total = 0;
  auto counts = CountStates(job);
  for (const auto& [state, n] : counts) total += n;
  tasks["total"] = total;
  for (ExecutionState s : DialectExecutionStates(ctx)) {
    int n = 0;
    for (const auto& [state, count] : counts) {
      if (ExecutionStateWire(ctx, state) == ExecutionStateName(s)) n += count;
    }
    tasks[ToLower(ExecutionStateName(s))] = n;
  }
  j["tasks"] = tasks;
  if (ctx.Since(FlinkDialect::k2_0)) j["pending-operators"] = 0;
  return j;
}

}  // namespace

// GET /overview (ClusterOverviewWithVersion). `jobs-running` counts running *or pending* jobs.
ApiResponse HandleOverview(const Ctx& ctx) {
  int slots_total = 0, slots_free = 0;
  for (const TaskManager& tm : ctx.cluster.taskmanagers) {
    slots_total += tm.slots;
    slots_free += tm.free_slots;
  }
  int running = 0, finished = 0, cancelled = 0, failed = 0;
  for (const Job& job : ctx.cluster.jobs) {
    switch (job.state) {
      case JobStatus::kFinished: ++finished; break;
      case JobStatus::kCanceled: ++cancelled; break;
      case JobStatus::kFailed: ++failed; break;
      default: ++running; break;
    }
  }
  Json j;
  j["taskmanagers"] = static_cast<int>(ctx.cluster.taskmanagers.size());
  j["slots-total"] = slots_total;
  j["slots-available"] = slots_free;
  if (ctx.Since(FlinkDialect::k1_18)) {  // 1.16+
    j["taskmanagers-blocked"] = 0;
    j["slots-free-and-blocked"] = 0;
  }
  j["jobs-running"] = running;
  j["jobs-finished"] = finished;
  j["jobs-cancelled"] = cancelled;
  j["jobs-failed"] = failed;
  j["flink-version"] = ctx.cluster.version;
  j["flink-commit"] = CommitOf(ctx.cluster.revision);
  return JsonOk(j);
}

// GET /jobs. 1.5+: {"jobs":[{"id","status"}]}; 1.4: id lists per state.
ApiResponse HandleJobIds(const Ctx& ctx) {
  if (ctx.Legacy()) {
    Json running = Json::array(), finished = Json::array(), cancelled = Json::array(),
         failed = Json::array();
    for (const Job& job : ctx.cluster.jobs) {
      switch (job.state) {
        case JobStatus::kFinished: finished.push_back(job.id); break;
        case JobStatus::kCanceled: cancelled.push_back(job.id); break;
        case JobStatus::kFailed: failed.push_back(job.id); break;
        default: running.push_back(job.id); break;
      }
    }
    Json j;
    j["jobs-running"] = running;
    j["jobs-finished"] = finished;
    j["jobs-cancelled"] = cancelled;
    j["jobs-failed"] = failed;
    return JsonOk(j);
  }
  Json jobs = Json::array();
  for (const Job& job : ctx.cluster.jobs) {
    Json e;
    e["id"] = job.id;
    e["status"] = JobStatusWire(ctx, job.state);
    jobs.push_back(e);
  }
  Json j;
  j["jobs"] = jobs;
  return JsonOk(j);
}

// GET /jobs/overview (1.5+): {"jobs":[JobDetails]}.
ApiResponse HandleJobsOverview(const Ctx& ctx) {
  Json jobs = Json::array();
  for (const Job& job : ctx.cluster.jobs) jobs.push_back(JobDetailsElement(ctx, job));
  Json j;
  j["jobs"] = jobs;
  return JsonOk(j);
}

// 1.4: /joboverview -> {"running":[..],"finished":[..]}; /joboverview/running|completed ->
// {"jobs":[..]}.
ApiResponse HandleLegacyJobOverview(const Ctx& ctx, LegacyOverview which) {
  Json running = Json::array(), finished = Json::array();
  for (const Job& job : ctx.cluster.jobs) {
    (IsGloballyTerminal(job.state) ? finished : running).push_back(JobDetailsElement(ctx, job));
  }
  Json j;
  switch (which) {
    case LegacyOverview::kAll:
      j["running"] = running;
      j["finished"] = finished;
      break;
    case LegacyOverview::kRunning: j["jobs"] = running; break;
    case LegacyOverview::kCompleted: j["jobs"] = finished; break;
  }
  return JsonOk(j);
}

}  // namespace fme::sim::flink
