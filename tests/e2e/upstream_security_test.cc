// Upstream security of the real binary: credentials and TLS towards Flink and Mesos.
//   - Every kind of secret (a literal password, a token from the environment, a password file,
//     a DC/OS token file, a bearer token file, a client key file) configured at once, at debug
//     log level, against upstreams that answer and upstreams that fail (refused, 401, a server
//     certificate from another CA), across a reload: none of the secrets appears in the log, on
//     stdout, the landing page, /api/v1/snapshot, /metrics or `--config.check` output.
//   - A rotated token file is sent from the next poll on, without a reload.
//   - insecure_skip_verify connects to an upstream whose certificate nobody vouches for, and
//     says so in the log at start and again at every reload.
// Certificates come from a CA made in memory for each test (tests/support/test_pki.h).
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../support/test_pki.h"
#include "exporter_process.h"
#include "fake_upstream.h"
#include "fixture_routes.h"

namespace fme::e2e {
namespace {

using fme::testing::TestPki;

// Secrets, each recognisable wherever it might turn up.
constexpr char kLiteralPassword[] = "L1teral-Pw-4417q";
constexpr char kEnvToken[] = "Env-T0ken-8832z";
constexpr char kFilePassword[] = "F1le-Pw-9023x";
constexpr char kDcosToken[] = "Dc0s-T0ken-7731w";
constexpr char kFileToken[] = "F1le-T0ken-1209v";
constexpr char kEnvVariable[] = "FME_E2E_UPSTREAM_TOKEN";

std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out += kAlphabet[(value >> bits) & 0x3F];
      bits -= 6;
    }
  }
  if (bits > -6) out += kAlphabet[((value << 8) >> (bits + 8)) & 0x3F];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

// An upstream that answers a table of paths (JSON) only to requests carrying the one
// Authorization value it accepts (401 otherwise), over HTTP or HTTPS; with a client CA, the
// TLS handshake requires a client certificate it signed. Counts requests per Authorization.
class AuthUpstream {
 public:
  explicit AuthUpstream(std::map<std::string, std::string> routes)
      : routes_(std::move(routes)), server_(std::make_unique<httplib::Server>()), scheme_("http") {
    Listen();
  }
  AuthUpstream(std::map<std::string, std::string> routes, const std::string& cert,
               const std::string& key, const std::string& client_ca = "")
      : routes_(std::move(routes)),
        server_(std::make_unique<httplib::SSLServer>(
            cert.c_str(), key.c_str(), client_ca.empty() ? nullptr : client_ca.c_str())),
        scheme_("https") {
    Listen();
  }
  ~AuthUpstream() {
    for (int i = 0; i < 5000 && port_ > 0 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  bool ok() const { return server_->is_valid() && port_ > 0; }
  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }

  void Accept(const std::string& authorization) {
    std::lock_guard lock(mu_);
    accepted_ = authorization;
  }
  int RequestsWith(const std::string& authorization) const {
    std::lock_guard lock(mu_);
    auto it = seen_.find(authorization);
    return it == seen_.end() ? 0 : it->second;
  }

 private:
  void Listen() {
    server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string authorization = req.get_header_value("Authorization");
      {
        std::lock_guard lock(mu_);
        ++seen_[authorization];
        if (authorization != accepted_) {
          res.status = 401;
          res.set_content("unauthorized", "text/plain");
          return;
        }
      }
      auto route = routes_.find(req.path);
      if (route == routes_.end()) {
        res.status = 404;
        res.set_content("{\"errors\":[\"Not found.\"]}", "application/json");
        return;
      }
      res.set_content(route->second, "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }

  const std::map<std::string, std::string> routes_;
  std::unique_ptr<httplib::Server> server_;
  const std::string scheme_;
  int port_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  std::string accepted_;                 // guarded by mu_
  std::map<std::string, int> seen_;      // guarded by mu_
};

std::map<std::string, std::string> FlinkRoutes() {
  std::map<std::string, std::string> routes;
  for (const FixtureRoute& r : ReadFixtureRoutes("flink/1.13")) {
    if (r.status == 200) routes[r.path] = Fixture("flink/1.13/" + r.file);
  }
  return routes;
}

std::map<std::string, std::string> MesosRoutes() {
  return {{"/metrics/snapshot", Fixture("mesos/leader_metrics_snapshot_full.json")},
          {"/master/slaves", Fixture("mesos/v0/master_slaves.json")},
          {"/master/state-summary", Fixture("mesos/v0/master_state_summary.json")},
          {"/master/tasks", Fixture("mesos/v0/master_tasks.json")},
          {"/master/roles", Fixture("mesos/v0/master_roles.json")}};
}

std::string Up(const std::string& source, const std::string& name) {
  return source == "flink" ? "flink_up{flink_cluster=\"" + name + "\"}"
                           : "mesos_up{mesos_cluster=\"" + name + "\"}";
}

// Runs `exporter --config.file=<config> --config.check` and returns what it printed.
std::string ConfigCheckOutput(const std::string& config, const std::string& dir, int* exit_code) {
  Subprocess check;
  const std::string out = dir + "/check.stdout", err = dir + "/check.stderr";
  EXPECT_TRUE(check.Start({FME_EXPORTER_BIN, "--config.file=" + config, "--config.check"}, out, err));
  EXPECT_TRUE(WaitFor([&] { return !check.Running(); }, 20s));
  const std::optional<int> status = check.WaitStatus();
  *exit_code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  return ReadFile(out) + ReadFile(err);
}

class UpstreamSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ca_.Issue("localhost", {"localhost"}, {"127.0.0.1"}, TestPki::kServer);
    client_ = client_ca_.Issue("flink-mesos-exporter", {}, {}, TestPki::kClient);
    ca_file_ = files_.Write("upstream-ca.pem", ca_.ca_pem());
    server_cert_ = files_.Write("server.pem", server_.cert_pem);
    server_key_ = files_.Write("server.key", server_.key_pem);
    client_ca_file_ = files_.Write("client-ca.pem", client_ca_.ca_pem());
    client_cert_ = files_.Write("client.pem", client_.cert_pem);
    client_key_ = files_.Write("client.key", client_.key_pem);
  }

  TempDir files_;
  TestPki ca_{"fme-e2e-upstream-ca"};
  TestPki client_ca_{"fme-e2e-exporter-ca"};
  TestPki::Issued server_, client_;
  std::string ca_file_, server_cert_, server_key_, client_ca_file_, client_cert_, client_key_;
};

TEST_F(UpstreamSecurityTest, SecretsAppearNowhere) {
  ASSERT_EQ(::setenv(kEnvVariable, kEnvToken, 1), 0);
  const std::string password_file = files_.Write("flink.password", std::string(kFilePassword) + "\n");
  const std::string dcos_file = files_.Write("dcos.token", std::string(kDcosToken) + "\n");
  const std::string token_file = files_.Write("mesos.token", kFileToken);

  // Answering: Flink over HTTPS with a client certificate and a password file; Mesos with a
  // DC/OS token file.
  AuthUpstream flink_ok(FlinkRoutes(), server_cert_, server_key_, client_ca_file_);
  flink_ok.Accept("Basic " + Base64(std::string("exporter:") + kFilePassword));
  AuthUpstream mesos_ok(MesosRoutes());
  mesos_ok.Accept(std::string("token=") + kDcosToken);
  // Failing: a 401 for the literal password; a refused connection for the token from the
  // environment; a server certificate from a CA the target does not trust for the token file.
  AuthUpstream flink_401(FlinkRoutes());
  flink_401.Accept("Bearer someone-else");
  AuthUpstream mesos_tls(MesosRoutes(), server_cert_, server_key_);
  mesos_tls.Accept(std::string("Bearer ") + kFileToken);
  ASSERT_TRUE(flink_ok.ok() && mesos_ok.ok() && flink_401.ok() && mesos_tls.ok());
  const int refused = ClosedPort();
  ASSERT_GT(refused, 0);
  TestPki stranger("fme-e2e-stranger-ca");
  const std::string stranger_ca = files_.Write("stranger-ca.pem", stranger.ca_pem());

  const std::string config = R"(global:
  poll_interval: 1s
  poll_timeout: 800ms
  connect_timeout: 500ms
  tls:
    ca_file: )" + ca_file_ + R"(
mesos_clusters:
  - name: mesos-ok
    masters: [)" + mesos_ok.url() + R"(]
    state: polling
    bearer_token_file: )" + dcos_file + R"(
    token_scheme: dcos
  - name: mesos-tls
    masters: [)" + mesos_tls.url() + R"(]
    state: polling
    bearer_token_file: )" + token_file + R"(
    tls:
      ca_file: )" + stranger_ca + R"(
flink_clusters:
  - name: flink-ok
    rest_url: )" + flink_ok.url() + R"(
    basic_auth:
      username: exporter
      password_file: )" + password_file + R"(
    tls:
      cert_file: )" + client_cert_ + R"(
      key_file: )" + client_key_ + R"(
  - name: flink-401
    rest_url: )" + flink_401.url() + R"(
    basic_auth:
      username: exporter
      password: )" + kLiteralPassword + R"(
  - name: flink-refused
    rest_url: http://127.0.0.1:)" + std::to_string(refused) + R"(
    bearer_token: ${)" + kEnvVariable + R"(}
)";

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(config, {"--log.level=debug"}));
  ASSERT_TRUE(exporter.WaitReady());
  std::string metrics;
  const auto polled = [&] {
    metrics = exporter.Metrics();
    return SampleValue(metrics, Up("flink", "flink-ok")) == 1.0 &&
           SampleValue(metrics, Up("mesos", "mesos-ok")) == 1.0 &&
           SampleValue(metrics, Up("flink", "flink-401")) == 0.0 &&
           SampleValue(metrics, Up("flink", "flink-refused")) == 0.0 &&
           SampleValue(metrics, Up("mesos", "mesos-tls")) == 0.0 &&
           SampleValue(metrics, "flink_mesos_exporter_poll_errors_total{kind=\"tls\",source=\"mesos\","
                                "target=\"mesos-tls\"}")
                   .value_or(0) > 0;
  };
  ASSERT_TRUE(WaitFor(polled, 20s)) << metrics;
  // The secrets were really used: each answering upstream saw its credentials.
  EXPECT_GT(flink_ok.RequestsWith("Basic " + Base64(std::string("exporter:") + kFilePassword)), 0);
  EXPECT_GT(mesos_ok.RequestsWith(std::string("token=") + kDcosToken), 0);
  EXPECT_GT(flink_401.RequestsWith("Basic " + Base64(std::string("exporter:") + kLiteralPassword)), 0);

  // A reload logs the configuration's outcome too.
  httplib::Client http(exporter.address());
  auto reloaded = http.Post("/-/reload");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->status, 200) << reloaded->body;
  ASSERT_TRUE(WaitFor(polled, 20s)) << metrics;

  std::map<std::string, std::string> outputs;
  for (const char* path : {"/", "/api/v1/snapshot", "/metrics"}) {
    auto res = exporter.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    outputs[path] = res->body;
  }
  EXPECT_NE(outputs["/"].find("flink-401"), std::string::npos) << "the landing page lists targets";
  ASSERT_TRUE(exporter.Stop());
  outputs["log (stderr)"] = exporter.ReadLog();
  outputs["stdout"] = ReadFile(exporter.dir() + "/exporter.stdout");
  EXPECT_FALSE(LinesWith(outputs["log (stderr)"], {"level=debug", "upstream request", "auth=basic",
                                                   "target=flink-ok"})
                   .empty())
      << "the log is at debug level, with every upstream exchange";
  EXPECT_NE(outputs["log (stderr)"].find("kind=tls"), std::string::npos) << "the failures are logged";

  int code = -1;
  outputs["--config.check"] = ConfigCheckOutput(exporter.config_path(), files_.path(), &code);
  EXPECT_EQ(code, 0) << outputs["--config.check"];
  // A configuration with a problem in every secret-bearing target: the problems are printed.
  const std::string broken = files_.Write(
      "broken.yml", config + "  - name: flink-broken\n    rest_url: http://x:1\n    basic_auth:\n"
                             "      username: exporter\n      password: " + kLiteralPassword +
                             "\n      password_fil: " + password_file + "\n");
  outputs["--config.check (invalid)"] = ConfigCheckOutput(broken, files_.path(), &code);
  EXPECT_EQ(code, 1) << outputs["--config.check (invalid)"];

  std::vector<std::string> secrets = {kLiteralPassword, kEnvToken, kFilePassword, kDcosToken,
                                      kFileToken};
  // The client key's PEM body, line by line, and the credentials as they go on the wire.
  for (const std::string& line : Lines(client_.key_pem)) {
    if (line.find("-----") == std::string::npos && line.size() >= 16) secrets.push_back(line);
  }
  for (const char* password : {kFilePassword, kLiteralPassword}) {
    secrets.push_back(Base64(std::string("exporter:") + password));
  }
  for (const auto& [where, text] : outputs) {
    if (where != "stdout") {  // the exporter logs to stderr; stdout stays empty
      EXPECT_FALSE(text.empty()) << where;
    }
    for (const std::string& secret : secrets) {
      EXPECT_EQ(text.find(secret), std::string::npos) << "a secret in " << where << ": " << secret;
    }
  }
  ::unsetenv(kEnvVariable);
}

TEST_F(UpstreamSecurityTest, ARotatedTokenFileIsSentFromTheNextPoll) {
  const std::string token_file = files_.Write("flink.token", "first-T0ken\n");
  AuthUpstream flink(FlinkRoutes());
  flink.Accept("Bearer first-T0ken");
  ASSERT_TRUE(flink.ok());
  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(R"(global: {poll_interval: 500ms, poll_timeout: 400ms}
flink_clusters:
  - name: rotating
    rest_url: )" + flink.url() + R"(
    bearer_token_file: )" + token_file + "\n"));
  std::string metrics;
  ASSERT_TRUE(WaitFor([&] {
    metrics = exporter.Metrics();
    return SampleValue(metrics, Up("flink", "rotating")) == 1.0;
  }, 20s)) << metrics;

  // The upstream moves to a new token and the file follows, replaced as secret stores do.
  flink.Accept("Bearer second-T0ken-longer");
  files_.Write("flink.token.new", "second-T0ken-longer\n");
  ASSERT_EQ(std::rename((files_.path() + "/flink.token.new").c_str(), token_file.c_str()), 0);
  ASSERT_TRUE(WaitFor([&] { return flink.RequestsWith("Bearer second-T0ken-longer") > 0; }, 20s));
  ASSERT_TRUE(WaitFor([&] {
    metrics = exporter.Metrics();
    return SampleValue(metrics, Up("flink", "rotating")) == 1.0;
  }, 20s)) << metrics;
  const std::string log = exporter.ReadLog();
  EXPECT_EQ(LinesWith(log, {"secret file changed", "target=rotating"}).size(), 1u) << log;
  EXPECT_EQ(LinesWith(log, {"configuration reloaded"}).size(), 0u) << "no reload was needed";
  EXPECT_EQ(log.find("second-T0ken"), std::string::npos) << log;
}

TEST_F(UpstreamSecurityTest, InsecureSkipVerifyConnectsAndWarnsAtStartAndReload) {
  // No ca_file: the system store does not know the test CA, only skipping verification works.
  AuthUpstream flink(FlinkRoutes(), server_cert_, server_key_);
  flink.Accept("");
  ASSERT_TRUE(flink.ok());
  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(R"(global: {poll_interval: 500ms, poll_timeout: 400ms}
flink_clusters:
  - name: unverified
    rest_url: )" + flink.url() + R"(
    tls: {insecure_skip_verify: true}
  - name: verified
    rest_url: )" + flink.url() + "\n"));
  std::string metrics;
  ASSERT_TRUE(WaitFor([&] {
    metrics = exporter.Metrics();
    return SampleValue(metrics, Up("flink", "unverified")) == 1.0 &&
           SampleValue(metrics, Up("flink", "verified")) == 0.0;
  }, 20s)) << metrics;
  const auto warnings = [&] {
    return LinesWith(exporter.ReadLog(), {"level=warn", "insecure_skip_verify", "target=unverified"})
        .size();
  };
  EXPECT_EQ(warnings(), 1u) << exporter.ReadLog();
  EXPECT_TRUE(LinesWith(exporter.ReadLog(), {"insecure_skip_verify", "target=verified"}).empty());

  httplib::Client http(exporter.address());
  auto reloaded = http.Post("/-/reload");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->status, 200);
  EXPECT_TRUE(WaitFor([&] { return warnings() == 2u; }, 10s)) << exporter.ReadLog();
}

}  // namespace
}  // namespace fme::e2e
