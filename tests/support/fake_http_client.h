// FakeHttpClient: serves canned responses by URL and records every request. Thread-safe.
// A URL without a route answers with kUnavailable, like a closed port.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fme/http_client.h"

namespace fme::testing {

class FakeHttpClient final : public HttpClient {
 public:
  void Respond(const std::string& url, int status, std::string body) {
    std::lock_guard lock(mu_);
    routes_[url] = HttpResponse{status, {}, std::move(body), url};
  }
  void Fail(const std::string& url, Status status) {
    std::lock_guard lock(mu_);
    failures_.insert_or_assign(url, std::move(status));
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (auto f = failures_.find(request.url); f != failures_.end()) return f->second;
    if (auto r = routes_.find(request.url); r != routes_.end()) return r->second;
    return Status::Unavailable("no route to " + request.url);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int CountRequests(const std::string& url) const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& r : requests_) n += r.url == url;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, HttpResponse> routes_;
  std::map<std::string, Status> failures_;
  std::vector<HttpRequest> requests_;
};

}  // namespace fme::testing
