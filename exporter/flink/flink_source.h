// FlinkSource: polls one Flink cluster's JobManager REST API.
//
// Per poll: GET /overview, plus GET /config when the version is not known yet or the previous
// poll failed (a JobManager that went away may come back as another version). Not thread-safe;
// the Poller never runs two polls of one source at once.
#pragma once

#include <optional>

#include "flink/flink_parser.h"
#include "fme/config.h"
#include "fme/http_client.h"
#include "fme/source.h"

namespace fme {

class FlinkSource final : public Source {
 public:
  FlinkSource(const FlinkClusterConfig& config, HttpClient& http);

  static TargetInfo TargetFor(const FlinkClusterConfig& config);

  const TargetInfo& target() const override { return target_; }
  Result<Observation> Poll(SteadyTime deadline) override;

 private:
  TargetInfo target_;
  std::string rest_url_;
  HttpAuth auth_;
  HttpClient& http_;
  std::optional<FlinkVersionInfo> version_;  // cached until a poll fails
};

}  // namespace fme
