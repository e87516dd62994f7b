#include "exposition/self_metrics.h"

#include <algorithm>
#include <map>
#include <vector>

#include "exposition/text_writer.h"

namespace fme {
namespace {

// Error kinds a poll can fail with; pre-created so every series exists from the start.
constexpr StatusCode kPollErrorKinds[] = {
    StatusCode::kUnavailable, StatusCode::kTimeout,  StatusCode::kHttpStatus,
    StatusCode::kParseError,  StatusCode::kTooLarge, StatusCode::kRedirect,
    StatusCode::kTls,         StatusCode::kInternal,
};

prometheus::Labels TargetLabels(const TargetInfo& t) {
  return {{"source", std::string(SourceKindName(t.kind))}, {"target", t.name}};
}

}  // namespace

SelfMetrics::SelfMetrics(Clock& clock, std::string version, std::string revision)
    : clock_(clock),
      registry_(std::make_shared<prometheus::Registry>()),
      poll_duration_(prometheus::BuildGauge()
                         .Name("flink_mesos_exporter_poll_duration_seconds")
                         .Help("Duration of the last poll of the target.")
                         .Register(*registry_)),
      poll_success_(prometheus::BuildGauge()
                        .Name("flink_mesos_exporter_poll_success")
                        .Help("Whether the last poll of the target succeeded.")
                        .Register(*registry_)),
      last_success_(prometheus::BuildGauge()
                        .Name("flink_mesos_exporter_last_success_timestamp_seconds")
                        .Help("When the last successful poll of the target finished (Unix time).")
                        .Register(*registry_)),
      poll_errors_(prometheus::BuildCounter()
                       .Name("flink_mesos_exporter_poll_errors_total")
                       .Help("Failed polls of the target, by kind of failure.")
                       .Register(*registry_)),
      requests_(prometheus::BuildCounter()
                    .Name("flink_mesos_exporter_upstream_requests_total")
                    .Help("HTTP requests sent upstream, by route and by HTTP status code or "
                          "transport error kind.")
                    .Register(*registry_)),
      endpoint_errors_(prometheus::BuildCounter()
                           .Name("flink_mesos_exporter_endpoint_errors_total")
                           .Help("Upstream calls that failed within an otherwise successful poll, "
                                 "by route and kind of failure; their series are missing for "
                                 "that poll.")
                           .Register(*registry_)),
      series_dropped_(prometheus::BuildCounter()
                          .Name("flink_mesos_exporter_series_dropped_total")
                          .Help("Series of the target left out of the exposition because a "
                                "series limit was reached.")
                          .Register(*registry_)),
      series_over_limit_(prometheus::BuildGauge()
                             .Name("flink_mesos_exporter_series_over_limit")
                             .Help("Series of the target left out of the current exposition by "
                                   "limits.max_series_per_target or limits.max_series.")
                             .Register(*registry_)),
      target_exported_(prometheus::BuildGauge()
                           .Name("flink_mesos_exporter_target_exported")
                           .Help("Whether this exporter exports the target's series (1), or "
                                 "polls it only for Flink discovery and the TaskManager join "
                                 "while another shard exports it (0).")
                           .Register(*registry_)),
      shard_info_(prometheus::BuildGauge()
                      .Name("flink_mesos_exporter_shard_info")
                      .Help("This exporter's shard (--shard.index) and the number of shards "
                            "(--shard.count); always 1.")
                      .Register(*registry_)),
      shard_other_targets_(prometheus::BuildGauge()
                               .Name("flink_mesos_exporter_shard_other_targets")
                               .Help("Targets this exporter knows of (configured, or discovered "
                                     "here) whose series other shards export.")
                               .Register(*registry_)),
      other_flink_(shard_other_targets_.Add({{"source", "flink"}})),
      other_mesos_(shard_other_targets_.Add({{"source", "mesos"}})),
      series_(prometheus::BuildGauge()
                  .Name("flink_mesos_exporter_series")
                  .Help("Series in the last rendered snapshot, excluding these self-metrics.")
                  .Register(*registry_)
                  .Add({})),
      reload_successful_(prometheus::BuildGauge()
                             .Name("flink_mesos_exporter_config_last_reload_successful")
                             .Help("Whether the last configuration reload succeeded (1) or was "
                                   "rejected (0); the running configuration stays on failure.")
                             .Register(*registry_)
                             .Add({})),
      reload_success_time_(
          prometheus::BuildGauge()
              .Name("flink_mesos_exporter_config_last_reload_success_timestamp_seconds")
              .Help("When the configuration was last loaded successfully (Unix time).")
              .Register(*registry_)
              .Add({})) {
  reload_successful_.Set(1);
  reload_success_time_.Set(ToUnixSeconds(clock_.Now()));
  prometheus::BuildGauge()
      .Name("flink_mesos_exporter_build_info")
      .Help("Version and revision the exporter was built from; always 1.")
      .Register(*registry_)
      .Add({{"version", std::move(version)}, {"revision", std::move(revision)}})
      .Set(1);
}

prometheus::Gauge* SelfMetrics::TrackedGauge(prometheus::Family<prometheus::Gauge>& family,
                                             const TargetInfo& target,
                                             const prometheus::Labels& labels) {
  std::lock_guard lock(track_mu_);
  if (removed_.count({target.kind, target.name}) != 0) return nullptr;
  prometheus::Gauge& g = family.Add(labels);
  tracked_[{target.kind, target.name}].gauges.insert(&g);
  return &g;
}

prometheus::Counter* SelfMetrics::TrackedCounter(prometheus::Family<prometheus::Counter>& family,
                                                 const TargetInfo& target,
                                                 const prometheus::Labels& labels) {
  std::lock_guard lock(track_mu_);
  if (removed_.count({target.kind, target.name}) != 0) return nullptr;
  prometheus::Counter& c = family.Add(labels);
  tracked_[{target.kind, target.name}].counters.insert(&c);
  return &c;
}

void SelfMetrics::RemoveTarget(const TargetInfo& target) {
  TargetSeries series;
  {
    std::lock_guard lock(track_mu_);
    // Requests of a poll still in flight must not bring the series back.
    removed_.insert({target.kind, target.name});
    auto it = tracked_.find({target.kind, target.name});
    if (it == tracked_.end()) return;
    series = std::move(it->second);
    tracked_.erase(it);
    over_limit_.erase({target.kind, target.name});
  }
  // Remove() ignores metrics of other families, so each pointer is offered to each family.
  for (prometheus::Gauge* g : series.gauges) {
    poll_duration_.Remove(g);
    poll_success_.Remove(g);
    last_success_.Remove(g);
    series_over_limit_.Remove(g);
    target_exported_.Remove(g);
  }
  for (prometheus::Counter* c : series.counters) {
    poll_errors_.Remove(c);
    requests_.Remove(c);
    endpoint_errors_.Remove(c);
    series_dropped_.Remove(c);
  }
  Changed();
}

void SelfMetrics::AddTarget(const TargetInfo& target) {
  // Duration and success appear with the first poll (a 0 before it would read as a failure);
  // error counters exist from the start so that rate() and increase() work at once.
  {
    std::lock_guard lock(track_mu_);
    removed_.erase({target.kind, target.name});  // discovered again
  }
  auto labels = TargetLabels(target);
  for (StatusCode code : kPollErrorKinds) {
    auto with_kind = labels;
    with_kind["kind"] = std::string(StatusCodeName(code));
    TrackedCounter(poll_errors_, target, with_kind);
  }
  TrackedCounter(series_dropped_, target, labels);
  if (prometheus::Gauge* g = TrackedGauge(series_over_limit_, target, labels)) {
    std::lock_guard lock(track_mu_);
    over_limit_[{target.kind, target.name}] = g;
  }
  if (prometheus::Gauge* g = TrackedGauge(target_exported_, target, labels)) {
    g->Set(target.exported ? 1 : 0);
  }
  Changed();
}

void SelfMetrics::OnPollDone(const TargetInfo& target, const PollOutcome& outcome) {
  auto labels = TargetLabels(target);
  if (auto* g = TrackedGauge(poll_duration_, target, labels)) g->Set(ToSeconds(outcome.duration));
  if (auto* g = TrackedGauge(poll_success_, target, labels)) g->Set(outcome.status.ok() ? 1 : 0);
  if (outcome.status.ok()) {
    if (auto* g = TrackedGauge(last_success_, target, labels)) g->Set(ToUnixSeconds(clock_.Now()));
  } else {
    labels["kind"] = std::string(StatusCodeName(outcome.status.code()));
    if (auto* c = TrackedCounter(poll_errors_, target, labels)) c->Increment();
  }
  if (outcome.series_dropped > 0) {
    if (auto* c = TrackedCounter(series_dropped_, target, TargetLabels(target))) {
      c->Increment(static_cast<double>(outcome.series_dropped));
    }
  }
  for (const EndpointError& e : outcome.endpoint_errors) {
    auto with_call = TargetLabels(target);
    with_call["endpoint"] = e.endpoint;
    with_call["kind"] = e.kind;
    if (auto* c = TrackedCounter(endpoint_errors_, target, with_call)) c->Increment();
  }
  Changed();
}

void SelfMetrics::CountRequest(const TargetInfo& target, const std::string& endpoint,
                               const std::string& code) {
  auto labels = TargetLabels(target);
  labels["endpoint"] = endpoint;
  labels["code"] = code;
  if (auto* c = TrackedCounter(requests_, target, labels)) c->Increment();
  Changed();
}

void SelfMetrics::SetReloadResult(bool ok) {
  reload_successful_.Set(ok ? 1 : 0);
  if (ok) reload_success_time_.Set(ToUnixSeconds(clock_.Now()));
  Changed();
}

void SelfMetrics::SetShard(int index, int count) {
  shard_info_.Add({{"shard", std::to_string(index)}, {"shards", std::to_string(count)}}).Set(1);
  Changed();
}

void SelfMetrics::SetShardOthers(std::size_t flink, std::size_t mesos) {
  other_flink_.Set(static_cast<double>(flink));
  other_mesos_.Set(static_cast<double>(mesos));
  Changed();
}

void SelfMetrics::SetSeries(double series) {
  series_.Set(series);
  Changed();
}

void SelfMetrics::SetSeriesOverLimit(const std::vector<SeriesOverLimit>& over_limit) {
  std::map<std::pair<SourceKind, std::string>, double> dropped;
  for (const SeriesOverLimit& o : over_limit) {
    dropped[{o.target.kind, o.target.name}] = static_cast<double>(o.dropped);
  }
  bool changed = false;
  {
    std::lock_guard lock(track_mu_);
    for (const auto& [key, gauge] : over_limit_) {
      const auto it = dropped.find(key);
      const double value = it == dropped.end() ? 0 : it->second;
      if (gauge->Value() != value) {
        gauge->Set(value);
        changed = true;
      }
    }
  }
  if (changed) Changed();
}

std::shared_ptr<const RenderedSelfMetrics> SelfMetrics::Current() {
  std::lock_guard lock(render_mu_);
  const uint64_t version = version_.load(std::memory_order_relaxed);
  if (rendered_ && rendered_->version == version) return rendered_;
  auto r = std::make_shared<RenderedSelfMetrics>();
  r->version = version;
  TextWriter w(r->text);
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  std::vector<Label> labels;
  for (auto& family : families) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const auto& a, const auto& b) { return a.label < b.label; });
    const bool counter = family.type == prometheus::MetricType::Counter;
    w.Family(family.name, family.help, counter ? MetricType::kCounter : MetricType::kGauge);
    for (const auto& m : family.metric) {
      labels.clear();
      for (const auto& l : m.label) labels.emplace_back(l.name, l.value);
      w.Sample(labels, counter ? m.counter.value : m.gauge.value);
    }
  }
  r->gzip = DeflateBody(r->text);
  rendered_ = std::move(r);
  return rendered_;
}

std::string SelfMetrics::SnapshotAgeText(WallTime snapshot_created) const {
  std::string out;
  TextWriter w(out);
  w.Family("flink_mesos_exporter_snapshot_age_seconds",
           "Age of the published snapshot at scrape time; grows when polling stalls.",
           MetricType::kGauge);
  w.Sample({}, std::max(0.0, ToSeconds(clock_.Now() - snapshot_created)));
  return out;
}

}  // namespace fme
