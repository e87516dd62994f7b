#include "server/web_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "config/message_quote.h"
#include "config/yaml_reader.h"

namespace fme {
namespace {

constexpr std::size_t kMaxWebConfigBytes = std::size_t{1} << 20;

// Cipher suites as the file format names them (the Go standard library's names) and as OpenSSL
// names them. Only the suites the format accepts; the insecure ones it refuses are refused too.
struct CipherName {
  std::string_view format;
  std::string_view openssl;  // empty: a TLS 1.3 suite, accepted but not configurable
};
constexpr std::array<CipherName, 17> kCiphers = {{
    {"TLS_AES_128_GCM_SHA256", ""},
    {"TLS_AES_256_GCM_SHA384", ""},
    {"TLS_CHACHA20_POLY1305_SHA256", ""},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
}};

struct CurveName {
  std::string_view format;
  std::string_view openssl;
};
constexpr std::array<CurveName, 4> kCurves = {{
    {"CurveP256", "P-256"},
    {"CurveP384", "P-384"},
    {"CurveP521", "P-521"},
    {"X25519", "X25519"},
}};

// The response headers that may be configured, and the values they may take (none listed:
// any value). Everything else is refused: the exporter sets the framing, content and
// authentication headers itself, and the format allows only these.
struct HeaderRule {
  std::string_view name;
  std::array<std::string_view, 2> values;
};
constexpr std::array<HeaderRule, 5> kHeaders = {{
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff", ""}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
}};
constexpr std::array<std::string_view, 14> kReservedHeaders = {
    "Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection",
    "Keep-Alive",   "Vary",           "Allow",            "WWW-Authenticate",  "Authorization",
    "Date",         "Location",       "Set-Cookie",       "Upgrade"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// "$2b$10$" + 53 characters of bcrypt's base64 alphabet; costs 4..31.
bool IsBcryptHash(std::string_view h) {
  if (h.size() != 60 || h[0] != '$' || h[1] != '2' || h[3] != '$' || h[6] != '$') return false;
  if (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') return false;
  if (h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9') return false;
  const int cost = (h[4] - '0') * 10 + (h[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(h.begin() + 7, h.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '/';
  });
}

using Entry = YamlField;
using Entries = YamlFields;

class Parser : private YamlReader {
 public:
  Parser(std::string origin, std::string base_dir)
      : YamlReader(std::move(origin)), base_dir_(std::move(base_dir)) {}

  Result<WebConfig> Parse(const std::string& text);

 private:
  std::optional<bool> ReadBool(const Entry& e, const std::string& path);
  std::optional<std::vector<std::pair<std::string, int>>> ReadList(const Entry& e,
                                                                    const std::string& path);
  std::optional<WebConfigFile> ReadFile(const Entry& e, const std::string& path);
  std::optional<TlsVersion> ReadVersion(const Entry& e, const std::string& path);

  void ReadTls(const Entry& e, WebConfig* out);
  void ReadHttp(const Entry& e, WebConfig* out);
  void ReadUsers(const Entry& e, WebConfig* out);

  std::string base_dir_;
};

std::optional<bool> Parser::ReadBool(const Entry& e, const std::string& path) {
  std::optional<std::string> text = ReadScalar(e, path);
  if (!text) return std::nullopt;
  bool value = false;
  if (!YAML::convert<bool>::decode(e.value, value)) {
    Error(ValueLine(e), path, "expected true or false, got " + QuoteForMessage(*text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::pair<std::string, int>>> Parser::ReadList(const Entry& e,
                                                                        const std::string& path) {
  std::vector<std::pair<std::string, int>> items;
  if (e.value.IsNull()) return items;
  if (!e.value.IsSequence()) {
    Error(ValueLine(e), path, "expected a list, got " + DescribeYamlNode(e.value));
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node item = e.value[i];
    const int line = LineOf(item, e.line);
    if (!item.IsScalar()) {
      Error(line, path + "[" + std::to_string(i) + "]", "expected a string, got " + DescribeYamlNode(item));
      ok = false;
      continue;
    }
    items.emplace_back(item.Scalar(), line);
  }
  if (!ok) return std::nullopt;
  return items;
}

std::optional<WebConfigFile> Parser::ReadFile(const Entry& e, const std::string& path) {
  std::optional<std::string> text = ReadScalar(e, path);
  if (!text) return std::nullopt;
  if (text->empty()) {
    Error(ValueLine(e), path, "missing value");
    return std::nullopt;
  }
  std::filesystem::path p(*text);
  if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
  return WebConfigFile{p.lexically_normal().string(), ValueLine(e)};
}

std::optional<TlsVersion> Parser::ReadVersion(const Entry& e, const std::string& path) {
  std::optional<std::string> text = ReadScalar(e, path);
  if (!text) return std::nullopt;
  if (*text == "TLS12") return TlsVersion::kTls12;
  if (*text == "TLS13") return TlsVersion::kTls13;
  if (*text == "TLS10" || *text == "TLS11") {
    Error(ValueLine(e), path,
          *text + " is not supported: the minimum TLS version is TLS 1.2 (write TLS12 or TLS13)");
  } else {
    Error(ValueLine(e), path, "unknown TLS version " + QuoteForMessage(*text) + " (expected TLS12 or TLS13)");
  }
  return std::nullopt;
}

void Parser::ReadTls(const Entry& e, WebConfig* out) {
  const std::string path = "tls_server_config";
  const std::size_t problems_before = problem_count();
  std::optional<Entries> keys = ReadMap(
      e.value, path, e.line,
      {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
       "cipher_suites", "curve_preferences", "prefer_server_cipher_suites"},
      {{"cert", "inline certificates are not supported; put the certificate in a file and use cert_file"},
       {"key", "inline keys are not supported; put the key in a file and use key_file"},
       {"client_ca", "inline CA certificates are not supported; use client_ca_file"},
       {"client_allowed_sans", "not supported (clients are checked against client_ca_file only)"}});
  if (!keys) return;
  TlsServerConfig& tls = out->tls_server;
  tls.line = e.line;
  const auto at = [&](std::string_view key) -> const Entry* {
    auto it = keys->find(std::string(key));
    return it == keys->end() ? nullptr : &it->second;
  };
  const auto sub = [&](std::string_view key) { return path + "." + std::string(key); };

  bool ok = true;
  if (const Entry* x = at("cert_file")) {
    if (auto f = ReadFile(*x, sub("cert_file"))) tls.cert_file = *f; else ok = false;
  }
  if (const Entry* x = at("key_file")) {
    if (auto f = ReadFile(*x, sub("key_file"))) tls.key_file = *f; else ok = false;
  }
  if (const Entry* x = at("client_ca_file")) {
    if (auto f = ReadFile(*x, sub("client_ca_file"))) tls.client_ca_file = *f; else ok = false;
  }
  bool auth_given = false;
  if (const Entry* x = at("client_auth_type")) {
    if (auto name = ReadScalar(*x, sub("client_auth_type"))) {
      bool known = false;
      for (ClientAuthType t : {ClientAuthType::kNoClientCert, ClientAuthType::kRequestClientCert,
                               ClientAuthType::kRequireAnyClientCert,
                               ClientAuthType::kVerifyClientCertIfGiven,
                               ClientAuthType::kRequireAndVerifyClientCert}) {
        if (*name == ClientAuthTypeName(t)) {
          tls.client_auth = t;
          known = true;
        }
      }
      if (!known) {
        Error(ValueLine(*x), sub("client_auth_type"),
              "unknown client_auth_type " + QuoteForMessage(*name) +
                  " (expected NoClientCert, RequestClientCert, RequireAnyClientCert, "
                  "VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
        ok = false;
      } else {
        auth_given = true;
      }
    } else {
      ok = false;
    }
  }
  std::optional<TlsVersion> min, max;
  if (const Entry* x = at("min_version")) {
    min = ReadVersion(*x, sub("min_version"));
    if (min) tls.min_version = *min; else ok = false;
  }
  if (const Entry* x = at("max_version")) {
    max = ReadVersion(*x, sub("max_version"));
    if (max) tls.max_version = *max; else ok = false;
  }
  if (min && max && *min > *max) {
    Error(ValueLine(*at("max_version")), sub("max_version"),
          "max_version " + std::string(TlsVersionName(*max)) + " is below min_version " +
              std::string(TlsVersionName(*min)));
    ok = false;
  }
  if (const Entry* x = at("cipher_suites")) {
    if (auto items = ReadList(*x, sub("cipher_suites"))) {
      for (const auto& [name, line] : *items) {
        auto c = std::find_if(kCiphers.begin(), kCiphers.end(),
                              [&wanted = name](const CipherName& k) { return k.format == wanted; });
        if (c == kCiphers.end()) {
          Error(line, sub("cipher_suites"),
                "unknown or insecure cipher suite " + QuoteForMessage(name) +
                    " (see docs/configuration.md for the supported names)");
          ok = false;
        } else if (!c->openssl.empty()) {
          tls.tls12_ciphers.emplace_back(c->openssl);
        }
      }
    } else {
      ok = false;
    }
  }
  if (const Entry* x = at("curve_preferences")) {
    if (auto items = ReadList(*x, sub("curve_preferences"))) {
      for (const auto& [name, line] : *items) {
        auto c = std::find_if(kCurves.begin(), kCurves.end(),
                              [&wanted = name](const CurveName& k) { return k.format == wanted; });
        if (c == kCurves.end()) {
          Error(line, sub("curve_preferences"),
                "unknown curve " + QuoteForMessage(name) +
                    " (expected CurveP256, CurveP384, CurveP521 or X25519)");
          ok = false;
        } else {
          tls.groups.emplace_back(c->openssl);
        }
      }
    } else {
      ok = false;
    }
  }
  if (const Entry* x = at("prefer_server_cipher_suites")) {
    if (auto v = ReadBool(*x, sub("prefer_server_cipher_suites"))) {
      tls.prefer_server_cipher_suites = *v;
    } else {
      ok = false;
    }
  }
  // Relations between keys, once every key is fine on its own.
  if (!ok || problem_count() != problems_before) return;
  // An empty tls_server_config means plain HTTP.
  const bool has_cert = !tls.cert_file.empty();
  const bool has_key = !tls.key_file.empty();
  if (keys->empty()) return;
  if (!has_cert && !has_key) {
    Error(e.line, path, "cert_file and key_file are required to serve TLS");
    return;
  }
  if (has_cert != has_key) {
    const char* missing = has_cert ? "key_file" : "cert_file";
    Error(e.line, path, std::string("missing ") + missing + " (cert_file and key_file go together)");
    return;
  }
  if (!tls.client_ca_file.empty() && tls.client_auth == ClientAuthType::kNoClientCert) {
    Error(tls.client_ca_file.line, sub("client_ca_file"),
          std::string("client_ca_file is set but client_auth_type is ") +
              (auth_given ? "NoClientCert" : "not (it defaults to NoClientCert)") +
              "; set client_auth_type, e.g. RequireAndVerifyClientCert");
    return;
  }
  if (VerifiesClientCert(tls.client_auth) && tls.client_ca_file.empty()) {
    Error(ValueLine(*at("client_auth_type")), sub("client_auth_type"),
          std::string(ClientAuthTypeName(tls.client_auth)) +
              " needs client_ca_file, the CA certificates that client certificates are verified against");
    return;
  }
  out->tls = true;
}

void Parser::ReadHttp(const Entry& e, WebConfig* out) {
  const std::string path = "http_server_config";
  std::optional<Entries> keys = ReadMap(e.value, path, e.line, {"http2", "headers"});
  if (!keys) return;
  if (auto it = keys->find("http2"); it != keys->end()) {
    // Accepted for compatibility; HTTP/1.1 is served either way.
    ReadBool(it->second, path + ".http2");
  }
  auto it = keys->find("headers");
  if (it == keys->end()) return;
  const std::string hpath = path + ".headers";
  const Entry& h = it->second;
  if (h.value.IsNull()) return;
  if (!h.value.IsMap()) {
    Error(ValueLine(h), hpath, "expected a mapping of header names to values, got " + DescribeYamlNode(h.value));
    return;
  }
  std::map<std::string, int> seen;  // canonical name -> line
  for (auto hi = h.value.begin(); hi != h.value.end(); ++hi) {
    const int line = LineOf(hi->first, h.line);
    if (!hi->first.IsScalar()) {
      Error(line, hpath, "header names must be plain strings, got " + DescribeYamlNode(hi->first));
      continue;
    }
    const std::string& name = hi->first.Scalar();
    const std::string npath = hpath + "." + EscapeForMessage(name);
    // Names and values are matched exactly, as the format does, so that promtool accepts
    // whatever is accepted here; a near miss in case gets a hint.
    auto rule = std::find_if(kHeaders.begin(), kHeaders.end(),
                             [&](const HeaderRule& r) { return r.name == name; });
    if (rule == kHeaders.end()) {
      auto near = std::find_if(kHeaders.begin(), kHeaders.end(),
                               [&](const HeaderRule& r) { return EqualsIgnoreCase(r.name, name); });
      const bool reserved =
          std::any_of(kReservedHeaders.begin(), kReservedHeaders.end(),
                      [&](std::string_view r) { return EqualsIgnoreCase(r, name); });
      if (near != kHeaders.end()) {
        Error(line, npath, "write the header name as " + std::string(near->name));
      } else {
        Error(line, npath,
              std::string(reserved ? "reserved: the exporter sets this header itself"
                                   : "this header cannot be configured") +
                  " (allowed: Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, "
                  "X-XSS-Protection, Content-Security-Policy)");
      }
      continue;
    }
    const std::string canonical(rule->name);
    if (auto prev = seen.find(canonical); prev != seen.end()) {
      Error(line, npath, "duplicate header (first at line " + std::to_string(prev->second) + ")");
      continue;
    }
    seen.emplace(canonical, line);
    const YAML::Node value = hi->second;  // a copy: `hi->second` lives in a temporary
    const int vline = value.IsNull() ? line : LineOf(value, line);
    if (!value.IsScalar() || value.Scalar().empty()) {
      Error(vline, npath, "expected a non-empty value");
      continue;
    }
    const std::string& v = value.Scalar();
    if (HasControlChar(v)) {
      Error(vline, npath, "a header value must not contain line breaks or control characters");
      continue;
    }
    if (!rule->values[0].empty()) {
      const bool allowed = std::any_of(rule->values.begin(), rule->values.end(), [&](std::string_view a) {
        return !a.empty() && a == v;
      });
      if (!allowed) {
        std::string expected;
        for (std::string_view a : rule->values) {
          if (a.empty()) continue;
          expected += (expected.empty() ? "" : " or ") + std::string(a);
        }
        Error(vline, npath, "invalid value " + QuoteForMessage(v) + " (expected " + expected + ")");
        continue;
      }
    }
    out->headers.emplace_back(canonical, v);
  }
}

void Parser::ReadUsers(const Entry& e, WebConfig* out) {
  const std::string path = "basic_auth_users";
  if (e.value.IsNull()) return;
  if (!e.value.IsMap()) {
    Error(ValueLine(e), path, "expected a mapping of user names to bcrypt hashes, got " + DescribeYamlNode(e.value));
    return;
  }
  std::map<std::string, int> seen;
  for (auto it = e.value.begin(); it != e.value.end(); ++it) {
    const int line = LineOf(it->first, e.line);
    if (!it->first.IsScalar()) {
      Error(line, path, "user names must be plain strings, got " + DescribeYamlNode(it->first));
      continue;
    }
    const std::string& name = it->first.Scalar();
    const std::string upath = path + "." + EscapeForMessage(name);
    if (auto prev = seen.find(name); prev != seen.end()) {
      Error(line, upath, "duplicate user (first at line " + std::to_string(prev->second) + ")");
      continue;
    }
    seen.emplace(name, line);
    if (name.empty()) {
      Error(line, path, "empty user name");
      continue;
    }
    if (name.find(':') != std::string::npos || HasControlChar(name)) {
      Error(line, upath, "a user name must not contain ':' or control characters (HTTP basic auth cannot carry them)");
      continue;
    }
    const YAML::Node value = it->second;  // a copy: `it->second` lives in a temporary
    const int vline = value.IsNull() ? line : LineOf(value, line);
    if (!value.IsScalar() || value.Scalar().empty()) {
      Error(vline, upath, "expected a bcrypt hash");
      continue;
    }
    if (!IsBcryptHash(value.Scalar())) {
      // Never repeat the value: it may be a password written where its hash belongs.
      Error(vline, upath,
            "not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost 04..31 and 53 more characters, "
            "as printed by `htpasswd -nbBC 10 \"\" <password> | tr -d ':\\n'`); the value is not shown");
      continue;
    }
    out->users.push_back({name, value.Scalar()});
  }
  std::sort(out->users.begin(), out->users.end(),
            [](const BasicAuthUser& a, const BasicAuthUser& b) { return a.name < b.name; });
}

Result<WebConfig> Parser::Parse(const std::string& text) {
  WebConfig config;
  config.origin = origin();
  Status status = YamlReader::Parse(text, [&](const YAML::Node& root) {
    if (!root.IsMap()) {
      Error(LineOf(root, 1), "top level",
            "expected a mapping with keys tls_server_config, http_server_config, "
            "basic_auth_users, got " + DescribeYamlNode(root));
    } else if (auto top = ReadMap(root, "", 1,
                                  {"tls_server_config", "http_server_config", "basic_auth_users"},
                                  {{"rate_limit", "not supported"}})) {
      if (auto it = top->find("tls_server_config"); it != top->end()) ReadTls(it->second, &config);
      if (auto it = top->find("http_server_config"); it != top->end()) ReadHttp(it->second, &config);
      if (auto it = top->find("basic_auth_users"); it != top->end()) ReadUsers(it->second, &config);
    }
  });
  if (!status.ok()) return status;
  return config;
}

}  // namespace

std::string_view ClientAuthTypeName(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::kNoClientCert: return "NoClientCert";
    case ClientAuthType::kRequestClientCert: return "RequestClientCert";
    case ClientAuthType::kRequireAnyClientCert: return "RequireAnyClientCert";
    case ClientAuthType::kVerifyClientCertIfGiven: return "VerifyClientCertIfGiven";
    case ClientAuthType::kRequireAndVerifyClientCert: return "RequireAndVerifyClientCert";
  }
  return "NoClientCert";
}

bool VerifiesClientCert(ClientAuthType type) {
  return type == ClientAuthType::kVerifyClientCertIfGiven ||
         type == ClientAuthType::kRequireAndVerifyClientCert;
}

std::string_view TlsVersionName(TlsVersion version) {
  return version == TlsVersion::kTls13 ? "TLS13" : "TLS12";
}

Result<WebConfig> ParseWebConfig(const std::string& yaml_text, const std::string& origin,
                                 const std::string& base_dir) {
  return Parser(origin, base_dir).Parse(yaml_text);
}

Result<WebConfig> LoadWebConfigFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!fp) {
    return Status::InvalidConfig(path + ": cannot read web config file: " + std::strerror(errno));
  }
  std::string text;
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, fp.get())) > 0) {
    text.append(buf, n);
    if (text.size() > kMaxWebConfigBytes) {
      return Status::InvalidConfig(path + ": web config file larger than 1 MiB");
    }
  }
  if (std::ferror(fp.get())) {
    return Status::InvalidConfig(path + ": cannot read web config file: " + std::strerror(errno));
  }
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ParseWebConfig(text, path, base_dir);
}

std::string DescribeWebConfig(const WebConfig& config) {
  std::string out;
  if (config.tls) {
    const TlsServerConfig& t = config.tls_server;
    out = "TLS (";
    out += TlsVersionName(t.min_version);
    if (t.max_version != t.min_version) out += std::string("..") + std::string(TlsVersionName(t.max_version));
    out += ", client certificates: ";
    out += ClientAuthTypeName(t.client_auth);
    out += ")";
  } else {
    out = "plain HTTP";
  }
  if (config.users.empty()) {
    out += ", no authentication";
  } else {
    out += ", basic auth (" + std::to_string(config.users.size()) +
           (config.users.size() == 1 ? " user)" : " users)");
  }
  if (!config.headers.empty()) {
    out += ", " + std::to_string(config.headers.size()) + " extra response header" +
           (config.headers.size() == 1 ? "" : "s");
  }
  return out;
}

}  // namespace fme
