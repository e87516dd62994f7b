#include "server/web_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "exposition/gzip_parts.h"
#include "support/fake_clock.h"

namespace fme {
namespace {

TEST(ListenAddressTest, Parses) {
  auto a = ParseListenAddress(":22105");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "0.0.0.0");
  EXPECT_EQ(a->second, 22105);
  a = ParseListenAddress("127.0.0.1:0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 0);
  a = ParseListenAddress("[::1]:9000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "::1");
  for (const char* bad : {"22105", "host:", "host:99999", "host:12a", ""}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

TEST(AcceptsGzipTest, HonoursTokensAndQValues) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("br, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("x-gzip-not"));
}

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.SetTargets({{SourceKind::kFlink, "a<b>", "http://jm:8081"}});
    WebServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.version = "9.9.9";
    server = std::make_unique<WebServer>(o, cache, self, store, clock);
    ASSERT_TRUE(server->Start().ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_decompress(false);
  }
  void TearDown() override { server->Stop(); }

  void PollOnce(bool up) {
    TargetState st;
    st.target = {SourceKind::kFlink, "a<b>", "http://jm:8081"};
    st.polled = true;
    st.up = up;
    st.last_error = up ? "" : "connect: refused <script>";
    if (up) st.observation = FlinkObservation{};
    store.Update(st);
    cache.RenderNow();
  }

  testing::FakeClock clock;
  SnapshotStore store{clock};
  SelfMetrics self{clock, "9.9.9", "abc"};
  ExpositionCache cache{store, self};
  std::unique_ptr<WebServer> server;
  std::unique_ptr<httplib::Client> client;
};

TEST_F(WebServerTest, MetricsHasTheTextFormatContentType) {
  PollOnce(true);
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  EXPECT_NE(res->body.find("flink_up{flink_cluster=\"a<b>\"} 1\n"), std::string::npos);
  EXPECT_NE(res->body.find("flink_mesos_exporter_build_info{revision=\"abc\",version=\"9.9.9\"} 1"),
            std::string::npos);
}

TEST_F(WebServerTest, GzipBodyIsTheSameDocument) {
  PollOnce(true);
  auto plain = client->Get("/metrics");
  auto gz = client->Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(plain && gz);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  std::string decoded;
  ASSERT_TRUE(GunzipForTest(gz->body, decoded));
  EXPECT_EQ(decoded, plain->body);  // the fake clock keeps the snapshot age identical
  EXPECT_LT(gz->body.size(), plain->body.size());
}

TEST_F(WebServerTest, SnapshotAgeIsComputedPerScrape) {
  PollOnce(true);
  clock.Advance(std::chrono::seconds(42));
  auto res = client->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("flink_mesos_exporter_snapshot_age_seconds 42\n"), std::string::npos)
      << res->body;
}

TEST_F(WebServerTest, ScrapesDoNotRender) {
  PollOnce(true);
  auto before = cache.Current();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->Get("/metrics"));
  EXPECT_EQ(cache.Current().get(), before.get()) << "the cached rendering is reused";
}

TEST_F(WebServerTest, ReadyOnlyAfterEveryTargetWasPolled) {
  auto res = client->Get("/-/ready");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("0 of 1"), std::string::npos);
  PollOnce(false);
  res = client->Get("/-/ready");
  EXPECT_EQ(res->status, 200) << "a failed poll still counts as polled";
  res = client->Get("/-/healthy");
  EXPECT_EQ(res->status, 200);
}

TEST_F(WebServerTest, LandingPageListsTargetsEscaped) {
  PollOnce(false);
  auto res = client->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(res->body.find("a&lt;b&gt;"), std::string::npos);
  EXPECT_NE(res->body.find("DOWN"), std::string::npos);
  EXPECT_NE(res->body.find("connect: refused &lt;script&gt;"), std::string::npos);
  EXPECT_NE(res->body.find("href=\"/metrics\""), std::string::npos);
  EXPECT_EQ(res->body.find("<script>"), std::string::npos);
}

TEST_F(WebServerTest, SnapshotApiServesJson) {
  PollOnce(true);
  auto res = client->Get("/api/v1/snapshot");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << res->body;
  EXPECT_EQ(j["generation"], store.Current()->generation);
  ASSERT_EQ(j["flink_clusters"].size(), 1u);
  EXPECT_EQ(j["flink_clusters"][0]["name"], "a<b>");
  EXPECT_EQ(j["flink_clusters"][0]["poll"]["up"], true);
  EXPECT_EQ(j["mesos_clusters"], nlohmann::json::array());
}

TEST_F(WebServerTest, SnapshotApiFiltersByQuery) {
  PollOnce(true);
  // "a<b>" percent-encoded: the filter sees the decoded name.
  auto res = client->Get("/api/v1/snapshot?flink_cluster=a%3Cb%3E");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["flink_clusters"].size(), 1u);
  res = client->Get("/api/v1/snapshot?flink_cluster=other");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["flink_clusters"], nlohmann::json::array());
}

TEST_F(WebServerTest, SnapshotApiRejectsUnknownParameters) {
  auto res = client->Get("/api/v1/snapshot?cluster=a");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res->body;
  EXPECT_NE(j.value("error", "").find("unknown query parameter \"cluster\""), std::string::npos)
      << res->body;
}

TEST_F(WebServerTest, SnapshotApiIsReadOnly) {
  auto res = client->Post("/api/v1/snapshot", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
  EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).contains("error")) << res->body;
  res = client->Delete("/api/v1/snapshot");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
}

TEST_F(WebServerTest, UnknownPathsAre404) {
  auto res = client->Get("/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

}  // namespace
}  // namespace fme
