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
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "fme/clock.h"
#include "fme/status.h"

namespace fme {

// Credentials sent with every request to a target, and re-sent on redirects (Mesos masters
// redirect to the leader, which checks the same credentials).
struct HttpAuth {
  std::optional<std::string> basic_username;
  std::optional<std::string> basic_password;
  std::optional<std::string> bearer_token;
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
