// Server-side TLS: sets up an OpenSSL SSL_CTX from the tls_server_config of a WebConfig.
//
// Protocol range (TLS 1.2 at least), certificate chain and key (checked against each other),
// client certificate policy and CA list, TLS 1.2 cipher suites, key exchange groups and the
// server's cipher preference. Errors name the web configuration file, the line and key, and
// the file that could not be used, e.g.
//   web.yml:3: tls_server_config.key_file: "/etc/x/server.key" does not match cert_file
//
// Stateless functions; the SSL_CTX passed in is modified and must not be in use yet.
#pragma once

#include "fme/status.h"
#include "server/web_config.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace fme {

// Configures `ctx` (a fresh server context) for `config.tls_server`.
Status ConfigureServerTls(SSL_CTX& ctx, const WebConfig& config);

// Builds a throwaway context: whether the certificate, key and CA files load and fit together.
// Ok when the configuration does not serve TLS.
Status CheckServerTls(const WebConfig& config);

}  // namespace fme
