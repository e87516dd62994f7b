#include "http/upstream_client.h"

#include "http/url.h"
#include "log/log.h"

namespace fme {
namespace {

std::string_view AuthKind(const HttpAuth& auth) {
  if (auth.basic_username || auth.basic_password) return "basic";
  if (auth.bearer_token) return auth.dcos_token_scheme ? "dcos_token" : "bearer";
  return "none";
}

}  // namespace

HttplibTlsOptions ToHttplibTls(const UpstreamTls& tls) {
  HttplibTlsOptions out;
  out.ca_file = tls.ca_file;
  out.client_cert_file = tls.cert_file;
  out.client_key_file = tls.key_file;
  out.server_name = tls.server_name;
  out.insecure_skip_verify = tls.insecure_skip_verify;
  return out;
}

UpstreamClient::UpstreamClient(const HttpClientOptions& options, const UpstreamTls& tls,
                               const HttpAuth& auth, const std::string& target)
    : target_(target), http_(options, ToHttplibTls(tls)) {
  if (!auth.basic_password_file.empty()) {
    password_ = std::make_unique<WatchedSecretFile>(auth.basic_password_file, SecretKind::kPassword,
                                                    auth.basic_password.value_or(""), target,
                                                    "basic_auth.password_file");
  }
  if (!auth.bearer_token_file.empty()) {
    token_ = std::make_unique<WatchedSecretFile>(auth.bearer_token_file, SecretKind::kToken,
                                                 auth.bearer_token.value_or(""), target,
                                                 "bearer_token_file");
  }
}

Result<HttpResponse> UpstreamClient::Send(const HttpRequest& request) {
  Result<HttpResponse> response = Exchange(request);
  if (log::Enabled(log::Level::kDebug)) {
    // What was asked and how it went; credentials only by their kind, never their value.
    log::Debug("upstream request",
               {{"target", target_},
                {"method", request.method},
                {"url", RedactUrl(request.url)},
                {"auth", AuthKind(request.auth)},
                {"outcome", response.ok() ? std::to_string(response->status)
                                          : std::string(StatusCodeName(response.status().code()))},
                {"err", response.ok() ? std::string() : response.status().message()}});
  }
  return response;
}

Result<HttpResponse> UpstreamClient::Exchange(const HttpRequest& request) {
  if (!password_ && !token_) return http_.Send(request);
  // The sources send the credentials they were configured with; the files' current values
  // replace those that came from files.
  HttpRequest current = request;
  if (password_ && current.auth.basic_password_file == password_->path()) {
    current.auth.basic_password = password_->value();
  }
  if (token_ && current.auth.bearer_token_file == token_->path()) {
    current.auth.bearer_token = token_->value();
  }
  return http_.Send(current);
}

void UpstreamClient::RefreshSecrets() {
  if (password_) password_->Refresh();
  if (token_) token_->Refresh();
}

void WarnInsecureTls(const Config& config) {
  constexpr const char* kWarning =
      "TLS certificate verification is off (insecure_skip_verify): the upstream's identity is not "
      "checked";
  for (const MesosClusterConfig& m : config.mesos_clusters) {
    if (m.tls.insecure_skip_verify) log::Warn(kWarning, {{"source", "mesos"}, {"target", m.name}});
    if (m.discover_flink && m.discover_flink->tls.insecure_skip_verify) {
      log::Warn(kWarning, {{"source", "flink"}, {"discovered_through", m.name}});
    }
  }
  for (const FlinkClusterConfig& f : config.flink_clusters) {
    if (f.tls.insecure_skip_verify) log::Warn(kWarning, {{"source", "flink"}, {"target", f.name}});
  }
}

}  // namespace fme
