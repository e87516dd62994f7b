// WebConfig: the serving-side security settings of `--web.config.file`, in the web
// configuration format of the Prometheus exporters (TLS, client certificates, bcrypt basic
// auth, extra response headers). docs/configuration.md, "Web configuration", is the reference.
//
// ParseWebConfig is pure: text in, validated value out; it opens no file (the certificate and
// key files are loaded and checked when the TLS context is built, see tls_context.h).
// LoadWebConfigFile reads the file first. Problems are collected, one per line, each as
// `<file>:<line>: <key path>: <problem>`, sorted by line, in one kInvalidConfig Status.
// Password hashes are never repeated in a message (a plaintext password put where a hash
// belongs would otherwise end up in the log).
//
// Plain values: copyable, no internal synchronisation.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fme/status.h"

namespace fme {

// How the server asks for client certificates; the names are those of the file format.
enum class ClientAuthType {
  kNoClientCert,                // no certificate requested
  kRequestClientCert,           // requested; none or any certificate accepted, never verified
  kRequireAnyClientCert,        // required; any certificate accepted, never verified
  kVerifyClientCertIfGiven,     // requested; verified against client_ca_file when given
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file
};

std::string_view ClientAuthTypeName(ClientAuthType type);
// True for the two modes that check the client's certificate against client_ca_file.
bool VerifiesClientCert(ClientAuthType type);

enum class TlsVersion { kTls12, kTls13 };

std::string_view TlsVersionName(TlsVersion version);  // "TLS12", "TLS13"

// A file named in the web configuration: the path as resolved (relative paths are relative to
// the web configuration file's directory) and the line it was given on, for messages.
struct WebConfigFile {
  std::string path;
  int line = 0;

  bool empty() const { return path.empty(); }
};

struct TlsServerConfig {
  WebConfigFile cert_file;       // PEM certificate (chain), server certificate first
  WebConfigFile key_file;        // PEM private key
  ClientAuthType client_auth = ClientAuthType::kNoClientCert;
  WebConfigFile client_ca_file;  // PEM CA certificates for client certificates
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  // TLS 1.2 cipher suites in OpenSSL's spelling, in the configured order; empty: OpenSSL's
  // defaults. (TLS 1.3 suites are not configurable; their names are accepted and ignored.)
  std::vector<std::string> tls12_ciphers;
  // Key exchange groups in OpenSSL's spelling ("X25519", "P-256"); empty: OpenSSL's defaults.
  std::vector<std::string> groups;
  bool prefer_server_cipher_suites = true;
  int line = 0;  // of the tls_server_config key
};

struct BasicAuthUser {
  std::string name;
  std::string bcrypt_hash;  // "$2a$", "$2b$" or "$2y$" form, cost 4..31

  bool operator==(const BasicAuthUser&) const = default;
};

struct WebConfig {
  std::string origin;  // the file, as given; empty when no web configuration is used
  bool tls = false;    // tls_server_config has a certificate: serve HTTPS
  TlsServerConfig tls_server;
  std::vector<BasicAuthUser> users;  // sorted by name; empty: no authentication
  // Extra response headers (name as configured, value), sent on every response.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses and validates web configuration text. `origin` names the file in messages; relative
// file paths are resolved against `base_dir`. An empty document is valid (plain HTTP, no auth).
Result<WebConfig> ParseWebConfig(const std::string& yaml_text, const std::string& origin,
                                 const std::string& base_dir);

// Reads `path` and parses it (base_dir: the file's directory).
Result<WebConfig> LoadWebConfigFile(const std::string& path);

// One line for logs and --config.check: "TLS (TLS12..TLS13, client certificates:
// RequireAndVerifyClientCert), basic auth (2 users)", "plain HTTP, no authentication", ...
std::string DescribeWebConfig(const WebConfig& config);

}  // namespace fme
