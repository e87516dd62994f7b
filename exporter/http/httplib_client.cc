#include "http/httplib_client.h"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "http/url.h"

namespace fme {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A read that failed within this much of the deadline (or of the read timeout) is a timeout:
// select() may wake up a hair early relative to our clock.
constexpr milliseconds kTimingSlack(20);
// Never hand httplib a zero timeout: select() with zero returns at once.
constexpr milliseconds kMinTimeout(1);

long long Millis(Duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

// min(configured, left), at least kMinTimeout. A non-positive configured value means "no own
// limit": only the deadline applies.
Duration CapTimeout(Duration configured, Duration left) {
  Duration t = configured > Duration::zero() ? std::min(configured, left) : left;
  return std::max<Duration>(t, kMinTimeout);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsSafeHeaderValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(in[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The Authorization header value for a request, if any: request.auth first (basic wins over
// bearer if both are set), else userinfo from the request URL.
std::optional<std::string> AuthorizationValue(const HttpAuth& auth, const Url& url) {
  if (auth.basic_username || auth.basic_password) {
    return "Basic " + Base64(auth.basic_username.value_or("") + ":" +
                             auth.basic_password.value_or(""));
  }
  if (auth.bearer_token) {
    return (auth.dcos_token_scheme ? "token=" : "Bearer ") + *auth.bearer_token;
  }
  if (url.username || url.password) {
    return "Basic " + Base64(url.username.value_or("") + ":" + url.password.value_or(""));
  }
  return std::nullopt;
}

// The address `host` resolves to first, as text: httplib connects to a mapped host only by a
// numeric address.
Result<std::string> NumericAddress(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
    return Status::Unavailable("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, &::freeaddrinfo);
  char text[NI_MAXHOST] = {};
  if (::getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof text, nullptr, 0,
                    NI_NUMERICHOST) != 0) {
    return Status::Unavailable("cannot resolve " + host);
  }
  return std::string(text);
}

bool IsFollowedRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Why our own callbacks stopped the exchange (httplib reports both as Error::Canceled).
enum class Abort { kNone, kTooLarge, kDeclaredTooLarge, kDeadline, kReceiverStopped };

// Largest buffer reserved up front from a declared Content-Length: a server may lie.
constexpr std::size_t kMaxReserve = std::size_t{1} << 20;

// One hop of a Send(): a single request/response on a fresh httplib client.
class Exchange {
 public:
  Exchange(const HttpClientOptions& options, const HttplibTlsOptions& tls,
           const HttpRequest& request, const std::optional<std::string>& authorization)
      : options_(options), tls_(tls), request_(request), authorization_(authorization) {}

  Result<HttpResponse> Run(const Url& url, const std::string& method,
                           const std::string& request_body, const std::string& content_type) {
    const std::string where = url.ToString();
    const auto hop_start = SteadyClock::now();
    if (hop_start >= request_.deadline) {
      if (request_.deadline == SteadyTime{}) {
        return Status::Timeout("request deadline not set (it is the clock's epoch) for " + where);
      }
      return Status::Timeout("deadline passed before sending request to " + where);
    }
    const Duration left = request_.deadline - hop_start;
    const Duration connect_timeout = CapTimeout(options_.connect_timeout, left);
    // A stream outlives the deadline (which bounds only the wait for its headers); silence
    // between pieces is bounded by the idle timeout instead.
    const bool streaming = static_cast<bool>(request_.on_body);
    const Duration io_timeout = streaming ? std::max<Duration>(request_.idle_timeout, kMinTimeout)
                                          : CapTimeout(options_.read_timeout, left);

    std::unique_ptr<httplib::ClientImpl> client;
    if (url.scheme == "https") {
      // httplib sends its host in SNI, verifies the certificate against it and connects to
      // it, unless the host is mapped to an address: so with a server name, the server name is
      // the host and it is mapped to the URL host's address.
      const bool named = !tls_.server_name.empty() && tls_.server_name != url.host;
      const std::string& tls_host = named ? tls_.server_name : url.host;
      auto ssl = std::make_unique<httplib::SSLClient>(tls_host, url.port, tls_.client_cert_file,
                                                      tls_.client_key_file);
      if (!ssl->is_valid()) {
        return Status::Tls("cannot set up TLS for " + where +
                           " (unreadable client certificate or key?)");
      }
      if (named) {
        Result<std::string> address = NumericAddress(url.host);
        if (!address.ok()) {
          return Status::Unavailable(address.status().message() + " for " + where);
        }
        ssl->set_hostname_addr_map({{tls_host, *address}});
      }
      if (!tls_.ca_file.empty() || !tls_.ca_dir.empty()) {
        ssl->set_ca_cert_path(tls_.ca_file, tls_.ca_dir);
      }
      ssl->enable_server_certificate_verification(!tls_.insecure_skip_verify);
      client = std::move(ssl);
    } else {
      client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
    }
    client->set_connection_timeout(connect_timeout);
    client->set_read_timeout(io_timeout);
    client->set_write_timeout(io_timeout);
    client->set_keep_alive(false);
    client->set_follow_location(false);
    client->set_compress(false);
    client->set_decompress(true);
    client->set_url_encode(false);  // ParseUrl already produced a valid request target

    httplib::Request req;
    req.method = method;
    req.path = url.path_and_query;
    for (const auto& [name, value] : request_.headers) req.headers.emplace(name, value);
    // httplib's Headers compare names case-insensitively; the caller's headers win.
    auto set_default = [&req](const char* name, const std::string& value) {
      if (!req.has_header(name)) req.headers.emplace(name, value);
    };
    set_default("Host", url.HostHeader());
    set_default("Accept", "application/json");
    set_default("Accept-Encoding", "gzip");
    set_default("User-Agent", options_.user_agent);
    if (authorization_) set_default("Authorization", *authorization_);
    if (!request_body.empty()) {
      req.body = request_body;
      if (!content_type.empty()) set_default("Content-Type", content_type);
    }

    const bool is_head = method == "HEAD";
    std::string body;
    bool stream_body = false;  // a 2xx answer to a streaming request: pieces go to on_body
    std::uint64_t streamed = 0;  // bytes handed to on_body, which `body` does not hold
    Abort abort = Abort::kNone;
    std::uint64_t declared_length = 0;
    bool got_headers = false;
    auto last_activity = hop_start;

    req.response_handler = [&](const httplib::Response& res) {
      got_headers = true;
      last_activity = SteadyClock::now();
      if (last_activity >= request_.deadline) {
        abort = Abort::kDeadline;
        return false;
      }
      if (streaming && res.status >= 200 && res.status <= 299) {
        if (request_.on_stream_start &&
            !request_.on_stream_start(where, res.get_header_value("Content-Type"))) {
          abort = Abort::kReceiverStopped;
          return false;
        }
        stream_body = true;
        return true;
      }
      if (!is_head && res.has_header("Content-Length")) {
        const auto length = res.get_header_value<std::uint64_t>("Content-Length");
        if (length > options_.max_body_bytes) {
          declared_length = length;
          abort = Abort::kDeclaredTooLarge;
          return false;
        }
        body.reserve(std::min(static_cast<std::size_t>(length), kMaxReserve));
      }
      return true;
    };
    req.content_receiver = [&](const char* data, std::size_t size, std::uint64_t /*offset*/,
                               std::uint64_t /*total*/) {
      last_activity = SteadyClock::now();
      if (stream_body) {
        streamed += size;
        if (request_.on_body(std::string_view(data, size))) return true;
        abort = Abort::kReceiverStopped;
        return false;
      }
      if (last_activity >= request_.deadline) {
        abort = Abort::kDeadline;
        return false;
      }
      if (size > options_.max_body_bytes - body.size()) {
        abort = Abort::kTooLarge;
        return false;
      }
      body.append(data, size);
      return true;
    };

    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    if (request_.cancel != nullptr && !request_.cancel->Attach([c = client.get()] { c->stop(); })) {
      return Status::Unavailable("request to " + where + " cancelled");
    }
    const bool sent = client->send(req, res, error);
    if (request_.cancel != nullptr) request_.cancel->Detach();
    if (abort == Abort::kReceiverStopped || (sent && error == httplib::Error::Success)) {
      HttpResponse out;
      out.status = res.status;
      for (const auto& [name, value] : res.headers) {
        auto [it, inserted] = out.headers.emplace(Lower(name), value);
        if (!inserted) {
          it->second += ", ";
          it->second += value;
        }
      }
      out.body = std::move(body);
      out.final_url = where;
      return out;
    }

    const auto now = SteadyClock::now();
    const std::string elapsed = std::to_string(Millis(now - hop_start)) + " ms";
    switch (abort) {
      case Abort::kTooLarge:
        return Status::TooLarge("response body of " + where + " exceeds the limit of " +
                                std::to_string(options_.max_body_bytes) + " bytes (decoded)");
      case Abort::kDeclaredTooLarge:
        return Status::TooLarge("response of " + where + " declares Content-Length " +
                                std::to_string(declared_length) + ", above the limit of " +
                                std::to_string(options_.max_body_bytes) + " bytes");
      case Abort::kDeadline:
        return Status::Timeout("deadline exceeded after " + elapsed + " while reading " + where);
      case Abort::kReceiverStopped:  // handled above
      case Abort::kNone:
        break;
    }
    if (request_.cancel != nullptr && request_.cancel->cancelled()) {
      return Status::Unavailable("request to " + where + " cancelled");
    }
    // Once a stream's body flows, the deadline (for its headers) no longer applies.
    const bool deadline_hit = !stream_body && now + kTimingSlack >= request_.deadline;
    const bool idle_too_long = now - last_activity + kTimingSlack >= io_timeout;
    switch (error) {
      case httplib::Error::Connection:
        // 0.11.4 reports a connect() that timed out as Connection too.
        if (deadline_hit || now - hop_start + kTimingSlack >= connect_timeout) {
          return Status::Timeout("connect to " + url.Origin() + " timed out after " + elapsed +
                                 " for " + where);
        }
        return Status::Unavailable("connection refused to " + url.HostForUrl() + ":" +
                                   std::to_string(url.port) +
                                   " (or host unreachable or unresolvable) for " + where);
      case httplib::Error::ConnectionTimeout:
        return Status::Timeout("connect to " + url.Origin() + " timed out after " + elapsed +
                               " for " + where);
      case httplib::Error::Read:
        if (deadline_hit) {
          return Status::Timeout("deadline exceeded after " + elapsed + " waiting for " + where);
        }
        if (idle_too_long) {
          return Status::Timeout("read timeout: no data for " + std::to_string(Millis(io_timeout)) +
                                 " ms from " + where);
        }
        if (got_headers) {
          return Status::Unavailable(
              "connection closed or reset before the whole response body of " + where +
              " arrived (" + std::to_string(stream_body ? streamed : body.size()) +
              " decoded bytes received) or the body is malformed");
        }
        return Status::Unavailable("connection closed or reset, or malformed response, before "
                                   "response headers from " + where);
      case httplib::Error::Write:
        if (deadline_hit || idle_too_long) {
          return Status::Timeout("timed out after " + elapsed + " sending request to " + where);
        }
        return Status::Unavailable("connection closed or reset while sending request to " + where);
      case httplib::Error::SSLConnection:
        if (deadline_hit || idle_too_long) {
          return Status::Timeout("TLS handshake with " + url.Origin() + " timed out after " +
                                 elapsed + " for " + where);
        }
        return Status::Tls("TLS handshake with " + url.Origin() + " failed for " + where);
      case httplib::Error::SSLServerVerification:
        return Status::Tls("server certificate of " + url.Origin() +
                           " failed verification for " + where);
      case httplib::Error::SSLLoadingCerts:
        return Status::Tls("cannot load CA certificates to verify " + url.Origin());
      default:
        return Status::Unavailable("request to " + where + " failed: httplib error " +
                                   httplib::to_string(error));
    }
  }

 private:
  const HttpClientOptions& options_;
  const HttplibTlsOptions& tls_;
  const HttpRequest& request_;
  const std::optional<std::string>& authorization_;
};

}  // namespace

HttplibClient::HttplibClient(HttpClientOptions options, HttplibTlsOptions tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

Result<HttpResponse> HttplibClient::Send(const HttpRequest& request) {
  auto parsed = ParseUrl(request.url);
  if (!parsed.ok()) return parsed.status();
  Url url = std::move(parsed).value();

  if (!IsToken(request.method)) {
    return Status::InvalidArgument("invalid HTTP method '" + request.method + "'");
  }
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name) || !IsSafeHeaderValue(value)) {
      return Status::InvalidArgument("invalid request header '" + name + "' for " +
                                     url.ToString());
    }
  }
  if (!IsSafeHeaderValue(request.content_type)) {
    return Status::InvalidArgument("invalid content type for " + url.ToString());
  }
  const std::optional<std::string> authorization = AuthorizationValue(request.auth, url);
  if (authorization && !IsSafeHeaderValue(*authorization)) {
    return Status::InvalidArgument("credentials contain CR, LF or NUL for " + url.ToString());
  }

  const std::string first_url = url.ToString();
  std::string method = request.method;
  std::string body = request.body;
  std::string content_type = request.content_type;
  std::set<std::string> visited{method + " " + first_url};
  Exchange exchange(options_, tls_, request, authorization);

  for (int redirects = 0;; ++redirects) {
    auto response = exchange.Run(url, method, body, content_type);
    if (!response.ok() || !IsFollowedRedirect(response->status)) return response;

    const int status = response->status;
    const std::string here = url.ToString();
    if (redirects >= options_.max_redirects) {
      return Status::Redirect("too many redirects (" + std::to_string(options_.max_redirects) +
                              ") starting at " + first_url + ", last at " + here);
    }
    const auto location = response->headers.find("location");
    if (location == response->headers.end() || location->second.empty()) {
      return Status::Redirect(std::to_string(status) + " from " + here + " has no Location");
    }
    auto next = ResolveLocation(url, location->second);
    if (!next.ok()) {
      return Status::Redirect("unusable Location in " + std::to_string(status) + " from " + here +
                              ": " + next.status().message());
    }
    if (url.scheme == "https" && next->scheme == "http") {
      return Status::Redirect("refusing redirect from https to http: " + here + " -> " +
                              next->ToString());
    }
    if (status == 303 && method != "HEAD") {
      method = "GET";
      body.clear();
      content_type.clear();
    }
    if (!visited.insert(method + " " + next->ToString()).second) {
      return Status::Redirect("redirect loop: " + here + " -> " + next->ToString() +
                              " (visited before, starting at " + first_url + ")");
    }
    url = std::move(next).value();
  }
}

}  // namespace fme
