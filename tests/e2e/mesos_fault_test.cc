// The real binary against Mesos masters whose v1 event stream (or leadership) misbehaves: each
// fault is counted where an operator can see it (upstream_requests_total codes, reconnects,
// endpoint errors, log lines), the last good state keeps being served where there is one and
// none is made up where there is not, and a healthy events-mode cluster polled by the same
// exporter notices nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "exporter_process.h"
#include "fake_upstream.h"

namespace fme::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// The SUBSCRIBED snapshot of tests/fixtures/mesos/v1/ and the heartbeat that follows it.
std::string SubscribedAndHeartbeat() {
  return FixtureRecord("mesos/v1/subscribed.json") + FixtureRecord("mesos/v1/event_heartbeat.json");
}

// The first bytes of a record: its length and part of its data.
std::string HalfRecord() {
  const std::string record = FixtureRecord("mesos/v1/event_task_added.json");
  return record.substr(0, record.size() / 2);
}

std::string Series(const std::string& family, const std::string& cluster) {
  return family + R"({mesos_cluster=")" + cluster + "\"}";
}

std::string Events(const std::string& cluster, const std::string& type) {
  return R"(mesos_event_stream_events_total{mesos_cluster=")" + cluster + R"(",event_type=")" +
         type + "\"}";
}

std::string Requests(const std::string& cluster, const std::string& endpoint,
                     const std::string& code) {
  return R"(flink_mesos_exporter_upstream_requests_total{code=")" + code + R"(",endpoint=")" +
         endpoint + R"(",source="mesos",target=")" + cluster + "\"}";
}

std::string PollSuccess(const std::string& cluster) {
  return R"(flink_mesos_exporter_poll_success{source="mesos",target=")" + cluster + "\"}";
}

// The value of `series`, 0 when absent.
double Count(const std::string& body, const std::string& series) {
  return SampleValue(body, series).value_or(0);
}

constexpr const char* kSubscribe = "/api/v1 SUBSCRIBE";

// What an elected master answers besides its event stream.
void ServeLeader(FakeUpstream& master) {
  master.SetRoute("/metrics/snapshot", Route::Json(Fixture("mesos/leader_metrics_snapshot.json")));
  master.SetRoute("/version", Route::Json(Fixture("mesos/v0/version.json")));
  master.SetRoute("/master/slaves", Route::Json(Fixture("mesos/v1/reconcile_master_slaves.json")));
}

// A Mesos cluster of one master that works: it streams the snapshot and a heartbeat and keeps
// the stream open. Every test runs it next to its faulty clusters.
class HealthyCluster {
 public:
  static constexpr const char* kName = "mesos-ok";

  HealthyCluster() {
    ServeLeader(master_);
    master_.SetRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat()}));
  }
  bool ok() const { return master_.ok(); }

  std::string Config() const {
    return std::string("  - name: ") + kName + "\n    masters: [" + master_.url() + "]\n";
  }

  // One subscription, never broken, and no error of any kind. Its polls run on a clock of
  // their own, so its state may be a poll behind the faulty cluster's: waits for it first.
  void ExpectUnaffected(const ExporterProcess& exporter) const {
    SCOPED_TRACE("healthy cluster");
    std::string body;
    EXPECT_TRUE(WaitFor(
        [&] {
          body = exporter.Metrics();
          return HasAgents(body, kName);
        },
        5s, 50ms));
    EXPECT_EQ(SampleValue(body, Series("mesos_up", kName)), 1.0);
    EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_connected", kName)), 1.0);
    EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_reconnects_total", kName)), 0.0);
    EXPECT_EQ(SampleValue(body, Events(kName, "SUBSCRIBED")), 1.0);
    EXPECT_TRUE(HasAgents(body, kName));
    EXPECT_EQ(master_.Requests("/api/v1"), 1);
    for (const std::string& line : Lines(body)) {
      const bool ours = line.find(std::string(R"(target=")") + kName + "\"") != std::string::npos;
      if (!ours) continue;
      if (line.starts_with("flink_mesos_exporter_poll_errors_total{")) {
        EXPECT_TRUE(line.ends_with(" 0")) << line;
      }
      EXPECT_FALSE(line.starts_with("flink_mesos_exporter_endpoint_errors_total{")) << line;
    }
  }

  // The agents of the SUBSCRIBED snapshot, as served for `cluster`.
  static bool HasAgents(const std::string& body, const std::string& cluster) {
    return SampleValue(body, R"(mesos_agent_info{mesos_cluster=")" + cluster +
                                 R"(",agent_id="9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-S0",)"
                                 R"(hostname="agent-a.example",version="1.11.0"})") == 1.0;
  }

 private:
  FakeUpstream master_;
};

// Polls every 500 ms; streams are retried after 0.5-1 s (reconnect_backoff_max: 1s).
std::string Config(const HealthyCluster& healthy, const std::string& clusters) {
  return "global:\n"
         "  poll_interval: 500ms\n"
         "  poll_timeout: 300ms\n"
         "  connect_timeout: 300ms\n"
         "mesos_clusters:\n" +
         healthy.Config() + clusters;
}

std::string Cluster(const std::string& name, const std::vector<std::string>& masters,
                    const std::string& extra = "") {
  std::string out = "  - name: " + name + "\n    masters: [";
  for (std::size_t i = 0; i < masters.size(); ++i) out += (i == 0 ? "" : ", ") + masters[i];
  return out + "]\n    reconnect_backoff_max: 1s\n" + extra;
}

std::vector<std::string> StreamEndedLines(const ExporterProcess& exporter,
                                          const std::string& cluster) {
  return LinesWith(exporter.ReadLog(),
                   {"msg=\"Mesos event stream ended\"", " mesos_cluster=" + cluster + " "});
}

// A stream that breaks inside a record: first the connection drops after a good snapshot, then
// every resubscription gets half a record and a clean end of the body. The exporter resubscribes
// each time and keeps serving the snapshot's state.
// flink_mesos_exporter_endpoint_errors_total of a cluster's event stream, by kind.
std::string StreamErrors(const std::string& cluster, const std::string& kind) {
  return "flink_mesos_exporter_endpoint_errors_total{endpoint=\"/api/v1 SUBSCRIBE\",kind=\"" +
         kind + "\",source=\"mesos\",target=\"" + cluster + "\"}";
}

TEST(MesosFaultTest, StreamCutMidRecord) {
  HealthyCluster healthy;
  FakeUpstream master;
  ASSERT_TRUE(healthy.ok() && master.ok());
  ServeLeader(master);
  master.QueueRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat(), HalfRecord()},
                                             Route::StreamEnd::kCut));
  master.SetRoute("/api/v1", Route::Stream({HalfRecord()}, Route::StreamEnd::kClose));

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config(healthy, Cluster("cut", {master.url()}))));
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return master.Requests("/api/v1") >= 3 &&
               Count(body, StreamErrors("cut", "connect")) >= 2 &&
               Count(body, Requests("cut", kSubscribe, "200")) >= 1;
      },
      8s, 50ms))
      << body;

  EXPECT_EQ(SampleValue(body, Series("mesos_up", "cut")), 1.0);
  // Only the first subscription worked (got its SUBSCRIBED); it is the one re-established.
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_reconnects_total", "cut")), 1.0);
  EXPECT_EQ(SampleValue(body, R"(mesos_state_source_info{mesos_cluster="cut",)"
                           R"(origin="event_stream"})"),
            1.0);
  EXPECT_TRUE(HealthyCluster::HasAgents(body, "cut")) << body;
  // The only snapshot is the first connection's; the cut record was never applied.
  EXPECT_EQ(SampleValue(body, Events("cut", "SUBSCRIBED")), 1.0);
  EXPECT_EQ(SampleValue(body, Events("cut", "TASK_ADDED")), std::nullopt);
  EXPECT_EQ(SampleValue(body, PollSuccess("cut")), 1.0);
  // The dropped connection is a transport error; the clean ends answered 200, and only the
  // log says what went wrong.
  EXPECT_EQ(SampleValue(body, Requests("cut", kSubscribe, "connect")), 1.0);
  const auto ended = StreamEndedLines(exporter, "cut");
  ASSERT_GE(ended.size(), 2u) << exporter.ReadLog();
  EXPECT_NE(ended[0].find("error=\"connect: event stream of"), std::string::npos) << ended[0];
  for (const std::string& line : ended) {
    EXPECT_NE(line.find("ended inside a record"), std::string::npos) << line;
  }
  healthy.ExpectUnaffected(exporter);
}

// A stream that goes silent after the snapshot is dropped by the heartbeat watchdog after
// event_stream_idle_timeout, and subscribed again.
TEST(MesosFaultTest, HeartbeatSilence) {
  HealthyCluster healthy;
  FakeUpstream master;
  ASSERT_TRUE(healthy.ok() && master.ok());
  ServeLeader(master);
  master.SetRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat()}));

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config(
      healthy, Cluster("silent", {master.url()}, "    event_stream_idle_timeout: 1s\n"))));
  ASSERT_TRUE(WaitFor([&] { return master.Requests("/api/v1") >= 1; }, 5s, 10ms));
  const auto first = Clock::now();
  ASSERT_TRUE(WaitFor([&] { return master.Requests("/api/v1") >= 2; }, 5s, 10ms));
  const auto gap = Clock::now() - first;
  // 1 s of silence, then a backoff of 0.5-1 s.
  EXPECT_GE(gap, 1s);
  EXPECT_LT(gap, 3s);

  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return Count(body, Series("mesos_event_stream_reconnects_total", "silent")) >= 1 &&
               Count(body, Requests("silent", kSubscribe, "timeout")) >= 1;
      },
      5s, 50ms))
      << body;
  EXPECT_EQ(SampleValue(body, Series("mesos_up", "silent")), 1.0);
  EXPECT_TRUE(HealthyCluster::HasAgents(body, "silent")) << body;
  const auto ended = StreamEndedLines(exporter, "silent");
  ASSERT_FALSE(ended.empty()) << exporter.ReadLog();
  EXPECT_NE(ended[0].find("error=\"timeout: read timeout: no data for 1000 ms"), std::string::npos)
      << ended[0];
  healthy.ExpectUnaffected(exporter);
}

// No elected master: "no-leader" never had one, so nothing is subscribed to and no state is
// shown; "lost-leader" loses its leadership (elected 0, /api/v1 503 "No leader elected", the
// stream drops) and then dies. Masters that answer keep mesos_up at 1; none answering is 0.
TEST(MesosFaultTest, NoLeaderElected) {
  HealthyCluster healthy;
  FakeUpstream never, lost;
  ASSERT_TRUE(healthy.ok() && never.ok() && lost.ok());
  never.SetRoute("/metrics/snapshot", Route::Json(Fixture("mesos/standby_metrics_snapshot.json")));
  never.SetRoute("/version", Route::Json(Fixture("mesos/v0/version.json")));
  never.SetRoute("/api/v1", Route::Text(503, "No leader elected"));
  ServeLeader(lost);
  lost.SetRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat()}));

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config(healthy, Cluster("no-leader", {never.url()}) +
                                                 Cluster("lost-leader", {lost.url()}))));
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return SampleValue(body, Series("mesos_event_stream_connected", "lost-leader")) == 1.0 &&
               SampleValue(body, Series("mesos_up", "no-leader")) == 1.0;
      },
      8s, 50ms))
      << body;
  const std::string never_master = R"({mesos_cluster="no-leader",master=")" + never.url() + "\"}";
  EXPECT_EQ(SampleValue(body, "mesos_master_up" + never_master), 1.0);
  EXPECT_EQ(SampleValue(body, "mesos_master_elected" + never_master), 0.0);
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_connected", "no-leader")), 0.0);
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_reconnects_total", "no-leader")), 0.0);
  for (const char* family : {"mesos_agents{", "mesos_cluster_cpus{", "mesos_state_source_info{",
                             "mesos_agent_state{", "mesos_framework_info{",
                             "mesos_event_stream_events_total{"}) {
    EXPECT_EQ(body.find(std::string(family) + R"(mesos_cluster="no-leader")"), std::string::npos)
        << family;
  }
  // Without a leader there is nothing to subscribe to, and no leader is not a failed poll.
  EXPECT_EQ(never.Requests("/api/v1"), 0);
  EXPECT_EQ(SampleValue(body, PollSuccess("no-leader")), 1.0);

  // The leader loses the election: the stream drops and resubscribing is refused.
  lost.SetRoute("/metrics/snapshot", Route::Json(Fixture("mesos/standby_metrics_snapshot.json")));
  lost.SetRoute("/api/v1", Route::Text(503, "No leader elected"));
  lost.CutStreams();
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return Count(body, Requests("lost-leader", kSubscribe, "503")) >= 1 &&
               SampleValue(body, Series("mesos_event_stream_connected", "lost-leader")) == 0.0 &&
               SampleValue(body, R"(mesos_master_elected{mesos_cluster="lost-leader",master=")" +
                                     lost.url() + "\"}") == 0.0;
      },
      8s, 50ms))
      << body;
  EXPECT_EQ(SampleValue(body, Series("mesos_up", "lost-leader")), 1.0);
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_reconnects_total", "lost-leader")), 1.0);
  // The last good state stays while the stream is down (connected 0 says it may be stale).
  EXPECT_TRUE(HealthyCluster::HasAgents(body, "lost-leader")) << body;
  // Cluster-wide figures come from an elected master only.
  EXPECT_EQ(body.find(R"(mesos_agents{mesos_cluster="lost-leader")"), std::string::npos);
  std::vector<std::string> refused;
  ASSERT_TRUE(WaitFor(
      [&] {
        refused = LinesWith(exporter.ReadLog(),
                            {"msg=\"Mesos event stream ended\"", " mesos_cluster=lost-leader ",
                             "No leader elected"});
        return !refused.empty();
      },
      5s))
      << exporter.ReadLog();
  EXPECT_NE(refused[0].find("HTTP 503"), std::string::npos) << refused[0];

  // The master dies: no master answers, the cluster is down and keeps only mesos_up.
  lost.Stop();
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return SampleValue(body, Series("mesos_up", "lost-leader")) == 0.0;
      },
      5s, 50ms))
      << body;
  for (const std::string& line : Lines(body)) {
    if (line.starts_with("mesos_up{")) continue;
    EXPECT_EQ(line.find(R"(mesos_cluster="lost-leader")"), std::string::npos) << line;
  }
  EXPECT_GE(Count(body, R"(flink_mesos_exporter_poll_errors_total{kind="connect",)"
                        R"(source="mesos",target="lost-leader"})"),
            1);
  EXPECT_TRUE(exporter.Get("/-/healthy"));
  healthy.ExpectUnaffected(exporter);
}

// /api/v1 answering 307 to itself is a redirect loop: the subscription fails with kind
// "redirect", as does a polled endpoint that loops. A 307 from a master that is not the leader
// (scheme-less, as Mesos writes it) is followed, for the POST and for the state calls alike.
TEST(MesosFaultTest, Redirects) {
  HealthyCluster healthy;
  FakeUpstream looping, polled, front, leader;
  ASSERT_TRUE(healthy.ok() && looping.ok() && polled.ok() && front.ok() && leader.ok());
  ServeLeader(looping);
  looping.SetRoute("/api/v1",
                   Route::Redirect("//127.0.0.1:" + std::to_string(looping.port()) + "/api/v1"));
  ServeLeader(polled);
  const std::string polled_authority = "//127.0.0.1:" + std::to_string(polled.port());
  polled.SetRoute("/master/slaves", Route::Redirect(polled_authority + "/master/slaves"));
  // "front" is what the exporter is configured with, say a name in front of the masters whose
  // snapshot came from the leader; its leader-only endpoints redirect to the leader itself.
  ServeLeader(front);
  for (const char* path : {"/api/v1", "/master/slaves"}) {
    front.SetRoute(path, Route::Redirect("//127.0.0.1:" + std::to_string(leader.port()) + path));
  }
  ServeLeader(leader);
  leader.SetRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat()}));

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config(healthy, Cluster("loop", {looping.url()}) +
                                                 Cluster("loop-polled", {polled.url()},
                                                         "    state: polling\n") +
                                                 Cluster("redirected", {front.url()}))));
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return Count(body, Requests("loop", kSubscribe, "redirect")) >= 2 &&
               Count(body, R"(flink_mesos_exporter_endpoint_errors_total{)"
                           R"(endpoint="/master/slaves",kind="redirect",source="mesos",)"
                           R"(target="loop-polled"})") >= 1 &&
               HealthyCluster::HasAgents(body, "redirected") &&
               SampleValue(body, Requests("redirected", "/master/slaves", "200")).has_value();
      },
      8s, 50ms))
      << body;

  // The loop is detected on its first hop back, and the exporter carries on.
  EXPECT_EQ(SampleValue(body, Series("mesos_up", "loop")), 1.0);
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_connected", "loop")), 0.0);
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_reconnects_total", "loop")), 0.0);
  EXPECT_EQ(body.find(R"(mesos_state_source_info{mesos_cluster="loop")"), std::string::npos);
  const auto ended = StreamEndedLines(exporter, "loop");
  ASSERT_FALSE(ended.empty()) << exporter.ReadLog();
  EXPECT_NE(ended[0].find("error=\"redirect: redirect loop"), std::string::npos) << ended[0];
  EXPECT_EQ(SampleValue(body, PollSuccess("loop-polled")), 1.0);
  EXPECT_EQ(body.find(R"(mesos_state_source_info{mesos_cluster="loop-polled")"), std::string::npos);

  // Followed: the POST reached the leader as a POST, and the stream stays connected.
  EXPECT_EQ(SampleValue(body, Series("mesos_event_stream_connected", "redirected")), 1.0);
  EXPECT_GE(front.Requests("/api/v1"), 1);
  EXPECT_EQ(leader.Requests("/api/v1"), front.Requests("/api/v1"));
  EXPECT_GE(leader.Requests("/master/slaves"), 1);
  auto healthy_endpoint = exporter.Get("/-/healthy");
  ASSERT_TRUE(healthy_endpoint);
  EXPECT_EQ(healthy_endpoint->status, 200);
  healthy.ExpectUnaffected(exporter);
}

// Malformed records, in the JSON of an event and then in the framing itself: each ends the
// subscription (counted as a reconnect and logged with the parse error), and the state of the
// last good snapshot stays.
TEST(MesosFaultTest, MalformedRecords) {
  HealthyCluster healthy;
  FakeUpstream master;
  ASSERT_TRUE(healthy.ok() && master.ok());
  ServeLeader(master);
  const std::string bad_json = RecordIo(R"({"type":"TASK_ADDED",)");
  master.QueueRoute("/api/v1", Route::Stream({SubscribedAndHeartbeat() + bad_json}));
  master.SetRoute("/api/v1", Route::Stream({"12x\n{\"type\":\"HEARTBEAT\"}"}));

  ExporterProcess exporter;
  ASSERT_TRUE(exporter.Start(Config(healthy, Cluster("malformed", {master.url()}))));
  std::string body;
  ASSERT_TRUE(WaitFor(
      [&] {
        body = exporter.Metrics();
        return master.Requests("/api/v1") >= 3 &&
               Count(body, StreamErrors("malformed", "parse")) >= 2;
      },
      8s, 50ms))
      << body;

  EXPECT_EQ(SampleValue(body, Series("mesos_up", "malformed")), 1.0);
  EXPECT_TRUE(HealthyCluster::HasAgents(body, "malformed")) << body;
  EXPECT_EQ(SampleValue(body, Events("malformed", "SUBSCRIBED")), 1.0);
  EXPECT_EQ(SampleValue(body, Events("malformed", "HEARTBEAT")), 1.0);
  const std::string log = exporter.ReadLog();
  EXPECT_FALSE(LinesWith(log, {"msg=\"Mesos event stream ended\"", " mesos_cluster=malformed ",
                               "error=\"parse: event stream of", "malformed JSON in Mesos event"})
                   .empty())
      << log;
  EXPECT_FALSE(LinesWith(log, {"msg=\"Mesos event stream ended\"", " mesos_cluster=malformed ",
                               "error=\"parse: event stream of", "RecordIO: record length is not"})
                   .empty())
      << log;
  healthy.ExpectUnaffected(exporter);
}

}  // namespace
}  // namespace fme::e2e
