// Configuration reload of the real binary, by SIGHUP and by POST /-/reload: targets added,
// removed and changed take effect without a restart, unchanged targets keep their series
// (counters go on counting), and a configuration that does not load is rejected whole.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "exporter_process.h"
#include "fixture_routes.h"

namespace fme::e2e {
namespace {

std::string FlinkEntry(const std::string& name, const std::string& url,
                       const std::string& extra = "") {
  return "  - name: " + name + "\n    rest_url: " + url + "\n" + extra;
}

std::string Config(const std::string& flink_entries) {
  return "global:\n  poll_interval: 300ms\n  poll_timeout: 250ms\nflink_clusters:\n" +
         flink_entries;
}

void Rewrite(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

std::string RequestsOf(const std::string& target) {
  return "flink_mesos_exporter_upstream_requests_total{code=\"200\",endpoint=\"/overview\","
         "source=\"flink\",target=\"" + target + "\"}";
}

// Sends `request` as is on a fresh connection and returns everything the server answers.
std::string RawRequest(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return answer;
}

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kept_.ok() && gone_.ok() && fresh_.ok());
    ServeFixtureRoutes(kept_, "flink/1.13");
    ServeFixtureRoutes(gone_, "flink/1.13");
    ServeFixtureRoutes(fresh_, "flink/1.13");
    ASSERT_TRUE(exporter_.Start(Config(FlinkEntry("kept", kept_.url()) +
                                       FlinkEntry("gone", gone_.url()))));
    ASSERT_TRUE(exporter_.WaitReady());
  }

  bool Has(const std::string& series) {
    last_ = exporter_.Metrics();
    return SampleValue(last_, series).has_value();
  }

  FakeUpstream kept_, gone_, fresh_;
  ExporterProcess exporter_;
  std::string last_;
};

TEST_F(ReloadTest, SighupAppliesAddedRemovedAndChangedTargetsAndKeepsTheUnchanged) {
  ASSERT_TRUE(WaitFor([&] { return SampleValue(exporter_.Metrics(), RequestsOf("kept")) >= 5.0; },
                      10s));

  Rewrite(exporter_.config_path(),
          Config(FlinkEntry("kept", kept_.url()) + FlinkEntry("fresh", fresh_.url())));
  ASSERT_EQ(kill(exporter_.pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return Has("flink_up{flink_cluster=\"fresh\"}"); }, 10s)) << last_;
  ASSERT_TRUE(WaitFor([&] { return !Has("flink_up{flink_cluster=\"gone\"}"); }, 10s)) << last_;
  // Every series of the removed target is gone, its self-metrics included.
  EXPECT_EQ(last_.find("\"gone\""), std::string::npos) << last_;
  // The unchanged target was not restarted: its counter still counts every request since the
  // start (a rebuilt target would have started again from 0, 5 or more behind).
  const double counted = SampleValue(last_, RequestsOf("kept")).value_or(0);
  EXPECT_LE(kept_.Requests("/overview") - counted, 2) << "counted " << counted;
  EXPECT_EQ(SampleValue(last_, "flink_mesos_exporter_config_last_reload_successful"), 1.0);
  EXPECT_FALSE(LinesWith(exporter_.ReadLog(), {"msg=\"configuration reloaded\"", "kept=1",
                                               "replaced_or_removed=1", "added=1"})
                   .empty())
      << exporter_.ReadLog();
}

TEST_F(ReloadTest, InvalidConfigurationIsRejectedAndTheRunningOneStays) {
  Rewrite(exporter_.config_path(), Config(FlinkEntry("kept", kept_.url()) +
                                          "  - name: broken\n    rest_url: not-a-url\n"));
  httplib::Client client("127.0.0.1", exporter_.port());
  auto res = client.Post("/-/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_NE(res->body.find("exporter.yml:8: flink_clusters[1].rest_url"), std::string::npos)
      << res->body;
  const std::string metrics = exporter_.Metrics();
  EXPECT_EQ(SampleValue(metrics, "flink_mesos_exporter_config_last_reload_successful"), 0.0);
  EXPECT_TRUE(SampleValue(metrics, "flink_up{flink_cluster=\"gone\"}").has_value()) << metrics;
  EXPECT_FALSE(LinesWith(exporter_.ReadLog(), {"level=error", "configuration reload rejected",
                                               "flink_clusters[1].rest_url"})
                   .empty())
      << exporter_.ReadLog();

  // Fixed: POST /-/reload applies it and the gauge is back to 1.
  Rewrite(exporter_.config_path(), Config(FlinkEntry("kept", kept_.url())));
  res = client.Post("/-/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(SampleValue(exporter_.Metrics(), "flink_mesos_exporter_config_last_reload_successful"),
            1.0);
  EXPECT_FALSE(SampleValue(exporter_.Metrics(), "flink_up{flink_cluster=\"gone\"}").has_value());
  // `curl -X POST` sends no body and no Content-Length: still a reload.
  const std::string raw = RawRequest(exporter_.port(),
                                     "POST /-/reload HTTP/1.1\r\nHost: exporter\r\n"
                                     "Connection: close\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw;
  // Reloading is a POST: a GET (a crawler, a browser) changes nothing.
  auto get = client.Get("/-/reload");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
}

TEST_F(ReloadTest, ChangedTargetIsRebuiltWithItsNewSettings) {
  Rewrite(exporter_.config_path(),
          Config(FlinkEntry("kept", kept_.url()) + FlinkEntry("gone", fresh_.url())));
  ASSERT_EQ(kill(exporter_.pid(), SIGHUP), 0);
  // Same name, new URL: the cluster is now polled at the new address.
  ASSERT_TRUE(WaitFor([&] {
    return Has(R"(flink_cluster_info{flink_cluster="gone",version="1.13.6",revision="b2ca390 @ 2022-02-03T14:54:22+01:00",rest_url=")" +
               fresh_.url() + "\"}");
  }, 10s)) << last_;
  EXPECT_GT(fresh_.Requests("/overview"), 0);
}

}  // namespace
}  // namespace fme::e2e
