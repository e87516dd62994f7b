// InstrumentedHttpClient: counts every upstream exchange of one target in SelfMetrics
// (flink_mesos_exporter_upstream_requests_total{code}). Thread-safe if the wrapped client is.
#pragma once

#include "exposition/self_metrics.h"
#include "fme/http_client.h"
#include "fme/source.h"

namespace fme {

class InstrumentedHttpClient final : public HttpClient {
 public:
  InstrumentedHttpClient(HttpClient& inner, TargetInfo target, SelfMetrics& metrics)
      : inner_(inner), target_(std::move(target)), metrics_(metrics) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    Result<HttpResponse> res = inner_.Send(request);
    metrics_.CountRequest(target_, res.ok() ? std::to_string(res->status)
                                            : std::string(StatusCodeName(res.status().code())));
    return res;
  }

 private:
  HttpClient& inner_;
  TargetInfo target_;
  SelfMetrics& metrics_;
};

}  // namespace fme
