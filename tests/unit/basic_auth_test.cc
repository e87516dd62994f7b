// Basic authentication: header parsing, bcrypt verification through libcrypt, the cache of
// successful checks, and the web server refusing requests before any handler runs.
#include "server/basic_auth.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/web_server.h"
#include "support/fake_clock.h"

namespace fme {
namespace {

using namespace std::chrono_literals;

// Cost 4 (the minimum) keeps the tests fast; the cost changes nothing else.
constexpr const char* kHunter2 = "$2b$04$HvHylaRXh5cB4j5/sZVH1u07aFHpBsh.wXEjNskDw234ocVGIOWJm";
constexpr const char* kOtherPass = "$2b$04$5kNjHz32xPFIJGxw2eHVPOKOkv4/3OFBl9nAHmHFCdCeBkpfrB3sG";

// "Basic <base64>" of user ":" password, split at the first ':' of `credentials` (a string
// without ':' is sent as such, to test refusals).
std::string Basic(const std::string& credentials) {
  const std::size_t colon = credentials.find(':');
  if (colon == std::string::npos) return "Basic " + std::string(credentials == "no-colon" ? "bm8tY29sb24=" : "");
  return httplib::make_basic_authentication_header(credentials.substr(0, colon),
                                                   credentials.substr(colon + 1))
      .second;
}

TEST(ConstantTimeEqualsTest, ComparesBytes) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(ParseBasicAuthorizationTest, Accepts) {
  auto c = ParseBasicAuthorization(Basic("prom:s3cret"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, "prom");
  EXPECT_EQ(c->second, "s3cret");
  // The scheme is case-insensitive; the password may hold ':' and be empty; padding optional.
  c = ParseBasicAuthorization("bAsIc " + Basic("u:a:b").substr(6));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->second, "a:b");
  c = ParseBasicAuthorization(Basic("u:"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, "u");
  EXPECT_EQ(c->second, "");
  c = ParseBasicAuthorization("Basic dTpw");  // "u:p", no padding needed
  ASSERT_TRUE(c);
  EXPECT_EQ(c->second, "p");
  c = ParseBasicAuthorization("Basic dTpwcQ");  // "u:pq" without its "=="
  ASSERT_TRUE(c);
  EXPECT_EQ(c->second, "pq");
}

TEST(ParseBasicAuthorizationTest, Refuses) {
  for (const std::string& h :
       {std::string(""), std::string("Basic"), std::string("Basic "), std::string("Bearer abc"),
        std::string("Basicx dTpw"), std::string("Basic d*pw"), std::string("Basic dTpwcQ=x"),
        Basic("no-colon"), std::string("Basic a")}) {
    EXPECT_FALSE(ParseBasicAuthorization(h)) << h;
  }
}

TEST(VerifyBcryptTest, MatchesOnlyTheRightPassword) {
  EXPECT_TRUE(VerifyBcrypt("hunter2", kHunter2));
  EXPECT_FALSE(VerifyBcrypt("hunter3", kHunter2));
  EXPECT_FALSE(VerifyBcrypt("", kHunter2));
  EXPECT_FALSE(VerifyBcrypt("hunter2", kOtherPass));
  EXPECT_TRUE(VerifyBcrypt("other-pass", kOtherPass));
  // The $2a$ and $2y$ spellings of the same hash (identical for such passwords).
  EXPECT_TRUE(VerifyBcrypt("hunter2", std::string(kHunter2).replace(2, 1, "a")));
  EXPECT_TRUE(VerifyBcrypt("hunter2", std::string(kHunter2).replace(2, 1, "y")));
  // A NUL byte would cut the C string short: refused instead of matching "hunter2".
  EXPECT_FALSE(VerifyBcrypt(std::string_view("hunter2\0xyz", 11), kHunter2));
  // A damaged hash never verifies.
  EXPECT_FALSE(VerifyBcrypt("hunter2", std::string(kHunter2).replace(10, 3, "AAA")));
  EXPECT_FALSE(VerifyBcrypt("hunter2", "*0"));
}

class BasicAuthTest : public ::testing::Test {
 protected:
  testing::FakeClock clock;
  BasicAuth auth{{{"prom", kHunter2}, {"other", kOtherPass}}, clock, BasicAuth::Options{5min, 3}};
};

TEST_F(BasicAuthTest, CachesSuccessfulChecksForTheTtl) {
  BasicAuth::Decision d = auth.Check("prom", "hunter2");
  EXPECT_EQ(d.outcome, BasicAuth::Outcome::kOk);
  EXPECT_FALSE(d.cached);
  EXPECT_EQ(d.user, "prom");
  EXPECT_EQ(auth.bcrypt_checks(), 1u);

  clock.Advance(4min);
  d = auth.Check("prom", "hunter2");
  EXPECT_EQ(d.outcome, BasicAuth::Outcome::kOk);
  EXPECT_TRUE(d.cached);
  EXPECT_EQ(auth.bcrypt_checks(), 1u) << "served from the cache";

  clock.Advance(1min);  // 5 min after the check: expired, checked again
  d = auth.Check("prom", "hunter2");
  EXPECT_EQ(d.outcome, BasicAuth::Outcome::kOk);
  EXPECT_FALSE(d.cached);
  EXPECT_EQ(auth.bcrypt_checks(), 2u);
}

TEST_F(BasicAuthTest, TheCacheNeverAnswersForAnotherPasswordOrUser) {
  ASSERT_EQ(auth.Check("prom", "hunter2").outcome, BasicAuth::Outcome::kOk);
  BasicAuth::Decision d = auth.Check("prom", "hunter2 ");
  EXPECT_EQ(d.outcome, BasicAuth::Outcome::kWrongPassword);
  EXPECT_EQ(d.user, "prom");
  EXPECT_EQ(auth.Check("other", "hunter2").outcome, BasicAuth::Outcome::kWrongPassword);
  EXPECT_EQ(auth.Check("Prom", "hunter2").outcome, BasicAuth::Outcome::kUnknownUser);
  EXPECT_EQ(auth.bcrypt_checks(), 4u);
}

TEST_F(BasicAuthTest, FailuresAreNeverCachedAndUnknownUsersCostABcryptCheck) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth.Check("prom", "wrong").outcome, BasicAuth::Outcome::kWrongPassword);
  }
  EXPECT_EQ(auth.bcrypt_checks(), 3u);
  BasicAuth::Decision d = auth.Check("mallory", "hunter2");
  EXPECT_EQ(d.outcome, BasicAuth::Outcome::kUnknownUser);
  EXPECT_EQ(d.user, "") << "an unknown name is not echoed (it may be a mistyped password)";
  EXPECT_EQ(auth.bcrypt_checks(), 4u) << "unknown users take the time of a known one";
}

TEST_F(BasicAuthTest, CheckHeader) {
  EXPECT_EQ(auth.CheckHeader("").outcome, BasicAuth::Outcome::kNoCredentials);
  EXPECT_EQ(auth.CheckHeader("Bearer x").outcome, BasicAuth::Outcome::kMalformed);
  EXPECT_EQ(auth.CheckHeader(Basic("prom:hunter2")).outcome, BasicAuth::Outcome::kOk);
  EXPECT_EQ(auth.CheckHeader(Basic("prom:nope")).outcome, BasicAuth::Outcome::kWrongPassword);
  EXPECT_EQ(auth.CheckHeader(Basic("nobody:hunter2")).outcome, BasicAuth::Outcome::kUnknownUser);
}

TEST(BasicAuthCacheTest, CapacityIsBounded) {
  testing::FakeClock clock;
  BasicAuth auth({{"prom", kHunter2}, {"other", kOtherPass}}, clock, BasicAuth::Options{5min, 1});
  ASSERT_EQ(auth.Check("prom", "hunter2").outcome, BasicAuth::Outcome::kOk);
  EXPECT_TRUE(auth.Check("prom", "hunter2").cached);
  // Full and nothing expired: the new entry replaces the old ones.
  ASSERT_EQ(auth.Check("other", "other-pass").outcome, BasicAuth::Outcome::kOk);
  EXPECT_TRUE(auth.Check("other", "other-pass").cached);
  EXPECT_FALSE(auth.Check("prom", "hunter2").cached);
  EXPECT_EQ(auth.bcrypt_checks(), 3u);

  BasicAuth uncached({{"prom", kHunter2}}, clock, BasicAuth::Options{Duration::zero(), 16});
  EXPECT_FALSE(uncached.Check("prom", "hunter2").cached);
  EXPECT_FALSE(uncached.Check("prom", "hunter2").cached);
}

TEST_F(BasicAuthTest, ConcurrentChecksAgree) {
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const bool right = (t + i) % 2 == 0;
        auto d = auth.Check("prom", right ? "hunter2" : "hunter3");
        ((d.outcome == BasicAuth::Outcome::kOk) == right ? ok : refused)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(refused.load(), 0);
}

// The web server with basic_auth_users: refusal before routing, /-/healthy open, headers.
class WebServerAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.SetTargets({});
    WebServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.web_config.users = {{"prom", kHunter2}};
    o.web_config.headers = {{"X-Frame-Options", "deny"}, {"X-Content-Type-Options", "nosniff"}};
    o.reload = [this] {
      ++reloads;
      return Status::Ok();
    };
    server = std::make_unique<WebServer>(o, cache, self, store, clock);
    ASSERT_TRUE(server->Start().ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
  void TearDown() override { server->Stop(); }

  static void ExpectRefused(const httplib::Result& res) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"flink-mesos-exporter\"");
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny");
  }

  testing::FakeClock clock;
  SnapshotStore store{clock};
  SelfMetrics self{clock, "9.9.9", "abc"};
  ExpositionCache cache{store, self};
  std::unique_ptr<WebServer> server;
  std::unique_ptr<httplib::Client> client;
  std::atomic<int> reloads{0};
};

TEST_F(WebServerAuthTest, EveryEndpointButHealthyNeedsCredentials) {
  for (const char* path : {"/metrics", "/", "/-/ready", "/api/v1/snapshot", "/nowhere"}) {
    SCOPED_TRACE(path);
    ExpectRefused(client->Get(path));
    ExpectRefused(client->Get(path, {{"Authorization", Basic("prom:wrong")}}));
    ExpectRefused(client->Get(path, {{"Authorization", Basic("nobody:hunter2")}}));
    ExpectRefused(client->Get(path, {{"Authorization", "Basic !!!"}}));
  }
  ExpectRefused(client->Post("/-/reload", "", "text/plain"));
  EXPECT_EQ(reloads.load(), 0) << "a refused request never reaches its handler";

  auto res = client->Get("/-/healthy");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  res = client->Head("/-/healthy");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(WebServerAuthTest, RightCredentialsPass) {
  client->set_basic_auth("prom", "hunter2");
  cache.RenderNow();
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("flink_mesos_exporter_build_info"), std::string::npos);
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny");
  EXPECT_FALSE(res->has_header("WWW-Authenticate"));
  res = client->Get("/nowhere");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "deny");
  res = client->Post("/-/reload", "", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(reloads.load(), 1);
}

}  // namespace
}  // namespace fme
