#include "flink/flink_source.h"

#include "sources/fetch.h"

namespace fme {

TargetInfo FlinkSource::TargetFor(const FlinkClusterConfig& config) {
  return {SourceKind::kFlink, config.name, config.rest_url};
}

FlinkSource::FlinkSource(const FlinkClusterConfig& config, HttpClient& http)
    : target_(TargetFor(config)),
      rest_url_(config.rest_url),
      auth_(config.auth),
      http_(http) {}

Result<Observation> FlinkSource::Poll(SteadyTime deadline) {
  if (!version_) {
    auto body = FetchOk(http_, rest_url_ + "/config", deadline, auth_);
    if (!body.ok()) return body.status();
    auto info = ParseFlinkConfig(*body);
    if (!info.ok()) return info.status();
    version_ = *info;
  }
  auto body = FetchOk(http_, rest_url_ + "/overview", deadline, auth_);
  if (!body.ok()) {
    version_.reset();
    return body.status();
  }
  auto overview = ParseFlinkOverview(*body);
  if (!overview.ok()) {
    version_.reset();
    return overview.status();
  }
  FlinkObservation obs;
  obs.overview = std::move(overview).value();
  // /config is authoritative for the version; /overview's fields fill gaps.
  if (!version_->version.empty()) obs.overview.version = version_->version;
  if (!version_->revision.empty()) obs.overview.revision = version_->revision;
  return Observation(std::move(obs));
}

}  // namespace fme
