#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fme/config.h"

namespace fme {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Result<Config> Parse(const std::string& yaml, const std::string& base_dir = "") {
  return ParseConfig(yaml, "exporter.yml", base_dir);
}

// The error message of a config that must be rejected.
std::string Errors(const std::string& yaml, const std::string& base_dir = "") {
  Result<Config> r = Parse(yaml, base_dir);
  EXPECT_FALSE(r.ok()) << "accepted:\n" << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidConfig);
  return r.status().message();
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A fresh directory per test for secret and config files, removed afterwards.
class ConfigFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fme-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::filesystem::path dir_;
};

// ---- valid configurations ------------------------------------------------------------------

TEST(ConfigLoaderTest, EmptyFileIsValidWithDefaults) {
  for (const char* text : {"", "\n", "# only a comment\n# and another\n", "---\n", "~\n"}) {
    Result<Config> c = Parse(text);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_TRUE(c->mesos_clusters.empty());
    EXPECT_TRUE(c->flink_clusters.empty());
    EXPECT_EQ(c->poll.interval, seconds(15));
    EXPECT_EQ(c->poll.timeout, seconds(10));
    EXPECT_DOUBLE_EQ(c->poll.jitter, 0.1);
    EXPECT_EQ(c->http.connect_timeout, seconds(5));
    EXPECT_EQ(c->http.max_response_bytes, 64u << 20);
    EXPECT_EQ(c->http.max_redirects, 5);
  }
}

TEST(ConfigLoaderTest, EmptySectionsAreValid) {
  Result<Config> c = Parse("global:\nmesos_clusters:\nflink_clusters: []\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->mesos_clusters.empty());
  EXPECT_TRUE(c->flink_clusters.empty());
}

TEST(ConfigLoaderTest, ParsesEveryOption) {
  Result<Config> c = Parse(R"(global:
  poll_interval: 30s
  poll_timeout: 20s
  poll_jitter: 0.2
  connect_timeout: 2s
  max_response_size: 10MB
  max_redirects: 0
mesos_clusters:
  - name: prod
    masters: [http://m1:5050, "https://m2:5050/"]
    poll_interval: 1m
    basic_auth: {username: u, password: p}
flink_clusters:
  - name: analytics
    rest_url: http://jm:8081/
    poll_timeout: 5s
    bearer_token: tok
  - name: other
    rest_url: HTTPS://flink.example.com/proxy/flink/
    poll_jitter: 0
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->poll.interval, seconds(30));
  EXPECT_EQ(c->poll.timeout, seconds(20));
  EXPECT_DOUBLE_EQ(c->poll.jitter, 0.2);
  EXPECT_EQ(c->http.connect_timeout, seconds(2));
  EXPECT_EQ(c->http.max_response_bytes, 10u * 1000 * 1000);
  EXPECT_EQ(c->http.max_redirects, 0);

  ASSERT_EQ(c->mesos_clusters.size(), 1u);
  const MesosClusterConfig& m = c->mesos_clusters[0];
  EXPECT_EQ(m.name, "prod");
  EXPECT_EQ(m.masters, (std::vector<std::string>{"http://m1:5050", "https://m2:5050"}));
  EXPECT_EQ(m.poll.interval, seconds(60));
  EXPECT_EQ(m.poll.timeout, seconds(20));
  EXPECT_DOUBLE_EQ(m.poll.jitter, 0.2);
  EXPECT_EQ(m.auth.basic_username, "u");
  EXPECT_EQ(m.auth.basic_password, "p");
  EXPECT_FALSE(m.auth.bearer_token.has_value());

  ASSERT_EQ(c->flink_clusters.size(), 2u);
  const FlinkClusterConfig& f = c->flink_clusters[0];
  EXPECT_EQ(f.name, "analytics");
  EXPECT_EQ(f.rest_url, "http://jm:8081");
  EXPECT_EQ(f.poll.interval, seconds(30));
  EXPECT_EQ(f.poll.timeout, seconds(5));
  EXPECT_EQ(f.auth.bearer_token, "tok");
  EXPECT_FALSE(f.auth.basic_username.has_value());
  EXPECT_EQ(c->flink_clusters[1].rest_url, "https://flink.example.com/proxy/flink");
  EXPECT_DOUBLE_EQ(c->flink_clusters[1].poll.jitter, 0.0);
}

TEST(ConfigLoaderTest, ClustersInheritGlobalsFieldByFieldWhateverTheOrder) {
  // global comes after the clusters in the file; it still applies to them.
  Result<Config> c = Parse(R"(flink_clusters:
  - {name: a, rest_url: "http://a:8081", poll_timeout: 500ms}
global: {poll_interval: 1m, poll_jitter: 0.3}
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const PollSettings& p = c->flink_clusters[0].poll;
  EXPECT_EQ(p.interval, seconds(60));
  EXPECT_EQ(p.timeout, milliseconds(500));
  EXPECT_DOUBLE_EQ(p.jitter, 0.3);
}

TEST(ConfigLoaderTest, NormalisesUrls) {
  Result<Config> c = Parse(R"(mesos_clusters:
  - name: m
    masters:
      - http://m1:5050//
      - http://[::1]:5050
      - https://Master.Example.com/mesos
      - http://10.0.0.1
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mesos_clusters[0].masters,
            (std::vector<std::string>{"http://m1:5050/", "http://[::1]:5050",
                                      "https://Master.Example.com/mesos", "http://10.0.0.1"}));
}

TEST(ConfigLoaderTest, NamesMayHoldAnyText) {
  Result<Config> c = Parse(R"(flink_clusters:
  - name: "quote \" backslash \\ newline \n end"
    rest_url: http://a:1
  - name: "ünïcødé 名前"
    rest_url: http://b:1
mesos_clusters:
  - name: "quote \" backslash \\ newline \n end"
    masters: [http://m:5050]
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->flink_clusters[0].name, "quote \" backslash \\ newline \n end");
  EXPECT_EQ(c->flink_clusters[1].name, "ünïcødé 名前");
  // Mesos and Flink names live in different label namespaces.
  EXPECT_EQ(c->mesos_clusters[0].name, c->flink_clusters[0].name);
}

// ---- structure ----------------------------------------------------------------------------

TEST(ConfigLoaderTest, RejectsTopLevelThatIsNotAMapping) {
  EXPECT_EQ(Errors("- a\n- b\n"),
            "exporter.yml:1: top level: expected a mapping with keys global, mesos_clusters, "
            "flink_clusters, got a list");
  EXPECT_EQ(Errors("# header\nhello\n"),
            "exporter.yml:2: top level: expected a mapping with keys global, mesos_clusters, "
            "flink_clusters, got a scalar");
}

TEST(ConfigLoaderTest, RejectsUnknownKeysEverywhere) {
  EXPECT_EQ(Errors(R"(global:
  poll_interval: 15s
  # comment
  poll_intervl: 15s
)"),
            "exporter.yml:4: global.poll_intervl: unknown key (did you mean poll_interval?)");
  EXPECT_EQ(Errors("scrape_configs: []\n"), "exporter.yml:1: scrape_configs: unknown key");
  EXPECT_EQ(Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
    masters: [http://m:5050]
    basic_auth:
      username: u
      password: p
      extra: x
)"),
            "exporter.yml:4: flink_clusters[0].masters: unknown key\n"
            "exporter.yml:8: flink_clusters[0].basic_auth.extra: unknown key");
}

TEST(ConfigLoaderTest, RejectsDuplicateKeys) {
  EXPECT_EQ(Errors("global:\n  poll_interval: 15s\n  poll_interval: 30s\n"),
            "exporter.yml:3: global.poll_interval: duplicate key (first at line 2)");
}

TEST(ConfigLoaderTest, RejectsWrongShapes) {
  EXPECT_EQ(Errors("global: [1, 2]\n"), "exporter.yml:1: global: expected a mapping, got a list");
  EXPECT_EQ(Errors("mesos_clusters:\n  name: a\n"),
            "exporter.yml:2: mesos_clusters: expected a list of clusters, got a mapping");
  EXPECT_EQ(Errors("flink_clusters:\n  - just-a-name\n"),
            "exporter.yml:2: flink_clusters[0]: expected a mapping, got a scalar");
  EXPECT_EQ(Errors("flink_clusters:\n  - name: [a]\n    rest_url: http://a:1\n"),
            "exporter.yml:2: flink_clusters[0].name: expected a single value, got a list");
  EXPECT_EQ(Errors("global:\n  poll_interval:\n"),
            "exporter.yml:2: global.poll_interval: missing value");
}

TEST(ConfigLoaderTest, ReportsYamlSyntaxErrorsWithLine) {
  const std::string e = Errors("global:\n  poll_interval: [15s\nflink_clusters: []\n");
  EXPECT_EQ(e.rfind("exporter.yml:", 0), 0u) << e;
  EXPECT_NE(e.find(": yaml: syntax error: "), std::string::npos) << e;
  EXPECT_NE(e.find("(column "), std::string::npos) << e;
  EXPECT_EQ(Errors("a: b\n  c: d\n").rfind("exporter.yml:2: yaml: syntax error: ", 0), 0u);
}

TEST(ConfigLoaderTest, RejectsMoreThanOneDocument) {
  EXPECT_EQ(Errors("global: {}\n---\nglobal: {}\n"),
            "exporter.yml:3: top level: only one YAML document is allowed");
}

// ---- values -------------------------------------------------------------------------------

TEST(ConfigLoaderTest, RejectsInvalidDurationWithKeyPathAndLine) {
  EXPECT_EQ(Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
  - name: b
    rest_url: http://b:1
    poll_interval: 5x
)"),
            "exporter.yml:6: flink_clusters[1].poll_interval: invalid duration \"5x\" "
            "(expected e.g. 15s, 1m, 500ms)");
  EXPECT_EQ(Errors("global:\n  connect_timeout: 0\n  poll_interval: 0s\n"),
            "exporter.yml:2: global.connect_timeout: must be greater than 0\n"
            "exporter.yml:3: global.poll_interval: must be greater than 0");
}

TEST(ConfigLoaderTest, RequiresTimeoutNotAboveInterval) {
  EXPECT_EQ(Errors("global:\n  poll_interval: 10s\n  poll_timeout: 11s\n"),
            "exporter.yml:3: global.poll_timeout: poll_timeout (11s) must not exceed "
            "poll_interval (10s)");
  EXPECT_EQ(Errors("global:\n  poll_interval: 5s\n"),
            "exporter.yml:2: global.poll_interval: poll_interval (5s) must not be shorter than "
            "poll_timeout (10s, the default)");
  EXPECT_EQ(Errors(R"(global:
  poll_timeout: 20s
  poll_interval: 30s
flink_clusters:
  - name: a
    rest_url: http://a:1
    poll_interval: 15s
  - name: b
    rest_url: http://b:1
    poll_timeout: 1m
)"),
            "exporter.yml:7: flink_clusters[0].poll_interval: poll_interval (15s) must not be "
            "shorter than poll_timeout (20s, from global)\n"
            "exporter.yml:10: flink_clusters[1].poll_timeout: poll_timeout (1m) must not exceed "
            "poll_interval (30s, from global)");
  // Equal is fine.
  EXPECT_TRUE(Parse("global: {poll_interval: 10s, poll_timeout: 10s}\n").ok());
}

TEST(ConfigLoaderTest, ChecksJitterRange) {
  EXPECT_TRUE(Parse("global: {poll_jitter: 0}\n").ok());
  EXPECT_TRUE(Parse("global: {poll_jitter: 0.49}\n").ok());
  EXPECT_EQ(Errors("global:\n  poll_jitter: 0.5\n"),
            "exporter.yml:2: global.poll_jitter: must be at least 0 and less than 0.5, got 0.5");
  EXPECT_EQ(Errors("global:\n  poll_jitter: -0.1\n"),
            "exporter.yml:2: global.poll_jitter: must be at least 0 and less than 0.5, got -0.1");
  EXPECT_EQ(Errors("global:\n  poll_jitter: 10%\n"),
            "exporter.yml:2: global.poll_jitter: invalid number \"10%\" (expected e.g. 0.1)");
  EXPECT_EQ(Errors("global:\n  poll_jitter: nan\n"),
            "exporter.yml:2: global.poll_jitter: invalid number \"nan\" (expected e.g. 0.1)");
}

TEST(ConfigLoaderTest, ChecksHttpSettings) {
  Result<Config> c = Parse("global: {max_redirects: 20, max_response_size: 1048576}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->http.max_redirects, 20);
  EXPECT_EQ(c->http.max_response_bytes, 1048576u);
  EXPECT_EQ(Errors("global:\n  max_redirects: 21\n  max_response_size: 0\n"),
            "exporter.yml:2: global.max_redirects: invalid value \"21\" (expected an integer "
            "from 0 to 20)\n"
            "exporter.yml:3: global.max_response_size: must be greater than 0");
  EXPECT_EQ(Errors("global:\n  max_redirects: -1\n  max_response_size: 10XB\n"),
            "exporter.yml:2: global.max_redirects: invalid value \"-1\" (expected an integer "
            "from 0 to 20)\n"
            "exporter.yml:3: global.max_response_size: invalid size \"10XB\" (expected a byte "
            "count or e.g. 512KiB, 64MiB, 10MB)");
}

TEST(ConfigLoaderTest, ReadsLimitsWithDefaultsAndBounds) {
  Result<Config> defaults = Parse("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->limits, Limits{});
  EXPECT_GT(defaults->limits.max_series_per_target, 0u) << "a cap is on by default";

  Result<Config> c =
      Parse("limits: {max_series_per_target: 20000, max_series: 0, max_concurrent_requests: 8}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->limits.max_series_per_target, 20000u);
  EXPECT_EQ(c->limits.max_series, 0u);
  EXPECT_EQ(c->limits.max_concurrent_requests, 8);

  EXPECT_EQ(Errors("limits:\n  max_series: -5\n  max_concurrent_requests: lots\n  max_rows: 1\n"),
            "exporter.yml:2: limits.max_series: must be between 0 and 1000000000, got -5\n"
            "exporter.yml:3: limits.max_concurrent_requests: invalid integer \"lots\"\n"
            "exporter.yml:4: limits.max_rows: unknown key");
}

TEST(ConfigLoaderTest, RejectsBadUrls) {
  EXPECT_EQ(Errors(R"(flink_clusters:
  - {name: a, rest_url: "ftp://jm:8081"}
  - {name: b, rest_url: "jm:8081"}
  - {name: c, rest_url: "http://:8081"}
  - {name: d, rest_url: "http://jm:0"}
  - {name: e, rest_url: "http://jm:70000"}
  - {name: f, rest_url: "http://jm:8081/?x=1"}
  - {name: g, rest_url: "http://jm:8081/#top"}
  - {name: h, rest_url: "http://jm :8081"}
  - {name: i, rest_url: "http://jm:"}
  - {name: j, rest_url: "http://::1:8081"}
)"),
            "exporter.yml:2: flink_clusters[0].rest_url: URL \"ftp://jm:8081\" must use http or "
            "https\n"
            "exporter.yml:3: flink_clusters[1].rest_url: invalid URL \"jm:8081\" (expected "
            "http(s)://host[:port][/path])\n"
            "exporter.yml:4: flink_clusters[2].rest_url: URL \"http://:8081\" has no host\n"
            "exporter.yml:5: flink_clusters[3].rest_url: URL \"http://jm:0\" has an invalid port "
            "(expected 1..65535)\n"
            "exporter.yml:6: flink_clusters[4].rest_url: URL \"http://jm:70000\" has an invalid "
            "port (expected 1..65535)\n"
            "exporter.yml:7: flink_clusters[5].rest_url: URL \"http://jm:8081/?x=1\" must not "
            "have a query or fragment\n"
            "exporter.yml:8: flink_clusters[6].rest_url: URL \"http://jm:8081/#top\" must not "
            "have a query or fragment\n"
            "exporter.yml:9: flink_clusters[7].rest_url: URL \"http://jm :8081\" contains spaces "
            "or control characters\n"
            "exporter.yml:10: flink_clusters[8].rest_url: URL \"http://jm:\" has an invalid port "
            "(expected 1..65535)\n"
            "exporter.yml:11: flink_clusters[9].rest_url: URL \"http://::1:8081\" has an invalid "
            "host (IPv6 addresses go in [brackets])");
}

TEST(ConfigLoaderTest, RejectsCredentialsInUrlWithoutEchoingThem) {
  const std::string e = Errors(R"(mesos_clusters:
  - name: m
    masters:
      - http://m1:5050
      - http://admin:hunter2@m2:5050
)");
  EXPECT_EQ(e,
            "exporter.yml:5: mesos_clusters[0].masters[1]: URL must not contain '@' or "
            "credentials (put them in basic_auth)");
  EXPECT_EQ(e.find("hunter2"), std::string::npos);
}

// ---- clusters -----------------------------------------------------------------------------

TEST(ConfigLoaderTest, RequiresClusterKeys) {
  EXPECT_EQ(Errors(R"(mesos_clusters:
  - masters: [http://m:5050]
  - name: ""
    masters: []
  - name: x
flink_clusters:
  - name: f
)"),
            "exporter.yml:2: mesos_clusters[0].name: required key is missing\n"
            "exporter.yml:3: mesos_clusters[1].name: must not be empty\n"
            "exporter.yml:4: mesos_clusters[1].masters: expected a non-empty list of URLs, got "
            "an empty list\n"
            "exporter.yml:5: mesos_clusters[2].masters: required key is missing\n"
            "exporter.yml:7: flink_clusters[0].rest_url: required key is missing");
  EXPECT_EQ(Errors("mesos_clusters:\n  - name: m\n    masters: http://m:5050\n"),
            "exporter.yml:3: mesos_clusters[0].masters: expected a non-empty list of URLs, got a "
            "scalar");
}

TEST(ConfigLoaderTest, RejectsDuplicateClusterNames) {
  EXPECT_EQ(Errors(R"(flink_clusters:
  - name: b
    rest_url: http://b:1
  - rest_url: http://a:1
    name: a
  - name: a
    rest_url: http://a2:1
)"),
            "exporter.yml:6: flink_clusters[2].name: duplicate cluster name \"a\" (first at line "
            "5)");
  // The name is escaped so the message stays one line.
  EXPECT_EQ(Errors("mesos_clusters:\n"
                   "  - {name: \"x\\n\\\"y\", masters: [http://m:1]}\n"
                   "  - {name: \"x\\n\\\"y\", masters: [http://m:1]}\n"),
            "exporter.yml:3: mesos_clusters[1].name: duplicate cluster name \"x\\x0a\\\"y\" "
            "(first at line 2)");
}

TEST(ConfigLoaderTest, RejectsDuplicateMastersAfterNormalising) {
  EXPECT_EQ(Errors(R"(mesos_clusters:
  - name: m
    masters:
      - http://m1:5050
      - HTTP://m1:5050/
)"),
            "exporter.yml:5: mesos_clusters[0].masters[1]: duplicate master \"http://m1:5050\" "
            "(first at line 4)");
}

TEST(ConfigLoaderTest, CollectsAllProblemsSortedByLine) {
  const std::string e = Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
    poll_jitter: 2
global:
  poll_interval: soon
  bogus: 1
mesos_clusters:
  - name: m
    masters: [ftp://m:5050]
)");
  const std::vector<std::string> lines = Lines(e);
  ASSERT_EQ(lines.size(), 4u) << e;
  EXPECT_EQ(lines[0],
            "exporter.yml:4: flink_clusters[0].poll_jitter: must be at least 0 and less than 0.5, "
            "got 2");
  EXPECT_EQ(lines[1],
            "exporter.yml:6: global.poll_interval: invalid duration \"soon\" (expected e.g. 15s, "
            "1m, 500ms)");
  EXPECT_EQ(lines[2], "exporter.yml:7: global.bogus: unknown key");
  EXPECT_EQ(lines[3],
            "exporter.yml:10: mesos_clusters[0].masters[0]: URL \"ftp://m:5050\" must use http "
            "or https");
}

// ---- authentication -----------------------------------------------------------------------

TEST(ConfigLoaderTest, RejectsConflictingOrIncompleteAuth) {
  EXPECT_EQ(Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
    basic_auth: {username: u, password: p}
    bearer_token: t
  - name: b
    rest_url: http://b:1
    bearer_token: t
    bearer_token_file: /t
  - name: c
    rest_url: http://c:1
    basic_auth:
      username: u
      password: p
      password_file: /p
  - name: d
    rest_url: http://d:1
    basic_auth: {password: p}
  - name: e
    rest_url: http://e:1
    basic_auth: {username: "a:b"}
  - name: f
    rest_url: http://f:1
    bearer_token: ""
)"),
            "exporter.yml:5: flink_clusters[0].bearer_token: basic_auth and bearer tokens are "
            "mutually exclusive\n"
            "exporter.yml:9: flink_clusters[1].bearer_token_file: bearer_token and "
            "bearer_token_file are mutually exclusive\n"
            "exporter.yml:15: flink_clusters[2].basic_auth.password_file: password and "
            "password_file are mutually exclusive\n"
            "exporter.yml:18: flink_clusters[3].basic_auth.username: required key is missing\n"
            "exporter.yml:21: flink_clusters[4].basic_auth.username: must not contain ':'\n"
            "exporter.yml:21: flink_clusters[4].basic_auth.password: required key is missing "
            "(set password or password_file)\n"
            "exporter.yml:24: flink_clusters[5].bearer_token: must not be empty");
}

TEST_F(ConfigFilesTest, ReadsSecretFilesRelativeToBaseDir) {
  Write("password", "s3cret\n");
  Write("token", "tok\r\n");
  Write("two-newlines", "pw\n\n");
  Result<Config> c = Parse(R"(mesos_clusters:
  - name: m
    masters: [http://m:5050]
    basic_auth: {username: u, password_file: password}
  - name: n
    masters: [http://n:5050]
    basic_auth: {username: u, password_file: two-newlines}
flink_clusters:
  - name: f
    rest_url: http://f:1
    bearer_token_file: )" + (dir_ / "token").string() +
                               "\n",
                           dir_.string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mesos_clusters[0].auth.basic_password, "s3cret");
  EXPECT_EQ(c->mesos_clusters[1].auth.basic_password, "pw\n");  // only one newline stripped
  EXPECT_EQ(c->flink_clusters[0].auth.bearer_token, "tok");
}

TEST_F(ConfigFilesTest, ReportsUnreadableSecretFilesWithoutContents) {
  Write("bad-token", "line1\nline2-secret\n");
  Write("empty-token", "\n");
  const std::string e = Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
    bearer_token_file: missing-token
  - name: b
    rest_url: http://b:1
    bearer_token_file: bad-token
  - name: c
    rest_url: http://c:1
    bearer_token_file: empty-token
  - name: d
    rest_url: http://d:1
    basic_auth: {username: u, password_file: .}
)",
                               dir_.string());
  const std::string d = dir_.string();
  EXPECT_EQ(e, "exporter.yml:4: flink_clusters[0].bearer_token_file: cannot read \"" + d +
                   "/missing-token\": No such file or directory\n"
                   "exporter.yml:7: flink_clusters[1].bearer_token_file: the token contains a "
                   "line break or other control character\n"
                   "exporter.yml:10: flink_clusters[2].bearer_token_file: the token file is "
                   "empty\n"
                   "exporter.yml:13: flink_clusters[3].basic_auth.password_file: cannot read \"" +
                   d + "/.\": is a directory");
  EXPECT_EQ(e.find("secret"), std::string::npos);
}

// ---- environment variables ----------------------------------------------------------------

TEST(ConfigLoaderTest, SubstitutesEnvironmentVariables) {
  setenv("FME_TEST_HOST", "jm.example.com", 1);
  setenv("FME_TEST_PASSWORD", "p$${X}", 1);
  setenv("FME_TEST_INTERVAL", "45s", 1);
  Result<Config> c = Parse(R"(global:
  poll_interval: ${FME_TEST_INTERVAL}
flink_clusters:
  - name: cost$$center-$5
    rest_url: http://${FME_TEST_HOST}:8081
    basic_auth:
      username: "${FME_TEST_HOST}"
      password: "${FME_TEST_PASSWORD}$$${FME_TEST_PASSWORD}"
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->poll.interval, seconds(45));
  const FlinkClusterConfig& f = c->flink_clusters[0];
  EXPECT_EQ(f.name, "cost$center-$5");  // $$ is a literal $; a lone $ stays as it is
  EXPECT_EQ(f.rest_url, "http://jm.example.com:8081");
  EXPECT_EQ(f.auth.basic_username, "jm.example.com");
  EXPECT_EQ(f.auth.basic_password, "p$${X}$p$${X}");  // values are not expanded again
}

TEST_F(ConfigFilesTest, ExpandsEnvironmentVariablesInSecretFilePaths) {
  Write("token", "from-file\n");
  setenv("FME_TEST_SECRET_DIR", dir_.c_str(), 1);
  Result<Config> c = Parse(
      "flink_clusters:\n"
      "  - {name: a, rest_url: \"http://a:1\", bearer_token_file: "
      "\"${FME_TEST_SECRET_DIR}/token\"}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->flink_clusters[0].auth.bearer_token, "from-file");
}

TEST(ConfigLoaderTest, RejectsUnsetOrMalformedEnvironmentReferences) {
  unsetenv("FME_TEST_UNSET");
  EXPECT_EQ(Errors(R"(flink_clusters:
  - name: a
    rest_url: http://a:1
    bearer_token: ${FME_TEST_UNSET}
  - name: ${1BAD}
    rest_url: http://b:1
  - name: c
    rest_url: http://${FME_TEST_UNSET
)"),
            "exporter.yml:4: flink_clusters[0].bearer_token: environment variable FME_TEST_UNSET "
            "is not set\n"
            "exporter.yml:5: flink_clusters[1].name: invalid environment variable name \"1BAD\"\n"
            "exporter.yml:8: flink_clusters[2].rest_url: unterminated ${ (write $$ for a literal "
            "$)");
}

// ---- LoadConfigFile -----------------------------------------------------------------------

TEST_F(ConfigFilesTest, LoadsFileAndResolvesSecretsNextToIt) {
  Write("pw", "from-dir\n");
  Write("exporter.yml",
        "mesos_clusters:\n"
        "  - name: m\n"
        "    masters: [http://m:5050]\n"
        "    basic_auth: {username: u, password_file: pw}\n");
  Result<Config> c = LoadConfigFile((dir_ / "exporter.yml").string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mesos_clusters[0].auth.basic_password, "from-dir");
}

TEST_F(ConfigFilesTest, LoadFileNamesThePathInErrors) {
  const std::string path = (dir_ / "exporter.yml").string();
  Write("exporter.yml", "global:\n  poll_interval: 5x\n");
  Result<Config> c = LoadConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), path +
                                      ":2: global.poll_interval: invalid duration \"5x\" "
                                      "(expected e.g. 15s, 1m, 500ms)");

  Result<Config> missing = LoadConfigFile((dir_ / "nope.yml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            (dir_ / "nope.yml").string() + ": cannot read config file: No such file or directory");
}

// ---- what to collect from Flink ------------------------------------------------------------

TEST(ConfigLoaderTest, FlinkCollectSettingsDefaultAndOverride) {
  Result<Config> c = Parse(R"(
flink_clusters:
  - name: a
    rest_url: http://a:8081
  - name: b
    rest_url: http://b:8081
    terminal_job_ttl: 10m
    max_concurrent_requests: 2
    jobs:
      include: ["prod-.*", "billing"]
      exclude: [".*-test"]
    taskmanager_metrics: false
    expected_jobs: ["orders-.*"]
    subtask_metrics: true
    max_subtask_series: 500
    backpressure_sampling: true
    backpressure_sampling_interval: 2m
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const FlinkCollectSettings defaults;
  const FlinkCollectSettings& a = c->flink_clusters[0].collect;
  EXPECT_EQ(a.terminal_job_ttl, std::chrono::hours(1));
  EXPECT_EQ(a.max_concurrent_requests, 4);
  EXPECT_TRUE(a.include_jobs.empty());
  EXPECT_TRUE(a.taskmanager_metrics);
  EXPECT_FALSE(a.subtask_metrics);
  EXPECT_FALSE(a.backpressure_sampling);
  EXPECT_EQ(a.max_subtask_series, defaults.max_subtask_series);
  const FlinkCollectSettings& b = c->flink_clusters[1].collect;
  EXPECT_EQ(b.terminal_job_ttl, std::chrono::minutes(10));
  EXPECT_EQ(b.max_concurrent_requests, 2);
  EXPECT_EQ(b.include_jobs, (std::vector<std::string>{"prod-.*", "billing"}));
  EXPECT_EQ(b.exclude_jobs, (std::vector<std::string>{".*-test"}));
  EXPECT_FALSE(b.taskmanager_metrics);
  EXPECT_EQ(b.expected_jobs, (std::vector<std::string>{"orders-.*"}));
  EXPECT_TRUE(a.expected_jobs.empty());
  EXPECT_TRUE(b.subtask_metrics);
  EXPECT_EQ(b.max_subtask_series, 500);
  EXPECT_TRUE(b.backpressure_sampling);
  EXPECT_EQ(b.backpressure_sampling_interval, std::chrono::minutes(2));
}

TEST(ConfigLoaderTest, FlinkCollectSettingsAreValidated) {
  const std::string msg = Errors(R"(
flink_clusters:
  - name: a
    rest_url: http://a:8081
    max_concurrent_requests: 0
    jobs:
      include: ["prod-(unclosed"]
      exlude: []
    subtask_metrics: yes please
    backpressure_sampling_interval: 1s
    terminal_job_ttl: forever
)");
  EXPECT_NE(msg.find("exporter.yml:5: flink_clusters[0].max_concurrent_requests: must be between 1 and 64, got 0"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":7: flink_clusters[0].jobs.include[0]: invalid regular expression \"prod-(unclosed\""),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":8: flink_clusters[0].jobs.exlude: unknown key (did you mean exclude?)"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":9: flink_clusters[0].subtask_metrics: expected true or false, got \"yes please\""),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":10: flink_clusters[0].backpressure_sampling_interval: must be at least 10s"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":11: flink_clusters[0].terminal_job_ttl: invalid duration"), std::string::npos)
      << msg;
}

// ---- where Mesos state comes from -----------------------------------------------------------

TEST(ConfigLoaderTest, MesosCollectSettingsDefaultAndOverride) {
  Result<Config> c = Parse(R"(
mesos_clusters:
  - name: a
    masters: [http://m1:5050]
  - name: b
    masters: [http://m2:5050]
    state: polling
    state_poll_interval: 2m
    task_frameworks: ["flink-.*"]
    task_page_size: 500
    event_stream_idle_timeout: 90s
    reconnect_backoff_max: 5m
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const MesosCollectSettings& a = c->mesos_clusters[0].collect;
  EXPECT_EQ(a.state, MesosStateMode::kEvents);
  EXPECT_EQ(a.state_poll_interval, std::chrono::minutes(1));
  EXPECT_EQ(a.task_frameworks, (std::vector<std::string>{"Flink", "flink.*"}));
  EXPECT_EQ(a.event_stream_idle_timeout, std::chrono::seconds(75));
  const MesosCollectSettings& b = c->mesos_clusters[1].collect;
  EXPECT_EQ(b.state, MesosStateMode::kPolling);
  EXPECT_EQ(b.state_poll_interval, std::chrono::minutes(2));
  EXPECT_EQ(b.task_frameworks, (std::vector<std::string>{"flink-.*"}));
  EXPECT_EQ(b.task_page_size, 500);
  EXPECT_EQ(b.event_stream_idle_timeout, std::chrono::seconds(90));
  EXPECT_EQ(b.reconnect_backoff_max, std::chrono::minutes(5));
}

TEST(ConfigLoaderTest, MesosCollectSettingsAreValidated) {
  const std::string msg = Errors(R"(
mesos_clusters:
  - name: a
    masters: [http://m1:5050]
    state: stream
    event_stream_idle_timeout: 500ms
    task_page_size: 5
    task_frameworks: ["[unclosed"]
)");
  EXPECT_NE(msg.find("exporter.yml:5: mesos_clusters[0].state: expected events, polling or off, got \"stream\""),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":6: mesos_clusters[0].event_stream_idle_timeout: must be at least 1s "
                     "(30s or more recommended"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":7: mesos_clusters[0].task_page_size: must be between 10 and 100000, got 5"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find(":8: mesos_clusters[0].task_frameworks[0]: invalid regular expression"),
            std::string::npos) << msg;
}

TEST(ConfigLoaderTest, TokenSchemeForDcos) {
  Result<Config> c = Parse(R"(
mesos_clusters:
  - name: dcos
    masters: [https://leader.mesos]
    bearer_token: abc
    token_scheme: dcos
flink_clusters:
  - name: f
    rest_url: http://jm:8081
    bearer_token: abc
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->mesos_clusters[0].auth.dcos_token_scheme);
  EXPECT_FALSE(c->flink_clusters[0].auth.dcos_token_scheme);
  const std::string msg = Errors(R"(
flink_clusters:
  - name: f
    rest_url: http://jm:8081
    bearer_token: abc
    token_scheme: jwt
)");
  EXPECT_NE(msg.find("exporter.yml:6: flink_clusters[0].token_scheme: expected bearer or dcos, got \"jwt\""),
            std::string::npos) << msg;
}

TEST(ConfigLoaderTest, FlinkClusterLinkedToItsMesosFramework) {
  Result<Config> c = Parse(R"(
flink_clusters:
  - name: payments
    rest_url: http://jm:8081
    mesos_cluster: prod
    mesos_framework: Flink
mesos_clusters:
  - name: prod
    masters: [http://m1:5050]
)");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->flink_clusters[0].mesos_cluster, "prod") << "whatever the order of the sections";
  EXPECT_EQ(c->flink_clusters[0].mesos_framework, "Flink");
  const std::string msg = Errors(R"(
mesos_clusters:
  - name: prod
    masters: [http://m1:5050]
flink_clusters:
  - name: a
    rest_url: http://a:8081
    mesos_cluster: staging
    mesos_framework: Flink
  - name: b
    rest_url: http://b:8081
    mesos_cluster: prod
)");
  EXPECT_NE(msg.find("exporter.yml:8: flink_clusters[0].mesos_cluster: no Mesos cluster named \"staging\""),
            std::string::npos) << msg;
  EXPECT_NE(msg.find("flink_clusters[1].mesos_framework: required with mesos_cluster"),
            std::string::npos) << msg;
}

// ---- the shipped example ------------------------------------------------------------------

TEST(ConfigLoaderTest, ExampleFileIsValidAndShowsTheDefaults) {
#ifndef FME_TEST_FIXTURES_DIR
  GTEST_SKIP() << "FME_TEST_FIXTURES_DIR not defined";
#else
  Result<Config> c = LoadConfigFile(FME_TEST_FIXTURES_DIR "/../../config/example.yml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const Config defaults;
  EXPECT_EQ(c->poll.interval, defaults.poll.interval);
  EXPECT_EQ(c->poll.timeout, defaults.poll.timeout);
  EXPECT_DOUBLE_EQ(c->poll.jitter, defaults.poll.jitter);
  EXPECT_EQ(c->http.connect_timeout, defaults.http.connect_timeout);
  EXPECT_EQ(c->http.max_response_bytes, defaults.http.max_response_bytes);
  EXPECT_EQ(c->http.max_redirects, defaults.http.max_redirects);
  ASSERT_EQ(c->mesos_clusters.size(), 1u);
  EXPECT_EQ(c->mesos_clusters[0].masters.size(), 3u);
  ASSERT_EQ(c->flink_clusters.size(), 1u);
  EXPECT_EQ(c->flink_clusters[0].rest_url, "http://flink-jobmanager.example.com:8081");
#endif
}

}  // namespace
}  // namespace fme

namespace fme {
namespace {

TEST(ConfigLoaderTest, DiscoverFlinkDefaultsAndOverrides) {
  Result<Config> c = Parse(R"(global:
  poll_interval: 20s
mesos_clusters:
  - name: prod
    masters: [http://m1:5050]
    discover_flink:
  - name: dr
    masters: [http://m2:5050]
    discover_flink:
      frameworks: ["flink-.*"]
      taskmanager_tasks: false
      url_template: "https://dcos.example.com/service/{framework_name}"
      drop_after: 10m
      poll_interval: 30s
      poll_backoff_max: 5m
      bearer_token: s3cret
      token_scheme: dcos
      terminal_job_ttl: 15m
      expected_jobs: ["billing"]
  - name: none
    masters: [http://m3:5050]
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->mesos_clusters.size(), 3u);
  const auto& prod = c->mesos_clusters[0].discover_flink;
  ASSERT_TRUE(prod.has_value());
  EXPECT_EQ(prod->framework_names, (std::vector<std::string>{"Flink", "flink.*"}));
  EXPECT_TRUE(prod->taskmanager_tasks);
  EXPECT_EQ(prod->url_template, "{webui_url}");
  EXPECT_EQ(prod->drop_after, std::chrono::minutes(5));
  EXPECT_EQ(prod->poll.interval, std::chrono::seconds(20));  // the global default
  const auto& dr = c->mesos_clusters[1].discover_flink;
  ASSERT_TRUE(dr.has_value());
  EXPECT_EQ(dr->framework_names, (std::vector<std::string>{"flink-.*"}));
  EXPECT_FALSE(dr->taskmanager_tasks);
  EXPECT_EQ(dr->url_template, "https://dcos.example.com/service/{framework_name}");
  EXPECT_EQ(dr->drop_after, std::chrono::minutes(10));
  EXPECT_EQ(dr->poll.interval, std::chrono::seconds(30));
  EXPECT_EQ(dr->poll.backoff_max, std::chrono::minutes(5));
  EXPECT_EQ(prod->poll.backoff_max, std::chrono::minutes(1));  // the default
  EXPECT_EQ(dr->auth.bearer_token, "s3cret");
  EXPECT_TRUE(dr->auth.dcos_token_scheme);
  EXPECT_EQ(dr->collect.terminal_job_ttl, std::chrono::minutes(15));
  EXPECT_EQ(dr->collect.expected_jobs, (std::vector<std::string>{"billing"}));
  EXPECT_FALSE(c->mesos_clusters[2].discover_flink.has_value());
}

TEST(ConfigLoaderTest, DiscoverFlinkRejectsBadSettingsWithTheirLines) {
  const std::string errors = Errors(R"(mesos_clusters:
  - name: prod
    masters: [http://m1:5050]
    state: off
    discover_flink:
      url_template: "https://proxy/{name}"
      frameworks: ["(unclosed"]
      rrest_url: x
  - name: dr
    masters: [http://m2:5050]
    discover_flink:
      frameworks: []
      taskmanager_tasks: false
)");
  EXPECT_NE(errors.find("exporter.yml:5: mesos_clusters[0].discover_flink: needs the frameworks' "
                        "state: set state to events or polling"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("exporter.yml:6: mesos_clusters[0].discover_flink.url_template: unknown "
                        "placeholder {name}"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("exporter.yml:7: mesos_clusters[0].discover_flink.frameworks[0]: invalid "
                        "regular expression"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("exporter.yml:8: mesos_clusters[0].discover_flink.rrest_url: unknown key"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("exporter.yml:11: mesos_clusters[1].discover_flink: finds nothing"),
            std::string::npos)
      << errors;
}

}  // namespace
}  // namespace fme
