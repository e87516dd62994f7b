// FakeHttpClient: serves canned responses by URL and records every request. Thread-safe.
// A URL without a route answers with kUnavailable, like a closed port.
//
// A stream route (RespondStream) answers a streaming request (request.on_body set) the way
// HttplibClient does: a 2xx body is handed to on_body chunk by chunk (stopping when it returns
// false, which ends the exchange with the response), then the stream ends as the route says. A
// request.cancel ends it at once with kUnavailable, also while it hangs. A non-2xx stream route,
// or a request that does not stream, gets the chunks joined as an ordinary body. A streaming
// request to an ordinary 2xx route gets its body as one chunk. A stream route's Content-Type
// goes to request.on_stream_start before the first chunk; when it refuses, the exchange ends
// with the response and no chunk is handed over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fme/http_client.h"

namespace fme::testing {

// How a stream route ends after its last chunk.
enum class StreamEnd {
  kClose,        // the server ends the stream cleanly: the response, status OK
  kHang,         // silence until request.cancel is cancelled (or request.idle_timeout passes)
  kIdleTimeout,  // at once what the client reports when the idle timeout passes: kTimeout
  kReset,        // the connection is reset: kUnavailable
};

class FakeHttpClient final : public HttpClient {
 public:
  void Respond(const std::string& url, int status, std::string body) {
    std::lock_guard lock(mu_);
    streams_.erase(url);
    routes_[url] = HttpResponse{status, {}, std::move(body), url};
  }
  void Fail(const std::string& url, Status status) {
    std::lock_guard lock(mu_);
    failures_.insert_or_assign(url, std::move(status));
  }
  // Replaces any route of `url`. Requests already streaming keep the route they started with.
  void RespondStream(const std::string& url, int status, std::vector<std::string> chunks,
                     StreamEnd end = StreamEnd::kClose,
                     std::string content_type = "application/json") {
    std::lock_guard lock(mu_);
    routes_.erase(url);
    streams_[url] = std::make_shared<const StreamRoute>(
        StreamRoute{status, std::move(chunks), end, std::move(content_type)});
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::shared_ptr<const StreamRoute> stream;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      // The recorded copy must not reach into the caller's frame once Send has returned; a
      // stub on_body still tells that the request streamed.
      if (request.on_body) requests_.back().on_body = [](std::string_view) { return false; };
      requests_.back().cancel = nullptr;
      sent_.notify_all();
      if (auto f = failures_.find(request.url); f != failures_.end()) return f->second;
      if (auto r = routes_.find(request.url); r != routes_.end()) {
        const HttpResponse& res = r->second;
        if (!request.on_body || res.status < 200 || res.status > 299) return res;
        // A streaming request gets the body through on_body, in one piece.
        stream = std::make_shared<const StreamRoute>(
            StreamRoute{res.status, {res.body}, StreamEnd::kClose, ""});
      } else if (auto s = streams_.find(request.url); s != streams_.end()) {
        stream = s->second;
      } else {
        return Status::Unavailable("no route to " + request.url);
      }
    }
    // Unlocked from here: on_body and the hang may take as long as they like.
    return Stream(request, *stream);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The requests to `url`, in order (their method, headers, body and auth as sent).
  std::vector<HttpRequest> RequestsTo(const std::string& url) const {
    std::lock_guard lock(mu_);
    std::vector<HttpRequest> out;
    for (const auto& r : requests_) {
      if (r.url == url) out.push_back(r);
    }
    return out;
  }
  int CountRequests(const std::string& url) const {
    std::lock_guard lock(mu_);
    return CountLocked(url);
  }
  // Waits (real time, bounded) until `url` has been requested at least `n` times; for requests
  // made by a background thread.
  bool WaitForRequests(const std::string& url, int n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    std::unique_lock lock(mu_);
    return sent_.wait_for(lock, timeout, [&] { return CountLocked(url) >= n; });
  }

 private:
  struct StreamRoute {
    int status = 200;
    std::vector<std::string> chunks;
    StreamEnd end = StreamEnd::kClose;
    std::string content_type;
  };

  // Woken by StreamCancel::Cancel (through Attach) while a stream hangs.
  struct Waker {
    std::mutex mu;
    std::condition_variable cv;
    bool stopped = false;
  };

  static Result<HttpResponse> Stream(const HttpRequest& request, const StreamRoute& route) {
    HttpResponse response{route.status, {}, {}, request.url};
    if (!route.content_type.empty()) response.headers["content-type"] = route.content_type;
    const bool ok_status = route.status >= 200 && route.status <= 299;
    if (!request.on_body || !ok_status) {
      for (const auto& c : route.chunks) response.body += c;
      if (!ok_status || route.end == StreamEnd::kClose) return response;
      return EndError(request, route.end);
    }
    const Status cancelled = Status::Unavailable("request to " + request.url + " cancelled");
    auto waker = std::make_shared<Waker>();
    if (request.cancel != nullptr && !request.cancel->Attach([waker] {
          std::lock_guard lock(waker->mu);
          waker->stopped = true;
          waker->cv.notify_all();
        })) {
      return cancelled;
    }
    // Detaches on every way out, so Cancel never reaches a finished request.
    struct Detach {
      StreamCancel* cancel;
      ~Detach() {
        if (cancel != nullptr) cancel->Detach();
      }
    } detach{request.cancel};
    auto is_cancelled = [&] { return request.cancel != nullptr && request.cancel->cancelled(); };
    if (request.on_stream_start && !request.on_stream_start(request.url, route.content_type)) {
      return response;
    }

    for (const auto& chunk : route.chunks) {
      if (is_cancelled()) return cancelled;
      if (!request.on_body(chunk)) return response;  // the receiver stopped: not an error
    }
    if (is_cancelled()) return cancelled;
    if (route.end == StreamEnd::kClose) return response;
    if (route.end != StreamEnd::kHang) return EndError(request, route.end);
    std::unique_lock lock(waker->mu);
    // Like a silent server: the client's idle timeout ends the wait if nobody cancels.
    if (waker->cv.wait_for(lock, request.idle_timeout, [&] { return waker->stopped; })) {
      return cancelled;
    }
    return EndError(request, StreamEnd::kIdleTimeout);
  }

  static Status EndError(const HttpRequest& request, StreamEnd end) {
    if (end == StreamEnd::kIdleTimeout || end == StreamEnd::kHang) {
      return Status::Timeout("read timeout: no data for " +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                request.idle_timeout)
                                                .count()) +
                             " ms from " + request.url);
    }
    return Status::Unavailable("connection closed or reset before the whole response body of " +
                               request.url + " arrived");
  }

  int CountLocked(const std::string& url) const {
    int n = 0;
    for (const auto& r : requests_) n += r.url == url;
    return n;
  }

  mutable std::mutex mu_;
  mutable std::condition_variable sent_;
  std::map<std::string, HttpResponse> routes_;
  std::map<std::string, std::shared_ptr<const StreamRoute>> streams_;
  std::map<std::string, Status> failures_;
  std::vector<HttpRequest> requests_;
};

}  // namespace fme::testing
