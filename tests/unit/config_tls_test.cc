// The configuration's `tls` blocks (global default, per target, discover_flink) and the secret
// files' paths kept for re-reading: what is inherited, what is checked at load and how the
// problems read.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fme/config.h"
#include "support/test_pki.h"

namespace fme {
namespace {

using fme::testing::TestPki;

class ConfigTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fme-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    TestPki ca("config-test-ca");
    const TestPki::Issued client = ca.Issue("exporter", {}, {}, TestPki::kClient);
    const TestPki::Issued other = ca.Issue("other", {}, {}, TestPki::kClient);
    Write("ca.pem", ca.ca_pem());
    Write("client.pem", client.cert_pem);
    Write("client.key", client.key_pem);
    Write("other.key", other.key_pem);
    Write("token", "tok-123\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  Result<Config> Parse(const std::string& yaml) const {
    return ParseConfig(yaml, "exporter.yml", dir_.string());
  }
  std::string Errors(const std::string& yaml) const {
    Result<Config> r = Parse(yaml);
    EXPECT_FALSE(r.ok()) << "accepted:\n" << yaml;
    return r.ok() ? "" : r.status().message();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigTlsTest, TargetsInheritTheGlobalBlockKeyByKey) {
  Result<Config> c = Parse(R"(global:
  tls:
    ca_file: ca.pem
    server_name: jm.internal
mesos_clusters:
  - name: m
    masters: [https://10.0.0.1:5050]
    tls: {cert_file: client.pem, key_file: client.key}
    discover_flink:
      tls: {insecure_skip_verify: true}
flink_clusters:
  - name: a
    rest_url: https://10.0.0.2:8081
  - name: b
    rest_url: https://10.0.0.3:8081
    tls: {server_name: b.internal}
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  UpstreamTls global;
  global.ca_file = Path("ca.pem");
  global.server_name = "jm.internal";
  EXPECT_EQ(c->flink_clusters[0].tls, global);

  UpstreamTls b = global;
  b.server_name = "b.internal";
  EXPECT_EQ(c->flink_clusters[1].tls, b);

  UpstreamTls m = global;
  m.cert_file = Path("client.pem");
  m.key_file = Path("client.key");
  EXPECT_EQ(c->mesos_clusters[0].tls, m);

  // Discovered clusters start from the global block, not from their Mesos cluster's.
  UpstreamTls discovered = global;
  discovered.insecure_skip_verify = true;
  ASSERT_TRUE(c->mesos_clusters[0].discover_flink.has_value());
  EXPECT_EQ(c->mesos_clusters[0].discover_flink->tls, discovered);
}

TEST_F(ConfigTlsTest, WithoutTlsBlocksTheSystemStoreVerifies) {
  Result<Config> c = Parse("flink_clusters:\n  - {name: a, rest_url: https://jm:8081}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->flink_clusters[0].tls, UpstreamTls{});
  EXPECT_FALSE(c->flink_clusters[0].tls.insecure_skip_verify);
}

TEST_F(ConfigTlsTest, ProblemsNameTheFileLineAndKey) {
  Write("not-pem.txt", "hello\n");
  const std::string errors = Errors(R"(global:
  tls:
    ca_file: missing.pem
flink_clusters:
  - name: a
    rest_url: https://jm:8081
    tls:
      cert_file: client.pem
  - name: b
    rest_url: https://jm:8082
    tls:
      ca_file: not-pem.txt
      cert_file: client.pem
      key_file: other.key
      server_name: "bad name"
      insecure_skip_verify: yes
      ca: inline
)");
  const std::string missing = Path("missing.pem");
  EXPECT_EQ(errors,
            "exporter.yml:3: global.tls.ca_file: cannot read \"" + missing +
                "\": No such file or directory\n"
                "exporter.yml:8: flink_clusters[0].tls.key_file: required with cert_file (a "
                "client certificate and its key go together)\n"
                "exporter.yml:12: flink_clusters[1].tls.ca_file: no PEM certificate in \"" +
                Path("not-pem.txt") +
                "\"\n"
                "exporter.yml:14: flink_clusters[1].tls.key_file: \"" + Path("other.key") +
                "\" is not the key of the certificate in cert_file\n"
                "exporter.yml:15: flink_clusters[1].tls.server_name: invalid server name \"bad "
                "name\" (expected a DNS name)\n"
                "exporter.yml:16: flink_clusters[1].tls.insecure_skip_verify: expected true or "
                "false, got \"yes\"\n"
                "exporter.yml:17: flink_clusters[1].tls.ca: inline certificates are not "
                "supported; put them in a file and use ca_file");
}

TEST_F(ConfigTlsTest, KeyFileContentsNeverAppearInProblems) {
  Write("garbage.key", "SECRET-KEY-MATERIAL-xyz\n");
  const std::string errors = Errors(R"(flink_clusters:
  - name: a
    rest_url: https://jm:8081
    tls: {cert_file: client.pem, key_file: garbage.key}
)");
  EXPECT_NE(errors.find("tls.key_file: no usable private key in"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("SECRET-KEY-MATERIAL"), std::string::npos) << errors;
}

TEST_F(ConfigTlsTest, SecretFilesAreKeptForReReading) {
  Write("password", "pw\n");
  Result<Config> c = Parse(R"(mesos_clusters:
  - name: m
    masters: [http://m:5050]
    bearer_token_file: token
    token_scheme: dcos
flink_clusters:
  - name: a
    rest_url: http://jm:8081
    basic_auth: {username: u, password_file: password}
  - name: b
    rest_url: http://jm:8082
    bearer_token: inline-tok
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mesos_clusters[0].auth.bearer_token, "tok-123");
  EXPECT_EQ(c->mesos_clusters[0].auth.bearer_token_file, Path("token"));
  EXPECT_TRUE(c->mesos_clusters[0].auth.dcos_token_scheme);
  EXPECT_EQ(c->flink_clusters[0].auth.basic_password, "pw");
  EXPECT_EQ(c->flink_clusters[0].auth.basic_password_file, Path("password"));
  EXPECT_EQ(c->flink_clusters[1].auth.bearer_token, "inline-tok");
  EXPECT_TRUE(c->flink_clusters[1].auth.bearer_token_file.empty());
}

TEST_F(ConfigTlsTest, AChangedTlsBlockIsAChangedTarget) {
  const std::string base = "flink_clusters:\n  - name: a\n    rest_url: https://jm:8081\n";
  Result<Config> before = Parse(base + "    tls: {ca_file: ca.pem}\n");
  Result<Config> same = Parse(base + "    tls: {ca_file: ca.pem}\n");
  Result<Config> after = Parse(base + "    tls: {ca_file: ca.pem, server_name: jm.internal}\n");
  ASSERT_TRUE(before.ok() && same.ok() && after.ok());
  EXPECT_EQ(before->flink_clusters[0], same->flink_clusters[0]);
  EXPECT_NE(before->flink_clusters[0], after->flink_clusters[0]);
}

}  // namespace
}  // namespace fme
