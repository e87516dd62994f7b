// FaultInjectingHttpClient: wraps another HttpClient and breaks the requests whose URL path
// matches a pattern, the way an upstream or the network breaks them; everything else passes
// through unchanged. Thread-safe when the wrapped client is.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <utility>

#include "fme/http_client.h"

namespace fme::testing {

enum class InjectedFault {
  kStatus500,  // HTTP 500 with Flink's error body
  kHang,       // no answer before the deadline: the client's kTimeout
  kMalformed,  // 200 with a body cut inside the document and garbage appended
  kTruncated,  // 200 with the first half of the body only
};

class FaultInjectingHttpClient final : public HttpClient {
 public:
  explicit FaultInjectingHttpClient(HttpClient& inner) : inner_(inner) {}

  // From now on, requests whose URL path (no query) matches `path_pattern` (ECMAScript, whole
  // path) get `fault`. Replaces any earlier fault.
  void Inject(const std::string& path_pattern, InjectedFault fault) {
    std::lock_guard lock(mu_);
    rule_.emplace(std::regex(path_pattern, std::regex::ECMAScript), fault);
  }
  void Clear() {
    std::lock_guard lock(mu_);
    rule_.reset();
  }
  // Requests broken so far.
  std::size_t injected() const {
    std::lock_guard lock(mu_);
    return injected_;
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::optional<InjectedFault> fault;
    {
      std::lock_guard lock(mu_);
      if (rule_ && std::regex_match(PathOf(request.url), rule_->first)) {
        fault = rule_->second;
        ++injected_;
      }
    }
    if (!fault) return inner_.Send(request);
    if (*fault == InjectedFault::kHang) {
      return Status::Timeout("deadline exceeded waiting for " + request.url);
    }
    if (*fault == InjectedFault::kStatus500) {
      return HttpResponse{500, {{"content-type", "application/json; charset=UTF-8"}},
                          R"({"errors":["Internal server error."]})", request.url};
    }
    Result<HttpResponse> res = inner_.Send(request);
    if (!res.ok()) return res;
    std::string& body = res->body;
    if (*fault == InjectedFault::kMalformed) {
      body = body.substr(0, body.size() * 2 / 3) + "\",]}<<not JSON>>{";
    } else {
      body.resize(body.size() / 2);
    }
    return res;
  }

 private:
  static std::string PathOf(const std::string& url) {
    const std::size_t scheme = url.find("://");
    const std::size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (start == std::string::npos) return "/";
    return url.substr(start, url.find('?', start) - start);
  }

  HttpClient& inner_;
  mutable std::mutex mu_;
  std::optional<std::pair<std::regex, InjectedFault>> rule_;
  std::size_t injected_ = 0;
};

}  // namespace fme::testing
