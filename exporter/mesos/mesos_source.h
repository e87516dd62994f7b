// MesosSource: polls one Mesos cluster through its masters.
//
// Per poll:
//   - GET /metrics/snapshot?timeout=… on every configured master at once (the endpoint is not
//     redirected and answers on standbys). The elected master's cluster-wide figures and task
//     termination counters are kept; standbys contribute only their own health, so N masters
//     never mean N copies of cluster series. GET /version once per master (cached until the
//     master stops answering).
//   - per-agent, per-framework and TaskManager task state, from one of:
//       events  (default): the leader's v1 event stream (MesosEventStream, its own thread);
//               this poll only reads the stream's model, plus /master/slaves every
//               state_poll_interval to catch agents that became unreachable (the stream does not
//               announce them). If the leader refuses the v1 API, the source polls instead.
//       polling: every state_poll_interval, GET /master/slaves, /master/state-summary,
//               /master/roles (the summary has no roles) and, for
//               the frameworks named by task_frameworks, /master/tasks paged; never /master/state.
//       off:    nothing beyond the snapshot.
//     Between state polls, and while the stream reconnects, the last good state is served.
// The poll fails only when no master answers; no elected master is data, not an error.
// Not thread-safe; the Poller never runs two polls of one source at once.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "fme/config.h"
#include "fme/http_client.h"
#include "fme/source.h"
#include "mesos/mesos_event_stream.h"
#include "mesos/mesos_state_model.h"
#include "mesos/metrics_snapshot_parser.h"

namespace fme {

class MesosSource final : public Source {
 public:
  MesosSource(const MesosClusterConfig& config, HttpClient& http, Clock& clock);
  ~MesosSource() override;

  // The identity a source built from `config` has (url: the masters joined with ",").
  static TargetInfo TargetFor(const MesosClusterConfig& config);

  const TargetInfo& target() const override { return target_; }
  // A full poll, or, when the event stream changed the model since a full poll less than an
  // interval ago, a light one: the last full poll's figures with the stream's current state.
  Result<Observation> Poll(SteadyTime deadline) override;
  // Events mode: `changed` is called when the stream changed the model.
  void SetChangeListener(std::function<void()> changed) override;

 private:
  // Reads the leader's state with v0 calls into poll_model_, when due. Failures are recorded in
  // obs.endpoint_errors and leave the previous state in place.
  void PollState(const std::string& leader, SteadyTime deadline, MesosObservation& obs);
  // Events mode: every state_poll_interval, GET /master/slaves to catch agents that became
  // unreachable, which the event stream does not announce.
  void ReconcileAgents(const std::string& leader, SteadyTime deadline, MesosObservation& obs);
  void FetchVersions(SteadyTime deadline, const std::vector<bool>& reachable);

  TargetInfo target_;
  std::vector<std::string> masters_;
  HttpAuth auth_;
  MesosCollectSettings collect_;
  std::vector<std::regex> task_frameworks_;
  HttpClient& http_;
  Clock& clock_;
  std::unique_ptr<MesosEventStream> stream_;  // events mode only
  bool stream_started_ = false;
  MesosStateModel poll_model_;
  bool poll_model_filled_ = false;
  std::optional<SteadyTime> last_state_poll_;
  std::map<std::string, std::string> versions_;  // master URL -> Mesos version
  std::vector<MasterMetrics::FrameworkTasks> framework_counters_;  // of the leader, last poll
  Duration interval_;                      // the poll interval
  std::atomic<bool> stream_changed_{false};  // set by the stream thread, read by Poll()
  std::optional<SteadyTime> last_full_poll_;
  std::optional<MesosObservation> last_full_;  // the last full poll's observation (events mode)
};

}  // namespace fme
