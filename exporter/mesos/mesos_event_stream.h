// MesosEventStream: keeps one Mesos cluster's state current from the leading master's v1
// operator event stream (POST /api/v1 {"type":"SUBSCRIBE"}), instead of re-reading
// /master/state, which is exactly what hurts large masters.
//
// A background thread subscribes to the master named by SetLeader() (the MesosSource finds it
// through master/elected), decodes RecordIO records as they arrive in any chunking, and applies
// each event to a MesosStateModel: SUBSCRIBED replaces the whole model (no leftovers), later
// events keep it current. The subscription ends on EOF, a reset, a malformed record, silence
// longer than the idle timeout (the heartbeat watchdog: heartbeats come every 15 s), or a leader
// change; the thread then waits a capped exponential backoff with jitter and subscribes to
// whoever leads by then. Until a new SUBSCRIBED arrives, the last good model keeps being served,
// and `connected` says it may be stale.
//
// If the master refuses the API (404, 405, 415, 501: no v1 operator API), Refused() turns true
// and the source polls the v0 endpoints instead, until a later SUBSCRIBED (say, from a new
// leader) shows the API works after all.
//
// Thread-safety: all public methods are thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fme/clock.h"
#include "fme/http_client.h"
#include "fme/model/mesos.h"
#include "fme/status.h"
#include "mesos/mesos_state_model.h"

namespace fme {

struct MesosEventStreamOptions {
  Duration idle_timeout = std::chrono::seconds(75);  // 5 x the master's 15 s heartbeat
  Duration subscribe_timeout = std::chrono::seconds(30);  // until the response headers arrive
  Duration backoff_initial = std::chrono::seconds(1);
  Duration backoff_max = std::chrono::minutes(1);
  std::size_t max_record_bytes = 256u << 20;
};

class MesosEventStream {
 public:
  MesosEventStream(std::string cluster, MesosEventStreamOptions options, HttpAuth auth,
                   HttpClient& http, Clock& clock, uint64_t seed = std::random_device{}());
  ~MesosEventStream();
  MesosEventStream(const MesosEventStream&) = delete;
  MesosEventStream& operator=(const MesosEventStream&) = delete;

  // Starts the background thread (idempotent). Stop() ends the subscription and joins it.
  void Start();
  void Stop();

  // The master to subscribe to (base URL); empty when no leader is known. A change ends the
  // current subscription at once.
  void SetLeader(const std::string& master_url);

  // Runs one subscription to `master_url` until it ends, and says why. The thread calls this;
  // tests call it directly.
  Status SubscribeOnce(const std::string& master_url);

  // A SUBSCRIBED has been received (on this or an earlier connection): the model is usable.
  bool HasState() const;
  // The leader refused the v1 operator API, and no SUBSCRIBED has arrived since.
  bool Refused() const;

  // See MesosStateModel::ReconcileAgents; ignored until the first SUBSCRIBED.
  void ReconcileAgents(const std::vector<MesosAgentRecord>& polled);

  // Why subscriptions ended since the last call (leader changes and shutdown excluded), for
  // flink_mesos_exporter_endpoint_errors_total; at most the last 100.
  std::vector<EndpointError> TakeErrors();

  // Agents and frameworks from the model, and the stream's health.
  void Fill(MesosObservation& obs) const;

  // Called on the stream's thread, outside its lock, after a record changed the model (a
  // SUBSCRIBED or any event but a heartbeat). Set before Start().
  void SetOnChange(std::function<void()> on_change) { on_change_ = std::move(on_change); }

 private:
  void Run();
  // One subscription, ended early by `cancel` (registered as cancel_ by the caller).
  Status Subscribe(const std::string& master_url, const std::shared_ptr<StreamCancel>& cancel);
  Duration NextBackoff();
  // Applies one record; true when it changed the model.
  bool OnRecord(std::string_view record, Status& failure);

  const std::string cluster_;
  const MesosEventStreamOptions options_;
  const HttpAuth auth_;
  HttpClient& http_;
  Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  MesosStateModel model_;          // guarded by mu_
  MesosEventStreamStatus status_;  // guarded by mu_
  std::map<std::string, double> events_by_type_;  // guarded by mu_
  bool has_state_ = false;         // guarded by mu_
  bool refused_ = false;           // guarded by mu_
  std::vector<EndpointError> pending_errors_;  // guarded by mu_
  std::string leader_;             // guarded by mu_
  std::string streaming_from_;     // master the open stream comes from (after redirects); mu_
  bool stopping_ = false;          // guarded by mu_
  std::shared_ptr<StreamCancel> cancel_;  // of the subscription in progress; guarded by mu_
  std::mt19937_64 rng_;            // guarded by mu_
  int failures_in_a_row_ = 0;      // guarded by mu_
  std::function<void()> on_change_;  // set before Start(), then read-only
  std::thread thread_;
};

}  // namespace fme
