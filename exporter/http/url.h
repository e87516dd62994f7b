// Url: the small subset of RFC 3986 the exporter needs to talk to upstreams.
//
// Only absolute http/https URLs are accepted. Credentials written into a URL
// (http://user:pass@host/) are split off into `username`/`password` and never appear in
// Origin(), ToString() or any error message: URLs end up in logs and metric labels.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fme/status.h"

namespace fme {

struct Url {
  std::string scheme;          // "http" or "https", lower-case
  std::string host;            // lower-case; an IPv6 literal is stored WITHOUT brackets ("::1")
  int port = 0;                // explicit or the scheme's default (80/443)
  std::string path_and_query;  // starts with '/', never empty, no fragment
  // Percent-decoded userinfo, if the URL carried any. Kept out of every rendering.
  std::optional<std::string> username;
  std::optional<std::string> password;

  // True if host is an IPv6 literal (needs brackets in URLs and Host headers).
  bool IsIpv6() const;
  // host as written in a URL: "[::1]" for IPv6, the name otherwise.
  std::string HostForUrl() const;
  // host[:port] as sent in the Host header: the port is omitted when it is the default.
  std::string HostHeader() const;
  // "scheme://host:port" (port always present).
  std::string Origin() const;
  // "scheme://host:port/path?query", without credentials. Safe to log.
  std::string ToString() const;
};

// Parses an absolute http(s) URL. Fails with kInvalidArgument on anything else (relative
// references, other schemes, bad ports, whitespace or control characters). A fragment is
// dropped. Non-ASCII bytes in the path/query are percent-encoded.
Result<Url> ParseUrl(std::string_view text);

// Resolves a Location header value against the URL that produced it: absolute URLs,
// scheme-relative "//host:port/path" (keeps base's scheme, as Mesos masters send),
// absolute paths "/x", query-only "?q" and relative paths "x/y" (with dot segments removed).
// Userinfo is not inherited. Fails with kInvalidArgument if the result is not a usable URL.
Result<Url> ResolveLocation(const Url& base, std::string_view location);

// `text` with any userinfo ("user:pass@") in its authority replaced by "***@". For messages
// about strings that did not parse; a parsed Url should be rendered with ToString().
std::string RedactUrl(std::string_view text);

// `text` with the userinfo of every URL in it replaced by "***", for free text that may quote
// URLs anywhere (error messages, upstream answers): "scheme://" and scheme-relative "//" URLs
// that start the text or follow a space or quote. An authority ends at '/', '?', '#', a space
// or a quote.
std::string RedactUrls(std::string_view text);

// Percent-encodes everything but RFC 3986 unreserved characters, so an upstream id can be put
// into a URL path as one segment.
std::string EscapePathSegment(std::string_view segment);

}  // namespace fme
