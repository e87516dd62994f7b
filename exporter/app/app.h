// App: the composition root. Builds the real objects from a Config and wires them:
//
//   Sources ──Poll()──> Poller ──Update()──> SnapshotStore ──listener──> ExpositionCache
//                          │                                                   │
//                          └──OnPollDone──> SelfMetrics, rate-limited logs     └──> WebServer
//
// With discovery configured, a discovery thread follows the Mesos clusters' state in the
// store and adds or removes Flink targets (Poller, SnapshotStore, SelfMetrics) as frameworks
// come and go; the store listener only wakes it.
//
// Owns everything it builds; Start() returns once the server listens and polling has begun,
// Stop() shuts down in reverse order. Not thread-safe itself (main() drives it).
#pragma once

#include <condition_variable>
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
  App(Config config, WebServerOptions web, Clock& clock);
  ~App() override;

  Status Start();
  void Stop();
  int port() const { return server_.port(); }

  void OnPollDone(const TargetInfo& target, const PollOutcome& outcome) override;

 private:
  void DiscoveryLoop();
  // Makes the polled Flink targets match discovery_.targets().
  void ApplyDiscovery();

  Config config_;
  Clock& clock_;
  std::unique_ptr<HttpClient> http_;
  SelfMetrics self_;
  SnapshotStore store_;
  ExpositionCache cache_;
  RateLimitedLog poll_log_;
  std::vector<std::unique_ptr<HttpClient>> target_clients_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<Poller> poller_;
  WebServer server_;
  std::thread poll_thread_;

  std::vector<TargetInfo> configured_;  // every target from the config file
  FlinkDiscovery discovery_;
  std::map<std::string, TargetInfo> discovered_;  // polled discovered targets, by name
  std::thread discovery_thread_;
  std::mutex discovery_mu_;
  std::condition_variable discovery_cv_;
  bool discovery_dirty_ = false;  // guarded by discovery_mu_
  bool discovery_stop_ = false;   // guarded by discovery_mu_
};

}  // namespace fme
