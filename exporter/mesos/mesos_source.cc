#include "mesos/mesos_source.h"

#include <algorithm>
#include <future>

#include "mesos/metrics_snapshot_parser.h"
#include "sources/fetch.h"

namespace fme {
namespace {

std::string JoinMasters(const std::vector<std::string>& masters) {
  std::string out;
  for (const auto& m : masters) {
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

}  // namespace

TargetInfo MesosSource::TargetFor(const MesosClusterConfig& config) {
  return {SourceKind::kMesos, config.name, JoinMasters(config.masters)};
}

MesosSource::MesosSource(const MesosClusterConfig& config, HttpClient& http, Clock& clock)
    : target_(TargetFor(config)),
      masters_(config.masters),
      auth_(config.auth),
      http_(http),
      clock_(clock) {}

Result<Observation> MesosSource::Poll(SteadyTime deadline) {
  if (masters_.empty()) return Status::InvalidArgument("no Mesos masters configured");
  // Ask the master to answer within most of our budget, leaving room for the transfer; metrics
  // not ready by then are omitted by the master rather than stalling the poll.
  auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.Steady());
  auto server_timeout = std::max<std::chrono::milliseconds>(budget * 8 / 10,
                                                            std::chrono::milliseconds(100));
  const std::string path = "/metrics/snapshot?timeout=" + std::to_string(server_timeout.count()) + "ms";

  std::vector<std::future<Result<MasterMetrics>>> answers;
  answers.reserve(masters_.size());
  for (const auto& master : masters_) {
    answers.push_back(std::async(std::launch::async, [&, url = master + path]() -> Result<MasterMetrics> {
      auto body = FetchOk(http_, url, deadline, auth_, "/metrics/snapshot");
      if (!body.ok()) return body.status();
      return ParseMasterMetricsSnapshot(*body);
    }));
  }

  MesosObservation obs;
  std::optional<Status> first_error;
  for (std::size_t i = 0; i < masters_.size(); ++i) {
    Result<MasterMetrics> r = answers[i].get();
    MesosMasterStatus st;
    if (r.ok()) {
      st = r->self;
      st.reachable = true;
      if (!obs.leader && st.elected.value_or(0) >= 1) {
        obs.leader = i;
        obs.cluster = r->cluster;
      }
    } else {
      st.error = r.status().ToString();
      if (!first_error) first_error = r.status();
    }
    st.url = masters_[i];
    obs.masters.push_back(std::move(st));
  }
  bool any_reachable = std::any_of(obs.masters.begin(), obs.masters.end(),
                                   [](const MesosMasterStatus& m) { return m.reachable; });
  if (!any_reachable) {
    return first_error->WithContext("no Mesos master answered (" +
                                    std::to_string(masters_.size()) + " tried)");
  }
  return Observation(std::move(obs));
}

}  // namespace fme
