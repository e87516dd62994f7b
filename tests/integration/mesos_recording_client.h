// MesosRecordingClient: wraps the HttpClient a MesosSource talks through and records what it
// asks for (every request, as sent, before redirects) and how far its event stream has got.
//
// For a streaming request (the SUBSCRIBE), the body pieces are passed to the source first and
// only then decoded here, so a record counted here has already been applied to the source's
// model. When the SUBSCRIBED record arrives, `log_position` is asked for the simulator's last
// event sequence: the stream then owes every later event of the simulator's log, which is how
// a test knows the source has caught up (see MesosSim::WaitForStream).
//
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fme/http_client.h"
#include "mesos/recordio_reader.h"

namespace fme::testing {

class MesosRecordingClient final : public HttpClient {
 public:
  struct Request {
    std::string method;
    std::string url;
    std::string path;   // without the query and without a simulator master prefix (/m2)
    std::string query;  // without the '?'
  };
  struct Stream {
    int serial = 0;  // 1 for the first stream
    std::string url;  // requested, then the URL that answered (after redirects)
    bool subscribed = false;    // SUBSCRIBED received
    uint64_t log_position = 0;  // the simulator's last event sequence at SUBSCRIBED
    std::size_t events = 0;     // records after SUBSCRIBED, heartbeats excluded
    std::size_t heartbeats = 0;
    bool ended = false;
  };

  MesosRecordingClient(HttpClient& inner, std::function<uint64_t()> log_position)
      : inner_(inner), log_position_(std::move(log_position)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(Describe(request));
    }
    if (!request.on_body) return inner_.Send(request);

    int serial = 0;
    {
      std::lock_guard lock(mu_);
      serial = static_cast<int>(streams_.size()) + 1;
      streams_.push_back(Stream{serial, request.url});
    }
    HttpRequest wrapped = request;
    // Where the stream really comes from: a standby redirects /api/v1 to the leader.
    wrapped.on_stream_start = [this, serial, started = request.on_stream_start](std::string_view url,
                                                                                 std::string_view type) {
      {
        std::lock_guard lock(mu_);
        streams_[static_cast<std::size_t>(serial - 1)].url = std::string(url);
      }
      return !started || started(url, type);
    };
    auto reader = std::make_shared<RecordIoReader>();
    wrapped.on_body = [this, serial, reader, consume = request.on_body](std::string_view chunk) {
      const bool more = consume(chunk);
      std::vector<std::string> records;
      (void)reader->Feed(chunk, records);  // the source judges framing; this only counts
      for (const std::string& r : records) Count(serial, r);
      return more;
    };
    Result<HttpResponse> res = inner_.Send(wrapped);
    std::lock_guard lock(mu_);
    streams_[static_cast<std::size_t>(serial - 1)].ended = true;
    return res;
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The latest stream, if any was opened.
  std::optional<Stream> stream() const {
    std::lock_guard lock(mu_);
    if (streams_.empty()) return std::nullopt;
    return streams_.back();
  }
  std::size_t streams() const {
    std::lock_guard lock(mu_);
    return streams_.size();
  }

 private:
  static Request Describe(const HttpRequest& request) {
    Request r{request.method, request.url, {}, {}};
    std::string_view rest = request.url;
    if (auto scheme = rest.find("://"); scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    const auto q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    if (q != std::string_view::npos) r.query = std::string(rest.substr(q + 1));
    // "/m2/master/slaves" -> "/master/slaves"
    if (path.size() > 2 && path[0] == '/' && path[1] == 'm') {
      std::size_t i = 2;
      while (i < path.size() && path[i] >= '0' && path[i] <= '9') ++i;
      if (i > 2 && (i == path.size() || path[i] == '/')) path.remove_prefix(i);
    }
    r.path = std::string(path);
    return r;
  }

  void Count(int serial, const std::string& record) {
    const auto doc = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
    const std::string type =
        doc.is_object() && doc.contains("type") && doc["type"].is_string() ? doc["type"].get<std::string>() : "";
    // Asked outside the lock: it takes the simulator's.
    const uint64_t position = type == "SUBSCRIBED" ? log_position_() : 0;
    std::lock_guard lock(mu_);
    Stream& s = streams_[static_cast<std::size_t>(serial - 1)];
    if (type == "SUBSCRIBED") {
      s.subscribed = true;
      s.log_position = position;
    } else if (type == "HEARTBEAT") {
      ++s.heartbeats;
    } else if (s.subscribed) {
      ++s.events;
    }
  }

  HttpClient& inner_;
  const std::function<uint64_t()> log_position_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::vector<Stream> streams_;
};

}  // namespace fme::testing
