// UpstreamClient: the HTTP client of one target. It sends over HttplibClient with the
// target's TLS settings (its `tls` block) and puts the target's current credentials into every
// request: secrets configured as files (password_file, bearer_token_file) are watched, and
// RefreshSecrets(), called once before each poll, re-reads those that changed, so a rotated
// token is used from the next poll on without a reload (config/secret_file.h). At debug level
// every exchange is logged (method, URL without userinfo, outcome, kind of credentials).
//
// Thread-safe: Send() may run on several threads while RefreshSecrets() runs on another.
#pragma once

#include <memory>
#include <string>

#include "config/secret_file.h"
#include "fme/config.h"
#include "fme/http_client.h"
#include "http/httplib_client.h"

namespace fme {

class UpstreamClient final : public HttpClient {
 public:
  // `target` names the target in log lines about its secret files.
  UpstreamClient(const HttpClientOptions& options, const UpstreamTls& tls, const HttpAuth& auth,
                 const std::string& target);

  Result<HttpResponse> Send(const HttpRequest& request) override;

  // Re-reads the secret files that changed since the last look (one stat each otherwise).
  void RefreshSecrets();

 private:
  Result<HttpResponse> Exchange(const HttpRequest& request);

  const std::string target_;
  HttplibClient http_;
  std::unique_ptr<WatchedSecretFile> password_;  // null unless auth.basic_password_file
  std::unique_ptr<WatchedSecretFile> token_;     // null unless auth.bearer_token_file
};

// What HttplibClient needs of a tls block.
HttplibTlsOptions ToHttplibTls(const UpstreamTls& tls);

// Logs a warning for every place the configuration turns certificate verification off: each
// configured target and each discover_flink block. Called at start and on every reload.
void WarnInsecureTls(const Config& config);

}  // namespace fme
