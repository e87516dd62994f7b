#include "http/url.h"

#include <gtest/gtest.h>

namespace fme {
namespace {

Url MustParse(std::string_view text) {
  auto url = ParseUrl(text);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  return url.ok() ? *url : Url{};
}

std::string Resolve(std::string_view base, std::string_view location) {
  auto url = ResolveLocation(MustParse(base), location);
  return url.ok() ? url->ToString() : url.status().ToString();
}

TEST(UrlTest, ParsesHttpWithDefaultPort) {
  const Url url = MustParse("http://Mesos-Master.example.com/master/state?jsonp=x");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.host, "mesos-master.example.com");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.path_and_query, "/master/state?jsonp=x");
  EXPECT_EQ(url.Origin(), "http://mesos-master.example.com:80");
  EXPECT_EQ(url.HostHeader(), "mesos-master.example.com");
  EXPECT_FALSE(url.username.has_value());
  EXPECT_FALSE(url.password.has_value());
}

TEST(UrlTest, ParsesHttpsWithDefaultAndExplicitPort) {
  EXPECT_EQ(MustParse("https://leader").port, 443);
  const Url url = MustParse("HTTPS://leader:5050");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.port, 5050);
  EXPECT_EQ(url.path_and_query, "/");
  EXPECT_EQ(url.HostHeader(), "leader:5050");
  EXPECT_EQ(url.ToString(), "https://leader:5050/");
}

TEST(UrlTest, ParsesIpv6Literal) {
  const Url url = MustParse("http://[::1]:8081/jobs/overview");
  EXPECT_EQ(url.host, "::1");
  EXPECT_TRUE(url.IsIpv6());
  EXPECT_EQ(url.port, 8081);
  EXPECT_EQ(url.Origin(), "http://[::1]:8081");
  EXPECT_EQ(url.HostHeader(), "[::1]:8081");
  EXPECT_EQ(MustParse("https://[2001:DB8::a]/").host, "2001:db8::a");
  EXPECT_EQ(MustParse("https://[2001:db8::a]/").HostHeader(), "[2001:db8::a]");
}

TEST(UrlTest, QueryWithoutPathAndFragment) {
  EXPECT_EQ(MustParse("http://h:1?x=1").path_and_query, "/?x=1");
  EXPECT_EQ(MustParse("http://h:1/a#frag").path_and_query, "/a");
  EXPECT_EQ(MustParse("http://h:1#frag").path_and_query, "/");
  EXPECT_EQ(MustParse("http://h:/a").port, 80);  // empty port means the default
}

TEST(UrlTest, UserinfoIsSplitOffAndNeverRendered) {
  const Url url = MustParse("http://alice:p%40ss%3Aword@master:5050/state");
  EXPECT_EQ(url.username, "alice");
  EXPECT_EQ(url.password, "p@ss:word");
  EXPECT_EQ(url.host, "master");
  EXPECT_EQ(url.ToString(), "http://master:5050/state");
  EXPECT_EQ(url.Origin().find("alice"), std::string::npos);

  const Url user_only = MustParse("http://bob@h/");
  EXPECT_EQ(user_only.username, "bob");
  EXPECT_FALSE(user_only.password.has_value());
}

TEST(UrlTest, EncodesNonAsciiAndUnsafeCharactersInTarget) {
  EXPECT_EQ(MustParse("http://h/\xC3\xA9t\xC3\xA9?q={a|b}").path_and_query,
            "/%C3%A9t%C3%A9?q=%7Ba%7Cb%7D");
}

TEST(UrlTest, RejectsBadUrls) {
  for (const char* bad : {"", "master:5050/state", "/master/state", "//master/state",
                          "ftp://host/", "http://", "http:///path", "http://host:0/",
                          "http://host:65536/", "http://host:12a/", "http://host:123456/",
                          "http://[::1/", "http://[::1]x/", "http://[zz]/", "http://ho st/",
                          "http://host/a b", "http://host/a\r\nX-Injected: 1", "http://h%41/"}) {
    auto url = ParseUrl(bad);
    EXPECT_FALSE(url.ok()) << "accepted: " << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(UrlTest, ErrorMessagesDoNotLeakCredentials) {
  auto url = ParseUrl("http://alice:hunter2@host:99999/x");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos) << url.status().message();
  EXPECT_NE(url.status().message().find("host:99999"), std::string::npos);
}

TEST(UrlTest, RedactUrl) {
  EXPECT_EQ(RedactUrl("http://u:p@h:1/a@b"), "http://***@h:1/a@b");
  EXPECT_EQ(RedactUrl("//u:p@h/x"), "//***@h/x");
  EXPECT_EQ(RedactUrl("http://h/a@b"), "http://h/a@b");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(UrlTest, RedactUrlsInFreeText) {
  EXPECT_EQ(RedactUrls("GET http://u:p@h:1/x: HTTP 500: see https://a@b/c and mail me@x"),
            "GET http://***@h:1/x: HTTP 500: see https://***@b/c and mail me@x");
  EXPECT_EQ(RedactUrls("redirect to //u:p@m2:5050/master"), "redirect to //***@m2:5050/master");
  EXPECT_EQ(RedactUrls("url \"http://tok@h\" refused"), "url \"http://***@h\" refused");
  EXPECT_EQ(RedactUrls("path a//b@c and http://h:1 user@host"),
            "path a//b@c and http://h:1 user@host");
  EXPECT_EQ(RedactUrls("http://h/a@b"), "http://h/a@b");
  EXPECT_EQ(RedactUrls(""), "");
}

TEST(UrlTest, TrimsSurroundingWhitespace) {
  EXPECT_EQ(MustParse("  http://h/x \n").ToString(), "http://h:80/x");
}

TEST(ResolveLocationTest, AbsoluteUrl) {
  EXPECT_EQ(Resolve("http://a:5050/master/state", "https://b:5051/x?y"), "https://b:5051/x?y");
}

TEST(ResolveLocationTest, SchemeRelativeKeepsBaseScheme) {
  // What a Mesos non-leading master answers with a 307.
  EXPECT_EQ(Resolve("http://m1:5050/master/state", "//leader:5050/master/state"),
            "http://leader:5050/master/state");
  EXPECT_EQ(Resolve("https://m1:5050/master/state", "//leader:5050/master/state"),
            "https://leader:5050/master/state");
  EXPECT_EQ(Resolve("https://m1/master/state", "//leader/master/state"),
            "https://leader:443/master/state");
  EXPECT_EQ(Resolve("http://m1:5050/", "//[::1]:5050/x"), "http://[::1]:5050/x");
}

TEST(ResolveLocationTest, AbsolutePath) {
  EXPECT_EQ(Resolve("http://a:1/b/c?q=1", "/x/y?z=2"), "http://a:1/x/y?z=2");
  EXPECT_EQ(Resolve("http://a:1/b/c", "/x/../y/./z"), "http://a:1/y/z");
}

TEST(ResolveLocationTest, RelativePath) {
  EXPECT_EQ(Resolve("http://a:1/b/c/d?q", "e"), "http://a:1/b/c/e");
  EXPECT_EQ(Resolve("http://a:1/b/c/d", "../e?f=1"), "http://a:1/b/e?f=1");
  EXPECT_EQ(Resolve("http://a:1/b/c/d", "./"), "http://a:1/b/c/");
  EXPECT_EQ(Resolve("http://a:1/b", "../../../x"), "http://a:1/x");
  EXPECT_EQ(Resolve("http://a:1/b/c", "?only=query"), "http://a:1/b/c?only=query");
  EXPECT_EQ(Resolve("http://a:1/b/c?old", "#frag"), "http://a:1/b/c?old");
}

TEST(ResolveLocationTest, KeepsIpv6Host) {
  EXPECT_EQ(Resolve("http://[::1]:8081/a/b", "c"), "http://[::1]:8081/a/c");
}

TEST(ResolveLocationTest, DoesNotInheritUserinfo) {
  auto url = ResolveLocation(MustParse("http://u:p@a:1/b"), "/c");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->username.has_value());
  EXPECT_FALSE(url->password.has_value());
}

TEST(ResolveLocationTest, RejectsUnusableLocations) {
  const Url base = MustParse("http://a:1/b");
  for (const char* bad : {"", "   ", "ftp://x/", "mailto:x@y", "//", "//host:bad/x", "http://"}) {
    auto url = ResolveLocation(base, bad);
    EXPECT_FALSE(url.ok()) << "accepted: '" << bad << "' as " << (url.ok() ? url->ToString() : "");
  }
}

}  // namespace
}  // namespace fme
