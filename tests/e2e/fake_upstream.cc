#include "fake_upstream.h"

#include <algorithm>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace fme::e2e {
namespace {

// httplib (as Debian builds it) writes with send() flags 0: a peer that hung up before a
// released handler answers would kill the test process with SIGPIPE.
void IgnoreSigpipeOnce() {
  static const bool done = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

}  // namespace

Route Route::Json(std::string body, int status) {
  Route r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Route Route::Text(int status, std::string body) {
  Route r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

Route Route::Hang() {
  Route r;
  r.behaviour = Behaviour::kHang;
  return r;
}

Route Route::ShortBody(std::string body) {
  Route r;
  r.body = std::move(body);
  r.behaviour = Behaviour::kShortBody;
  return r;
}

Route Route::Redirect(std::string location) {
  Route r = Text(307, "");
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Route Route::Stream(std::vector<std::string> chunks, StreamEnd end) {
  Route r;
  r.behaviour = Behaviour::kStream;
  r.chunks = std::move(chunks);
  r.stream_end = end;
  return r;
}

FakeUpstream::FakeUpstream() {
  IgnoreSigpipeOnce();
  // Streams kept open and hanging handlers hold a worker each until released, even after their
  // client has gone (nothing tells them): more workers than httplib's default of 8.
  server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  auto handle = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server_.Get(".*", handle);
  server_.Post(".*", handle);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    ADD_FAILURE() << "FakeUpstream: cannot bind 127.0.0.1:0";
    return;
  }
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    listen_returned_ = true;
  });
  // The socket is listening already (clients can connect); this only makes stop() effective,
  // since httplib ignores stop() until the accept loop runs.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_.is_running() && !listen_returned_ && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_.is_running()) ADD_FAILURE() << "FakeUpstream: the accept loop did not start";
}

FakeUpstream::~FakeUpstream() { Stop(); }

std::string FakeUpstream::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeUpstream::SetRoute(const std::string& path, Route route) {
  std::lock_guard lock(mu_);
  routes_[path] = std::move(route);
}

void FakeUpstream::RemoveRoute(const std::string& path) {
  std::lock_guard lock(mu_);
  routes_.erase(path);
}

void FakeUpstream::QueueRoute(const std::string& path, Route route) {
  std::lock_guard lock(mu_);
  queued_[path].push_back(std::move(route));
}

void FakeUpstream::SetFallback(Route route) {
  std::lock_guard lock(mu_);
  fallback_ = std::move(route);
}

void FakeUpstream::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

int FakeUpstream::MaxInFlight() const {
  std::lock_guard lock(mu_);
  return max_in_flight_;
}

int FakeUpstream::Requests(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = requests_.find(path);
  return it == requests_.end() ? 0 : it->second;
}

void FakeUpstream::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  released_.notify_all();
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

void FakeUpstream::CutStreams() {
  {
    std::lock_guard lock(mu_);
    ++stream_generation_;
  }
  released_.notify_all();
}

void FakeUpstream::WaitUntilCut(uint64_t generation) {
  std::unique_lock lock(mu_);
  released_.wait(lock, [&] { return stopping_ || stream_generation_ != generation; });
}

void FakeUpstream::Handle(const httplib::Request& req, httplib::Response& res) {
  Route route;
  {
    std::unique_lock lock(mu_);
    ++requests_[req.path];
    auto queued = queued_.find(req.path);
    auto it = routes_.find(req.path);
    if (queued != queued_.end() && !queued->second.empty()) {
      route = std::move(queued->second.front());
      queued->second.pop_front();
    } else if (it != routes_.end()) {
      route = it->second;
    } else if (fallback_) {
      route = *fallback_;
    } else {
      route = Route::Text(404, "404 page not found\n");
    }
    if (route.behaviour == Route::Behaviour::kHang) {
      released_.wait(lock, [this] { return stopping_; });
      res.status = 503;
      res.set_content("stopping\n", "text/plain");
      return;
    }
    if (delay_.count() > 0) {
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      released_.wait_for(lock, delay_, [this] { return stopping_; });
      --in_flight_;
    }
  }
  res.status = route.status;
  for (const auto& [name, value] : route.headers) res.set_header(name.c_str(), value);
  if (route.behaviour == Route::Behaviour::kStream) {
    Stream(route, res);
    return;
  }
  if (route.behaviour == Route::Behaviour::kShortBody) {
    // Content-Length announces the whole body; the provider gives half of it, then fails,
    // which makes httplib close the connection.
    const std::string half = route.body.substr(0, route.body.size() / 2);
    res.set_content_provider(route.body.size(), route.content_type,
                             [half](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset == 0 && !half.empty()) return sink.write(half.data(), half.size());
                               return false;
                             });
    return;
  }
  res.set_content(route.body, route.content_type);
}

void FakeUpstream::Stream(const Route& route, httplib::Response& res) {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = stream_generation_;
  }
  res.set_chunked_content_provider(
      route.content_type, [this, generation, chunks = route.chunks,
                           end = route.stream_end](std::size_t, httplib::DataSink& sink) {
        for (const std::string& chunk : chunks) {
          // An empty write would tell httplib that the body is complete.
          if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
        }
        switch (end) {
          case Route::StreamEnd::kClose:
            sink.done();
            return true;
          case Route::StreamEnd::kCut:
            return false;  // httplib closes the connection without the terminating chunk
          case Route::StreamEnd::kKeepOpen:
            break;
        }
        WaitUntilCut(generation);
        return false;
      });
}

std::string Fixture(const std::string& relative) {
  const std::string path = std::string(FME_E2E_FIXTURES_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read fixture " << path;
    return "";
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string RecordIo(const std::string& record) {
  return std::to_string(record.size()) + "\n" + record;
}

std::string FixtureRecord(const std::string& relative) {
  std::string record = Fixture(relative);
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.pop_back();
  return RecordIo(record);
}

std::string TruncatedJson(const std::string& json) { return json.substr(0, json.size() / 2); }

int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace fme::e2e
