// FakeUpstream: a stand-in for a Flink JobManager or a Mesos master in end-to-end tests.
//
// An httplib::Server on 127.0.0.1 and an ephemeral port, running in its own thread from
// construction until Stop() (or destruction). GET and POST requests are answered from a table of
// routes keyed by path, whatever the method (the query string is ignored, so "/metrics/snapshot"
// matches "/metrics/snapshot?timeout=400ms"); a path not in the table gets the fallback route,
// which is a 404 unless set. Routes queued for a path answer its next requests, one each, before
// its standing route. Besides plain answers a route can:
//   - kHang: block until Stop(), so the client's deadline is what ends the exchange;
//   - kShortBody: declare the whole body in Content-Length, send only its first half and close
//     the connection (a body cut short on the wire);
//   - kStream: send its chunks one by one with chunked transfer encoding (as the Mesos event
//     stream does), then end cleanly, cut the connection, or keep it open until CutStreams()
//     or Stop(). Unlike Mesos, httplib gzips a JSON stream for a client that accepts gzip, and
//     its compressor then holds the records back.
// A body that is simply cut-off JSON with a correct Content-Length needs no special behaviour:
// see TruncatedJson(). Route changes and request counts are thread-safe.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fme::e2e {

struct Route {
  enum class Behaviour { kRespond, kHang, kShortBody, kStream };
  // How a kStream response ends once its chunks are sent.
  enum class StreamEnd {
    kKeepOpen,  // nothing more until CutStreams() or Stop(), like a master between heartbeats
    kClose,     // the terminating chunk: a clean end of the body
    kCut,       // the connection closes without it: a stream broken on the wire
  };

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  Behaviour behaviour = Behaviour::kRespond;
  std::vector<std::string> chunks;  // kStream
  StreamEnd stream_end = StreamEnd::kKeepOpen;

  static Route Json(std::string body, int status = 200);
  static Route Text(int status, std::string body);
  static Route Hang();
  static Route ShortBody(std::string body);
  // A 307 to `location`, sent as given (Mesos sends scheme-less "//host:port/path").
  static Route Redirect(std::string location);
  static Route Stream(std::vector<std::string> chunks, StreamEnd end = StreamEnd::kKeepOpen);
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
  // Answers the next request for `path` that finds no earlier queued route.
  void QueueRoute(const std::string& path, Route route);
  // Answers every path that has no route of its own.
  void SetFallback(Route route);
  // Ends the streams kept open so far as if their connections dropped (a master that died or
  // lost its leadership); streams that start later are not affected.
  void CutStreams();

  // Requests received for `path` (any query), including ones still hanging.
  int Requests(const std::string& path) const;

  // Holds every answer this long before sending it, and records how many requests were being
  // held at once at most (to see a client's concurrency).
  void SetDelay(std::chrono::milliseconds delay);
  int MaxInFlight() const;

  // Releases hanging handlers and stops the server. Idempotent.
  void Stop();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void Stream(const Route& route, httplib::Response& res);
  // Blocks until Stop() or, for a stream of `generation`, until CutStreams().
  void WaitUntilCut(uint64_t generation);

  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  int port_ = -1;

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::map<std::string, Route> routes_;  // guarded by mu_
  std::map<std::string, std::deque<Route>> queued_;  // guarded by mu_
  std::optional<Route> fallback_;        // guarded by mu_
  std::map<std::string, int> requests_;  // guarded by mu_
  bool stopping_ = false;                // guarded by mu_
  std::chrono::milliseconds delay_{0};   // guarded by mu_
  int in_flight_ = 0;                    // guarded by mu_
  int max_in_flight_ = 0;                // guarded by mu_
  uint64_t stream_generation_ = 0;       // guarded by mu_; CutStreams() increments it
};

// Reads tests/fixtures/<relative>; an empty string (and a test failure) if it cannot.
std::string Fixture(const std::string& relative);

// `record` framed as one RecordIO record: "<length in bytes>\n<record>".
std::string RecordIo(const std::string& record);

// Fixture(relative) as one RecordIO record, without the file's final line break (the master
// writes none after an event).
std::string FixtureRecord(const std::string& relative);

// The first half of `json` (a prefix that is never a complete document).
std::string TruncatedJson(const std::string& json);

// A 127.0.0.1 port that nothing listens on: bound, then closed. Connecting to it is refused
// (unless another process grabs it in between, which the kernel makes unlikely by handing out
// ephemeral ports in sequence).
int ClosedPort();

}  // namespace fme::e2e
