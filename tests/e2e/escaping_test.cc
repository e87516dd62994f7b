// A cluster name with a quote, a backslash, a newline and non-ASCII text survives the whole
// path: YAML escapes in the configuration file -> the exposition's label escaping -> promtool
// -> a real Prometheus scraping the exporter, whose query API returns the original string.
#include <gtest/gtest.h>
#include <httplib.h>

#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <string>

#include "exporter_process.h"
#include "fake_upstream.h"

namespace fme::e2e {
namespace {

// What the YAML below means.
const std::string kName = "ana\"ly\\tics\nprod-\u65e5\u672c";
// How it is written in a double-quoted YAML scalar.
constexpr const char* kYamlName = R"("ana\"ly\\tics\nprod-日本")";
// How the text format writes it as a label value.
constexpr const char* kExposedName = R"(ana\"ly\\tics\nprod-日本)";

class EscapingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(flink_.ok());
    flink_.SetRoute("/config", Route::Json(Fixture("flink/1.13/config.json")));
    flink_.SetRoute("/overview", Route::Json(Fixture("flink/1.13/overview.json")));
    flink_.SetRoute("/jobs/overview", Route::Json(R"({"jobs":[]})"));
    flink_.SetRoute("/taskmanagers", Route::Json(R"({"taskmanagers":[]})"));
    flink_.SetRoute("/jobmanager/metrics", Route::Json("[]"));
    const std::string config = "global:\n"
                               "  poll_interval: 1s\n"
                               "  poll_timeout: 500ms\n"
                               "flink_clusters:\n"
                               "  - name: " + std::string(kYamlName) + "\n"
                               "    rest_url: " + flink_.url() + "\n";
    ASSERT_TRUE(exporter_.Start(config));
    ASSERT_TRUE(exporter_.WaitReady());
    const std::string up = std::string("flink_up{flink_cluster=\"") + kExposedName + "\"}";
    ASSERT_TRUE(WaitFor(
        [&] {
          body_ = exporter_.Metrics();
          return SampleValue(body_, up) == 1.0;
        },
        20s, 50ms))
        << "want `" << up << " 1` in:\n" << body_;
  }

  FakeUpstream flink_;
  ExporterProcess exporter_;
  std::string body_;  // /metrics with the target up
};

TEST_F(EscapingTest, LabelValueIsEscapedInTheExposition) {
  const std::string label = std::string("flink_cluster=\"") + kExposedName + "\"";
  EXPECT_EQ(SampleValue(body_, "flink_cluster_taskmanagers{" + label + "}"), 4.0);
  EXPECT_EQ(SampleValue(body_, "flink_cluster_jobs{" + label + ",state=\"RUNNING\"}"), 2.0);
  // Self-metrics go through the same writer.
  EXPECT_EQ(SampleValue(body_, std::string("flink_mesos_exporter_poll_success{source=\"flink\",target=\"") +
                                   kExposedName + "\"}"),
            1.0);
  // No raw newline inside a sample line: every line is a comment or starts with a metric name.
  for (const std::string& line : Lines(body_)) {
    ASSERT_FALSE(line.empty());
    EXPECT_TRUE(line[0] == '#' || line.rfind("flink_", 0) == 0 || line.rfind("mesos_", 0) == 0)
        << "stray line `" << line << "`";
  }
}

TEST_F(EscapingTest, PromtoolAcceptsIt) {
  const std::string promtool = Promtool();
  if (promtool.empty()) GTEST_SKIP() << "promtool not found";
  EXPECT_TRUE(PromtoolAccepts(promtool, body_));
}

TEST_F(EscapingTest, PrometheusReadsBackTheOriginalName) {
  const std::string prometheus = FindProgram(FME_PROMETHEUS, "prometheus");
  if (prometheus.empty()) GTEST_SKIP() << "prometheus not found";

  TempDir dir;
  const std::string config = dir.Write("prometheus.yml",
                                       "global:\n"
                                       "  scrape_interval: 1s\n"
                                       "  scrape_timeout: 1s\n"
                                       "scrape_configs:\n"
                                       "  - job_name: fme\n"
                                       "    static_configs:\n"
                                       "      - targets: ['" + exporter_.address() + "']\n");
  const int port = ClosedPort();
  ASSERT_GT(port, 0);
  Subprocess server;
  ASSERT_TRUE(server.Start({prometheus, "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.path() + "/data",
                            "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                           dir.path() + "/prometheus.stdout", dir.path() + "/prometheus.stderr"));
  auto log = [&] { return ReadFile(dir.path() + "/prometheus.stderr"); };

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1s);
  client.set_read_timeout(5s);
  auto query = [&](const std::string& promql) -> nlohmann::json {
    auto res = client.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
    if (!res || res->status != 200) return nullptr;
    return nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  };

  nlohmann::json result;
  const bool scraped = WaitFor(
      [&] {
        if (!server.Running()) return true;  // reported below
        nlohmann::json doc = query("flink_up");
        if (doc.is_object() && doc.value("status", "") == "success" &&
            doc["data"]["result"].is_array() && !doc["data"]["result"].empty()) {
          result = doc["data"]["result"];
          return true;
        }
        return false;
      },
      30s, 200ms);
  ASSERT_TRUE(server.Running()) << "prometheus exited early ("
                                << DescribeWaitStatus(server.WaitStatus().value_or(0))
                                << "); its log:\n" << log();
  if (!scraped) {
    nlohmann::json up = query("up");
    std::string targets;
    if (auto res = client.Get("/api/v1/targets")) targets = res->body;
    FAIL() << "prometheus had no flink_up within 30 s; up: " << up.dump() << "\ntargets: " << targets
           << "\nlog:\n" << log();
  }

  ASSERT_EQ(result.size(), 1u) << result.dump();
  const nlohmann::json& metric = result[0]["metric"];
  ASSERT_TRUE(metric.contains("flink_cluster")) << result.dump();
  EXPECT_EQ(metric["flink_cluster"].get<std::string>(), kName);
  EXPECT_EQ(result[0]["value"][1].get<std::string>(), "1");

  const auto status = server.Terminate(10s);
  ASSERT_TRUE(status.has_value()) << "prometheus did not stop within 10 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "prometheus " << DescribeWaitStatus(*status) << "; its log:\n" << log();
}

}  // namespace
}  // namespace fme::e2e
