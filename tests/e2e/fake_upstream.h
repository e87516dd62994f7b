// FakeUpstream: a stand-in for a Flink JobManager or a Mesos master in end-to-end tests.
//
// An httplib::Server on 127.0.0.1 and an ephemeral port, running in its own thread from
// construction until Stop() (or destruction). Requests are answered from a table of routes keyed
// by path (the query string is ignored, so "/metrics/snapshot" matches
// "/metrics/snapshot?timeout=400ms"); a path not in the table gets the fallback route, which is
// a 404 unless set. Besides plain answers a route can misbehave:
//   - kHang: the handler blocks until Stop(), so the client's deadline is what ends the exchange;
//   - kShortBody: the response declares the whole body in Content-Length, sends only its first
//     half and closes the connection (a body cut short on the wire).
// A body that is simply cut-off JSON with a correct Content-Length needs no special behaviour:
// see TruncatedJson(). Route changes and request counts are thread-safe.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace fme::e2e {

struct Route {
  enum class Behaviour { kRespond, kHang, kShortBody };

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  Behaviour behaviour = Behaviour::kRespond;

  static Route Json(std::string body, int status = 200);
  static Route Text(int status, std::string body);
  static Route Hang();
  static Route ShortBody(std::string body);
};

class FakeUpstream {
 public:
  FakeUpstream();  // listening when it returns; check ok()
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  // "http://127.0.0.1:<port>", no trailing slash.
  std::string url() const;

  void SetRoute(const std::string& path, Route route);
  void RemoveRoute(const std::string& path);
  // Answers every path that has no route of its own.
  void SetFallback(Route route);

  // Requests received for `path` (any query), including ones still hanging.
  int Requests(const std::string& path) const;

  // Releases hanging handlers and stops the server. Idempotent.
  void Stop();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  int port_ = -1;

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::map<std::string, Route> routes_;  // guarded by mu_
  std::optional<Route> fallback_;        // guarded by mu_
  std::map<std::string, int> requests_;  // guarded by mu_
  bool stopping_ = false;                // guarded by mu_
};

// Reads tests/fixtures/<relative>; an empty string (and a test failure) if it cannot.
std::string Fixture(const std::string& relative);

// The first half of `json` (a prefix that is never a complete document).
std::string TruncatedJson(const std::string& json);

// A 127.0.0.1 port that nothing listens on: bound, then closed. Connecting to it is refused
// (unless another process grabs it in between, which the kernel makes unlikely by handing out
// ephemeral ports in sequence).
int ClosedPort();

}  // namespace fme::e2e
