#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/message_quote.h"

namespace fme {
namespace {

// The OpenSSL errors queued by the last calls, oldest first, joined with "; ".
std::string TakeOpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason != nullptr ? reason : "error " + std::to_string(e);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Status Problem(const WebConfig& config, int line, const std::string& key, const std::string& problem) {
  return Status::InvalidConfig(config.origin + ":" + std::to_string(line) + ": tls_server_config." +
                               key + ": " + problem);
}

// Whether the file can be opened; a message naming it and the reason otherwise.
std::optional<std::string> Unreadable(const WebConfigFile& f) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(f.path.c_str(), "rb"), &std::fclose);
  if (fp) return std::nullopt;
  return "cannot read " + QuoteForMessage(f.path) + ": " + std::strerror(errno);
}

int ProtocolVersion(TlsVersion v) { return v == TlsVersion::kTls13 ? TLS1_3_VERSION : TLS1_2_VERSION; }

// Accepts whatever certificate the client presented (or none): the modes that ask for a
// certificate without verifying it.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

std::string Join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

Status ConfigureServerTls(SSL_CTX& ctx, const WebConfig& config) {
  const TlsServerConfig& tls = config.tls_server;
  ERR_clear_error();

  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (tls.prefer_server_cipher_suites) {
    SSL_CTX_set_options(&ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    SSL_CTX_clear_options(&ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  if (SSL_CTX_set_min_proto_version(&ctx, ProtocolVersion(tls.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(&ctx, ProtocolVersion(tls.max_version)) != 1) {
    return Problem(config, tls.line, "min_version", "cannot set the TLS version range: " + TakeOpenSslErrors());
  }

  // Certificate chain and key.
  if (auto why = Unreadable(tls.cert_file)) return Problem(config, tls.cert_file.line, "cert_file", *why);
  if (auto why = Unreadable(tls.key_file)) return Problem(config, tls.key_file.line, "key_file", *why);
  if (SSL_CTX_use_certificate_chain_file(&ctx, tls.cert_file.path.c_str()) != 1) {
    return Problem(config, tls.cert_file.line, "cert_file",
                   "cannot load a PEM certificate from " + QuoteForMessage(tls.cert_file.path) + ": " +
                       TakeOpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, tls.key_file.path.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Problem(config, tls.key_file.line, "key_file",
                     QuoteForMessage(tls.key_file.path) + " does not match the certificate in cert_file");
    }
    return Problem(config, tls.key_file.line, "key_file",
                   "cannot load a PEM private key from " + QuoteForMessage(tls.key_file.path) +
                       " (an encrypted key is not supported): " + TakeOpenSslErrors());
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    ERR_clear_error();
    return Problem(config, tls.key_file.line, "key_file",
                   QuoteForMessage(tls.key_file.path) + " does not match the certificate in cert_file");
  }

  // Client certificates.
  if (!tls.client_ca_file.empty()) {
    if (auto why = Unreadable(tls.client_ca_file)) {
      return Problem(config, tls.client_ca_file.line, "client_ca_file", *why);
    }
    if (SSL_CTX_load_verify_locations(&ctx, tls.client_ca_file.path.c_str(), nullptr) != 1) {
      return Problem(config, tls.client_ca_file.line, "client_ca_file",
                     "cannot load PEM CA certificates from " + QuoteForMessage(tls.client_ca_file.path) +
                         ": " + TakeOpenSslErrors());
    }
    // The CA names sent in the certificate request help clients pick a certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.path.c_str());
    if (names == nullptr) {
      return Problem(config, tls.client_ca_file.line, "client_ca_file",
                     "no CA certificate in " + QuoteForMessage(tls.client_ca_file.path));
    }
    SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership
  }
  switch (tls.client_auth) {
    case ClientAuthType::kNoClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuthType::kRequestClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, &AcceptAnyCertificate);
      break;
    case ClientAuthType::kRequireAnyClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &AcceptAnyCertificate);
      break;
    case ClientAuthType::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuthType::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  if (VerifiesClientCert(tls.client_auth)) {
    // A certificate whose extended key usage excludes client authentication is refused.
    SSL_CTX_set_purpose(&ctx, X509_PURPOSE_SSL_CLIENT);
  }
  // Needed for session resumption once client certificates are involved.
  static constexpr unsigned char kSessionContext[] = "flink-mesos-exporter";
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1);

  if (!tls.tls12_ciphers.empty() && SSL_CTX_set_cipher_list(&ctx, Join(tls.tls12_ciphers, ':').c_str()) != 1) {
    return Problem(config, tls.line, "cipher_suites",
                   "OpenSSL supports none of the cipher suites: " + TakeOpenSslErrors());
  }
  if (!tls.groups.empty() && SSL_CTX_set1_groups_list(&ctx, Join(tls.groups, ':').c_str()) != 1) {
    return Problem(config, tls.line, "curve_preferences",
                   "OpenSSL rejected the curves: " + TakeOpenSslErrors());
  }
  ERR_clear_error();
  return Status::Ok();
}

Status CheckServerTls(const WebConfig& config) {
  if (!config.tls) return Status::Ok();
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
  if (!ctx) return Status::Internal("cannot create an OpenSSL context: " + TakeOpenSslErrors());
  return ConfigureServerTls(*ctx, config);
}

}  // namespace fme
