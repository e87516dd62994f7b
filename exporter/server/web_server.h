// WebServer: the exporter's HTTP surface on cpp-httplib.
//
//   <telemetry path>  cached exposition (+ self-metrics), gzip when accepted
//   /                 landing page
//   /-/healthy        200 while the process serves
//   /-/ready          200 once every target has been polled once, else 503
//   /api/v1/snapshot  the snapshot as JSON (GET only; docs/api.md)
//   anything else     404
//
// Security comes from the web configuration (server/web_config.h): with tls_server_config the
// server speaks HTTPS only (TLS 1.2 or later, optional client certificates); with
// basic_auth_users every request except GET /-/healthy needs valid credentials and is
// otherwise answered 401 before any handler runs; configured extra headers go on every
// response.
//
// A bounded pool of worker threads serves requests; a scrape never waits on an upstream.
// Start() binds (port 0 picks a free port, see port()) and serves on a background thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "exposition/exposition_cache.h"
#include "exposition/self_metrics.h"
#include "fme/snapshot_store.h"
#include "fme/status.h"
#include "server/snapshot_api.h"
#include "server/web_config.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace fme {

class BasicAuth;

struct WebServerOptions {
  std::string host = "0.0.0.0";
  int port = 22105;
  std::string telemetry_path = "/metrics";
  int worker_threads = 8;
  std::string version;
  std::string revision;
  // POST /-/reload: re-reads the configuration; an error is answered with 500 and its text.
  // Unset: the endpoint answers 404.
  std::function<Status()> reload;
  // TLS, basic auth and extra headers (--web.config.file); the default serves plain HTTP to
  // anyone. A reload may replace the users and headers (ApplyWebConfig); TLS is set up once.
  WebConfig web_config;
};

// Parses a listen address: ":22105", "127.0.0.1:0", "[::1]:9000", "host:port".
Result<std::pair<std::string, int>> ParseListenAddress(std::string_view address);

// True when an Accept-Encoding header value accepts gzip (token present, q not 0).
bool AcceptsGzip(std::string_view accept_encoding);

class WebServer {
 public:
  WebServer(WebServerOptions options, ExpositionCache& cache, SelfMetrics& self,
            SnapshotStore& store, Clock& clock);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Builds the server (an error when the TLS context cannot be set up), binds and serves.
  Status Start();
  void Stop();
  int port() const { return port_; }

  // A reloaded (and already validated) web configuration: its basic-auth users and extra
  // headers apply from the next request. TLS settings are not changed on a running server;
  // when they differ a warning says that they take effect at the next restart.
  void ApplyWebConfig(const WebConfig& next);

 private:
  Status CreateServer();
  // Basic auth and POST /-/reload, both answered before routing.
  void InstallSecurity();
  // With basic auth configured: true when the request may proceed, else fills in the 401.
  bool Authorized(const BasicAuth& auth, const httplib::Request& req, httplib::Response& res);
  void Reload(httplib::Response& res);
  void InstallRoutes();

  WebServerOptions options_;
  ExpositionCache& cache_;
  SelfMetrics& self_;
  SnapshotStore& store_;
  Clock& clock_;
  SnapshotApi snapshot_api_;
  using Headers = std::vector<std::pair<std::string, std::string>>;
  // Swapped by ApplyWebConfig while requests are served; each request takes its own reference.
  mutable std::mutex security_mu_;
  std::shared_ptr<const BasicAuth> auth_;  // guarded by security_mu_; null: no authentication
  std::shared_ptr<const Headers> headers_;  // guarded by security_mu_
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace fme
