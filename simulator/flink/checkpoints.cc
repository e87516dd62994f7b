// Checkpoint endpoints: /jobs/:jobid/checkpoints, /checkpoints/config, /checkpoints/details/:id.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

constexpr const char* kNotEnabled = "Checkpointing has not been enabled.";

const char* StatusName(CheckpointStatus s) {
  switch (s) {
    case CheckpointStatus::kInProgress: return "IN_PROGRESS";
    case CheckpointStatus::kCompleted: return "COMPLETED";
    case CheckpointStatus::kFailed: return "FAILED";
  }
  return "IN_PROGRESS";
}

const char* TypeTag(CheckpointStatus s) {
  switch (s) {
    case CheckpointStatus::kInProgress: return "in_progress";
    case CheckpointStatus::kCompleted: return "completed";
    case CheckpointStatus::kFailed: return "failed";
  }
  return "in_progress";
}

// Splits `total` over `n` parts (the last takes the remainder).
int64_t Share(int64_t total, std::size_t n, std::size_t i) {
  if (n == 0) return 0;
  const int64_t base = total / static_cast<int64_t>(n);
  return i + 1 == n ? total - base * static_cast<int64_t>(n - 1) : base;
}

// Per-vertex TaskCheckpointStatistics, derived by spreading the checkpoint over the job's
// vertices (the World keeps checkpoint totals only).
Json TasksJson(const Ctx& ctx, const Job& job, const Checkpoint& cp) {
  Json tasks = Json::object();
  const std::size_t n = job.vertices.size();
  int remaining_acks = cp.num_acknowledged_subtasks;
  for (std::size_t i = 0; i < n; ++i) {
    const Vertex& v = job.vertices[i];
    const int acks = std::clamp(remaining_acks, 0, v.parallelism);
    remaining_acks -= acks;
    Json t;
    t["id"] = cp.id;
    t["status"] = StatusName(cp.status);
    t["latest_ack_timestamp"] = acks > 0 ? cp.latest_ack_timestamp : Millis{-1};
    if (ctx.Since(FlinkDialect::k1_18)) t["checkpointed_size"] = Share(cp.checkpointed_size, n, i);
    t["state_size"] = Share(cp.state_size, n, i);
    t["end_to_end_duration"] = acks > 0 ? cp.end_to_end_duration : Millis{-1};
    t["alignment_buffered"] = Share(cp.alignment_buffered, n, i);
    if (ctx.Since(FlinkDialect::k1_13)) {
      t["processed_data"] = Share(cp.processed_data, n, i);
      t["persisted_data"] = Share(cp.persisted_data, n, i);
    }
    t["num_subtasks"] = v.parallelism;
    t["num_acknowledged_subtasks"] = acks;
    tasks[v.id] = t;
  }
  return tasks;
}

// CheckpointStatistics (polymorphic: completed / failed / in_progress).
Json CheckpointJson(const Ctx& ctx, const Job& job, const Checkpoint& cp, bool discarded) {
  Json j;
  if (ctx.Since(FlinkDialect::k1_18)) {
    j["className"] = TypeTag(cp.status);  // 1.15+
  } else if (!ctx.Legacy()) {
    j["@class"] = TypeTag(cp.status);  // 1.5-1.14; 1.4 has no tag
  }
  j["id"] = cp.id;
  j["status"] = StatusName(cp.status);
  j["is_savepoint"] = cp.is_savepoint;
  if (ctx.Since(FlinkDialect::k1_18)) {  // 1.17+: null for checkpoints
    j["savepointFormat"] = cp.is_savepoint ? Json("CANONICAL") : Json(nullptr);
  }
  j["trigger_timestamp"] = cp.trigger_timestamp;
  j["latest_ack_timestamp"] = cp.latest_ack_timestamp;
  if (ctx.Since(FlinkDialect::k1_18)) j["checkpointed_size"] = cp.checkpointed_size;  // 1.15
  j["state_size"] = cp.state_size;
  j["end_to_end_duration"] = cp.end_to_end_duration;
  j["alignment_buffered"] = cp.alignment_buffered;
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.12
    j["processed_data"] = cp.processed_data;
    j["persisted_data"] = cp.persisted_data;
  }
  j["num_subtasks"] = cp.num_subtasks;
  j["num_acknowledged_subtasks"] = cp.num_acknowledged_subtasks;
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.12
    j["checkpoint_type"] = cp.is_savepoint ? "SAVEPOINT" : "CHECKPOINT";
  }
  j["tasks"] = TasksJson(ctx, job, cp);
  if (cp.status == CheckpointStatus::kCompleted) {
    j["external_path"] = cp.external_path.empty() ? "<checkpoint-not-externalized>" : cp.external_path;
    j["discarded"] = discarded;
  } else if (cp.status == CheckpointStatus::kFailed) {
    j["failure_timestamp"] = cp.failure_timestamp;
    j["failure_message"] = cp.failure_message;
  }
  return j;
}

// 1.4 legacy `latest.*` entries: a reduced field set.
Json LegacyLatestJson(const Checkpoint& cp) {
  Json j;
  j["id"] = cp.id;
  j["trigger_timestamp"] = cp.trigger_timestamp;
  j["latest_ack_timestamp"] = cp.latest_ack_timestamp;
  j["state_size"] = cp.state_size;
  j["end_to_end_duration"] = cp.end_to_end_duration;
  j["alignment_buffered"] = cp.alignment_buffered;
  if (cp.status == CheckpointStatus::kCompleted) {
    j["external_path"] = cp.external_path.empty() ? "<checkpoint-not-externalized>" : cp.external_path;
  } else if (cp.status == CheckpointStatus::kFailed) {
    j["failure_timestamp"] = cp.failure_timestamp;
    j["failure_message"] = cp.failure_message;
  }
  return j;
}

// Percentile with the "R6"-style estimate Apache Commons Math's Percentile uses by default.
double Quantile(std::vector<int64_t> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double pos = p * (n + 1);
  if (pos < 1) return static_cast<double>(values.front());
  if (pos >= n) return static_cast<double>(values.back());
  const double lower = std::floor(pos);
  const auto idx = static_cast<std::size_t>(lower);
  const double d = pos - lower;
  return static_cast<double>(values[idx - 1]) +
         d * static_cast<double>(values[idx] - values[idx - 1]);
}

// {min,max,avg} (ints; 0 without data) + p50..p999 (doubles) from 1.14.
Json SummaryJson(const Ctx& ctx, const std::vector<int64_t>& values) {
  Json j;
  int64_t mn = 0, mx = 0, sum = 0;
  if (!values.empty()) {
    mn = *std::min_element(values.begin(), values.end());
    mx = *std::max_element(values.begin(), values.end());
    for (int64_t v : values) sum += v;
  }
  j["min"] = mn;
  j["max"] = mx;
  j["avg"] = values.empty() ? int64_t{0} : sum / static_cast<int64_t>(values.size());
  if (ctx.Since(FlinkDialect::k1_18)) {
    j["p50"] = Quantile(values, 0.5);
    j["p90"] = Quantile(values, 0.9);
    j["p95"] = Quantile(values, 0.95);
    j["p99"] = Quantile(values, 0.99);
    j["p999"] = Quantile(values, 0.999);
  }
  return j;
}

Json RestoredJson(const CheckpointStats::Restored& r) {
  Json j;
  j["id"] = r.id;
  j["restore_timestamp"] = r.restore_timestamp;
  j["is_savepoint"] = r.is_savepoint;
  j["external_path"] = r.external_path;
  return j;
}

bool IsDiscarded(const Job& job, const Checkpoint& cp) {
  // Subsumed checkpoints are discarded; the latest completed one and savepoints are kept.
  if (cp.status != CheckpointStatus::kCompleted || cp.is_savepoint) return false;
  const auto& latest = job.checkpoints.latest_completed;
  return !(latest.has_value() && latest->id == cp.id);
}

}  // namespace

// GET /jobs/:jobid/checkpoints (CheckpointingStatistics).
ApiResponse HandleCheckpoints(const Ctx& ctx, const Job& job) {
  if (!job.has_checkpoint_coordinator) {
    if (ctx.Legacy()) return JsonOk(Json::object());  // 1.4 legacy handler: "{}"
    return ErrorResponse(ctx, 404, kNotEnabled);
  }
  const CheckpointStats& st = job.checkpoints;
  Json j;
  Json counts;
  counts["restored"] = st.restored;
  counts["total"] = st.total;
  counts["in_progress"] = st.in_progress;
  counts["completed"] = st.completed;
  counts["failed"] = st.failed;
  j["counts"] = counts;

  std::vector<int64_t> state_size, checkpointed, duration, buffered, processed, persisted;
  for (const Checkpoint& cp : st.history) {
    if (cp.status != CheckpointStatus::kCompleted) continue;
    state_size.push_back(cp.state_size);
    checkpointed.push_back(cp.checkpointed_size);
    duration.push_back(cp.end_to_end_duration);
    buffered.push_back(cp.alignment_buffered);
    processed.push_back(cp.processed_data);
    persisted.push_back(cp.persisted_data);
  }
  Json summary;
  if (ctx.Since(FlinkDialect::k1_18)) summary["checkpointed_size"] = SummaryJson(ctx, checkpointed);
  summary["state_size"] = SummaryJson(ctx, state_size);
  summary["end_to_end_duration"] = SummaryJson(ctx, duration);
  summary["alignment_buffered"] = SummaryJson(ctx, buffered);
  if (ctx.Since(FlinkDialect::k1_13)) {
    summary["processed_data"] = SummaryJson(ctx, processed);
    summary["persisted_data"] = SummaryJson(ctx, persisted);
  }
  j["summary"] = summary;

  Json latest = Json::object();
  if (ctx.Legacy()) {  // absent entries are omitted
    if (st.latest_completed) latest["completed"] = LegacyLatestJson(*st.latest_completed);
    if (st.latest_savepoint) latest["savepoint"] = LegacyLatestJson(*st.latest_savepoint);
    if (st.latest_failed) latest["failed"] = LegacyLatestJson(*st.latest_failed);
    if (st.latest_restored) latest["restored"] = RestoredJson(*st.latest_restored);
  } else {  // absent entries are null
    auto entry = [&](const std::optional<Checkpoint>& cp) {
      return cp ? CheckpointJson(ctx, job, *cp, false) : Json(nullptr);
    };
    latest["completed"] = entry(st.latest_completed);
    latest["savepoint"] = entry(st.latest_savepoint);
    latest["failed"] = entry(st.latest_failed);
    latest["restored"] = st.latest_restored ? RestoredJson(*st.latest_restored) : Json(nullptr);
  }
  j["latest"] = latest;

  Json history = Json::array();
  for (const Checkpoint& cp : st.history) {
    history.push_back(CheckpointJson(ctx, job, cp, IsDiscarded(job, cp)));
  }
  j["history"] = history;
  return JsonOk(j);
}

// GET /jobs/:jobid/checkpoints/details/:checkpointid (entries of the history only).
ApiResponse HandleCheckpointDetails(const Ctx& ctx, const Job& job, const std::string& id) {
  if (!job.has_checkpoint_coordinator) {
    if (ctx.Legacy()) return JsonOk(Json::object());
    return ErrorResponse(ctx, 404, kNotEnabled);
  }
  for (const Checkpoint& cp : job.checkpoints.history) {
    if (std::to_string(cp.id) == id) return JsonOk(CheckpointJson(ctx, job, cp, IsDiscarded(job, cp)));
  }
  return ErrorResponse(ctx, 404, "Could not find checkpointing statistics for checkpoint " + id + ".");
}

// GET /jobs/:jobid/checkpoints/config (CheckpointConfigInfo).
ApiResponse HandleCheckpointConfig(const Ctx& ctx, const Job& job) {
  if (!job.has_checkpoint_coordinator) {
    if (ctx.Legacy()) return JsonOk(Json::object());
    return ErrorResponse(ctx, 404, kNotEnabled);
  }
  const CheckpointConfig& c = job.checkpoint_config;
  Json j;
  j["mode"] = c.exactly_once ? "exactly_once" : "at_least_once";  // lower case on the wire
  j["interval"] = c.periodic ? c.interval : kLongMax;  // Long.MAX_VALUE = periodic disabled
  j["timeout"] = c.timeout;
  j["min_pause"] = c.min_pause;
  j["max_concurrent"] = c.max_concurrent;
  Json ext;
  ext["enabled"] = c.externalized;
  ext["delete_on_cancellation"] = c.delete_on_cancellation;
  j["externalization"] = ext;
  if (ctx.Since(FlinkDialect::k1_13)) {
    j["state_backend"] = c.state_backend;                       // 1.10
    j["checkpoint_storage"] = "FileSystemCheckpointStorage";    // 1.13
    j["unaligned_checkpoints"] = false;                         // 1.12
    j["tolerable_failed_checkpoints"] = c.tolerable_failed_checkpoints;  // 1.13
  }
  if (ctx.Since(FlinkDialect::k1_18)) {
    j["aligned_checkpoint_timeout"] = 0;              // 1.14
    j["checkpoints_after_tasks_finish"] = true;       // 1.15
    j["state_changelog_enabled"] = false;             // 1.16
    j["changelog_periodic_materialization_interval"] = 600000;
    j["changelog_storage"] = "memory";
  }
  return JsonOk(j);
}

}  // namespace fme::sim::flink
