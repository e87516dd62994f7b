// The `limits` block of the real binary: a target over max_series_per_target keeps its first
// series and reports the rest in flink_mesos_exporter_series_over_limit until a reload raises
// the cap; max_concurrent_requests bounds the requests in flight to all upstreams together.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <optional>
#include <string>

#include "exporter_process.h"
#include "fake_upstream.h"
#include "fixture_routes.h"

namespace fme::e2e {
namespace {

using namespace std::chrono_literals;

constexpr char kOverLimit[] =
    "flink_mesos_exporter_series_over_limit{source=\"flink\",target=\"capped\"}";

std::string Config(const std::string& limits, const std::string& flink_entries) {
  return "global:\n  poll_interval: 500ms\n  poll_timeout: 400ms\n  connect_timeout: 400ms\n" +
         limits + "flink_clusters:\n" + flink_entries;
}

// Series of the cluster (its own families, not the exporter's self-metrics about it).
std::size_t SeriesOf(const std::string& metrics, const std::string& cluster) {
  std::size_t n = 0;
  for (const std::string& line : LinesWith(metrics, {"{flink_cluster=\"" + cluster + "\""})) {
    n += line.rfind('#', 0) != 0;
  }
  return n;
}

TEST(LimitsTest, SeriesOverTheCapAreLeftOutAndCountedUntilAReloadRaisesIt) {
  FakeUpstream flink;
  ASSERT_TRUE(flink.ok());
  ServeFixtureRoutes(flink, "flink/1.13");
  const std::string entry = "  - name: capped\n    rest_url: " + flink.url() +
                            "\n    terminal_job_ttl: 5200w\n";
  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config("limits:\n  max_series_per_target: 6\n", entry)));

  std::string metrics;
  ASSERT_TRUE(WaitFor(
      [&] {
        metrics = exporter.Metrics();
        return SampleValue(metrics, kOverLimit).value_or(0) > 0;
      },
      20s, 100ms))
      << metrics;
  EXPECT_EQ(SeriesOf(metrics, "capped"), 6u);
  EXPECT_EQ(SampleValue(metrics, "flink_up{flink_cluster=\"capped\"}"), 1.0)
      << "the up series is written first, so it is never the one left out";
  const double left_out = *SampleValue(metrics, kOverLimit);

  // Without the block the default cap is far above this cluster: everything comes back.
  {
    std::ofstream out(exporter.config_path(), std::ios::trunc);
    out << Config("", entry);
  }
  httplib::Client client("127.0.0.1", exporter.port());
  auto res = client.Post("/-/reload");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_TRUE(WaitFor(
      [&] {
        metrics = exporter.Metrics();
        return SampleValue(metrics, kOverLimit) == 0.0;
      },
      20s, 100ms))
      << metrics;
  EXPECT_EQ(static_cast<double>(SeriesOf(metrics, "capped")), 6 + left_out);
  EXPECT_TRUE(exporter.Stop());
}

// Four clusters behind one slow upstream (every answer held 100 ms), all polled at start: without
// a cap their requests overlap; with a cap of 1 the upstream never sees two at once. The poll
// timeout is long enough for every queued request to be answered: a request the exporter gave up
// on would still be held by the upstream while the next one arrives.
int MaxInFlightWith(const std::string& limits) {
  FakeUpstream upstream;
  if (!upstream.ok()) return -1;
  upstream.SetFallback(Route::Json(Fixture("flink/1.13/config.json")));
  upstream.SetDelay(100ms);
  std::string entries;
  for (const char* name : {"a", "b", "c", "d"}) {
    entries += std::string("  - name: ") + name + "\n    rest_url: " + upstream.url() + "/" +
               name + "\n";
  }
  ExporterProcess exporter;
  const std::string config = "global:\n  poll_interval: 10s\n  poll_timeout: 8s\n" + limits +
                             "flink_clusters:\n" + entries;
  if (!exporter.Start(config)) return -1;
  // Long enough for every cluster to be polled several times.
  WaitFor([&] { return upstream.MaxInFlight() > 1; }, 4s, 50ms);
  exporter.Stop();
  return upstream.MaxInFlight();
}

TEST(LimitsTest, ConcurrentRequestsToAllUpstreamsStayUnderTheCap) {
  EXPECT_GE(MaxInFlightWith(""), 2) << "the clusters' polls overlap when nothing caps them";
  EXPECT_EQ(MaxInFlightWith("limits:\n  max_concurrent_requests: 1\n"), 1);
}

}  // namespace
}  // namespace fme::e2e
