// UpstreamClient against real servers on 127.0.0.1: HTTPS upstreams whose certificates come
// from a CA made in the test (verification against ca_file, a wrong CA, a client certificate the
// upstream requires, server_name for SNI and verification, insecure_skip_verify), and secret
// files rotated while the client lives (the new value from the next RefreshSecrets() on, the
// last good value kept while the file is unusable, logged once, never showing the secret).
#include "http/upstream_client.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "log/log.h"
#include "support/test_pki.h"

namespace fme {
namespace {

using fme::testing::TestPki;

class TempFiles {
 public:
  TempFiles() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fme-upstream-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempFiles() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  // Replaces the file atomically (write aside, rename), as secret stores do.
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string path = dir_ + "/" + name;
    const std::string aside = path + ".new";
    std::ofstream(aside, std::ios::binary) << contents;
    std::filesystem::rename(aside, path);
    return path;
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// An httplib server in its own thread, answering every GET through `handler`.
template <typename Server>
class Serving {
 public:
  template <typename... Args>
  explicit Serving(httplib::Server::Handler handler, Args&&... args)
      : server_(std::forward<Args>(args)...) {
    server_.Get(".*", std::move(handler));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Serving() {
    // stop() only stops a server that already runs.
    for (int i = 0; i < 5000 && port_ > 0 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_.stop();
    thread_.join();
  }
  bool valid() const { return server_.is_valid() && port_ > 0; }
  int port() const { return port_; }

 private:
  Server server_;
  int port_ = -1;
  std::thread thread_;
};

HttpClientOptions Options() {
  HttpClientOptions o;
  o.connect_timeout = std::chrono::seconds(5);
  o.read_timeout = std::chrono::seconds(5);
  return o;
}

Result<HttpResponse> Get(HttpClient& client, const std::string& url, const HttpAuth& auth = {}) {
  HttpRequest req;
  req.url = url;
  req.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  req.auth = auth;
  return client.Send(req);
}

// Answers with what the TLS session and the request say about the client: the SNI name it
// sent, the common name of its certificate ("-" without one) and its Host header.
void DescribeClient(const httplib::Request& req, httplib::Response& res) {
  const char* sni = SSL_get_servername(req.ssl, TLSEXT_NAMETYPE_host_name);
  std::string client_cn = "-";
  if (X509* cert = SSL_get1_peer_certificate(req.ssl)) {
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    client_cn = cn;
    X509_free(cert);
  }
  res.set_content(std::string("sni=") + (sni != nullptr ? sni : "-") + " client=" + client_cn +
                      " host=" + req.get_header_value("Host"),
                  "text/plain");
}

class UpstreamTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const TestPki::Issued server =
        ca_.Issue("localhost", {"localhost"}, {"127.0.0.1"}, TestPki::kServer);
    ca_file_ = files_.Write("ca.pem", ca_.ca_pem());
    cert_file_ = files_.Write("server.pem", server.cert_pem);
    key_file_ = files_.Write("server.key", server.key_pem);
  }

  std::string Url(int port) const { return "https://127.0.0.1:" + std::to_string(port) + "/x"; }

  TempFiles files_;
  TestPki ca_{"fme-test-upstream-ca"};
  std::string ca_file_, cert_file_, key_file_;
};

TEST_F(UpstreamTlsTest, VerifiesTheServerAgainstCaFile) {
  Serving<httplib::SSLServer> upstream(DescribeClient, cert_file_.c_str(), key_file_.c_str());
  ASSERT_TRUE(upstream.valid());
  UpstreamTls tls;
  tls.ca_file = ca_file_;
  UpstreamClient client(Options(), tls, {}, "t");
  Result<HttpResponse> res = Get(client, Url(upstream.port()));
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find(" client=- host=127.0.0.1:" + std::to_string(upstream.port())),
            std::string::npos)
      << res->body;
}

TEST_F(UpstreamTlsTest, AnotherCaOrTheSystemStoreFailsWithTheTlsKind) {
  Serving<httplib::SSLServer> upstream(DescribeClient, cert_file_.c_str(), key_file_.c_str());
  ASSERT_TRUE(upstream.valid());
  TestPki other("fme-test-other-ca");
  UpstreamTls wrong;
  wrong.ca_file = files_.Write("other-ca.pem", other.ca_pem());
  for (const UpstreamTls& tls : {wrong, UpstreamTls{}}) {
    UpstreamClient client(Options(), tls, {}, "t");
    Result<HttpResponse> res = Get(client, Url(upstream.port()));
    ASSERT_FALSE(res.ok()) << "ca_file=" << tls.ca_file;
    EXPECT_EQ(res.status().code(), StatusCode::kTls) << res.status().message();
    EXPECT_EQ(StatusCodeName(res.status().code()), "tls");
  }
}

TEST_F(UpstreamTlsTest, InsecureSkipVerifyConnectsWhateverTheCertificate) {
  Serving<httplib::SSLServer> upstream(DescribeClient, cert_file_.c_str(), key_file_.c_str());
  ASSERT_TRUE(upstream.valid());
  TestPki other("fme-test-other-ca");
  UpstreamTls tls;
  tls.ca_file = files_.Write("other-ca.pem", other.ca_pem());
  tls.insecure_skip_verify = true;
  UpstreamClient client(Options(), tls, {}, "t");
  Result<HttpResponse> res = Get(client, Url(upstream.port()));
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->status, 200);
}

TEST_F(UpstreamTlsTest, SendsTheClientCertificateTheUpstreamRequires) {
  TestPki client_ca("fme-test-client-ca");
  const std::string client_ca_file = files_.Write("client-ca.pem", client_ca.ca_pem());
  const TestPki::Issued exporter = client_ca.Issue("exporter-client", {}, {}, TestPki::kClient);
  Serving<httplib::SSLServer> upstream(DescribeClient, cert_file_.c_str(), key_file_.c_str(),
                                       client_ca_file.c_str());
  ASSERT_TRUE(upstream.valid());

  UpstreamTls without;
  without.ca_file = ca_file_;
  UpstreamClient anonymous(Options(), without, {}, "t");
  EXPECT_FALSE(Get(anonymous, Url(upstream.port())).ok()) << "the upstream requires a certificate";

  UpstreamTls with = without;
  with.cert_file = files_.Write("client.pem", exporter.cert_pem);
  with.key_file = files_.Write("client.key", exporter.key_pem);
  UpstreamClient client(Options(), with, {}, "t");
  Result<HttpResponse> res = Get(client, Url(upstream.port()));
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_NE(res->body.find(" client=exporter-client "), std::string::npos) << res->body;
}

TEST_F(UpstreamTlsTest, ServerNameIsSentAndVerifiedWhileTheUrlNamesAnAddress) {
  // A certificate for a name only, as behind a load balancer reached by address.
  const TestPki::Issued named = ca_.Issue("flink.internal", {"flink.internal"}, {}, TestPki::kServer);
  const std::string cert = files_.Write("named.pem", named.cert_pem);
  const std::string key = files_.Write("named.key", named.key_pem);
  Serving<httplib::SSLServer> upstream(DescribeClient, cert.c_str(), key.c_str());
  ASSERT_TRUE(upstream.valid());

  UpstreamTls by_address;
  by_address.ca_file = ca_file_;
  UpstreamClient plain(Options(), by_address, {}, "t");
  Result<HttpResponse> refused = Get(plain, Url(upstream.port()));
  ASSERT_FALSE(refused.ok()) << "the certificate does not name 127.0.0.1";
  EXPECT_EQ(refused.status().code(), StatusCode::kTls);

  UpstreamTls by_name = by_address;
  by_name.server_name = "flink.internal";
  UpstreamClient client(Options(), by_name, {}, "t");
  Result<HttpResponse> res = Get(client, Url(upstream.port()));
  ASSERT_TRUE(res.ok()) << res.status().message();
  // SNI carries the server name; the Host header still names the URL's host.
  EXPECT_EQ(res->body,
            "sni=flink.internal client=- host=127.0.0.1:" + std::to_string(upstream.port()));

  UpstreamTls wrong_name = by_address;
  wrong_name.server_name = "other.internal";
  UpstreamClient mismatched(Options(), wrong_name, {}, "t");
  Result<HttpResponse> mismatch = Get(mismatched, Url(upstream.port()));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), StatusCode::kTls);
}

// --- Secret files -------------------------------------------------------------------------

class SecretRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init(log::Level::kDebug, log::Format::kLogfmt,
              std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    ASSERT_TRUE(upstream_.valid());
  }
  void TearDown() override { log::Init(log::Level::kInfo, log::Format::kLogfmt); }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(upstream_.port()) + "/"; }
  // The Authorization header the upstream received for one request.
  std::string Sent(UpstreamClient& client, const HttpAuth& auth) {
    Result<HttpResponse> res = Get(client, Url(), auth);
    return res.ok() ? res->body : "error: " + res.status().message();
  }

  TempFiles files_;
  std::ostringstream log_;
  Serving<httplib::Server> upstream_{[](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_header_value("Authorization"), "text/plain");
  }};
};

TEST_F(SecretRotationTest, ARotatedTokenIsSentFromTheNextRefreshOn) {
  HttpAuth auth;
  auth.bearer_token_file = files_.Write("token", "tok-first-11111\n");
  auth.bearer_token = "tok-first-11111";
  auth.dcos_token_scheme = true;
  UpstreamClient client(Options(), {}, auth, "mesos-a");
  EXPECT_EQ(Sent(client, auth), "token=tok-first-11111");

  files_.Write("token", "tok-second-2222222\n");
  // Files are looked at once per poll, not per request.
  EXPECT_EQ(Sent(client, auth), "token=tok-first-11111");
  client.RefreshSecrets();
  EXPECT_EQ(Sent(client, auth), "token=tok-second-2222222");
  EXPECT_NE(log_.str().find("secret file changed"), std::string::npos) << log_.str();

  // Gone: the last good token stays, one warning however many polls.
  std::filesystem::remove(files_.Path("token"));
  client.RefreshSecrets();
  client.RefreshSecrets();
  EXPECT_EQ(Sent(client, auth), "token=tok-second-2222222");
  // Empty: not a token either.
  files_.Write("token", "");
  client.RefreshSecrets();
  EXPECT_EQ(Sent(client, auth), "token=tok-second-2222222");
  const std::string log = log_.str();
  std::size_t warnings = 0;
  for (std::size_t at = 0; (at = log.find("secret file unusable", at)) != std::string::npos; ++at) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;

  files_.Write("token", "tok-third-333\n");
  client.RefreshSecrets();
  EXPECT_EQ(Sent(client, auth), "token=tok-third-333");
  EXPECT_NE(log_.str().find("secret file usable again"), std::string::npos) << log_.str();
  for (const char* secret : {"tok-first", "tok-second", "tok-third"}) {
    EXPECT_EQ(log_.str().find(secret), std::string::npos) << secret << " in the log:\n" << log_.str();
  }
}

TEST_F(SecretRotationTest, ARotatedPasswordIsSentAndInlineSecretsStayAsConfigured) {
  HttpAuth auth;
  auth.basic_username = "exporter";
  auth.basic_password_file = files_.Write("password", "pw-one");
  auth.basic_password = "pw-one";
  UpstreamClient client(Options(), {}, auth, "flink-a");
  EXPECT_EQ(Sent(client, auth), "Basic ZXhwb3J0ZXI6cHctb25l");  // exporter:pw-one
  files_.Write("password", "pw-two-longer");
  client.RefreshSecrets();
  EXPECT_EQ(Sent(client, auth), "Basic ZXhwb3J0ZXI6cHctdHdvLWxvbmdlcg==");  // exporter:pw-two-longer

  HttpAuth inline_token;
  inline_token.bearer_token = "inline-token";
  UpstreamClient plain(Options(), {}, inline_token, "flink-b");
  plain.RefreshSecrets();
  EXPECT_EQ(Sent(plain, inline_token), "Bearer inline-token");
}

TEST(HttpAuthTest, SecretsFromFilesCompareByFileSoARotationIsNoTargetChange) {
  HttpAuth a;
  a.bearer_token = "old";
  a.bearer_token_file = "/run/secrets/token";
  HttpAuth b = a;
  b.bearer_token = "new";
  EXPECT_EQ(a, b);
  b.bearer_token_file = "/run/secrets/other";
  EXPECT_NE(a, b);

  HttpAuth inline_a, inline_b;
  inline_a.bearer_token = "old";
  inline_b.bearer_token = "new";
  EXPECT_NE(inline_a, inline_b);
}

}  // namespace
}  // namespace fme
