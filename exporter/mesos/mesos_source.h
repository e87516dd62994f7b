// MesosSource: polls one Mesos cluster through its masters.
//
// Per poll: GET /metrics/snapshot?timeout=… on every configured master at once (the endpoint is
// not redirected and answers on standbys). The elected master's cluster-wide figures are kept;
// standbys contribute only their own health, so N masters never mean N copies of cluster series.
// The poll fails only when no master answers; no elected master is data, not an error.
// Not thread-safe; the Poller never runs two polls of one source at once.
#pragma once

#include "fme/config.h"
#include "fme/http_client.h"
#include "fme/source.h"

namespace fme {

class MesosSource final : public Source {
 public:
  MesosSource(const MesosClusterConfig& config, HttpClient& http, Clock& clock);

  // The identity a source built from `config` has (url: the masters joined with ",").
  static TargetInfo TargetFor(const MesosClusterConfig& config);

  const TargetInfo& target() const override { return target_; }
  Result<Observation> Poll(SteadyTime deadline) override;

 private:
  TargetInfo target_;
  std::vector<std::string> masters_;
  HttpAuth auth_;
  HttpClient& http_;
  Clock& clock_;
};

}  // namespace fme
