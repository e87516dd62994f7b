// One exporter polling healthy targets next to one faulty Flink target per kind of upstream
// failure: each faulty target is down with its error counted under the right kind and logged
// once (rate-limited) however often it fails, while the healthy targets and the server carry on.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "exporter_process.h"
#include "fake_upstream.h"

namespace fme::e2e {
namespace {

struct Fault {
  std::string name;  // the Flink cluster's name (no characters that need quoting)
  std::string kind;  // the expected `kind` label of its poll errors
};

std::string ErrorsSeries(const std::string& name, const std::string& kind) {
  return R"(flink_mesos_exporter_poll_errors_total{kind=")" + kind + R"(",source="flink",target=")" +
         name + "\"}";
}

TEST(FaultTest, FaultyTargetsAreDownCountedAndLoggedOnceOthersCarryOn) {
  FakeUpstream healthy_flink, mesos_leader, http500, hang, malformed, truncated, short_body;
  for (FakeUpstream* u : {&healthy_flink, &mesos_leader, &http500, &hang, &malformed, &truncated,
                          &short_body}) {
    ASSERT_TRUE(u->ok());
  }
  const std::string config_json = Fixture("flink/1.13/config.json");
  const std::string overview_json = Fixture("flink/1.13/overview.json");
  healthy_flink.SetRoute("/config", Route::Json(config_json));
  healthy_flink.SetRoute("/overview", Route::Json(overview_json));
  healthy_flink.SetRoute("/jobs/overview", Route::Json(R"({"jobs":[]})"));
  healthy_flink.SetRoute("/taskmanagers", Route::Json(R"({"taskmanagers":[]})"));
  healthy_flink.SetRoute("/jobmanager/metrics", Route::Json("[]"));
  mesos_leader.SetRoute("/metrics/snapshot", Route::Json(Fixture("mesos/leader_metrics_snapshot.json")));

  http500.SetFallback(Route::Text(500, "java.lang.NullPointerException\n\tat Dispatcher\n"));
  hang.SetFallback(Route::Hang());
  // Malformed from the first request on (/config); the truncated one fails on /overview,
  // after a good /config, with a cut-off document whose Content-Length is right.
  malformed.SetFallback(Route::Json(R"({"refresh-interval": 3000, "flink-version": "1.13.6",, })"));
  truncated.SetRoute("/config", Route::Json(config_json));
  truncated.SetRoute("/overview", Route::Json(TruncatedJson(overview_json)));
  // A body cut short on the wire: Content-Length promises more than arrives before the close.
  // That is a transport failure (the connection ended early), which the HTTP client reports as
  // kUnavailable, i.e. kind "connect", like a reset connection.
  short_body.SetRoute("/config", Route::Json(config_json));
  short_body.SetRoute("/overview", Route::ShortBody(overview_json));
  const int refused_port = ClosedPort();
  ASSERT_GT(refused_port, 0);

  const std::vector<Fault> faults = {
      {"refused", "connect"},  {"http-500", "http_status"}, {"hang", "timeout"},
      {"malformed", "parse"},  {"truncated", "parse"},      {"short-body", "connect"},
  };
  auto flink = [](const std::string& name, const std::string& url) {
    return "  - name: " + name + "\n    rest_url: " + url + "\n";
  };
  // Polls every 500 ms with a 300 ms budget: three failed rounds take about 1.5 s.
  const std::string config =
      "global:\n"
      "  poll_interval: 500ms\n"
      "  poll_timeout: 300ms\n"
      "  connect_timeout: 300ms\n"
      "mesos_clusters:\n"
      "  - name: mesos-prod\n"
      "    masters: [" + mesos_leader.url() + "]\n"
      "flink_clusters:\n" +
      flink("healthy", healthy_flink.url()) +
      flink("refused", "http://127.0.0.1:" + std::to_string(refused_port)) +
      flink("http-500", http500.url()) + flink("hang", hang.url()) +
      flink("malformed", malformed.url()) + flink("truncated", truncated.url()) +
      flink("short-body", short_body.url());

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(config));
  // Ready means polled, successfully or not: failing targets do not hold readiness back.
  ASSERT_TRUE(exporter.WaitReady());

  // Several rounds for every faulty target, and the healthy ones up, in one rendered body.
  std::string body;
  const bool settled = WaitFor(
      [&] {
        body = exporter.Metrics();
        for (const Fault& f : faults) {
          if (SampleValue(body, ErrorsSeries(f.name, f.kind)).value_or(0) < 3) return false;
        }
        return SampleValue(body, R"(flink_up{flink_cluster="healthy"})") == 1.0 &&
               SampleValue(body, R"(mesos_up{mesos_cluster="mesos-prod"})") == 1.0;
      },
      20s, 100ms);
  ASSERT_TRUE(settled) << "faulty targets did not each fail 3 times within 20 s; last /metrics:\n"
                       << body;

  const std::string log = exporter.ReadLog();
  for (const Fault& f : faults) {
    SCOPED_TRACE("target " + f.name);
    EXPECT_EQ(SampleValue(body, R"(flink_up{flink_cluster=")" + f.name + "\"}"), 0.0);
    EXPECT_EQ(SampleValue(body, R"(flink_mesos_exporter_poll_success{source="flink",target=")" +
                                    f.name + "\"}"),
              0.0);
    // A down target loses its data series.
    EXPECT_EQ(SampleValue(body, R"(flink_cluster_taskmanagers{flink_cluster=")" + f.name + "\"}"),
              std::nullopt);
    // Every failure was of the expected kind: the other kinds stayed at zero.
    for (const char* other : {"connect", "timeout", "http_status", "parse", "too_large",
                              "redirect", "tls", "internal"}) {
      if (other == f.kind) continue;
      EXPECT_EQ(SampleValue(body, ErrorsSeries(f.name, other)), 0.0) << "kind " << other;
    }
    // Logged once, as a warning naming the target and the kind, however many polls failed.
    const std::vector<std::string> lines =
        LinesWith(log, {"msg=\"poll failed\"", " target=" + f.name + " "});
    ASSERT_EQ(lines.size(), 1u) << "want one (rate-limited) `poll failed` line, log:\n" << log;
    EXPECT_NE(lines[0].find("level=warn "), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(" source=flink "), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(" kind=" + f.kind + " "), std::string::npos) << lines[0];
  }

  // The healthy targets are unaffected.
  EXPECT_EQ(SampleValue(body, R"(flink_cluster_taskmanagers{flink_cluster="healthy"})"), 4.0);
  EXPECT_EQ(SampleValue(body, R"(mesos_cluster_cpus{mesos_cluster="mesos-prod",usage="total"})"), 96.0);
  for (const char* target : {R"(source="flink",target="healthy")", R"(source="mesos",target="mesos-prod")"}) {
    for (const char* kind : {"connect", "timeout", "http_status", "parse"}) {
      EXPECT_EQ(SampleValue(body, std::string("flink_mesos_exporter_poll_errors_total{kind=\"") +
                                      kind + "\"," + target + "}"),
                0.0)
          << target << " " << kind;
    }
  }
  EXPECT_TRUE(LinesWith(log, {"msg=\"poll failed\"", " target=healthy "}).empty());
  EXPECT_TRUE(LinesWith(log, {"msg=\"poll failed\"", " target=mesos-prod "}).empty());

  // The server keeps serving.
  auto healthy = exporter.Get("/-/healthy");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  auto ready = exporter.Get("/-/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  auto landing = exporter.Get("/");
  ASSERT_TRUE(landing);
  EXPECT_EQ(landing->status, 200);

  // Polls that hang are abandoned at the deadline, not waited for: shutdown stays prompt
  // (and clean: the destructor asserts exit code 0).
  EXPECT_GE(hang.Requests("/config"), 3);
  const auto before_stop = std::chrono::steady_clock::now();
  EXPECT_TRUE(exporter.Stop());
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, 5s);
}

// A target that fails and then answers again is back up with its series, and the recovery is
// logged once with the number of failures.
TEST(FaultTest, TargetRecovers) {
  FakeUpstream jm;
  ASSERT_TRUE(jm.ok());
  jm.SetFallback(Route::Text(503, "JobManager is starting\n"));
  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start("global:\n"
                             "  poll_interval: 500ms\n"
                             "  poll_timeout: 300ms\n"
                             "flink_clusters:\n"
                             "  - name: flaky\n"
                             "    rest_url: " + jm.url() + "\n"));
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return SampleValue(body, ErrorsSeries("flaky", "http_status")).value_or(0) >= 2;
      },
      20s, 50ms))
      << body;
  EXPECT_EQ(SampleValue(body, R"(flink_up{flink_cluster="flaky"})"), 0.0);

  jm.SetRoute("/config", Route::Json(Fixture("flink/1.13/config.json")));
  jm.SetRoute("/overview", Route::Json(Fixture("flink/1.13/overview.json")));
  jm.SetRoute("/jobs/overview", Route::Json(R"({"jobs":[]})"));
  jm.SetRoute("/taskmanagers", Route::Json(R"({"taskmanagers":[]})"));
  jm.SetRoute("/jobmanager/metrics", Route::Json("[]"));
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return SampleValue(body, R"(flink_up{flink_cluster="flaky"})") == 1.0;
      },
      20s, 50ms))
      << body;
  EXPECT_EQ(SampleValue(body, R"(flink_cluster_taskmanagers{flink_cluster="flaky"})"), 4.0);
  const double failures = SampleValue(body, ErrorsSeries("flaky", "http_status")).value_or(0);
  EXPECT_GE(failures, 2);

  std::string log;
  ASSERT_TRUE(WaitFor(
      [&] {
        log = exporter.ReadLog();
        return !LinesWith(log, {"msg=\"poll succeeded again\"", " target=flaky "}).empty();
      },
      5s))
      << log;
  const auto recovered = LinesWith(log, {"msg=\"poll succeeded again\"", " target=flaky "});
  ASSERT_EQ(recovered.size(), 1u) << log;
  EXPECT_NE(recovered[0].find("level=info "), std::string::npos) << recovered[0];
  EXPECT_NE(recovered[0].find(" failures=" + std::to_string(static_cast<int>(failures))),
            std::string::npos)
      << recovered[0];
  EXPECT_EQ(LinesWith(log, {"msg=\"poll failed\"", " target=flaky "}).size(), 1u) << log;
}

// A Mesos cluster whose leader is unreachable is still up through its standby, but has no
// cluster-wide figures (those come from the elected master only).
TEST(FaultTest, MesosLeaderUnreachable) {
  FakeUpstream standby;
  ASSERT_TRUE(standby.ok());
  standby.SetRoute("/metrics/snapshot", Route::Json(Fixture("mesos/standby_metrics_snapshot.json")));
  const int refused_port = ClosedPort();
  ASSERT_GT(refused_port, 0);
  const std::string leader_url = "http://127.0.0.1:" + std::to_string(refused_port);
  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start("global:\n"
                             "  poll_interval: 500ms\n"
                             "  poll_timeout: 300ms\n"
                             "mesos_clusters:\n"
                             "  - name: m\n"
                             "    masters: [" + leader_url + ", " + standby.url() + "]\n"));
  ASSERT_TRUE(exporter.WaitReady());
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return SampleValue(body, R"(mesos_up{mesos_cluster="m"})").has_value();
      },
      20s, 50ms))
      << body;
  const std::string standby_labels = R"({mesos_cluster="m",master=")" + standby.url() + "\"}";
  const std::string leader_labels = R"({mesos_cluster="m",master=")" + leader_url + "\"}";
  EXPECT_EQ(SampleValue(body, R"(mesos_up{mesos_cluster="m"})"), 1.0);
  EXPECT_EQ(SampleValue(body, "mesos_master_up" + standby_labels), 1.0);
  EXPECT_EQ(SampleValue(body, "mesos_master_up" + leader_labels), 0.0);
  EXPECT_EQ(SampleValue(body, "mesos_master_elected" + standby_labels), 0.0);
  EXPECT_EQ(SampleValue(body, "mesos_master_elected" + leader_labels), std::nullopt);
  EXPECT_EQ(body.find("mesos_cluster_cpus{"), std::string::npos) << body;
  EXPECT_EQ(body.find("mesos_agents{"), std::string::npos) << body;
  // One master down is not a failed poll.
  EXPECT_EQ(SampleValue(body, R"(flink_mesos_exporter_poll_success{source="mesos",target="m"})"), 1.0);
  EXPECT_TRUE(LinesWith(exporter.ReadLog(), {"msg=\"poll failed\""}).empty());
}

}  // namespace
}  // namespace fme::e2e
