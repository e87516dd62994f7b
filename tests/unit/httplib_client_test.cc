// HttplibClient against real servers on 127.0.0.1: httplib::Server instances, plus a raw socket
// server for responses httplib cannot produce (lying Content-Length, truncated bodies).
#include "http/httplib_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fme {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// An httplib::Server on 127.0.0.1 and an ephemeral port, listening in its own thread.
// Register handlers on server() before Start().
class TestServer {
 public:
  TestServer() = default;
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer() { Stop(); }

  httplib::Server& server() { return server_; }

  void Start(const std::string& host = "127.0.0.1") {
    port_ = server_.bind_to_any_port(host);
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
    // 0.11.4 has no wait_until_ready(); the socket is already listening, this only makes sure
    // stop() (which is a no-op before is_running()) will work.
    while (!server_.is_running() && !listen_returned_) std::this_thread::yield();
    ASSERT_TRUE(server_.is_running());
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;
};

// A listening TCP socket on 127.0.0.1 that answers every connection with a canned byte string
// (after reading the request head) and closes it.
class RawServer {
 public:
  explicit RawServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot set up raw server socket";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 20) <= 0) continue;
      const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos && !stop_) {
        pollfd cpfd{conn, POLLIN, 0};
        if (::poll(&cpfd, 1, 20) <= 0) continue;
        const ssize_t n = ::recv(conn, buf, sizeof(buf), 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      ::send(conn, response_.data(), response_.size(), MSG_NOSIGNAL);
      ::close(conn);
    }
  }

  std::string response_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2_(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                          ZLIB_VERSION, static_cast<int>(sizeof(z_stream))),
            Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A string written by a server thread and read by the test thread.
class SharedString {
 public:
  void Set(std::string v) {
    std::lock_guard lock(mu_);
    value_ = std::move(v);
  }
  std::string Get() const {
    std::lock_guard lock(mu_);
    return value_;
  }

 private:
  mutable std::mutex mu_;
  std::string value_;
};

std::string BasicAuth(const std::string& user_colon_password) {
  // Small fixed inputs only; spelled out to keep the test independent of the client's encoder.
  if (user_colon_password == "alice:s3cret") return "Basic YWxpY2U6czNjcmV0";
  if (user_colon_password == "bob:p@ss") return "Basic Ym9iOnBAc3M=";
  ADD_FAILURE() << "no precomputed encoding for " << user_colon_password;
  return "";
}

class HttplibClientTest : public ::testing::Test {
 protected:
  void TearDown() override {
    Release();
    a_.Stop();
    b_.Stop();
  }

  HttpRequest Get(const std::string& url, Duration timeout = 5s) {
    HttpRequest request;
    request.url = url;
    request.deadline = SteadyClock::now() + timeout;
    return request;
  }

  // Blocks a server handler until the test ends (or 10 s pass, as a safety net).
  void BlockUntilReleased() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 10s, [this] { return released_; });
  }
  // Waits up to `d`, returning early at teardown; true if released.
  bool WaitOrReleased(Duration d) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, d, [this] { return released_; });
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

  HttpClientOptions options_;
  TestServer a_;
  TestServer b_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST_F(HttplibClientTest, Returns200BodyAndLowerCasedHeaders) {
  a_.server().Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Custom-Header", "yes");
    res.set_content("hello world", "application/octet-stream");
  });
  a_.Start();

  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/hello")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_EQ(response->headers["x-custom-header"], "yes");
  EXPECT_EQ(response->headers["content-type"], "application/octet-stream");
  EXPECT_EQ(response->final_url, a_.Url("/hello"));
}

TEST_F(HttplibClientTest, SendsDefaultHeadersAndCallerHeadersWin) {
  a_.server().Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_header_value("Accept") + "|" + req.get_header_value("Accept-Encoding") +
                        "|" + req.get_header_value("User-Agent") + "|" +
                        req.get_header_value("X-Extra") + "|" + req.get_header_value("Host"),
                    "application/octet-stream");
  });
  a_.Start();

  options_.user_agent = "fme-test/1";
  HttplibClient client(options_);
  auto plain = client.Send(Get(a_.Url("/echo")));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->body,
            "application/json|gzip|fme-test/1||127.0.0.1:" + std::to_string(a_.port()));

  HttpRequest request = Get(a_.Url("/echo"));
  request.headers = {{"accept", "text/plain"}, {"X-Extra", "1"}};
  auto custom = client.Send(request);
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(custom->body, "text/plain|gzip|fme-test/1|1|127.0.0.1:" + std::to_string(a_.port()));
}

TEST_F(HttplibClientTest, Ipv6LiteralHostAndHostHeader) {
  {
    const int probe = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    const bool usable =
        probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (probe >= 0) ::close(probe);
    if (!usable) GTEST_SKIP() << "no IPv6 loopback here";
  }
  a_.server().Get("/v6", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::to_string(req.get_header_value_count("Host")) + " " +
                        req.get_header_value("Host"),
                    "text/plain");
  });
  a_.Start("::1");

  HttplibClient client(options_);
  const std::string url = "http://[::1]:" + std::to_string(a_.port()) + "/v6";
  auto response = client.Send(Get(url));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "1 [::1]:" + std::to_string(a_.port()));
  EXPECT_EQ(response->final_url, url);
}

TEST_F(HttplibClientTest, ServerErrorIsAResponseNotAnError) {
  a_.server().Get("/fail", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("boom", "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/fail")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, "boom");
}

TEST_F(HttplibClientTest, PostSendsBodyAndContentType) {
  a_.server().Post("/submit", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.method + " " + req.get_header_value("Content-Type") + " " + req.body,
                    "application/octet-stream");
  });
  a_.Start();

  HttplibClient client(options_);
  HttpRequest request = Get(a_.Url("/submit"));
  request.method = "POST";
  request.body = R"({"a":1})";
  request.content_type = "application/json";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, R"(POST application/json {"a":1})");
}

TEST_F(HttplibClientTest, ConnectionRefusedIsUnavailableWithoutCredentialsInMessage) {
  const int port = ClosedPort();
  HttplibClient client(options_);
  auto response = client.Send(
      Get("http://alice:s3cret@127.0.0.1:" + std::to_string(port) + "/master/state"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
  const std::string& message = response.status().message();
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  EXPECT_NE(message.find("/master/state"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  EXPECT_EQ(message.find("alice"), std::string::npos) << message;
}

TEST_F(HttplibClientTest, ConnectTimeoutIsTimeout) {
  // A listener with a full accept queue: Linux drops further SYNs, so connect() hangs.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    fillers.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ::connect(fillers.back(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }

  options_.connect_timeout = 200ms;
  HttplibClient client(options_);
  const auto start = SteadyClock::now();
  auto response = client.Send(
      Get("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", 3s));
  const auto elapsed = SteadyClock::now() - start;
  for (int filler : fillers) ::close(filler);
  ::close(fd);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout) << response.status().ToString();
  EXPECT_LT(elapsed, 5s);
}

TEST_F(HttplibClientTest, DeadlineAlreadyPassedDoesNotConnect) {
  std::atomic<int> hits{0};
  a_.server().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("x", "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);
  HttpRequest request = Get(a_.Url("/x"));
  request.deadline = SteadyClock::now() - 1ms;
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout);

  request.deadline = SteadyTime{};  // never set
  response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(hits.load(), 0);
}

TEST_F(HttplibClientTest, BlockedHandlerTimesOutAtDeadline) {
  a_.server().Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
    BlockUntilReleased();
    res.set_content("late", "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);  // read timeout 10 s: only the deadline can end this
  const auto start = SteadyClock::now();
  auto response = client.Send(Get(a_.Url("/slow"), 300ms));
  const auto elapsed = SteadyClock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout) << response.status().ToString();
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(HttplibClientTest, ReadTimeoutBeforeDeadlineIsTimeout) {
  a_.server().Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
    BlockUntilReleased();
    res.set_content("late", "text/plain");
  });
  a_.Start();

  options_.read_timeout = 200ms;
  HttplibClient client(options_);
  const auto start = SteadyClock::now();
  auto response = client.Send(Get(a_.Url("/slow"), 8s));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout) << response.status().ToString();
  EXPECT_LT(SteadyClock::now() - start, 5s);
}

TEST_F(HttplibClientTest, TricklingBodyIsCutOffAtDeadline) {
  // Every read succeeds well within the read timeout; only the receiver's deadline check stops it.
  a_.server().Get("/trickle", [this](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/octet-stream", [this](std::size_t, httplib::DataSink& sink) {
          if (WaitOrReleased(30ms)) return false;
          return sink.write("x", 1);
        });
  });
  a_.Start();

  HttplibClient client(options_);
  const auto start = SteadyClock::now();
  auto response = client.Send(Get(a_.Url("/trickle"), 400ms));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTimeout) << response.status().ToString();
  EXPECT_LT(SteadyClock::now() - start, 5s);
}

TEST_F(HttplibClientTest, StreamBrokenAfterItsHeadersDeadlineIsUnavailable) {
  // The deadline bounds only the wait for a stream's headers: a stream that breaks later is a
  // dropped connection, not a deadline, and its message counts the bytes that did arrive.
  a_.server().Post("/stream", [this](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/octet-stream", [this](std::size_t offset, httplib::DataSink& sink) {
          if (offset >= 5 || WaitOrReleased(100ms)) return false;  // cut, no final chunk
          return sink.write("x", 1);
        });
  });
  a_.Start();

  HttplibClient client(options_);
  HttpRequest request = Get(a_.Url("/stream"), 200ms);
  request.method = "POST";
  request.body = "{}";
  request.content_type = "application/json";
  request.idle_timeout = 5s;
  std::size_t received = 0;
  request.on_body = [&](std::string_view piece) {
    received += piece.size();
    return true;
  };
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(received, 5u);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
  EXPECT_NE(response.status().message().find("(5 decoded bytes received)"), std::string::npos)
      << response.status().ToString();
}

TEST_F(HttplibClientTest, StreamStartSeesTheContentTypeAndMayRefuseTheStream) {
  a_.server().Post("/stream", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/html", [](std::size_t, httplib::DataSink& sink) {
      sink.write("<html>", 6);
      sink.done();
      return true;
    });
  });
  a_.Start();

  for (const bool accept : {false, true}) {
    SCOPED_TRACE(accept ? "accepted" : "refused");
    HttplibClient client(options_);
    HttpRequest request = Get(a_.Url("/stream"));
    request.method = "POST";
    request.body = "{}";
    request.content_type = "application/json";
    std::string seen_url;
    std::string seen_type;
    request.on_stream_start = [&](std::string_view url, std::string_view type) {
      seen_url = url;
      seen_type = type;
      return accept;
    };
    std::string received;
    request.on_body = [&](std::string_view piece) {
      received += piece;
      return true;
    };
    auto response = client.Send(request);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->headers["content-type"], "text/html");
    EXPECT_EQ(seen_url, a_.Url("/stream"));
    EXPECT_EQ(seen_type, "text/html");
    EXPECT_EQ(received, accept ? "<html>" : "");
  }
}

TEST_F(HttplibClientTest, GzipBodyIsDecoded) {
  std::string original;
  for (int i = 0; i < 2000; ++i) original += R"({"id":)" + std::to_string(i) + "},";
  const std::string compressed = Gzip(original);
  ASSERT_LT(compressed.size(), original.size());
  SharedString seen_accept_encoding;
  a_.server().Get("/gz", [&](const httplib::Request& req, httplib::Response& res) {
    seen_accept_encoding.Set(req.get_header_value("Accept-Encoding"));
    res.set_header("Content-Encoding", "gzip");
    res.set_content(compressed, "application/octet-stream");  // not re-compressed by httplib
  });
  a_.Start();

  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/gz")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, original);
  EXPECT_EQ(response->headers["content-encoding"], "gzip");
  EXPECT_EQ(seen_accept_encoding.Get(), "gzip");
}

TEST_F(HttplibClientTest, BodyAboveLimitIsTooLarge) {
  a_.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(100 * 1024, 'a'), "application/octet-stream");
  });
  a_.server().Get("/exact", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(64 * 1024, 'a'), "application/octet-stream");
  });
  a_.server().Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
    // No Content-Length: only the receiver can notice; never ends on its own.
    res.set_chunked_content_provider("application/octet-stream",
                                     [](std::size_t, httplib::DataSink& sink) {
                                       const std::string chunk(16 * 1024, 'c');
                                       return sink.write(chunk.data(), chunk.size());
                                     });
  });
  a_.Start();

  options_.max_body_bytes = 64 * 1024;
  HttplibClient client(options_);
  auto big = client.Send(Get(a_.Url("/big")));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kTooLarge) << big.status().ToString();

  auto exact = client.Send(Get(a_.Url("/exact")));
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(exact->body.size(), 64u * 1024);

  auto chunked = client.Send(Get(a_.Url("/chunked")));
  ASSERT_FALSE(chunked.ok());
  EXPECT_EQ(chunked.status().code(), StatusCode::kTooLarge) << chunked.status().ToString();
}

TEST_F(HttplibClientTest, GzipBombIsTooLargeByDecodedSize) {
  const std::string bomb = Gzip(std::string(4 << 20, '\0'));
  ASSERT_LT(bomb.size(), 64u * 1024);  // the compressed size passes the Content-Length check
  a_.server().Get("/bomb", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(bomb, "application/octet-stream");
  });
  a_.Start();

  options_.max_body_bytes = 1 << 20;
  HttplibClient small(options_);
  auto response = small.Send(Get(a_.Url("/bomb")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTooLarge) << response.status().ToString();

  options_.max_body_bytes = 8 << 20;
  HttplibClient large(options_);
  auto decoded = large.Send(Get(a_.Url("/bomb")));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->body.size(), 4u << 20);
}

TEST_F(HttplibClientTest, HugeDeclaredContentLengthIsRejectedFromHeaders) {
  // The server sends no body at all: only the Content-Length check can yield kTooLarge.
  RawServer raw("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n"
                "Content-Type: application/json\r\n\r\n");
  HttplibClient client(options_);
  auto response = client.Send(Get(raw.Url("/state")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTooLarge) << response.status().ToString();
}

TEST_F(HttplibClientTest, TruncatedBodyIsAnError) {
  RawServer raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n"
                R"({"truncated":)");
  HttplibClient client(options_);
  const auto start = SteadyClock::now();
  auto response = client.Send(Get(raw.Url("/state")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
  EXPECT_LT(SteadyClock::now() - start, 4s);  // noticed at close, not by a timeout
}

TEST_F(HttplibClientTest, SchemeRelativeRedirectToLeaderResendsCredentials) {
  SharedString seen_by_a;
  SharedString seen_by_b;
  b_.server().Get("/master/state", [&](const httplib::Request& req, httplib::Response& res) {
    seen_by_b.Set(req.get_header_value("Authorization"));
    if (req.get_header_value("Authorization") != BasicAuth("alice:s3cret")) {
      res.status = 401;
      return;
    }
    res.set_content(R"({"leader":true})", "application/json");
  });
  b_.Start();
  a_.server().Get("/master/state", [&](const httplib::Request& req, httplib::Response& res) {
    seen_by_a.Set(req.get_header_value("Authorization"));
    res.status = 307;
    res.set_header("Location", "//127.0.0.1:" + std::to_string(b_.port()) + "/master/state");
  });
  a_.Start();

  HttplibClient client(options_);
  HttpRequest request = Get(a_.Url("/master/state"));
  request.auth.basic_username = "alice";
  request.auth.basic_password = "s3cret";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"leader":true})");
  EXPECT_EQ(response->final_url, b_.Url("/master/state"));
  EXPECT_EQ(seen_by_a.Get(), BasicAuth("alice:s3cret"));
  EXPECT_EQ(seen_by_b.Get(), BasicAuth("alice:s3cret"));
}

TEST_F(HttplibClientTest, CredentialsFromUrlAndBearerToken) {
  a_.server().Get("/auth", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_header_value("Authorization"), "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);
  auto from_url = client.Send(
      Get("http://bob:p%40ss@127.0.0.1:" + std::to_string(a_.port()) + "/auth"));
  ASSERT_TRUE(from_url.ok()) << from_url.status().ToString();
  EXPECT_EQ(from_url->body, BasicAuth("bob:p@ss"));
  EXPECT_EQ(from_url->final_url, a_.Url("/auth"));  // no credentials in final_url

  HttpRequest bearer = Get(a_.Url("/auth"));
  bearer.auth.bearer_token = "tok-123";
  auto with_bearer = client.Send(bearer);
  ASSERT_TRUE(with_bearer.ok()) << with_bearer.status().ToString();
  EXPECT_EQ(with_bearer->body, "Bearer tok-123");

  bearer.auth.dcos_token_scheme = true;  // DC/OS Admin Router
  auto with_dcos = client.Send(bearer);
  ASSERT_TRUE(with_dcos.ok()) << with_dcos.status().ToString();
  EXPECT_EQ(with_dcos->body, "token=tok-123");
}

TEST_F(HttplibClientTest, RedirectMethodRules) {
  a_.server().Post("/r307", [](const httplib::Request&, httplib::Response& res) {
    res.status = 307;
    res.set_header("Location", "echo");  // relative
  });
  a_.server().Post("/r303", [](const httplib::Request&, httplib::Response& res) {
    res.status = 303;
    res.set_header("Location", "/echo");
  });
  const auto echo = [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.method + ":" + req.body, "text/plain");
  };
  a_.server().Post("/echo", echo);
  a_.server().Get("/echo", echo);
  a_.Start();

  HttplibClient client(options_);
  HttpRequest request = Get(a_.Url("/r307"));
  request.method = "POST";
  request.body = "payload";
  request.content_type = "text/plain";
  auto kept = client.Send(request);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->body, "POST:payload");
  EXPECT_EQ(kept->final_url, a_.Url("/echo"));

  request.url = a_.Url("/r303");
  auto changed = client.Send(request);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->body, "GET:");
}

TEST_F(HttplibClientTest, RedirectLoopIsRedirectError) {
  a_.server().Get("/loop/a", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
    res.set_header("Location", "/loop/b");
  });
  a_.server().Get("/loop/b", [](const httplib::Request&, httplib::Response& res) {
    res.status = 301;
    res.set_header("Location", "/loop/a");
  });
  a_.Start();

  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/loop/a")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kRedirect);
  EXPECT_NE(response.status().message().find("loop"), std::string::npos)
      << response.status().message();
}

TEST_F(HttplibClientTest, TooManyRedirectsIsRedirectError) {
  std::atomic<int> hits{0};
  a_.server().Get(R"(/hop/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    ++hits;
    res.status = 308;
    res.set_header("Location", "/hop/" + std::to_string(std::stoi(req.matches[1]) + 1));
  });
  a_.Start();

  options_.max_redirects = 3;
  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/hop/0")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kRedirect);
  EXPECT_NE(response.status().message().find("too many redirects (3)"), std::string::npos)
      << response.status().message();
  EXPECT_EQ(hits.load(), 4);  // the original request plus 3 followed redirects
}

TEST_F(HttplibClientTest, MissingOrBadLocationIsRedirectError) {
  a_.server().Get("/none", [](const httplib::Request&, httplib::Response& res) {
    res.status = 302;
  });
  a_.server().Get("/ftp", [](const httplib::Request&, httplib::Response& res) {
    res.status = 301;
    res.set_header("Location", "ftp://elsewhere/file");
  });
  a_.Start();

  HttplibClient client(options_);
  for (const char* path : {"/none", "/ftp"}) {
    auto response = client.Send(Get(a_.Url(path)));
    ASSERT_FALSE(response.ok()) << path;
    EXPECT_EQ(response.status().code(), StatusCode::kRedirect) << response.status().ToString();
  }
}

TEST_F(HttplibClientTest, UnfollowedRedirectStatusIsAResponse) {
  a_.server().Get("/cached", [](const httplib::Request&, httplib::Response& res) {
    res.status = 304;
  });
  a_.Start();

  HttplibClient client(options_);
  auto response = client.Send(Get(a_.Url("/cached")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 304);
}

TEST_F(HttplibClientTest, HttpsToPlainHttpServerIsTlsError) {
  a_.server().Get("/x", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);
  auto response =
      client.Send(Get("https://u:s3cret@127.0.0.1:" + std::to_string(a_.port()) + "/x"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTls) << response.status().ToString();
  EXPECT_EQ(response.status().message().find("s3cret"), std::string::npos);
}

TEST_F(HttplibClientTest, RejectsInvalidRequests) {
  HttplibClient client(options_);
  EXPECT_EQ(client.Send(Get("not a url")).status().code(), StatusCode::kInvalidArgument);

  HttpRequest bad_header = Get("http://127.0.0.1:1/");
  bad_header.headers["X-Evil"] = "a\r\nInjected: 1";
  EXPECT_EQ(client.Send(bad_header).status().code(), StatusCode::kInvalidArgument);

  HttpRequest bad_method = Get("http://127.0.0.1:1/");
  bad_method.method = "GET /x";
  EXPECT_EQ(client.Send(bad_method).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttplibClientTest, ConcurrentSendsFromManyThreads) {
  a_.server().Get(R"(/n/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1].str(), "text/plain");
  });
  a_.Start();

  HttplibClient client(options_);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  // 4 threads: httplib::Server listens with a backlog of 5, and a dropped SYN costs 1 s.
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string n = std::to_string(t * 100 + i);
        auto response = client.Send(Get(a_.Url("/n/" + n)));
        if (response.ok() && response->status == 200 && response->body == n) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 40);
}

}  // namespace
}  // namespace fme
