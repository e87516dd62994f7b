// HttplibClient: the production HttpClient, on cpp-httplib (Debian's compiled 0.11.4; build with
// `pkg-config --cflags cpp-httplib`, whose defines change httplib's class layouts).
//
// Each Send() uses fresh httplib clients (one per hop) and shares nothing mutable, so any number
// of threads may call Send() at once. Behaviour:
//   - every socket timeout is capped by the time left to request.deadline, and the body receiver
//     aborts once the deadline passes, so the whole exchange ends by the deadline (give or take
//     DNS resolution, which httplib does not bound);
//   - the body is decoded (gzip) as it streams in and the exchange is aborted with kTooLarge as
//     soon as the decoded size exceeds max_body_bytes, or up front if Content-Length does;
//   - redirects (301/302/303/307/308) are followed here, not by httplib, up to max_redirects,
//     re-sending method, body and credentials (303 turns into GET without body); a redirect
//     from https to http is refused;
//   - credentials come from request.auth, or else from userinfo in request.url; they never
//     appear in error messages.
#pragma once

#include <string>

#include "fme/http_client.h"

namespace fme {

// TLS settings for https upstreams. Defaults: verify the server against the system CA store.
struct HttplibTlsOptions {
  std::string ca_file;           // PEM bundle used instead of the system store
  std::string ca_dir;            // hashed CA directory used instead of the system store
  std::string client_cert_file;  // PEM client certificate (mutual TLS); needs client_key_file
  std::string client_key_file;
  // Sent in SNI and matched against the server certificate instead of the URL's host; the
  // connection still goes to the URL's host (its first address when it is a name).
  std::string server_name;
  bool insecure_skip_verify = false;  // do not verify the server certificate (testing only)
};

class HttplibClient final : public HttpClient {
 public:
  explicit HttplibClient(HttpClientOptions options, HttplibTlsOptions tls = {});

  Result<HttpResponse> Send(const HttpRequest& request) override;

  const HttpClientOptions& options() const { return options_; }

 private:
  const HttpClientOptions options_;
  const HttplibTlsOptions tls_;
};

}  // namespace fme
