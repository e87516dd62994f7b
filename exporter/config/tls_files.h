// Checks, at load, the files of a `tls` block (docs/configuration.md, "tls"), so that a bad
// file is a configuration error naming its key instead of a failing poll: each file readable,
// the CA bundle and the certificate in PEM, the key in unencrypted PEM and matching the
// certificate. Messages name files, never their contents.
#pragma once

#include <string>

namespace fme {

// Why `path` cannot serve as a CA bundle (at least one PEM certificate); empty: it can.
std::string CaFileProblem(const std::string& path);

// Why `cert_path` / `key_path` cannot serve as a client certificate and its key; empty: they
// can. `*key_at_fault` tells which key the problem belongs to.
std::string ClientCertificateProblem(const std::string& cert_path, const std::string& key_path,
                                     bool* key_at_fault);

}  // namespace fme
