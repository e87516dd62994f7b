// SimHttpClient: an HttpClient answered in process by the simulator's Flink REST handlers, so
// the exporter's real sources can be driven against a simulated world without sockets.
//
// A request goes to the Flink cluster whose rest_url its URL starts with (scheme, host, port
// and any path prefix), and is answered by HandleFlinkRequest at the engine's current simulated
// time; the engine is never advanced here (the test does that). Like the simulator's HTTP layer
// it honours an unreachable JobManager (a connection error) and the scenario's scheduled
// faults, turned into what an HttpClient reports for them (see Send). Every request is recorded
// with the simulated time it was made at.
//
// Thread-safe: the engine serialises world access, the record has its own lock.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fme/http_client.h"
#include "server/faults.h"
#include "world/engine.h"

namespace fme::testing {

class SimHttpClient final : public HttpClient {
 public:
  struct Recorded {
    std::string url;
    std::string endpoint;  // the route template the caller gave
    sim::Millis at = 0;    // simulated time of the request
  };

  // Gives every Flink cluster of the world the REST URL http://jobmanager-<index>.sim:8081
  // (written into the world, as the simulator's server writes its listeners' URLs) unless it
  // already has one. Nothing listens there: only this client resolves those URLs.
  explicit SimHttpClient(sim::Engine& engine);

  // The REST URL of the cluster of that name ("" when there is none).
  std::string UrlOf(const std::string& cluster) const;

  // Answers GETs from the handlers. No cluster at that URL, or an unreachable JobManager:
  // kUnavailable. Scheduled faults: "status" answers that status, "reset" kUnavailable, "hang"
  // kTimeout (the deadline the hang outlasts), "malformed" and "truncate" a 200 whose body is
  // not (whole) JSON, "oversize" kTooLarge, "redirect_loop" kRedirect; "latency" is ignored.
  Result<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<Recorded> requests() const;
  void ClearRequests();
  // Requests whose route template is `endpoint`.
  std::size_t Count(const std::string& endpoint) const;
  std::size_t CountIf(const std::function<bool(const Recorded&)>& pred) const;

 private:
  sim::Engine& engine_;
  sim::FaultTable faults_;
  mutable std::mutex mu_;
  std::vector<Recorded> requests_;
};

}  // namespace fme::testing
