// RequestLimiter and LimitedHttpClient: a cap on the upstream requests in flight at once across
// every target (`limits.max_concurrent_requests`), so that a burst of polls (start-up, a reload,
// many clusters due together) cannot open hundreds of connections to shared infrastructure such
// as a DC/OS Admin Router. Per-target caps live with each source (a Flink cluster's
// `max_concurrent_requests`); this one bounds the sum.
//
// A request waits for a free slot until its deadline and then fails as kTimeout, counted like
// any timeout. Streaming requests (the Mesos event stream) are not counted: each stays open for
// hours and there is one per Mesos cluster. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "fme/http_client.h"

namespace fme {

class RequestLimiter {
 public:
  // 0: no cap.
  explicit RequestLimiter(int capacity) : capacity_(capacity) {}

  // Takes effect for the next Acquire; requests in flight are not interrupted.
  void SetCapacity(int capacity);

  // Waits for a slot until `deadline`; false when none became free in time.
  bool Acquire(SteadyTime deadline);
  void Release();

  int in_flight() const;
  int capacity() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int capacity_;      // guarded by mu_
  int in_flight_ = 0;  // guarded by mu_
};

class LimitedHttpClient final : public HttpClient {
 public:
  // Neither is owned; both must outlive this client.
  LimitedHttpClient(HttpClient& inner, RequestLimiter& limiter) : inner_(inner), limiter_(limiter) {}

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  HttpClient& inner_;
  RequestLimiter& limiter_;
};

}  // namespace fme
