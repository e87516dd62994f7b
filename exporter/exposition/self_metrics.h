// SelfMetrics: the exporter's own health, kept in a prometheus-cpp Registry.
//
// Fed by the Poller (OnPollDone) and the instrumented HTTP clients (CountRequest). Rendered at
// most once per change (Current() re-renders only when something was recorded since the last
// call), so scrapes reuse the text and its deflated form like the snapshot body. The snapshot
// age is the one value that changes by itself; it is written per scrape by SnapshotAgeText().
// Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "exposition/gzip_parts.h"
#include "exposition/snapshot_renderer.h"
#include "fme/clock.h"
#include "fme/poller.h"

namespace fme {

struct RenderedSelfMetrics {
  uint64_t version = 0;
  std::string text;
  DeflatedPart gzip;  // text deflated and sync-flushed
};

class SelfMetrics final : public PollObserver {
 public:
  SelfMetrics(Clock& clock, std::string version, std::string revision);

  // Creates the per-target counters that exist from the start (poll errors of every kind and
  // dropped series, at 0), so that rate() works at once.
  void AddTarget(const TargetInfo& target);

  // Deletes every series of the target (a discovered cluster that went away).
  void RemoveTarget(const TargetInfo& target);

  // Records the poll, the calls that failed within it and the series a limit left out.
  void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) override;

  // One upstream HTTP exchange to `endpoint` (a route template such as "/jobs/:jobid");
  // `code` is the HTTP status, or the error kind when none came.
  void CountRequest(const TargetInfo& target, const std::string& endpoint, const std::string& code);

  // Outcome of a configuration reload. The configuration read at start counts as a success.
  void SetReloadResult(bool ok);

  // This exporter's shard (flink_mesos_exporter_shard_info), set once at start.
  void SetShard(int index, int count);
  // Targets known here that other shards own (flink_mesos_exporter_shard_other_targets).
  void SetShardOthers(std::size_t flink, std::size_t mesos);

  // Series count of the last rendered snapshot body.
  void SetSeries(double series);

  // The targets whose series a series limit left out of the last rendered body; every other
  // target's flink_mesos_exporter_series_over_limit goes back to 0.
  void SetSeriesOverLimit(const std::vector<SeriesOverLimit>& over_limit);

  // The registry rendered in text format, series sorted by labels; cached until the next change.
  std::shared_ptr<const RenderedSelfMetrics> Current();

  // The flink_mesos_exporter_snapshot_age_seconds family, for a snapshot created at
  // `snapshot_created`, as of now.
  std::string SnapshotAgeText(WallTime snapshot_created) const;

 private:
  void Changed() { version_.fetch_add(1, std::memory_order_relaxed); }

  // Every per-target series, so RemoveTarget() can find them (prometheus-cpp families cannot
  // be searched by label).
  struct TargetSeries {
    std::set<prometheus::Gauge*> gauges;
    std::set<prometheus::Counter*> counters;
  };
  // The series of `labels`, recorded as the target's; nullptr once the target was removed.
  prometheus::Gauge* TrackedGauge(prometheus::Family<prometheus::Gauge>& family,
                                  const TargetInfo& target, const prometheus::Labels& labels);
  prometheus::Counter* TrackedCounter(prometheus::Family<prometheus::Counter>& family,
                                      const TargetInfo& target, const prometheus::Labels& labels);

  Clock& clock_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& poll_duration_;
  prometheus::Family<prometheus::Gauge>& poll_success_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Counter>& poll_errors_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& endpoint_errors_;
  prometheus::Family<prometheus::Counter>& series_dropped_;
  prometheus::Family<prometheus::Gauge>& series_over_limit_;
  prometheus::Family<prometheus::Gauge>& target_exported_;
  prometheus::Family<prometheus::Gauge>& shard_info_;
  prometheus::Family<prometheus::Gauge>& shard_other_targets_;
  prometheus::Gauge& other_flink_;
  prometheus::Gauge& other_mesos_;
  prometheus::Gauge& series_;
  prometheus::Gauge& reload_successful_;
  prometheus::Gauge& reload_success_time_;
  std::mutex track_mu_;
  std::map<std::pair<SourceKind, std::string>, TargetSeries> tracked_;  // guarded by track_mu_
  std::set<std::pair<SourceKind, std::string>> removed_;                // guarded by track_mu_
  std::map<std::pair<SourceKind, std::string>, prometheus::Gauge*> over_limit_;  // track_mu_
  std::atomic<uint64_t> version_{1};
  std::mutex render_mu_;
  std::shared_ptr<const RenderedSelfMetrics> rendered_;  // guarded by render_mu_
};

}  // namespace fme
