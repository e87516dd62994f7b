#include "server/web_server.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <tuple>
#include <cctype>

#include "exposition/gzip_parts.h"
#include "log/log.h"
#include "server/basic_auth.h"
#include "server/landing_page.h"
#include "server/snapshot_json.h"
#include "server/tls_context.h"

namespace fme {
namespace {

constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kJsonFormat = "application/json";
constexpr const char* kSnapshotApiPath = "/api/v1/snapshot";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Serves the concatenation of `pieces` without copying them; `owner` keeps them alive.
void ServePieces(httplib::Response& res, std::vector<std::string_view> pieces,
                 std::shared_ptr<const void> owner) {
  std::size_t total = 0;
  for (auto p : pieces) total += p.size();
  res.set_content_provider(
      total, kTextFormat,
      [pieces = std::move(pieces), owner = std::move(owner)](std::size_t offset, std::size_t,
                                                              httplib::DataSink& sink) {
        std::size_t start = 0;
        for (auto p : pieces) {
          if (offset < start + p.size()) {
            std::size_t from = offset - start;
            return sink.write(p.data() + from, p.size() - from);
          }
          start += p.size();
        }
        return false;
      });
}

}  // namespace

Result<std::pair<std::string, int>> ParseListenAddress(std::string_view address) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("listen address \"" + std::string(address) +
                                   "\" needs a port, e.g. \":22105\"");
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return Status::InvalidArgument("listen address \"" + std::string(address) + "\": invalid port");
  }
  return std::make_pair(host.empty() ? std::string("0.0.0.0") : std::string(host), port);
}

bool AcceptsGzip(std::string_view header) {
  std::string lower = Lower(header);
  std::string_view rest = lower;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t semi = item.find(';');
    std::string_view coding = Trim(item.substr(0, semi));
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = Trim(item.substr(semi + 1));
    if (params.rfind("q=", 0) == 0) {
      double q = std::strtod(std::string(params.substr(2)).c_str(), nullptr);
      return q > 0;
    }
    return true;
  }
  return false;
}

WebServer::WebServer(WebServerOptions options, ExpositionCache& cache, SelfMetrics& self,
                     SnapshotStore& store, Clock& clock)
    : options_(std::move(options)),
      cache_(cache),
      self_(self),
      store_(store),
      clock_(clock),
      snapshot_api_(store) {
  if (!options_.web_config.users.empty()) {
    auth_ = std::make_shared<const BasicAuth>(options_.web_config.users, clock_);
  }
  headers_ = std::make_shared<const Headers>(options_.web_config.headers);
}

namespace {

bool SameTls(const WebConfig& a, const WebConfig& b) {
  if (a.tls != b.tls) return false;
  if (!a.tls) return true;
  const TlsServerConfig& x = a.tls_server;
  const TlsServerConfig& y = b.tls_server;
  return x.cert_file.path == y.cert_file.path && x.key_file.path == y.key_file.path &&
         x.client_auth == y.client_auth && x.client_ca_file.path == y.client_ca_file.path &&
         x.min_version == y.min_version && x.max_version == y.max_version &&
         x.tls12_ciphers == y.tls12_ciphers && x.groups == y.groups &&
         x.prefer_server_cipher_suites == y.prefer_server_cipher_suites;
}

}  // namespace

void WebServer::ApplyWebConfig(const WebConfig& next) {
  if (!SameTls(options_.web_config, next)) {
    log::Warn("tls_server_config of the web configuration takes effect at the next restart",
              {{"file", next.origin}});
  }
  std::shared_ptr<const BasicAuth> auth;
  if (!next.users.empty()) auth = std::make_shared<const BasicAuth>(next.users, clock_);
  auto headers = std::make_shared<const Headers>(next.headers);
  std::lock_guard lock(security_mu_);
  auth_ = std::move(auth);
  headers_ = std::move(headers);
}

WebServer::~WebServer() { Stop(); }

Status WebServer::CreateServer() {
  if (!options_.web_config.tls) {
    server_ = std::make_unique<httplib::Server>();
    return Status::Ok();
  }
  Status setup = Status::Internal("the TLS context was not set up");
  auto tls = std::make_unique<httplib::SSLServer>([this, &setup](SSL_CTX& ctx) {
    setup = ConfigureServerTls(ctx, options_.web_config);
    return setup.ok();
  });
  if (!tls->is_valid()) return setup.ok() ? Status::Tls("cannot create the TLS server context") : setup;
  // TLS sends small records (session tickets, then the response) back to back; with Nagle's
  // algorithm the response would wait for the client's delayed ACK of the tickets (~40 ms).
  tls->set_tcp_nodelay(true);
  server_ = std::move(tls);
  return Status::Ok();
}

bool WebServer::Authorized(const BasicAuth& auth, const httplib::Request& req,
                           httplib::Response& res) {
  // Liveness probes carry no credentials.
  if (req.path == "/-/healthy" && (req.method == "GET" || req.method == "HEAD")) return true;
  const BasicAuth::Decision d = auth.CheckHeader(req.get_header_value("Authorization"));
  if (d.outcome == BasicAuth::Outcome::kOk) return true;
  if (log::Enabled(log::Level::kDebug)) {
    const char* reason = "no credentials";
    switch (d.outcome) {
      case BasicAuth::Outcome::kMalformed: reason = "malformed Authorization header"; break;
      case BasicAuth::Outcome::kUnknownUser: reason = "unknown user"; break;
      case BasicAuth::Outcome::kWrongPassword: reason = "wrong password"; break;
      default: break;
    }
    // Neither the password nor an unknown name (it may be a mistyped password) is logged.
    log::Debug("request refused: authentication failed",
               {{"path", req.path}, {"remote", req.remote_addr}, {"reason", reason},
                {"user", d.user}});
  }
  res.status = 401;
  res.set_header("WWW-Authenticate", "Basic realm=\"" + std::string(kBasicAuthRealm) + "\"");
  res.set_content("Unauthorized\n", "text/plain; charset=utf-8");
  return false;
}

void WebServer::Reload(httplib::Response& res) {
  Status st = options_.reload();
  if (st.ok()) {
    res.set_content("configuration reloaded\n", "text/plain; charset=utf-8");
  } else {
    res.status = 500;
    res.set_content("configuration rejected, the running one stays:\n" + st.message() + "\n",
                    "text/plain; charset=utf-8");
  }
}

void WebServer::InstallSecurity() {
  httplib::Server& s = *server_;
  // Runs before routing and before a request body is read, so no handler (and no content
  // provider) ever starts for a request that is refused.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    std::shared_ptr<const BasicAuth> auth;
    {
      std::lock_guard lock(security_mu_);
      auth = auth_;
    }
    if (auth && !Authorized(*auth, req, res)) return httplib::Server::HandlerResponse::Handled;
    // Like Prometheus: POST only, so that a crawler following links cannot trigger it. Answered
    // here because `curl -X POST` sends no Content-Length, which the HTTP library's body reader
    // would refuse with 400.
    if (options_.reload && req.method == "POST" && req.path == "/-/reload") {
      Reload(res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
    std::shared_ptr<const Headers> headers;
    {
      std::lock_guard lock(security_mu_);
      headers = headers_;
    }
    for (const auto& [name, value] : *headers) res.set_header(name, value);
  });
}

void WebServer::InstallRoutes() {
  httplib::Server& s = *server_;
  const int threads = std::max(1, options_.worker_threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };

  s.Get(options_.telemetry_path, [this](const httplib::Request& req, httplib::Response& res) {
    // Two cached parts (snapshot, self-metrics) and one line made now (the snapshot's age).
    std::shared_ptr<const Rendered> body = cache_.Current();
    std::shared_ptr<const RenderedSelfMetrics> self = self_.Current();
    auto age = std::make_shared<const std::string>(self_.SnapshotAgeText(body->snapshot_created));
    if (AcceptsGzip(req.get_header_value("Accept-Encoding"))) {
      auto suffix = std::make_shared<const std::string>(GzipSuffix({&body->gzip, &self->gzip}, *age));
      res.set_header("Content-Encoding", "gzip");
      ServePieces(res, {GzipHeader(), body->gzip.deflate, self->gzip.deflate, *suffix},
                  std::make_shared<std::tuple<decltype(body), decltype(self), decltype(suffix)>>(
                      body, self, suffix));
    } else {
      ServePieces(res, {body->text, self->text, *age},
                  std::make_shared<std::tuple<decltype(body), decltype(self), decltype(age)>>(
                      body, self, age));
    }
    res.set_header("Vary", "Accept-Encoding");
  });

  s.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Healthy.\n", "text/plain; charset=utf-8");
  });

  s.Get("/-/ready", [this](const httplib::Request&, httplib::Response& res) {
    SnapshotPtr snap = store_.Current();
    std::size_t polled = static_cast<std::size_t>(
        std::count_if(snap->targets.begin(), snap->targets.end(), [](const auto& t) { return t->polled; }));
    if (polled == snap->targets.size()) {
      res.set_content("Ready.\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("Not ready: " + std::to_string(polled) + " of " +
                          std::to_string(snap->targets.size()) + " targets polled.\n",
                      "text/plain; charset=utf-8");
    }
  });

  s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    LandingPageInfo info{options_.version, options_.revision, options_.telemetry_path};
    res.set_content(RenderLandingPage(*store_.Current(), info, clock_.Now()), "text/html; charset=utf-8");
  });

  s.Get(kSnapshotApiPath, [this](const httplib::Request& req, httplib::Response& res) {
    SnapshotApiResponse api = snapshot_api_.Get(req.params);
    res.status = api.status;
    // The body may be the cached one, shared with other requests: served without a copy.
    const std::size_t size = api.body->size();
    res.set_content_provider(
        size, kJsonFormat,
        [owner = std::move(api.body)](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          return sink.write(owner->data() + offset, owner->size() - offset);
        });
  });
  // A read-only resource: other methods are refused as such, not as an unknown path.
  const auto method_not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content(JsonError("method not allowed; use GET"), kJsonFormat);
  };
  s.Post(kSnapshotApiPath, method_not_allowed);
  s.Put(kSnapshotApiPath, method_not_allowed);
  s.Patch(kSnapshotApiPath, method_not_allowed);
  s.Delete(kSnapshotApiPath, method_not_allowed);

  if (options_.reload) {
    // POST /-/reload is answered before routing (InstallSecurity).
    s.Get("/-/reload", [](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "POST");
      res.set_content("use POST to reload the configuration\n", "text/plain; charset=utf-8");
    });
  }

  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("404 page not found\n", "text/plain; charset=utf-8");
  });
}

Status WebServer::Start() {
  if (Status st = CreateServer(); !st.ok()) return st;
  InstallSecurity();
  InstallRoutes();
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0) return Status::Unavailable("cannot bind " + options_.host + ":0");
  } else {
    if (!server_->bind_to_port(options_.host, options_.port)) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" +
                                 std::to_string(options_.port) + " (address in use or not permitted)");
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::Ok();
}

void WebServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace fme
