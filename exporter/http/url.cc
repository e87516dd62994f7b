#include "http/url.h"

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace fme {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  const auto begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return ToLower(c) - 'a' + 10;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && IsHexDigit(s[i + 1]) && IsHexDigit(s[i + 2])) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Characters that may not appear raw in a request target; percent-encoded on parse.
bool NeedsEncoding(unsigned char c) {
  if (c >= 0x80) return true;
  switch (c) {
    case '"': case '<': case '>': case '\\': case '^': case '`': case '{': case '|': case '}':
      return true;
    default:
      return false;
  }
}

std::string EncodeTarget(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (NeedsEncoding(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool IsRegNameChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// A scheme ("http:") at the start of a reference, per RFC 3986 section 3.1.
bool HasScheme(std::string_view ref) {
  if (ref.empty() || !IsAlpha(ref[0])) return false;
  for (std::size_t i = 1; i < ref.size(); ++i) {
    const char c = ref[i];
    if (c == ':') return true;
    if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  return false;
}

// Drops the last "/segment" of `out` (RFC 3986 section 5.2.4, step 2C).
void PopSegment(std::string& out) {
  const auto slash = out.rfind('/');
  out.erase(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view path) {
  std::string in(path);
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.erase(0, 3);
    } else if (in.starts_with("./")) {
      in.erase(0, 2);
    } else if (in.starts_with("/./")) {
      in.replace(0, 3, "/");
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.replace(0, 4, "/");
      PopSegment(out);
    } else if (in == "/..") {
      in = "/";
      PopSegment(out);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      const auto next = in.find('/', in[0] == '/' ? 1 : 0);
      const auto len = next == std::string::npos ? in.size() : next;
      out.append(in, 0, len);
      in.erase(0, len);
    }
  }
  return out;
}

Status Invalid(std::string_view text, std::string_view why) {
  std::string m = "invalid URL '";
  m += RedactUrl(text);
  m += "': ";
  m += why;
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

bool Url::IsIpv6() const { return host.find(':') != std::string::npos; }

std::string Url::HostForUrl() const { return IsIpv6() ? "[" + host + "]" : host; }

std::string Url::HostHeader() const {
  const int default_port = scheme == "https" ? 443 : 80;
  if (port == default_port) return HostForUrl();
  return HostForUrl() + ":" + std::to_string(port);
}

std::string Url::Origin() const {
  return scheme + "://" + HostForUrl() + ":" + std::to_string(port);
}

std::string Url::ToString() const { return Origin() + path_and_query; }

std::string RedactUrl(std::string_view text) {
  std::size_t start = 0;
  if (const auto sep = text.find("://"); sep != std::string_view::npos) {
    start = sep + 3;
  } else if (text.starts_with("//")) {
    start = 2;
  } else {
    return std::string(text);
  }
  auto end = text.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = text.size();
  const auto at = text.substr(start, end - start).rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, start));
  out += "***";
  out += text.substr(start + at);
  return out;
}

std::string RedactUrls(std::string_view text) {
  std::string out;
  std::size_t done = 0;  // text[0, done) is in `out`
  for (std::size_t slashes = text.find("//"); slashes != std::string_view::npos;
       slashes = text.find("//", slashes + 2)) {
    // After a scheme ("http://"), or scheme-relative at a word's start ("//host", as Mesos
    // sends in Location); "a//b" in a path is neither.
    constexpr std::string_view kWordStart = " \t\r\n\"'<(=";
    const bool after_scheme = slashes > 0 && text[slashes - 1] == ':';
    const bool word_start =
        slashes == 0 || kWordStart.find(text[slashes - 1]) != std::string_view::npos;
    if (!after_scheme && !word_start) continue;
    const std::size_t start = slashes + 2;
    std::size_t end = text.find_first_of("/?# \t\r\n\"'<>", start);
    if (end == std::string_view::npos) end = text.size();
    const std::size_t at = text.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos) continue;
    out += text.substr(done, start - done);
    out += "***";
    done = start + at;  // from the '@' on
  }
  out += text.substr(done);
  return out;
}

Result<Url> ParseUrl(std::string_view raw) {
  const std::string_view text = Trim(raw);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return Invalid(text, "contains whitespace or control characters");
  }
  if (text.empty()) return Invalid(text, "empty");

  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || !HasScheme(text)) {
    return Invalid(text, "not an absolute http(s) URL");
  }
  Url url;
  url.scheme = Lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    return Invalid(text, "unsupported scheme '" + url.scheme + "' (want http or https)");
  }

  const auto authority_begin = scheme_end + 3;
  auto authority_end = text.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) authority_end = text.size();
  std::string_view authority = text.substr(authority_begin, authority_end - authority_begin);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    url.username = PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) url.password = PercentDecode(userinfo.substr(colon + 1));
  }
  if (authority.empty()) return Invalid(text, "missing host");

  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(text, "unterminated IPv6 literal");
    const std::string_view literal = authority.substr(1, close - 1);
    if (literal.find(':') == std::string_view::npos) return Invalid(text, "bad IPv6 literal");
    for (char c : literal) {
      if (!(IsHexDigit(c) || c == ':' || c == '.')) return Invalid(text, "bad IPv6 literal");
    }
    url.host = Lower(literal);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Invalid(text, "unexpected characters after IPv6 literal");
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return Invalid(text, "missing host");
    for (char c : host) {
      if (!IsRegNameChar(c)) return Invalid(text, "bad character in host");
    }
    url.host = Lower(host);
  }

  url.port = url.scheme == "https" ? 443 : 80;
  if (has_port && !port_text.empty()) {
    if (port_text.size() > 5) return Invalid(text, "bad port");
    int port = 0;
    for (char c : port_text) {
      if (!IsDigit(c)) return Invalid(text, "bad port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return Invalid(text, "port out of range");
    url.port = port;
  }

  std::string_view target = text.substr(authority_end);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  url.path_and_query = EncodeTarget(target);
  if (url.path_and_query.empty() || url.path_and_query.front() == '?') {
    url.path_and_query = "/" + url.path_and_query;  // not insert(): GCC 12 -Wrestrict false positive
  }
  return url;
}

Result<Url> ResolveLocation(const Url& base, std::string_view location) {
  std::string_view ref = Trim(location);
  if (ref.empty()) return Status::InvalidArgument("empty Location");
  if (HasScheme(ref)) return ParseUrl(ref);
  if (ref.starts_with("//")) return ParseUrl(base.scheme + ":" + std::string(ref));

  if (const auto hash = ref.find('#'); hash != std::string_view::npos) ref = ref.substr(0, hash);
  std::string_view ref_path = ref;
  std::string_view ref_query;  // including '?'
  if (const auto q = ref.find('?'); q != std::string_view::npos) {
    ref_path = ref.substr(0, q);
    ref_query = ref.substr(q);
  }

  std::string_view base_path = base.path_and_query;
  std::string_view base_query;
  if (const auto q = base_path.find('?'); q != std::string_view::npos) {
    base_query = base_path.substr(q);
    base_path = base_path.substr(0, q);
  }

  std::string path;
  std::string_view query = ref_query;
  if (ref_path.empty()) {
    path = std::string(base_path);
    if (ref_query.empty()) query = base_query;
  } else if (ref_path.front() == '/') {
    path = RemoveDotSegments(ref_path);
  } else {
    const auto slash = base_path.rfind('/');
    std::string merged(slash == std::string_view::npos ? "/" : base_path.substr(0, slash + 1));
    merged += ref_path;
    path = RemoveDotSegments(merged);
  }
  if (path.empty() || path.front() != '/') path = "/" + path;  // see above on insert()
  return ParseUrl(base.Origin() + path + std::string(query));
}

std::string EscapePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (unsigned char c : segment) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace fme
