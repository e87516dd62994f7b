// Parsing and validation of the web configuration (--web.config.file): every key, the
// relations between keys, and messages that name file, line and key without repeating hashes.
#include "server/web_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/flags.h"

namespace fme {
namespace {

constexpr const char* kHash = "$2b$04$HvHylaRXh5cB4j5/sZVH1u07aFHpBsh.wXEjNskDw234ocVGIOWJm";

Result<WebConfig> Parse(const std::string& text) { return ParseWebConfig(text, "web.yml", "/etc/fme"); }

// The error message, or a failure when the text was accepted.
std::string Problems(const std::string& text) {
  Result<WebConfig> r = Parse(text);
  if (r.ok()) {
    ADD_FAILURE() << "accepted:\n" << text;
    return "";
  }
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidConfig);
  return r.status().message();
}

std::string Tls(const std::string& extra) {
  return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra;
}

TEST(WebConfigTest, EmptyDocumentMeansPlainHttpWithoutAuth) {
  for (const char* text : {"", "# only a comment\n", "tls_server_config:\n", "tls_server_config: {}\n",
                           "basic_auth_users:\n", "http_server_config:\n"}) {
    Result<WebConfig> r = Parse(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().message();
    EXPECT_FALSE(r->tls) << text;
    EXPECT_TRUE(r->users.empty()) << text;
    EXPECT_TRUE(r->headers.empty()) << text;
    EXPECT_EQ(DescribeWebConfig(*r), "plain HTTP, no authentication");
  }
}

TEST(WebConfigTest, FullTlsSection) {
  Result<WebConfig> r = Parse(Tls(
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: /abs/ca.crt\n"
      "  min_version: TLS13\n"
      "  max_version: TLS13\n"
      "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256,\n"
      "                  TLS_RSA_WITH_AES_128_CBC_SHA]\n"
      "  curve_preferences: [X25519, CurveP384]\n"
      "  prefer_server_cipher_suites: false\n"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->tls);
  const TlsServerConfig& t = r->tls_server;
  EXPECT_EQ(t.cert_file.path, "/etc/fme/server.crt");  // relative to the file's directory
  EXPECT_EQ(t.cert_file.line, 2);
  EXPECT_EQ(t.key_file.path, "/etc/fme/server.key");
  EXPECT_EQ(t.client_ca_file.path, "/abs/ca.crt");
  EXPECT_EQ(t.client_auth, ClientAuthType::kRequireAndVerifyClientCert);
  EXPECT_EQ(t.min_version, TlsVersion::kTls13);
  EXPECT_EQ(t.max_version, TlsVersion::kTls13);
  // TLS 1.3 names are accepted and dropped; the others are translated for OpenSSL.
  EXPECT_EQ(t.tls12_ciphers, (std::vector<std::string>{"ECDHE-RSA-AES256-GCM-SHA384", "AES128-SHA"}));
  EXPECT_EQ(t.groups, (std::vector<std::string>{"X25519", "P-384"}));
  EXPECT_FALSE(t.prefer_server_cipher_suites);
  EXPECT_EQ(DescribeWebConfig(*r),
            "TLS (TLS13, client certificates: RequireAndVerifyClientCert), no authentication");
}

TEST(WebConfigTest, TlsDefaults) {
  Result<WebConfig> r = Parse(Tls(""));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->tls);
  EXPECT_EQ(r->tls_server.client_auth, ClientAuthType::kNoClientCert);
  EXPECT_EQ(r->tls_server.min_version, TlsVersion::kTls12);
  EXPECT_EQ(r->tls_server.max_version, TlsVersion::kTls13);
  EXPECT_TRUE(r->tls_server.prefer_server_cipher_suites);
  EXPECT_TRUE(r->tls_server.tls12_ciphers.empty());
}

TEST(WebConfigTest, OldTlsVersionsAreRefusedClearly) {
  EXPECT_EQ(Problems(Tls("  min_version: TLS10\n")),
            "web.yml:4: tls_server_config.min_version: TLS10 is not supported: the minimum TLS "
            "version is TLS 1.2 (write TLS12 or TLS13)");
  EXPECT_NE(Problems(Tls("  min_version: TLS11\n")).find("minimum TLS version is TLS 1.2"),
            std::string::npos);
  EXPECT_NE(Problems(Tls("  max_version: TLS11\n")).find("max_version: TLS11 is not supported"),
            std::string::npos);
  EXPECT_EQ(Problems(Tls("  min_version: TLS14\n")),
            "web.yml:4: tls_server_config.min_version: unknown TLS version \"TLS14\" (expected TLS12 or TLS13)");
  EXPECT_EQ(Problems(Tls("  min_version: TLS13\n  max_version: TLS12\n")),
            "web.yml:5: tls_server_config.max_version: max_version TLS12 is below min_version TLS13");
}

TEST(WebConfigTest, CertificateAndKeyGoTogether) {
  EXPECT_EQ(Problems("tls_server_config:\n  cert_file: a.crt\n"),
            "web.yml:1: tls_server_config: missing key_file (cert_file and key_file go together)");
  EXPECT_EQ(Problems("tls_server_config:\n  key_file: a.key\n"),
            "web.yml:1: tls_server_config: missing cert_file (cert_file and key_file go together)");
  EXPECT_EQ(Problems("tls_server_config:\n  min_version: TLS13\n"),
            "web.yml:1: tls_server_config: cert_file and key_file are required to serve TLS");
  EXPECT_EQ(Problems("tls_server_config:\n  cert_file: ''\n  key_file: a.key\n"),
            "web.yml:2: tls_server_config.cert_file: missing value");
}

TEST(WebConfigTest, ClientAuthRelations) {
  EXPECT_EQ(Problems(Tls("  client_auth_type: RequireAndVerifyClientCert\n")),
            "web.yml:4: tls_server_config.client_auth_type: RequireAndVerifyClientCert needs "
            "client_ca_file, the CA certificates that client certificates are verified against");
  EXPECT_NE(Problems(Tls("  client_auth_type: VerifyClientCertIfGiven\n")).find("needs client_ca_file"),
            std::string::npos);
  EXPECT_EQ(Problems(Tls("  client_ca_file: ca.crt\n")),
            "web.yml:4: tls_server_config.client_ca_file: client_ca_file is set but client_auth_type "
            "is not (it defaults to NoClientCert); set client_auth_type, e.g. RequireAndVerifyClientCert");
  EXPECT_EQ(Problems(Tls("  client_auth_type: Sometimes\n")),
            "web.yml:4: tls_server_config.client_auth_type: unknown client_auth_type \"Sometimes\" "
            "(expected NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven "
            "or RequireAndVerifyClientCert)");
  // The modes that do not verify need no CA.
  for (const char* mode : {"NoClientCert", "RequestClientCert", "RequireAnyClientCert"}) {
    Result<WebConfig> r = Parse(Tls(std::string("  client_auth_type: ") + mode + "\n"));
    ASSERT_TRUE(r.ok()) << mode << ": " << r.status().message();
    EXPECT_EQ(ClientAuthTypeName(r->tls_server.client_auth), mode);
  }
}

TEST(WebConfigTest, CipherSuitesAndCurves) {
  EXPECT_EQ(Problems(Tls("  cipher_suites:\n    - TLS_RSA_WITH_RC4_128_SHA\n")),
            "web.yml:5: tls_server_config.cipher_suites: unknown or insecure cipher suite "
            "\"TLS_RSA_WITH_RC4_128_SHA\" (see docs/configuration.md for the supported names)");
  EXPECT_EQ(Problems(Tls("  curve_preferences: [P256]\n")),
            "web.yml:4: tls_server_config.curve_preferences: unknown curve \"P256\" (expected "
            "CurveP256, CurveP384, CurveP521 or X25519)");
  EXPECT_EQ(Problems(Tls("  cipher_suites: TLS_AES_128_GCM_SHA256\n")),
            "web.yml:4: tls_server_config.cipher_suites: expected a list, got a scalar");
  EXPECT_EQ(Problems(Tls("  prefer_server_cipher_suites: sure\n")),
            "web.yml:4: tls_server_config.prefer_server_cipher_suites: expected true or false, got \"sure\"");
}

TEST(WebConfigTest, UnknownAndUnsupportedKeys) {
  EXPECT_EQ(Problems("tls_server_config:\n  cert_fil: a\n"),
            "web.yml:2: tls_server_config.cert_fil: unknown key (did you mean cert_file?)");
  EXPECT_EQ(Problems("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n"),
            "web.yml:2: tls_server_config.cert: inline certificates are not supported; put the "
            "certificate in a file and use cert_file");
  EXPECT_NE(Problems("tls_server_config:\n  client_allowed_sans: [a]\n").find("client_allowed_sans: not supported"),
            std::string::npos);
  EXPECT_EQ(Problems("basic_auth_user:\n  a: b\n"),
            "web.yml:1: basic_auth_user: unknown key (did you mean basic_auth_users?)");
  EXPECT_EQ(Problems("rate_limit:\n  interval: 1s\n"), "web.yml:1: rate_limit: not supported");
  EXPECT_EQ(Problems("http_server_config:\n  http3: true\n"),
            "web.yml:2: http_server_config.http3: unknown key (did you mean http2?)");
  EXPECT_EQ(Problems("- a\n- b\n"),
            "web.yml:1: top level: expected a mapping with keys tls_server_config, "
            "http_server_config, basic_auth_users, got a list");
  EXPECT_EQ(Problems("tls_server_config:\n  min_version: TLS12\n  min_version: TLS13\n"),
            "web.yml:3: tls_server_config.min_version: duplicate key (first at line 2)");
}

TEST(WebConfigTest, EveryProblemIsReportedSortedByLine) {
  const std::string all = Problems(
      "basic_auth_users:\n  a:b: x\n"
      "tls_server_config:\n  min_version: TLS11\n  cipher_suites: [NOPE]\n"
      "what: 1\n");
  EXPECT_EQ(all,
            "web.yml:2: basic_auth_users.a:b: a user name must not contain ':' or control characters "
            "(HTTP basic auth cannot carry them)\n"
            "web.yml:4: tls_server_config.min_version: TLS11 is not supported: the minimum TLS version "
            "is TLS 1.2 (write TLS12 or TLS13)\n"
            "web.yml:5: tls_server_config.cipher_suites: unknown or insecure cipher suite \"NOPE\" "
            "(see docs/configuration.md for the supported names)\n"
            "web.yml:6: what: unknown key");
}

TEST(WebConfigTest, YamlSyntaxErrorsNameTheLine) {
  const std::string p = Problems("basic_auth_users:\n  a: [\n");
  EXPECT_EQ(p.rfind("web.yml:", 0), 0u) << p;
  EXPECT_NE(p.find(": yaml: syntax error"), std::string::npos) << p;
  EXPECT_NE(Problems("a: 1\n---\nb: 2\n").find("only one YAML document is allowed"), std::string::npos);
}

TEST(WebConfigTest, BasicAuthUsers) {
  const std::string y = std::string(kHash).replace(2, 1, "y");
  const std::string a = std::string(kHash).replace(2, 1, "a");
  Result<WebConfig> r = Parse(std::string("basic_auth_users:\n  zed: ") + kHash + "\n  amy: '" + y +
                              "'\n  bob: \"" + a + "\"\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->users.size(), 3u);
  EXPECT_EQ(r->users[0], (BasicAuthUser{"amy", y}));  // sorted by name
  EXPECT_EQ(r->users[1], (BasicAuthUser{"bob", a}));
  EXPECT_EQ(r->users[2], (BasicAuthUser{"zed", kHash}));
  EXPECT_EQ(DescribeWebConfig(*r), "plain HTTP, basic auth (3 users)");
}

TEST(WebConfigTest, AnythingButABcryptHashIsRefusedWithoutShowingIt) {
  const std::string x = std::string(kHash).replace(2, 1, "x");           // unsupported variant
  const std::string cost3 = std::string(kHash).replace(4, 2, "03");     // cost below 4
  const std::string shorter = std::string(kHash).substr(0, 59);
  for (const std::string& secret : {std::string("plain-password-123"), x, cost3, shorter,
                                    std::string("$1$abc$defghijklmnopqrstuv")}) {
    const std::string p = Problems("basic_auth_users:\n  alice: '" + secret + "'\n");
    EXPECT_EQ(p.rfind("web.yml:2: basic_auth_users.alice: not a bcrypt hash", 0), 0u) << p;
    EXPECT_NE(p.find("the value is not shown"), std::string::npos) << p;
    EXPECT_EQ(p.find(secret), std::string::npos) << "the value leaked: " << p;
  }
  EXPECT_EQ(Problems(std::string("basic_auth_users:\n  alice: ") + kHash + "\n  alice: " + kHash + "\n"),
            "web.yml:3: basic_auth_users.alice: duplicate user (first at line 2)");
  EXPECT_EQ(Problems("basic_auth_users:\n  alice:\n"), "web.yml:2: basic_auth_users.alice: expected a bcrypt hash");
  EXPECT_EQ(Problems("basic_auth_users: [alice]\n"),
            "web.yml:1: basic_auth_users: expected a mapping of user names to bcrypt hashes, got a list");
}

TEST(WebConfigTest, Headers) {
  Result<WebConfig> r = Parse(
      "http_server_config:\n  http2: false\n  headers:\n"
      "    X-Frame-Options: sameorigin\n"
      "    X-Content-Type-Options: nosniff\n"
      "    Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
      "    Content-Security-Policy: default-src 'self'\n"
      "    X-XSS-Protection: 1; mode=block\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->headers.size(), 5u);
  EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{"X-Frame-Options", "sameorigin"}));
  EXPECT_EQ(r->headers[2].second, "max-age=31536000; includeSubDomains");

  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    Content-Type: text/html\n"),
            "web.yml:3: http_server_config.headers.Content-Type: reserved: the exporter sets this "
            "header itself (allowed: Strict-Transport-Security, X-Content-Type-Options, "
            "X-Frame-Options, X-XSS-Protection, Content-Security-Policy)");
  EXPECT_NE(Problems("http_server_config:\n  headers:\n    www-authenticate: x\n").find("reserved"),
            std::string::npos);
  // Exact spelling, as promtool wants it.
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    x-frame-options: deny\n"),
            "web.yml:3: http_server_config.headers.x-frame-options: write the header name as X-Frame-Options");
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    X-Frame-Options: DENY\n"),
            "web.yml:3: http_server_config.headers.X-Frame-Options: invalid value \"DENY\" "
            "(expected deny or sameorigin)");
  EXPECT_NE(Problems("http_server_config:\n  headers:\n    X-Custom: x\n").find("this header cannot be configured"),
            std::string::npos);
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"),
            "web.yml:3: http_server_config.headers.X-Frame-Options: invalid value \"allow\" "
            "(expected deny or sameorigin)");
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n"),
            "web.yml:3: http_server_config.headers.X-Content-Type-Options: invalid value \"sniff\" "
            "(expected nosniff)");
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    X-XSS-Protection: \"1\\r\\nSet-Cookie: a=b\"\n"),
            "web.yml:3: http_server_config.headers.X-XSS-Protection: a header value must not contain "
            "line breaks or control characters");
  EXPECT_EQ(Problems("http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Frame-Options: deny\n"),
            "web.yml:4: http_server_config.headers.X-Frame-Options: duplicate header (first at line 3)");
  EXPECT_EQ(Problems("http_server_config:\n  http2: maybe\n"),
            "web.yml:2: http_server_config.http2: expected true or false, got \"maybe\"");
}

TEST(WebConfigTest, LoadFileResolvesPathsAgainstItsDirectory) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fme-web-config-test";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "web.yml").string();
  {
    std::ofstream out(file);
    out << "tls_server_config:\n  cert_file: certs/s.crt\n  key_file: s.key\n";
  }
  Result<WebConfig> r = LoadWebConfigFile(file);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->origin, file);
  EXPECT_EQ(r->tls_server.cert_file.path, (dir / "certs/s.crt").string());
  EXPECT_EQ(r->tls_server.key_file.path, (dir / "s.key").string());
  std::filesystem::remove_all(dir);

  Result<WebConfig> missing = LoadWebConfigFile((dir / "none.yml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            (dir / "none.yml").string() + ": cannot read web config file: No such file or directory");
}

TEST(WebConfigFlagTest, WebConfigFileFlag) {
  auto none = ParseFlags({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->web_config_file, "");
  auto f = ParseFlags({"--web.config.file=web.yml"});
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->web_config_file, "web.yml");
  f = ParseFlags({"--web.config.file", "other.yml"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->web_config_file, "other.yml");
  EXPECT_FALSE(ParseFlags({"--web.config.file"}).ok());
  EXPECT_NE(HelpText().find("--web.config.file"), std::string::npos);
}

}  // namespace
}  // namespace fme
