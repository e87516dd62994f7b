// --web.config.file on the real binary: HTTPS with TLS 1.2 as the floor (a TLS 1.1 client is
// refused by the server, not by itself), bcrypt basic auth on every endpoint but /-/healthy,
// client certificates verified against a CA, extra response headers, the shipped example, and
// bad web configurations refused at start with file, line and key. Certificates and keys are
// made for each test with the openssl command in a temporary directory; the tests skip when
// openssl is missing. No password reaches the log, at debug level included.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "exporter_process.h"

namespace fme::e2e {
namespace {

// bcrypt (cost 4, to keep the tests fast) of kPassword; not a secret of anything real.
constexpr char kPassword[] = "e2e-Pa55word-xyz";
constexpr char kHash[] = "$2b$04$8LmbP0068TCHghyH0lrHNeXgKa8neEhvXMiX9Y6PW8vHxmc8aOwH.";
constexpr char kWrongPassword[] = "e2e-Wr0ng-guess";

// Extensions for the certificates below, in an openssl configuration of our own so that the
// system's openssl.cnf does not matter.
constexpr char kOpensslConfig[] = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
subjectAltName = IP:127.0.0.1, DNS:localhost
extendedKeyUsage = serverAuth
[client_ext]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
)";

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// A CA, a server certificate it signed (for 127.0.0.1), a client certificate signed by a second
// CA, and a self-signed client certificate that no configured CA vouches for.
class Certificates {
 public:
  ::testing::AssertionResult Make() {
    openssl_ = FindProgram("", "openssl");
    if (openssl_.empty()) return ::testing::AssertionFailure() << "openssl not found";
    cnf_ = dir_.Write("openssl.cnf", kOpensslConfig);
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    std::vector<std::string> steps = {
        "req -x509 -config " + Quote(cnf_) + " -extensions ca_ext" + ec + " -keyout " + P("ca.key") +
            " -out " + P("ca.crt") + " -days 2 -subj /CN=fme-e2e-server-ca",
        "req -new -config " + Quote(cnf_) + ec + " -keyout " + P("server.key") + " -out " +
            P("server.csr") + " -subj /CN=localhost",
        "x509 -req -in " + P("server.csr") + " -CA " + P("ca.crt") + " -CAkey " + P("ca.key") +
            " -set_serial 1 -days 2 -extfile " + Quote(cnf_) + " -extensions server_ext -out " +
            P("server.crt"),
        "req -x509 -config " + Quote(cnf_) + " -extensions ca_ext" + ec + " -keyout " +
            P("client-ca.key") + " -out " + P("client-ca.crt") + " -days 2 -subj /CN=fme-e2e-client-ca",
        "req -new -config " + Quote(cnf_) + ec + " -keyout " + P("client.key") + " -out " +
            P("client.csr") + " -subj /CN=prometheus",
        "x509 -req -in " + P("client.csr") + " -CA " + P("client-ca.crt") + " -CAkey " +
            P("client-ca.key") + " -set_serial 2 -days 2 -extfile " + Quote(cnf_) +
            " -extensions client_ext -out " + P("client.crt"),
        "req -x509 -config " + Quote(cnf_) + " -extensions client_ext" + ec + " -keyout " +
            P("rogue.key") + " -out " + P("rogue.crt") + " -days 2 -subj /CN=rogue",
    };
    for (const std::string& step : steps) {
      const std::string command = Quote(openssl_) + " " + step + " > " + P("openssl.log") + " 2>&1";
      const int status = std::system(command.c_str());
      if (status != 0) {
        return ::testing::AssertionFailure() << "openssl " << step << ": " << DescribeWaitStatus(status)
                                             << "\n" << ReadFile(path("openssl.log"));
      }
    }
    return ::testing::AssertionSuccess();
  }

  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  const TempDir& dir() const { return dir_; }

 private:
  std::string P(const std::string& name) const { return Quote(path(name)); }

  TempDir dir_;
  std::string openssl_;
  std::string cnf_;
};

// The outcome of a bare TLS handshake.
struct Handshake {
  bool ok = false;
  std::string version;  // "TLSv1.2", ... when ok
  std::string error;    // OpenSSL's reason otherwise
};

// Connects to 127.0.0.1:port and shakes hands offering only the versions min..max. The client
// allows everything OpenSSL can do (security level 0), so a refusal comes from the server.
Handshake TryHandshake(int port, int min_version, int max_version) {
  Handshake out;
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx.get(), min_version);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    out.error = "connect failed";
    return out;
  }
  SSL* ssl = SSL_new(ctx.get());
  SSL_set_fd(ssl, fd);
  ERR_clear_error();
  if (SSL_connect(ssl) == 1) {
    out.ok = true;
    out.version = SSL_get_version(ssl);
    SSL_shutdown(ssl);
  } else {
    const unsigned long e = ERR_get_error();
    const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
    out.error = reason != nullptr ? reason : "handshake failed";
  }
  SSL_free(ssl);
  ::close(fd);
  return out;
}

class WebSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A client whose certificate is refused writes to a connection the server has closed.
    std::signal(SIGPIPE, SIG_IGN);
    if (FindProgram("", "openssl").empty()) GTEST_SKIP() << "openssl not found";
    ASSERT_TRUE(certs_.Make());
  }

  // Starts the exporter (no targets) on a web configuration written next to the certificates.
  ::testing::AssertionResult Start(const std::string& web_yaml,
                                   std::vector<std::string> flags = {"--log.level=debug"}) {
    web_config_ = certs_.dir().Write("web.yml", web_yaml);
    flags.push_back("--web.config.file=" + web_config_);
    return exporter_.Start("", flags);
  }

  std::unique_ptr<httplib::SSLClient> Client(const std::string& cert = "", const std::string& key = "") {
    auto client = cert.empty()
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", exporter_.port())
                      : std::make_unique<httplib::SSLClient>("127.0.0.1", exporter_.port(),
                                                             certs_.path(cert), certs_.path(key));
    client->set_ca_cert_path(certs_.path("ca.crt").c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(std::chrono::seconds(2));
    client->set_read_timeout(std::chrono::seconds(5));
    return client;
  }

  static std::string TlsWith(const std::string& extra) {
    return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra;
  }

  Certificates certs_;
  ExporterProcess exporter_;
  std::string web_config_;
};

TEST_F(WebSecurityTest, ServesTls12AndTls13AndRefusesTls11) {
  ASSERT_TRUE(Start(TlsWith("")));
  const Handshake v11 = TryHandshake(exporter_.port(), TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_FALSE(v11.ok);
  // The server's "protocol version" alert: the client did offer TLS 1.1.
  EXPECT_NE(v11.error.find("alert protocol version"), std::string::npos) << v11.error;
  const Handshake v10 = TryHandshake(exporter_.port(), TLS1_VERSION, TLS1_VERSION);
  EXPECT_FALSE(v10.ok);

  const Handshake v12 = TryHandshake(exporter_.port(), TLS1_2_VERSION, TLS1_2_VERSION);
  EXPECT_TRUE(v12.ok) << v12.error;
  EXPECT_EQ(v12.version, "TLSv1.2");
  const Handshake v13 = TryHandshake(exporter_.port(), TLS1_3_VERSION, TLS1_3_VERSION);
  EXPECT_TRUE(v13.ok) << v13.error;
  EXPECT_EQ(v13.version, "TLSv1.3");
  // A client offering 1.1..1.3 gets the newest.
  EXPECT_EQ(TryHandshake(exporter_.port(), TLS1_1_VERSION, TLS1_3_VERSION).version, "TLSv1.3");

  // HTTP requests over TLS, the server's certificate verified against the CA.
  auto res = Client()->Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("flink_mesos_exporter_build_info"), std::string::npos);
  // Plain HTTP on the TLS port gets nothing.
  EXPECT_FALSE(exporter_.Get("/-/healthy"));
  EXPECT_NE(exporter_.ReadLog().find("msg=listening address=127.0.0.1:" +
                                     std::to_string(exporter_.port()) + " telemetry_path=/metrics tls=true"),
            std::string::npos)
      << exporter_.ReadLog();
}

TEST_F(WebSecurityTest, MinAndMaxVersionsAreEnforced) {
  ASSERT_TRUE(Start(TlsWith("  min_version: TLS13\n")));
  EXPECT_FALSE(TryHandshake(exporter_.port(), TLS1_2_VERSION, TLS1_2_VERSION).ok);
  EXPECT_TRUE(TryHandshake(exporter_.port(), TLS1_3_VERSION, TLS1_3_VERSION).ok);
  ASSERT_TRUE(exporter_.Stop());

  ExporterProcess capped;
  const std::string web = certs_.dir().Write("web12.yml", TlsWith("  max_version: TLS12\n"));
  ASSERT_TRUE(capped.Start("", {"--web.config.file=" + web}));
  EXPECT_FALSE(TryHandshake(capped.port(), TLS1_3_VERSION, TLS1_3_VERSION).ok);
  EXPECT_EQ(TryHandshake(capped.port(), TLS1_2_VERSION, TLS1_3_VERSION).version, "TLSv1.2");
}

TEST_F(WebSecurityTest, BasicAuthOnEveryEndpointButHealthy) {
  ASSERT_TRUE(Start(TlsWith("basic_auth_users:\n  prometheus: " + std::string(kHash) + "\n" +
                            "http_server_config:\n  headers:\n    X-Frame-Options: deny\n")));
  auto client = Client();
  // No credentials.
  for (const char* path : {"/metrics", "/", "/-/ready", "/api/v1/snapshot"}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"flink-mesos-exporter\"") << path;
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny") << path;
    EXPECT_EQ(res->body.find("flink_mesos_exporter"), std::string::npos) << path;
  }
  auto reload = client->Post("/-/reload", "", "text/plain");
  ASSERT_TRUE(reload);
  EXPECT_EQ(reload->status, 401);
  // Liveness probes need nothing.
  auto healthy = client->Get("/-/healthy");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "Healthy.\n");

  // Wrong password, unknown user.
  client->set_basic_auth("prometheus", kWrongPassword);
  auto wrong = client->Get("/metrics");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  client->set_basic_auth("grafana", kPassword);
  auto unknown = client->Get("/metrics");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);

  // The right one, twice (the second from the cache), on a fresh connection each time.
  for (int i = 0; i < 2; ++i) {
    auto ok_client = Client();
    ok_client->set_basic_auth("prometheus", kPassword);
    auto res = ok_client->Get("/metrics");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_NE(res->body.find("flink_mesos_exporter_build_info"), std::string::npos);
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny");
    EXPECT_EQ(ok_client->Get("/")->status, 200);
  }

  // Refusals are logged at debug, without any secret.
  const std::string log = exporter_.ReadLog();
  EXPECT_FALSE(LinesWith(log, {"level=debug", "authentication failed", "reason=\"wrong password\"",
                               "user=prometheus"}).empty()) << log;
  EXPECT_FALSE(LinesWith(log, {"authentication failed", "reason=\"unknown user\""}).empty()) << log;
  for (const std::string& secret :
       {std::string(kPassword), std::string(kWrongPassword), std::string("grafana"),
        httplib::make_basic_authentication_header("prometheus", kPassword).second.substr(6),
        httplib::make_basic_authentication_header("prometheus", kWrongPassword).second.substr(6),
        std::string(kHash)}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds " << secret << ":\n" << log;
  }
}

TEST_F(WebSecurityTest, BasicAuthWorksOverPlainHttpToo) {
  ASSERT_TRUE(Start("basic_auth_users:\n  prometheus: " + std::string(kHash) + "\n"));
  auto res = exporter_.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = exporter_.Get("/metrics", {httplib::make_basic_authentication_header("prometheus", kPassword)});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = exporter_.Get("/-/healthy");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// A reload re-reads the web configuration: new users apply at once; a broken file rejects the
// reload (500, gauge 0, error logged) and the running users stay.
TEST_F(WebSecurityTest, ReloadAppliesNewUsersAndRejectsABrokenWebConfiguration) {
  ASSERT_TRUE(Start("basic_auth_users:\n  prometheus: " + std::string(kHash) + "\n"));
  const auto as = [](const char* user) {
    return httplib::Headers{httplib::make_basic_authentication_header(user, kPassword)};
  };
  httplib::Client client("127.0.0.1", exporter_.port());

  certs_.dir().Write("web.yml", "basic_auth_users:\n  grafana: " + std::string(kHash) + "\n");
  auto res = client.Post("/-/reload", as("prometheus"), "", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = exporter_.Get("/metrics", as("prometheus"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << "the user left the file";
  res = exporter_.Get("/metrics", as("grafana"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  certs_.dir().Write("web.yml", "basic_auth_users:\n  grafana: not-a-bcrypt-hash\n");
  res = client.Post("/-/reload", as("grafana"), "", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_NE(res->body.find("web.yml:2: basic_auth_users.grafana"), std::string::npos) << res->body;
  res = exporter_.Get("/metrics", as("grafana"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << "the running web configuration stays";
  EXPECT_EQ(SampleValue(res->body, "flink_mesos_exporter_config_last_reload_successful"), 0.0);
  EXPECT_FALSE(LinesWith(exporter_.ReadLog(), {"level=error", "configuration reload rejected",
                                               "basic_auth_users.grafana"})
                   .empty())
      << exporter_.ReadLog();
}

TEST_F(WebSecurityTest, RequireAndVerifyClientCert) {
  ASSERT_TRUE(Start(TlsWith("  client_auth_type: RequireAndVerifyClientCert\n"
                            "  client_ca_file: client-ca.crt\n")));
  // No certificate: no answer, /-/healthy included (the TLS layer refuses the connection).
  for (const char* path : {"/metrics", "/-/healthy"}) {
    auto res = Client()->Get(path);
    EXPECT_FALSE(res) << path << " answered " << res->status;
  }
  // A certificate no configured CA signed.
  auto rogue = Client("rogue.crt", "rogue.key")->Get("/metrics");
  EXPECT_FALSE(rogue) << "answered " << rogue->status;
  // Both TLS versions refuse a missing certificate during the handshake.
  EXPECT_FALSE(TryHandshake(exporter_.port(), TLS1_2_VERSION, TLS1_2_VERSION).ok);

  // A certificate signed by client_ca_file.
  auto client = Client("client.crt", "client.key");
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("flink_mesos_exporter_build_info"), std::string::npos);
  res = client->Get("/-/healthy");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(WebSecurityTest, VerifyClientCertIfGivenAcceptsNoneButRefusesAStranger) {
  ASSERT_TRUE(Start(TlsWith("  client_auth_type: VerifyClientCertIfGiven\n"
                            "  client_ca_file: client-ca.crt\n")));
  auto none = Client()->Get("/-/healthy");
  ASSERT_TRUE(none) << httplib::to_string(none.error());
  EXPECT_EQ(none->status, 200);
  EXPECT_FALSE(Client("rogue.crt", "rogue.key")->Get("/-/healthy"));
  auto good = Client("client.crt", "client.key")->Get("/-/healthy");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
}

TEST_F(WebSecurityTest, RequireAnyClientCertTakesAnyCertificate) {
  ASSERT_TRUE(Start(TlsWith("  client_auth_type: RequireAnyClientCert\n")));
  EXPECT_FALSE(Client()->Get("/-/healthy"));
  auto rogue = Client("rogue.crt", "rogue.key")->Get("/-/healthy");
  ASSERT_TRUE(rogue) << httplib::to_string(rogue.error());
  EXPECT_EQ(rogue->status, 200);
}

// Runs the exporter to completion (a bad configuration must stop it before it listens).
struct ExporterRun {
  int exit_code = -1;
  std::string out, err;
};
ExporterRun RunExporter(const TempDir& dir, const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {FME_EXPORTER_BIN, "--config.file=" + dir.Write("exporter.yml", ""),
                                   "--web.listen-address=127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  Subprocess p;
  ExporterRun run;
  if (auto started = p.Start(argv, dir.path() + "/run.out", dir.path() + "/run.err"); !started) {
    run.err = started.message();
    return run;
  }
  if (!WaitFor([&] { return !p.Running(); }, std::chrono::seconds(10))) {
    p.Terminate(std::chrono::seconds(1));
    run.err = "still running after 10 s";
    return run;
  }
  const int status = *p.WaitStatus();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(dir.path() + "/run.out");
  run.err = ReadFile(dir.path() + "/run.err");
  return run;
}

TEST_F(WebSecurityTest, BadWebConfigurationStopsTheStartNamingFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string problem;  // after "<file>:"
  };
  const std::vector<Case> cases = {
      {TlsWith("  min_version: TLS11\n"),
       "4: tls_server_config.min_version: TLS11 is not supported: the minimum TLS version is TLS 1.2"},
      {"tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n",
       "2: tls_server_config.cert_file: cannot read \\\"" + certs_.path("missing.crt") +
           "\\\": No such file or directory"},
      {"tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n",
       "3: tls_server_config.key_file: \\\"" + certs_.path("client.key") +
           "\\\" does not match the certificate in cert_file"},
      {"tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n",
       "2: tls_server_config.cert_file: cannot load a PEM certificate"},
      {"basic_auth_users:\n  prometheus: " + std::string(kPassword) + "\n",
       "2: basic_auth_users.prometheus: not a bcrypt hash"},
      {"tls_server_config:\n  cert_file: server.crt\n", "1: tls_server_config: missing key_file"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    const std::string web = certs_.dir().Write("bad-web.yml", c.yaml);
    ExporterRun run = RunExporter(certs_.dir(), {"--web.config.file=" + web});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.err.find("msg=listening"), std::string::npos) << run.err;
    EXPECT_FALSE(LinesWith(run.err, {"level=error", "msg=\"invalid web configuration\"", web + ":" + c.problem})
                     .empty())
        << run.err;
    EXPECT_EQ(run.err.find(kPassword), std::string::npos) << "the log holds the password:\n" << run.err;

    // --config.check reports the same problem.
    ExporterRun check = RunExporter(certs_.dir(), {"--web.config.file=" + web, "--config.check"});
    EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
    EXPECT_EQ(check.err.find(kPassword), std::string::npos) << check.err;
  }
  ExporterRun missing = RunExporter(certs_.dir(), {"--web.config.file=" + certs_.path("nope.yml")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(certs_.path("nope.yml") + ": cannot read web config file"), std::string::npos)
      << missing.err;
}

TEST_F(WebSecurityTest, ConfigCheckValidatesTheWebConfiguration) {
  const std::string web = certs_.dir().Write(
      "good.yml", TlsWith("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: client-ca.crt\n"
                          "basic_auth_users:\n  prometheus: " + std::string(kHash) + "\n"));
  ExporterRun run = RunExporter(certs_.dir(), {"--web.config.file=" + web, "--config.check"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(web + ": OK (TLS (TLS12..TLS13, client certificates: RequireAndVerifyClientCert), "
                               "basic auth (1 user))"),
            std::string::npos)
      << run.out;
}

// The shipped example works as documented: next to a certificate and key, with the example
// password it documents.
TEST_F(WebSecurityTest, ShippedExampleWorksWithItsDocumentedPassword) {
  const std::string example = ReadFile(FME_E2E_WEB_CONFIG_EXAMPLE);
  ASSERT_FALSE(example.empty()) << FME_E2E_WEB_CONFIG_EXAMPLE;
  ASSERT_TRUE(Start(example, {}));
  auto client = Client();
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 401);
  client->set_basic_auth("prometheus", "example-password-change-me");
  res = client->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny");
}

}  // namespace
}  // namespace fme::e2e
