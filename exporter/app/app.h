// App: the composition root. Builds the real objects from a Config and wires them:
//
//   Sources ──Poll()──> Poller ──Update()──> SnapshotStore ──listener──> ExpositionCache
//                          │                                                   │
//                          └──OnPollDone──> SelfMetrics, rate-limited logs     └──> WebServer
//
// Owns everything it builds; Start() returns once the server listens and polling has begun,
// Stop() shuts down in reverse order. Not thread-safe itself (main() drives it).
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
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
};

}  // namespace fme
