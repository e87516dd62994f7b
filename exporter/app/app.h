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
// With several shards, only the targets this shard owns are polled and exported, plus the Mesos
// clusters it needs for discovery or the join, polled but not exported (sharding/).
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
#include "sources/request_limiter.h"
#include "fme/poller.h"
#include "fme/snapshot_store.h"
#include "log/rate_limited_log.h"
#include "server/web_server.h"
#include "sharding/shard.h"
#include "sharding/shard_targets.h"

namespace fme {

class App final : public PollObserver {
 public:
  // Reads the configuration again for a reload; unset: reloading is not offered.
  using ConfigSource = std::function<Result<Config>()>;
  // Reads the web configuration (--web.config.file) again for a reload.
  using WebConfigSource = std::function<Result<WebConfig>()>;

  // `shard`: this exporter's part of the fleet (--shard.index, --shard.count); a reload keeps it.
  App(Config config, WebServerOptions web, Clock& clock, ConfigSource reload_from = {},
      Shard shard = {});
  ~App() override;

  Status Start();
  void Stop();
  int port() const { return server_.port(); }

  // Reads the configuration from the ConfigSource and applies it. A configuration that does
  // not load is rejected whole: the running one stays, the reload gauge goes to 0 and the
  // returned Status says why (also logged).
  Status Reload();
  // With a web configuration file: a reload also re-reads it; a file that does not load rejects
  // the whole reload, one that does replaces the basic-auth users and headers. Call before Start().
  void SetWebConfigSource(WebConfigSource source);
  // Applies an already loaded configuration.
  void Apply(Config next);

  void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) override;

 private:
  void DiscoveryLoop();
  // Makes the polled discovered targets match discovery_.targets(). Needs targets_mu_.
  void ApplyDiscoveryLocked();
  // Publishes configured + discovered targets to the store. Needs targets_mu_.
  void PublishTargetsLocked();
  // What the snapshot and the self-metrics say about this shard. Needs targets_mu_.
  ShardStatus ShardStatusLocked() const;
  void SetTargetsLocked(const std::vector<TargetInfo>& targets);
  // The Mesos cluster's target, exported or not by this shard.
  TargetInfo MesosTarget(const MesosClusterConfig& m) const;
  // Registers a target with the self-metrics and the Poller; `make` builds its source on the
  // target's own instrumented HTTP client (with the target's credentials and TLS settings).
  template <typename MakeSource>
  void AddSource(const TargetInfo& info, const PollSettings& poll, const HttpAuth& auth,
                 const UpstreamTls& tls, MakeSource make);
  void AddMesos(const MesosClusterConfig& m);
  void AddFlink(const FlinkClusterConfig& f);

  Config config_;  // guarded by targets_mu_ after Start()
  const Shard shard_;
  ShardTargets local_;  // what this shard polls of config_; guarded by targets_mu_
  Clock& clock_;
  ConfigSource reload_from_;
  WebConfigSource web_reload_from_;
  HttpClientOptions http_options_;  // as at start: a reload does not change them
  // limits.max_concurrent_requests, shared by every target's client; outlives the poller.
  RequestLimiter limiter_;
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
  std::size_t discovered_elsewhere_ = 0;  // discovered, owned by other shards; targets_mu_

  std::thread discovery_thread_;
  std::mutex discovery_mu_;
  std::condition_variable discovery_cv_;
  bool discovery_dirty_ = false;  // guarded by discovery_mu_
  bool discovery_stop_ = false;   // guarded by discovery_mu_
};

}  // namespace fme
