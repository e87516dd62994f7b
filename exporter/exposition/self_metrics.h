// SelfMetrics: the exporter's own health, kept in a prometheus-cpp Registry.
//
// Fed by the Poller (OnPollDone) and the instrumented HTTP clients (CountRequest); rendered per
// scrape by RenderTail(), which also sets the snapshot age, so these values are always current
// even when polling is stuck. Thread-safe (prometheus-cpp metrics are).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "fme/clock.h"
#include "fme/poller.h"

namespace fme {

class SelfMetrics final : public PollObserver {
 public:
  SelfMetrics(Clock& clock, std::string version, std::string revision);

  // Creates the per-target series (errors of every kind start at 0, so rate() works at once).
  void AddTarget(const TargetInfo& target);

  void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) override;

  // One upstream HTTP exchange; `code` is the HTTP status, or the error kind when none came.
  void CountRequest(const TargetInfo& target, const std::string& code);

  // Series count of the last rendered snapshot body.
  void SetSeries(double series);

  // Renders the registry in text format, with snapshot_age_seconds computed from
  // `snapshot_created` at this moment.
  std::string RenderTail(WallTime snapshot_created);

 private:
  Clock& clock_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& poll_duration_;
  prometheus::Family<prometheus::Gauge>& poll_success_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Counter>& poll_errors_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Gauge& snapshot_age_;
  prometheus::Gauge& series_;
  std::mutex render_mu_;  // serializes RenderTail (the age gauge is shared)
};

}  // namespace fme
