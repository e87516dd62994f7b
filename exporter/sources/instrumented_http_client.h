// InstrumentedHttpClient: counts every upstream exchange of one target in SelfMetrics
// (flink_mesos_exporter_upstream_requests_total{endpoint,code}). Thread-safe if the wrapped
// client is.
#pragma once

#include <string>
#include <string_view>

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
    metrics_.CountRequest(
        target_, EndpointOf(request),
        res.ok() ? std::to_string(res->status) : std::string(StatusCodeName(res.status().code())));
    return res;
  }

  // The request's route template, or else the path of its URL without query or fragment (a
  // route template keeps ids out of the label; a bare path is fine for fixed routes).
  static std::string EndpointOf(const HttpRequest& request) {
    if (!request.endpoint.empty()) return request.endpoint;
    std::string_view url = request.url;
    const std::size_t scheme = url.find("://");
    const std::size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
    const std::size_t path = url.find_first_of("/?#", authority);
    if (path == std::string_view::npos || url[path] != '/') return "/";
    return std::string(url.substr(path, url.find_first_of("?#", path) - path));
  }

 private:
  HttpClient& inner_;
  TargetInfo target_;
  SelfMetrics& metrics_;
};

}  // namespace fme
