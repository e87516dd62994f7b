#include "config/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "config/message_quote.h"

namespace fme {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// Refuses to ask for a passphrase: OpenSSL would otherwise prompt on the terminal.
int NoPassphrase(char*, int, int, void*) { return -1; }

// Opens `path` for OpenSSL, or says why it cannot be read (with the system's reason).
Bio Open(const std::string& path, std::string* problem) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> probe(std::fopen(path.c_str(), "rb"),
                                                        &std::fclose);
  if (!probe) {
    *problem = "cannot read " + QuoteForMessage(path) + ": " + std::strerror(errno);
    return Bio(nullptr, &BIO_free);
  }
  Bio bio(BIO_new_file(path.c_str(), "rb"), &BIO_free);
  if (!bio) *problem = "cannot read " + QuoteForMessage(path);
  return bio;
}

Cert FirstCertificate(BIO* bio) {
  return Cert(PEM_read_bio_X509(bio, nullptr, &NoPassphrase, nullptr), &X509_free);
}

}  // namespace

std::string CaFileProblem(const std::string& path) {
  std::string problem;
  Bio bio = Open(path, &problem);
  if (!bio) return problem;
  const bool any = FirstCertificate(bio.get()) != nullptr;
  ERR_clear_error();
  if (!any) return "no PEM certificate in " + QuoteForMessage(path);
  return "";
}

std::string ClientCertificateProblem(const std::string& cert_path, const std::string& key_path,
                                     bool* key_at_fault) {
  *key_at_fault = false;
  std::string problem;
  Bio cert_bio = Open(cert_path, &problem);
  if (!cert_bio) return problem;
  Cert cert = FirstCertificate(cert_bio.get());
  ERR_clear_error();
  if (!cert) return "no PEM certificate in " + QuoteForMessage(cert_path);

  *key_at_fault = true;
  Bio key_bio = Open(key_path, &problem);
  if (!key_bio) return problem;
  Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &NoPassphrase, nullptr),
          &EVP_PKEY_free);
  ERR_clear_error();
  if (!key) {
    return "no usable private key in " + QuoteForMessage(key_path) +
           " (expected unencrypted PEM; encrypted keys are not supported)";
  }
  const bool match = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!match) return QuoteForMessage(key_path) + " is not the key of the certificate in cert_file";
  return "";
}

}  // namespace fme
