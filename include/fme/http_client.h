// HttpClient: the one seam for talking to upstreams.
//
// Send() performs one request, following redirects itself (bounded), and returns the final
// response whatever its status code: a 500 is a response, not an error. Errors are transport
// failures only: connect (kUnavailable), deadline/read timeout (kTimeout), body above the limit
// (kTooLarge), redirect loop or unusable Location (kRedirect), TLS (kTls).
//
// Implementations must be safe to call from several threads at once. The production
// implementation is HttplibClient (exporter/http/httplib_client.h); tests use
// tests/support/fake_http_client.h.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "fme/clock.h"
#include "fme/status.h"

namespace fme {

// Credentials sent with every request to a target, and re-sent on redirects (Mesos masters
// redirect to the leader, which checks the same credentials).
struct HttpAuth {
  std::optional<std::string> basic_username;
  std::optional<std::string> basic_password;
  std::optional<std::string> bearer_token;
  // How the token is sent: "Authorization: Bearer <t>", or DC/OS Admin Router's
  // "Authorization: token=<t>".
  bool dcos_token_scheme = false;
  // The files basic_password and bearer_token were read from (resolved paths; empty: given
  // inline). A target's client re-reads them when they change (exporter/http/upstream_client.h).
  std::string basic_password_file;
  std::string bearer_token_file;

  // A secret read from a file is compared by its file, not by its value: a rotated file does
  // not make a target "changed" on reload, since its client picks the new value up itself.
  bool operator==(const HttpAuth& other) const {
    return basic_username == other.basic_username && dcos_token_scheme == other.dcos_token_scheme &&
           basic_password_file == other.basic_password_file &&
           bearer_token_file == other.bearer_token_file &&
           (!basic_password_file.empty() || basic_password == other.basic_password) &&
           (!bearer_token_file.empty() || bearer_token == other.bearer_token);
  }
};

// Lets another thread end a streaming request at once (shutdown, leader change). Thread-safe.
class StreamCancel {
 public:
  // Idempotent; a request started after Cancel() ends at once too.
  void Cancel();
  bool cancelled() const;
  // For HttpClient implementations: while attached, Cancel() calls `stop` (e.g. closes the
  // socket). Attach returns false when already cancelled.
  bool Attach(std::function<void()> stop);
  void Detach();

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> stop_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: http(s)://host[:port]/path?query
  // The route template for self-metrics, e.g. "/jobs/:jobid" (ids would explode cardinality).
  // Empty: the URL's path is used.
  std::string endpoint;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type;   // for a request body
  SteadyTime deadline;        // the whole exchange, redirects included, must end by then
  HttpAuth auth;

  // Streaming (long-lived responses such as the Mesos event stream): when set, the body of a
  // 2xx response is not collected but handed to `on_body` piece by piece as it arrives (return
  // false to stop), `deadline` bounds only the wait for the response headers, and afterwards
  // `idle_timeout` bounds the silence between pieces (kTimeout when exceeded). A non-2xx body is
  // collected as usual. The exchange ends when the server closes the stream (OK), on_body
  // returns false or `cancel` is cancelled (kUnavailable "cancelled").
  std::function<bool(std::string_view)> on_body;
  // Called once when a 2xx streaming response starts, with the URL that answered (after
  // redirects: a Mesos standby redirects /api/v1 to the leader) and its Content-Type ("" when
  // none). Returning false refuses the stream: Send returns the response (status, headers, no
  // body) as when on_body stops.
  std::function<bool(std::string_view url, std::string_view content_type)> on_stream_start;
  Duration idle_timeout = std::chrono::seconds(75);
  StreamCancel* cancel = nullptr;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // decoded (gzip removed)
  std::string final_url;                       // after redirects
};

struct HttpClientOptions {
  Duration connect_timeout = std::chrono::seconds(5);
  Duration read_timeout = std::chrono::seconds(10);
  std::size_t max_body_bytes = 64u << 20;  // decoded size; larger bodies fail with kTooLarge
  int max_redirects = 5;
  std::string user_agent = "flink-mesos-exporter";
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace fme
