#include "exposition/self_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "sources/instrumented_http_client.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"

namespace fme {
namespace {

const TargetInfo kFlink{SourceKind::kFlink, "analytics", "http://jm:8081"};
const TargetInfo kMesos{SourceKind::kMesos, "prod", "http://m1:5050"};

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

class SelfMetricsTest : public ::testing::Test {
 protected:
  std::string Text() { return self_.Current()->text; }

  testing::FakeClock clock_;
  SelfMetrics self_{clock_, "1.2.3", "abc"};
};

TEST_F(SelfMetricsTest, SeriesDroppedStartsAtZeroForEveryTarget) {
  self_.AddTarget(kFlink);
  self_.AddTarget(kMesos);
  const std::string text = Text();
  EXPECT_TRUE(Has(text, "# TYPE flink_mesos_exporter_series_dropped_total counter"));
  EXPECT_TRUE(Has(
      text, "flink_mesos_exporter_series_dropped_total{source=\"flink\",target=\"analytics\"} 0"));
  EXPECT_TRUE(
      Has(text, "flink_mesos_exporter_series_dropped_total{source=\"mesos\",target=\"prod\"} 0"));
  EXPECT_EQ(text.find("flink_mesos_exporter_endpoint_errors_total{"), std::string::npos)
      << "endpoint errors appear with the first one";
}

TEST_F(SelfMetricsTest, PollOutcomeAddsEndpointErrorsAndDroppedSeries) {
  self_.AddTarget(kFlink);
  PollOutcome outcome{std::chrono::milliseconds(120),
                      Status::Ok(),
                      {{"/jobs/:jobid/checkpoints", "http_status"},
                       {"/jobs/:jobid/checkpoints", "http_status"},
                       {"/taskmanagers/:taskmanagerid/metrics", "timeout"}},
                      7};
  self_.OnPollDone(kFlink, outcome);
  outcome.endpoint_errors = {{"/jobs/:jobid/checkpoints", "http_status"}};
  outcome.series_dropped = 3;
  self_.OnPollDone(kFlink, outcome);
  const std::string text = Text();
  EXPECT_TRUE(Has(text, "# TYPE flink_mesos_exporter_endpoint_errors_total counter"));
  EXPECT_TRUE(
      Has(text,
          "flink_mesos_exporter_endpoint_errors_total{endpoint=\"/jobs/:jobid/checkpoints\","
          "kind=\"http_status\",source=\"flink\",target=\"analytics\"} 3"));
  EXPECT_TRUE(
      Has(text,
          "flink_mesos_exporter_endpoint_errors_total{endpoint=\"/taskmanagers/:taskmanagerid/"
          "metrics\",kind=\"timeout\",source=\"flink\",target=\"analytics\"} 1"));
  EXPECT_TRUE(Has(
      text, "flink_mesos_exporter_series_dropped_total{source=\"flink\",target=\"analytics\"} 10"));
  EXPECT_TRUE(
      Has(text, "flink_mesos_exporter_poll_success{source=\"flink\",target=\"analytics\"} 1"));
}

TEST_F(SelfMetricsTest, RequestsCountedByEndpointAndCode) {
  self_.CountRequest(kFlink, "/jobs/:jobid", "200");
  self_.CountRequest(kFlink, "/jobs/:jobid", "200");
  self_.CountRequest(kFlink, "/jobs/:jobid", "timeout");
  self_.CountRequest(kFlink, "/overview", "200");
  const std::string text = Text();
  const std::string prefix = "flink_mesos_exporter_upstream_requests_total{code=";
  EXPECT_TRUE(Has(
      text, prefix + "\"200\",endpoint=\"/jobs/:jobid\",source=\"flink\",target=\"analytics\"} 2"));
  EXPECT_TRUE(Has(
      text,
      prefix + "\"timeout\",endpoint=\"/jobs/:jobid\",source=\"flink\",target=\"analytics\"} 1"));
  EXPECT_TRUE(Has(
      text, prefix + "\"200\",endpoint=\"/overview\",source=\"flink\",target=\"analytics\"} 1"));
}

TEST_F(SelfMetricsTest, RemovedTargetLosesEverySeriesAndStaysGone) {
  self_.AddTarget(kFlink);
  self_.AddTarget(kMesos);
  PollOutcome failed;
  failed.status = Status::Timeout("slow");
  failed.endpoint_errors = {{"/jobs/:jobid", "parse"}};
  self_.OnPollDone(kFlink, failed);
  self_.CountRequest(kFlink, "/overview", "200");
  self_.CountRequest(kMesos, "/metrics/snapshot", "200");
  ASSERT_NE(Text().find("target=\"analytics\""), std::string::npos);

  self_.RemoveTarget(kFlink);
  // A request of a poll that was still running brings nothing back.
  self_.CountRequest(kFlink, "/jobs/overview", "200");
  std::string text = Text();
  EXPECT_EQ(text.find("target=\"analytics\""), std::string::npos) << text;
  EXPECT_TRUE(Has(text,
                  "flink_mesos_exporter_upstream_requests_total{code=\"200\",endpoint=\"/metrics/"
                  "snapshot\",source=\"mesos\",target=\"prod\"} 1"))
      << text;

  // Discovered again: it starts afresh.
  self_.AddTarget(kFlink);
  self_.CountRequest(kFlink, "/overview", "200");
  text = Text();
  EXPECT_TRUE(Has(text,
                  "flink_mesos_exporter_upstream_requests_total{code=\"200\",endpoint=\"/"
                  "overview\",source=\"flink\",target=\"analytics\"} 1"))
      << text;
}

TEST(InstrumentedHttpClientTest, CountsByRouteTemplateOrPath) {
  testing::FakeClock clock;
  SelfMetrics self(clock, "1.2.3", "abc");
  testing::FakeHttpClient inner;
  inner.Respond("http://jm:8081/jobs/0123/checkpoints", 404, "");
  inner.Respond("http://m1:5050/metrics/snapshot?timeout=5secs", 200, "{}");
  InstrumentedHttpClient flink(inner, kFlink, self);
  InstrumentedHttpClient mesos(inner, kMesos, self);

  HttpRequest checkpoints;
  checkpoints.url = "http://jm:8081/jobs/0123/checkpoints";
  checkpoints.endpoint = "/jobs/:jobid/checkpoints";
  EXPECT_TRUE(flink.Send(checkpoints).ok());
  HttpRequest snapshot;
  snapshot.url = "http://m1:5050/metrics/snapshot?timeout=5secs";
  EXPECT_TRUE(mesos.Send(snapshot).ok());
  HttpRequest refused;
  refused.url = "http://jm:8081/overview";
  EXPECT_FALSE(flink.Send(refused).ok());

  const std::string text = self.Current()->text;
  const std::string prefix = "flink_mesos_exporter_upstream_requests_total{code=";
  EXPECT_TRUE(Has(text, prefix + "\"404\",endpoint=\"/jobs/:jobid/"
                                 "checkpoints\",source=\"flink\",target=\"analytics\"} 1"));
  EXPECT_TRUE(Has(
      text, prefix + "\"200\",endpoint=\"/metrics/snapshot\",source=\"mesos\",target=\"prod\"} 1"));
  EXPECT_TRUE(Has(
      text, prefix + "\"connect\",endpoint=\"/overview\",source=\"flink\",target=\"analytics\"} 1"))
      << text;
}

TEST(InstrumentedHttpClientTest, EndpointOfUrlsWithoutPath) {
  auto endpoint = [](std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return InstrumentedHttpClient::EndpointOf(r);
  };
  EXPECT_EQ(endpoint("http://jm:8081"), "/");
  EXPECT_EQ(endpoint("http://jm:8081?x=1"), "/");
  EXPECT_EQ(endpoint("https://[::1]:8081/v1/overview#top"), "/v1/overview");
  EXPECT_EQ(endpoint("http://m1:5050/master/state?jsonp=x"), "/master/state");
}

}  // namespace
}  // namespace fme
