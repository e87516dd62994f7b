#include "flink/flink_source.h"

#include <algorithm>
#include <mutex>

#include "flink/flink_checkpoints_parser.h"
#include "flink/flink_exceptions_parser.h"
#include "flink/flink_jobs_parser.h"
#include "flink/flink_jvm_metrics.h"
#include "flink/flink_metrics_parser.h"
#include "flink/flink_taskmanagers_parser.h"
#include "flink/flink_vertex_metrics.h"
#include "http/url.h"
#include "sources/bounded_runner.h"
#include "sources/fetch.h"

namespace fme {
namespace {

constexpr std::string_view kJobEndpoint = "/jobs/:jobid";
constexpr std::string_view kJobMetricsEndpoint = "/jobs/:jobid/metrics";
constexpr std::string_view kCheckpointsEndpoint = "/jobs/:jobid/checkpoints";
constexpr std::string_view kCheckpointConfigEndpoint = "/jobs/:jobid/checkpoints/config";
constexpr std::string_view kExceptionsEndpoint = "/jobs/:jobid/exceptions";
constexpr std::string_view kVertexMetricsEndpoint = "/jobs/:jobid/vertices/:vertexid/subtasks/metrics";
constexpr std::string_view kBackpressureEndpoint = "/jobs/:jobid/vertices/:vertexid/backpressure";
constexpr std::string_view kTaskManagersEndpoint = "/taskmanagers";
constexpr std::string_view kTaskManagerMetricsEndpoint = "/taskmanagers/:taskmanagerid/metrics";
constexpr std::string_view kJobManagerMetricsEndpoint = "/jobmanager/metrics";

// Each per-subtask load contributes up to this many series (backpressured, busy, idle).
constexpr uint64_t kSeriesPerSubtask = 3;

// "{}" give or take whitespace. Called on every checkpoints answer, so it stops at the first
// character that rules it out instead of copying the body.
bool IsEmptyObject(std::string_view body) {
  constexpr std::string_view kSpace = " \n\r\t";
  const std::size_t open = body.find_first_not_of(kSpace);
  if (open == std::string_view::npos || body[open] != '{') return false;
  const std::size_t close = body.find_first_not_of(kSpace, open + 1);
  if (close == std::string_view::npos || body[close] != '}') return false;
  return body.find_first_not_of(kSpace, close + 1) == std::string_view::npos;
}

bool FailureHinted(FlinkJobState s) {
  return s == FlinkJobState::kFailing || s == FlinkJobState::kFailed ||
         s == FlinkJobState::kRestarting;
}

// One GET whose outcome is kept for later: the body, or why there is none.
struct Call {
  std::optional<Result<std::string>> result;  // empty: not issued
  bool not_found = false;                     // HTTP 404 (meaningful for checkpoints)
};

}  // namespace

// Everything one poll learns about one job; each field is written by exactly one task.
struct FlinkSource::JobWork {
  FlinkJobSummary summary;
  JobMemory* mem = nullptr;
  std::string base;  // rest_url/jobs/<id>
  Call details, metrics, checkpoints, exceptions, config;
  FlinkJob job;  // from details (or the summary when details failed)
  std::optional<int64_t> restarts;
  std::optional<FlinkCheckpointStats> checkpoint_stats;
  bool details_ok = false, metrics_ok = false, checkpoints_ok = false, exceptions_ok = false;
  std::vector<Call> vertex_metrics;
  std::vector<Call> vertex_backpressure;
};

TargetInfo FlinkSource::TargetFor(const FlinkClusterConfig& config) {
  return {SourceKind::kFlink, config.name, config.rest_url, config.mesos_cluster,
          config.mesos_framework, config.discovered_from};
}

FlinkSource::FlinkSource(const FlinkClusterConfig& config, HttpClient& http, Clock& clock)
    : target_(TargetFor(config)),
      rest_url_(config.rest_url),
      auth_(config.auth),
      collect_(config.collect),
      http_(http),
      clock_(clock) {
  // The config loader has validated the patterns.
  for (const auto& p : collect_.include_jobs) include_.emplace_back(p, std::regex::ECMAScript);
  for (const auto& p : collect_.exclude_jobs) exclude_.emplace_back(p, std::regex::ECMAScript);
  for (const auto& p : collect_.expected_jobs) expected_.emplace_back(p, std::regex::ECMAScript);
}

bool FlinkSource::Selected(const std::string& job_name) const {
  auto matches = [&](const std::regex& re) { return std::regex_match(job_name, re); };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), matches)) return false;
  return std::none_of(exclude_.begin(), exclude_.end(), matches);
}

bool FlinkSource::Expired(const JobMemory& mem, WallTime now) const {
  if (!IsTerminal(mem.job.state)) return false;
  const double ttl = ToSeconds(collect_.terminal_job_ttl);
  if (mem.job.end_timestamp) return ToUnixSeconds(now) - *mem.job.end_timestamp > ttl;
  return mem.terminal_since && now - *mem.terminal_since > collect_.terminal_job_ttl;
}

Result<Observation> FlinkSource::Poll(SteadyTime deadline) {
  std::mutex errors_mu;
  std::vector<EndpointError> errors;
  // Issues one GET unless the poll's deadline has passed; keeps the outcome in `call`.
  auto fetch = [&](Call& call, const std::string& url, std::string_view endpoint) {
    if (clock_.Steady() >= deadline) {
      call.result = Status::Timeout("GET " + url + ": poll deadline passed before the request");
      return;
    }
    int status = 0;
    call.result = FetchOk(http_, url, deadline, auth_, endpoint, &status);
    call.not_found = status == 404;
  };
  auto record = [&](std::string_view endpoint, const Status& st) {
    std::lock_guard lock(errors_mu);
    errors.push_back({std::string(endpoint), std::string(StatusCodeName(st.code()))});
  };

  // Round 0: the version, when not known.
  if (!version_) {
    auto body = FetchOk(http_, rest_url_ + "/config", deadline, auth_, "/config");
    if (!body.ok()) return body.status();
    auto info = ParseFlinkConfig(*body);
    if (!info.ok()) return info.status();
    version_ = *info;
    api_ = ParseFlinkApiVersion(version_->version);
  }
  const bool legacy = api_.Legacy();
  const std::string jobs_list_endpoint = legacy ? "/joboverview" : "/jobs/overview";

  // Round 1: cluster-wide calls.
  Call overview_call, jobs_call, tms_call, jm_call;
  RunBounded(
      {
          [&] { fetch(overview_call, rest_url_ + "/overview", "/overview"); },
          [&] { fetch(jobs_call, rest_url_ + jobs_list_endpoint, jobs_list_endpoint); },
          [&] { fetch(tms_call, rest_url_ + "/taskmanagers", kTaskManagersEndpoint); },
          [&] {
            fetch(jm_call, rest_url_ + "/jobmanager/metrics" + JvmMetricsQuery(),
                  kJobManagerMetricsEndpoint);
          },
      },
      collect_.max_concurrent_requests);

  auto fail = [&](const Status& st) -> Result<Observation> {
    version_.reset();  // whatever answers next time may be another JobManager
    return st;
  };
  if (!overview_call.result->ok()) return fail(overview_call.result->status());
  auto overview = ParseFlinkOverview(**overview_call.result);
  if (!overview.ok()) return fail(overview.status());
  if (!jobs_call.result->ok()) return fail(jobs_call.result->status());
  auto summaries = ParseFlinkJobsOverview(**jobs_call.result);
  if (!summaries.ok()) return fail(summaries.status());

  FlinkObservation obs;
  obs.overview = std::move(overview).value();
  // /config is authoritative for the version; /overview's fields fill gaps. A different version
  // in /overview means the JobManager was replaced: probe /config again next time.
  const std::string cached_version = version_->version;
  if (!obs.overview.version.empty() && !cached_version.empty() &&
      obs.overview.version != cached_version) {
    version_.reset();
  } else {
    if (!cached_version.empty()) obs.overview.version = cached_version;
    if (!version_->revision.empty()) obs.overview.revision = version_->revision;
  }

  if (tms_call.result->ok()) {
    auto tms = ParseFlinkTaskManagers(**tms_call.result);
    if (tms.ok()) {
      obs.taskmanagers = std::move(tms).value();
    } else {
      record(kTaskManagersEndpoint, tms.status());
    }
  } else {
    record(kTaskManagersEndpoint, tms_call.result->status());
  }
  if (jm_call.result->ok()) {
    auto values = ParseFlinkMetricValues(**jm_call.result);
    if (values.ok()) {
      obs.jobmanager = JvmMetricsFrom(*values);
    } else {
      record(kJobManagerMetricsEndpoint, values.status());
    }
  } else {
    record(kJobManagerMetricsEndpoint, jm_call.result->status());
  }

  // Deployment and upgrade signals, from the whole list (before include/exclude).
  for (const FlinkJobSummary& s : *summaries) {
    NameHistory& h = names_[s.name];
    if (std::find(h.ids.begin(), h.ids.end(), s.id) != h.ids.end()) continue;
    // The first id of a name is its baseline; every later one is a redeployment.
    if (!h.ids.empty()) h.deployments += 1;
    h.ids.push_back(s.id);
    constexpr std::size_t kIdsPerName = 8;  // old ids leave Flink's list; a few suffice
    if (h.ids.size() > kIdsPerName) h.ids.erase(h.ids.begin());
  }
  for (const auto& [name, h] : names_) obs.deployments.emplace_back(name, h.deployments);
  for (std::size_t i = 0; i < expected_.size(); ++i) {
    int64_t running = 0;
    for (const FlinkJobSummary& s : *summaries) {
      running += s.state == FlinkJobState::kRunning && std::regex_match(s.name, expected_[i]);
    }
    obs.expected_jobs_running.emplace_back(collect_.expected_jobs[i], running);
  }

  // Which jobs to fetch this poll.
  const WallTime now = clock_.Now();
  std::vector<JobWork> work;
  std::map<std::string, bool> listed;
  for (FlinkJobSummary& s : *summaries) {
    if (!Selected(s.name)) continue;
    listed[s.id] = true;
    JobMemory& mem = jobs_[s.id];
    if (IsTerminal(s.state)) {
      if (!mem.terminal_since) mem.terminal_since = now;
      if (!mem.job.end_timestamp) mem.job.end_timestamp = s.end_timestamp;
      if (mem.job.id.empty()) {
        mem.job.id = s.id;
        mem.job.name = s.name;
      }
      mem.job.state = s.state;
      if (Expired(mem, now)) continue;
      if (mem.terminal_done) continue;  // served from memory
    } else {
      mem.terminal_done = false;
      mem.terminal_since.reset();
    }
    JobWork w;
    w.summary = std::move(s);
    w.mem = &mem;
    w.base = rest_url_ + "/jobs/" + EscapePathSegment(w.summary.id);
    work.push_back(std::move(w));
  }
  // Forget jobs Flink no longer lists, unless they ended and their TTL still runs.
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const bool keep = listed.count(it->first) > 0 ||
                      (IsTerminal(it->second.job.state) && !it->second.job.id.empty() &&
                       !Expired(it->second, now));
    it = keep ? std::next(it) : jobs_.erase(it);
  }

  // Round 2: per job details, restarts and checkpoint statistics; per TaskManager JVM metrics.
  std::vector<std::function<void()>> tasks;
  for (JobWork& w : work) {
    tasks.push_back([&] { fetch(w.details, w.base, kJobEndpoint); });
    tasks.push_back([&] {
      fetch(w.metrics, w.base + "/metrics?get=numRestarts,fullRestarts", kJobMetricsEndpoint);
    });
    if (!w.mem->no_checkpoint_coordinator) {
      tasks.push_back([&] { fetch(w.checkpoints, w.base + "/checkpoints", kCheckpointsEndpoint); });
    }
  }
  std::vector<Call> tm_calls(collect_.taskmanager_metrics ? obs.taskmanagers.size() : 0);
  for (std::size_t i = 0; i < tm_calls.size(); ++i) {
    tasks.push_back([&, i] {
      fetch(tm_calls[i],
            rest_url_ + "/taskmanagers/" + EscapePathSegment(obs.taskmanagers[i].id) + "/metrics" +
                JvmMetricsQuery(),
            kTaskManagerMetricsEndpoint);
    });
  }
  RunBounded(tasks, collect_.max_concurrent_requests);

  for (std::size_t i = 0; i < tm_calls.size(); ++i) {
    if (!tm_calls[i].result->ok()) {
      record(kTaskManagerMetricsEndpoint, tm_calls[i].result->status());
      continue;
    }
    auto values = ParseFlinkMetricValues(**tm_calls[i].result);
    if (!values.ok()) {
      record(kTaskManagerMetricsEndpoint, values.status());
      continue;
    }
    obs.taskmanagers[i].jvm = JvmMetricsFrom(*values);
  }

  for (JobWork& w : work) {
    // Details; without them the job keeps what the job list says, without vertices.
    if (w.details.result->ok()) {
      auto job = ParseFlinkJobDetails(**w.details.result);
      if (job.ok()) {
        w.job = std::move(job).value();
        w.details_ok = true;
      } else {
        record(kJobEndpoint, job.status());
      }
    } else {
      record(kJobEndpoint, w.details.result->status());
    }
    if (!w.details_ok) {
      w.job = FlinkJob{};
      w.job.state = w.summary.state;
      w.job.start_timestamp = w.summary.start_timestamp;
      w.job.end_timestamp = w.summary.end_timestamp;
    }
    // The list is the fresher source (details are cached by the JobManager and may lag a state
    // change); the time of the state is only known when both agree.
    if (w.job.state != w.summary.state) {
      w.job.state = w.summary.state;
      w.job.state_since_timestamp.reset();
    }
    w.job.id = w.summary.id;
    w.job.name = w.summary.name;
    if (!w.job.end_timestamp) w.job.end_timestamp = w.summary.end_timestamp;

    if (w.metrics.result->ok()) {
      auto values = ParseFlinkMetricValues(**w.metrics.result);
      if (values.ok()) {
        w.metrics_ok = true;
        if (auto it = values->find("numRestarts"); it != values->end()) {
          w.restarts = static_cast<int64_t>(it->second);
        } else if (auto it2 = values->find("fullRestarts"); it2 != values->end()) {
          w.restarts = static_cast<int64_t>(it2->second);
        }
      } else {
        record(kJobMetricsEndpoint, values.status());
      }
    } else {
      record(kJobMetricsEndpoint, w.metrics.result->status());
    }
    w.job.restarts = w.restarts;

    if (w.mem->no_checkpoint_coordinator) {
      w.checkpoints_ok = true;
    } else if (w.checkpoints.result->ok() && IsEmptyObject(**w.checkpoints.result)) {
      // Flink 1.4 answers {} instead of 404 for a job without a checkpoint coordinator.
      w.mem->no_checkpoint_coordinator = true;
      w.checkpoints_ok = true;
    } else if (w.checkpoints.result->ok()) {
      auto stats = ParseFlinkCheckpointStats(**w.checkpoints.result);
      if (stats.ok()) {
        w.checkpoint_stats = std::move(stats).value();
        w.checkpoints_ok = true;
      } else {
        record(kCheckpointsEndpoint, stats.status());
      }
    } else if (w.checkpoints.not_found) {
      // No checkpoint coordinator (e.g. a batch job): not an error, and it will not change.
      w.mem->no_checkpoint_coordinator = true;
      w.checkpoints_ok = true;
    } else {
      record(kCheckpointsEndpoint, w.checkpoints.result->status());
    }
  }

  // Round 3: exceptions or checkpoint config per job; load per vertex of live jobs.
  tasks.clear();
  const bool want_backpressure_detail = collect_.subtask_metrics && !api_.SamplesBackpressure();
  const bool may_sample = collect_.backpressure_sampling && api_.SamplesBackpressure();
  const SteadyTime steady_now = clock_.Steady();
  for (JobWork& w : work) {
    JobMemory& mem = *w.mem;
    const bool failure_changed = !mem.failure_known || mem.failure_restarts != w.restarts ||
                                 mem.failure_state != w.job.state ||
                                 mem.failure_state_since != w.job.state_since_timestamp;
    const bool failure_possible = w.restarts.value_or(0) > 0 || FailureHinted(w.job.state);
    if (failure_changed && failure_possible) {
      const std::string query =
          api_.known && (api_.major > 1 || api_.minor >= 10) ? "?maxExceptions=1" : "";
      tasks.push_back([&, query] { fetch(w.exceptions, w.base + "/exceptions" + query, kExceptionsEndpoint); });
    } else {
      // Nothing can have failed: no call needed. Without the restarts (their call failed) that
      // is unknown, so the last known failure stays.
      if (failure_changed && w.metrics_ok) {
        mem.failure_known = true;
        mem.failure_restarts = w.restarts;
        mem.failure_state = w.job.state;
        mem.failure_state_since = w.job.state_since_timestamp;
        mem.last_failure.reset();
      }
      w.exceptions_ok = true;
      if (!mem.checkpoint_config && !mem.no_checkpoint_coordinator && !IsTerminal(w.job.state)) {
        tasks.push_back([&] {
          fetch(w.config, w.base + "/checkpoints/config", kCheckpointConfigEndpoint);
        });
      }
    }
    if (IsTerminal(w.job.state) || !w.details_ok) continue;  // ended jobs have no task metrics
    w.vertex_metrics.resize(w.job.vertices.size());
    w.vertex_backpressure.resize(w.job.vertices.size());
    for (std::size_t v = 0; v < w.job.vertices.size(); ++v) {
      const std::string vbase =
          w.base + "/vertices/" + EscapePathSegment(w.job.vertices[v].id);
      tasks.push_back([&, v, vbase] {
        fetch(w.vertex_metrics[v], vbase + "/subtasks/metrics" + VertexMetricsQuery(),
              kVertexMetricsEndpoint);
      });
      bool backpressure = want_backpressure_detail;
      if (may_sample) {
        auto s = mem.samples.find(w.job.vertices[v].id);
        backpressure = s == mem.samples.end() ||
                       steady_now - s->second.first >= collect_.backpressure_sampling_interval;
      }
      if (backpressure) {
        tasks.push_back([&, v, vbase] {
          fetch(w.vertex_backpressure[v], vbase + "/backpressure", kBackpressureEndpoint);
        });
      }
    }
  }
  RunBounded(tasks, collect_.max_concurrent_requests);

  uint64_t subtask_series = 0;
  for (JobWork& w : work) {
    JobMemory& mem = *w.mem;
    if (w.exceptions.result) {
      if (!w.exceptions.result->ok()) {
        record(kExceptionsEndpoint, w.exceptions.result->status());
      } else if (auto parsed = ParseFlinkExceptions(**w.exceptions.result); !parsed.ok()) {
        record(kExceptionsEndpoint, parsed.status());
      } else {
        w.exceptions_ok = true;
        mem.failure_known = true;
        mem.failure_restarts = w.restarts;
        mem.failure_state = w.job.state;
        mem.failure_state_since = w.job.state_since_timestamp;
        mem.last_failure = std::move(parsed).value();
      }
    }
    // A failed exceptions call keeps the last known failure: it is still the newest we know.
    w.job.last_failure = mem.last_failure;

    if (w.config.result) {
      if (w.config.result->ok() && IsEmptyObject(**w.config.result)) {
        mem.no_checkpoint_coordinator = true;
      } else if (w.config.result->ok()) {
        auto config = ParseFlinkCheckpointConfig(**w.config.result);
        if (config.ok()) {
          mem.checkpoint_config = std::move(config).value();
        } else {
          record(kCheckpointConfigEndpoint, config.status());
        }
      } else if (w.config.not_found) {
        mem.no_checkpoint_coordinator = true;
      } else {
        record(kCheckpointConfigEndpoint, w.config.result->status());
      }
    }
    w.job.checkpoints = w.checkpoint_stats;
    if (!mem.no_checkpoint_coordinator) w.job.checkpoint_config = mem.checkpoint_config;

    for (std::size_t v = 0; v < w.vertex_metrics.size(); ++v) {
      FlinkVertex& vertex = w.job.vertices[v];
      if (w.vertex_metrics[v].result->ok()) {
        auto aggregates = ParseFlinkAggregatedMetrics(**w.vertex_metrics[v].result);
        if (aggregates.ok()) {
          ApplyVertexAggregates(*aggregates, vertex);
        } else {
          record(kVertexMetricsEndpoint, aggregates.status());
        }
      } else {
        record(kVertexMetricsEndpoint, w.vertex_metrics[v].result->status());
      }
      const Call& bp = w.vertex_backpressure[v];
      if (bp.result) {
        auto sample = bp.result->ok() ? ParseFlinkBackpressure(**bp.result)
                                      : Result<FlinkBackpressureSample>(bp.result->status());
        if (!sample.ok()) {
          record(kBackpressureEndpoint, sample.status());
        } else if (may_sample) {
          // Keep the newest real sample; "no sample yet" still counts as a call for the limit.
          auto& slot = mem.samples[vertex.id];
          slot.first = steady_now;
          if (sample->has_sample) slot.second = std::move(sample).value();
        } else {
          vertex.subtasks = std::move(sample->subtasks);
        }
      }
      if (may_sample) {
        if (auto s = mem.samples.find(vertex.id); s != mem.samples.end() && s->second.second.has_sample) {
          vertex.backpressure_level = s->second.second.level;
          if (collect_.subtask_metrics) vertex.subtasks = s->second.second.subtasks;
        }
      }
      // The per-subtask limit: keep whole subtasks while they fit.
      if (!vertex.subtasks.empty()) {
        const auto limit = static_cast<uint64_t>(collect_.max_subtask_series);
        const uint64_t room =
            limit > subtask_series ? (limit - subtask_series) / kSeriesPerSubtask : 0;
        if (vertex.subtasks.size() > room) {
          obs.series_dropped += (vertex.subtasks.size() - room) * kSeriesPerSubtask;
          vertex.subtasks.resize(room);
        }
        subtask_series += vertex.subtasks.size() * kSeriesPerSubtask;
      }
    }
    // Vertex sample memory of vertices that no longer exist is dropped with the job.
    mem.job = w.job;
    if (IsTerminal(w.job.state)) {
      mem.terminal_done = w.details_ok && w.metrics_ok && w.checkpoints_ok && w.exceptions_ok;
    }
  }

  for (const auto& [id, mem] : jobs_) {
    if (!mem.job.id.empty() && !Expired(mem, now)) obs.jobs.push_back(mem.job);
  }
  obs.endpoint_errors = std::move(errors);
  return Observation(std::move(obs));
}

}  // namespace fme
