// FlinkSource: polls one Flink cluster's JobManager REST API, every version from 1.4 to 2.x.
//
// One poll, in three rounds of concurrent requests (at most `max_concurrent_requests` in flight):
//   1. /overview, the job list, /taskmanagers, /jobmanager/metrics
//      (and /config first, when the version is not known: after start, a failed poll, or a
//      version change seen in /overview)
//   2. per job: details, restarts (job metrics), checkpoint statistics;
//      per TaskManager: JVM metrics (optional)
//   3. per job at most one of: exceptions (only when a failure may have happened since the last
//      look: restarts or state changed) or checkpoint config (once per job; it cannot change);
//      per vertex of a job that is not terminal: one aggregated subtask-metrics call; optionally
//      the backpressure endpoint (per-subtask detail on 1.13+, rate-limited sampling on <= 1.12)
// So a poll costs at most 2 + 4 x jobs + vertices requests for the jobs, plus 2 + TaskManagers
// for the processes, plus /config when the version is being probed (docs/design.md). Terminal jobs are fetched once and then served from
// memory until their TTL ends.
//
// /overview or the job list failing fails the poll (flink_up 0). Any other call failing only
// removes the series it would have given, for that poll, and is reported in endpoint_errors.
//
// Not thread-safe; the Poller never runs two polls of one source at once.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "flink/flink_api_version.h"
#include "flink/flink_backpressure_parser.h"
#include "flink/flink_parser.h"
#include "fme/clock.h"
#include "fme/config.h"
#include "fme/http_client.h"
#include "fme/source.h"

namespace fme {

class FlinkSource final : public Source {
 public:
  FlinkSource(const FlinkClusterConfig& config, HttpClient& http, Clock& clock);

  static TargetInfo TargetFor(const FlinkClusterConfig& config);

  const TargetInfo& target() const override { return target_; }
  Result<Observation> Poll(SteadyTime deadline) override;

 private:
  // What the source remembers about one job between polls.
  struct JobMemory {
    FlinkJob job;                 // as last rendered
    bool terminal_done = false;   // fetched completely after it ended: never fetched again
    std::optional<WallTime> terminal_since;  // first seen terminal, when Flink gave no end time
    bool no_checkpoint_coordinator = false;  // checkpoints answered 404
    std::optional<FlinkCheckpointConfig> checkpoint_config;
    // (restarts, state, state since) when exceptions were last read; a change means a failure
    // may have happened since.
    bool failure_known = false;
    std::optional<int64_t> failure_restarts;
    FlinkJobState failure_state = FlinkJobState::kUnknown;
    std::optional<double> failure_state_since;
    std::optional<FlinkJobFailure> last_failure;
    // <= 1.12 sampling: last sample per vertex and when it was taken.
    std::map<std::string, std::pair<SteadyTime, FlinkBackpressureSample>> samples;
  };
  struct JobWork;

  bool Selected(const std::string& job_name) const;
  bool Expired(const JobMemory& mem, WallTime now) const;

  TargetInfo target_;
  std::string rest_url_;
  HttpAuth auth_;
  FlinkCollectSettings collect_;
  std::vector<std::regex> include_, exclude_;
  HttpClient& http_;
  Clock& clock_;
  std::optional<FlinkVersionInfo> version_;  // cached until a poll fails or /overview differs
  FlinkApiVersion api_;
  std::map<std::string, JobMemory> jobs_;  // by job id
  std::vector<std::regex> expected_;        // expected_jobs, compiled
  // Per job name: the ids it has had (the latest few) and how often it got a new one.
  struct NameHistory {
    std::vector<std::string> ids;
    double deployments = 0;
  };
  std::map<std::string, NameHistory> names_;
};

}  // namespace fme
