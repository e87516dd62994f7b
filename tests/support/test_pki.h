// TestPki: a certificate authority made in memory for a test (OpenSSL, P-256 keys, valid for two
// days), which issues server and client certificates as PEM text. No openssl command needed.
//
//   TestPki ca("test-ca");
//   TestPki::Issued server = ca.Issue("localhost", {"localhost"}, {"127.0.0.1"}, TestPki::kServer);
//   write ca.ca_pem(), server.cert_pem, server.key_pem to files for the code under test.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fme::testing {

class TestPki {
 public:
  enum Usage { kServer, kClient };
  struct Issued {
    std::string cert_pem;
    std::string key_pem;
  };

  explicit TestPki(const std::string& common_name)
      : key_(NewKey()), cert_(X509_new(), &X509_free) {
    Fill(cert_.get(), common_name, common_name, key_.get(), /*serial=*/1);
    AddExtension(cert_.get(), cert_.get(), NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert_.get(), cert_.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    Sign(cert_.get(), key_.get());
  }

  std::string ca_pem() const { return CertPem(cert_.get()); }

  // A certificate for `common_name` signed by this CA, with the given DNS and IP subject
  // alternative names, for a TLS server or client.
  Issued Issue(const std::string& common_name, const std::vector<std::string>& dns_names,
               const std::vector<std::string>& ips, Usage usage) {
    Key key = NewKey();
    Cert cert(X509_new(), &X509_free);
    Fill(cert.get(), common_name, CommonName(cert_.get()), key.get(), ++serial_);
    AddExtension(cert.get(), cert_.get(), NID_basic_constraints, "CA:FALSE");
    AddExtension(cert.get(), cert_.get(), NID_ext_key_usage,
                 usage == kServer ? "serverAuth" : "clientAuth");
    std::string san;
    for (const std::string& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
    for (const std::string& ip : ips) san += (san.empty() ? "IP:" : ",IP:") + ip;
    if (!san.empty()) AddExtension(cert.get(), cert_.get(), NID_subject_alt_name, san);
    Sign(cert.get(), key_.get());
    return {CertPem(cert.get()), KeyPem(key.get())};
  }

 private:
  using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
  using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

  static void Check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
  }

  static Key NewKey() {
    Key key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    Check(key != nullptr, "key generation");
    return key;
  }

  static std::string CommonName(X509* cert) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return buf;
  }

  static void Fill(X509* cert, const std::string& subject, const std::string& issuer,
                   EVP_PKEY* key, long serial) {
    Check(X509_set_version(cert, 2) == 1, "version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 2 * 24 * 3600);
    Check(X509_set_pubkey(cert, key) == 1, "public key");
    auto name = [](X509_NAME* n, const std::string& cn) {
      X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    };
    name(X509_get_subject_name(cert), subject);
    name(X509_get_issuer_name(cert), issuer);
  }

  static void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    Check(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }

  static void Sign(X509* cert, EVP_PKEY* key) {
    Check(X509_sign(cert, key, EVP_sha256()) > 0, "signature");
  }

  static std::string Drain(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
  }

  static std::string CertPem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    Check(PEM_write_bio_X509(bio.get(), cert) == 1, "certificate PEM");
    return Drain(bio.get());
  }

  static std::string KeyPem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "key PEM");
    return Drain(bio.get());
  }

  Key key_;
  Cert cert_;
  long serial_ = 1;
};

}  // namespace fme::testing
