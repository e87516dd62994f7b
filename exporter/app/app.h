// App: the composition root. Builds the real objects from a Config and wires them:
//
//   Sources ──Poll()──> Poller ──Update()──> SnapshotStore ──listener──> ExpositionCache
//                          │                                                   │
//                          └──OnPollDone──> SelfMetrics, rate-limited logs     └──> WebServer
//
// Targets change at runtime in two ways, both under one lock: a reload (SIGHUP or POST
// /-/reload) replaces the configured targets that were added, removed or changed and leaves the
// others (and their series) alone; the discovery thread follows the Mesos clusters' state in
// the store and adds or removes discovered Flink targets. Each target's source owns its HTTP
// client, so both go when the Poller lets go of the target.
//
// Start() returns once the server listens and polling has begun, Stop() shuts down in reverse
// order. Start/Stop are called by one thread (main); Reload() may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
#include "discovery/flink_discovery.h"
#include "exposition/exposition_cache.h"
#include "exposition/self_metrics.h"
#include "fme/config.h"
#include "fme/http_client.h"
#include "fme/poller.h"
#include "fme/snapshot_store.h"
#include "log/rate_limited_log.h"
#include "server/web_server.h"

namespace fme {

class App final : public PollObserver {
 public:
  // Reads the configuration again for a reload; unset: reloading is not offered.
  using ConfigSource = std::function<Result<Config>()>;

  App(Config config, WebServerOptions web, Clock& clock, ConfigSource reload_from = {});
  ~App() override;

  Status Start();
  void Stop();
  int port() const { return server_.port(); }

  // Reads the configuration from the ConfigSource and applies it. A configuration that does
  // not load is rejected whole: the running one stays, the reload gauge goes to 0 and the
  // returned Status says why (also logged).
  Status Reload();
  // Applies an already loaded configuration.
  void Apply(Config next);

  void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) override;

 private:
  void DiscoveryLoop();
  // Makes the polled discovered targets match discovery_.targets(). Needs targets_mu_.
  void ApplyDiscoveryLocked();
  // Publishes configured + discovered targets to the store. Needs targets_mu_.
  void PublishTargetsLocked();
  // Registers a target with the self-metrics and the Poller; `make` builds its source on the
  // target's own instrumented HTTP client.
  template <typename MakeSource>
  void AddSource(const TargetInfo& info, const PollSettings& poll, MakeSource make);
  void AddMesos(const MesosClusterConfig& m);
  void AddFlink(const FlinkClusterConfig& f);

  Config config_;  // guarded by targets_mu_ after Start()
  Clock& clock_;
  ConfigSource reload_from_;
  std::unique_ptr<HttpClient> http_;
  SelfMetrics self_;
  SnapshotStore store_;
  ExpositionCache cache_;
  RateLimitedLog poll_log_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<Poller> poller_;
  WebServer server_;
  std::thread poll_thread_;

  std::mutex targets_mu_;  // serialises reloads and discovery rounds
  std::vector<TargetInfo> configured_;                   // guarded by targets_mu_
  std::unique_ptr<FlinkDiscovery> discovery_;            // guarded by targets_mu_
  std::map<std::string, FlinkClusterConfig> discovered_;  // polled ones by name; targets_mu_

  std::thread discovery_thread_;
  std::mutex discovery_mu_;
  std::condition_variable discovery_cv_;
  bool discovery_dirty_ = false;  // guarded by discovery_mu_
  bool discovery_stop_ = false;   // guarded by discovery_mu_
};

}  // namespace fme
