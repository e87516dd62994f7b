// The real binary against fake upstreams (one Flink JobManager per REST API dialect: 1.4, 1.9,
// 1.13, 1.18 and 2.0, each answering every path of its route table in tests/fixtures/flink/<v>/;
// three Mesos clusters, one per way of reading task state: "off", "events" from the v1 event
// stream of tests/fixtures/mesos/v1/, "polling" from the v0 endpoints of
// tests/fixtures/mesos/v0/): /metrics, plain and gzipped, compared with tests/golden/e2e.prom
// after normalization. FME_UPDATE_GOLDEN=1 rewrites the golden file, which must then be reviewed
// value by value against tests/fixtures/.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "exporter_process.h"
#include "fake_upstream.h"
#include "fixture_routes.h"

namespace fme::e2e {
namespace {

constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kGoldenName = "e2e.prom";

// One Flink cluster per REST API dialect, each served from its route table.
struct FlinkFixtureCluster {
  const char* name;      // flink_cluster label
  const char* fixtures;  // directory under tests/fixtures
  const char* port;      // placeholder of its port in the golden file
};
constexpr std::array<FlinkFixtureCluster, 5> kFlinkClusters = {{
    {"flink-1-4", "flink/1.4", "flink_1_4_port"},
    {"flink-1-9", "flink/1.9", "flink_1_9_port"},
    {"flink-1-13", "flink/1.13", "flink_1_13_port"},
    {"flink-1-18", "flink/1.18", "flink_1_18_port"},
    {"flink-2-0", "flink/2.0", "flink_2_0_port"},
}};

// Families whose sample values depend on timing or on how many polls ran; their values are
// replaced, the series themselves stay pinned by the golden file. build_info keeps its value
// (always 1) but not its version and revision labels, which change with every commit.
const std::set<std::string>& VolatileFamilies() {
  static const std::set<std::string> kFamilies = {
      "flink_mesos_exporter_poll_duration_seconds",
      "flink_mesos_exporter_last_success_timestamp_seconds",
      "flink_mesos_exporter_config_last_reload_success_timestamp_seconds",
      "flink_mesos_exporter_snapshot_age_seconds",
      "flink_mesos_exporter_upstream_requests_total",
      "mesos_event_stream_last_event_timestamp_seconds",
  };
  return kFamilies;
}

constexpr const char* kGoldenHeader =
    "# Golden output of tests/e2e/golden_test.cc (FME_UPDATE_GOLDEN=1 rewrites it). Normalized:\n"
    "# upstream ports are <names>, values of volatile families (durations, timestamps, ages,\n"
    "# request counts) are NaN, and build_info's version and revision are <build>.\n";

// Makes the exposition comparable across runs: see kGoldenHeader. `ports` maps each fake
// upstream's port to its placeholder name; ports not listed are left alone (and will show up as
// a difference, as they should: the output names an address the test did not configure).
std::string Normalize(const std::string& body, const std::map<int, std::string>& ports) {
  static const std::regex kAddress(R"(127\.0\.0\.1:(\d+))");
  static const std::regex kBuildLabels(R"re((version|revision)="(?:[^"\\]|\\.)*")re");
  std::string out = kGoldenHeader;
  for (const std::string& raw : Lines(body)) {
    // Ports first, on every line.
    std::string line;
    auto begin = std::sregex_iterator(raw.begin(), raw.end(), kAddress);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      line.append(raw, last, static_cast<std::size_t>(m.position(0)) - last);
      auto port = ports.find(std::stoi(m[1].str()));
      line += port == ports.end() ? m[0].str() : "127.0.0.1:<" + port->second + ">";
      last = static_cast<std::size_t>(m.position(0) + m.length(0));
    }
    line.append(raw, last, std::string::npos);

    if (!line.empty() && line[0] != '#') {
      const std::string name = line.substr(0, line.find_first_of("{ "));
      if (VolatileFamilies().count(name) != 0) line = line.substr(0, line.rfind(' ')) + " NaN";
      if (name == "flink_mesos_exporter_build_info") {
        line = std::regex_replace(line, kBuildLabels, "$1=\"<build>\"");
      }
    }
    out += line;
    out += '\n';
  }
  return out;
}

// A line diff (longest common subsequence) showing changed lines with two lines of context.
std::string Diff(const std::string& expected, const std::string& actual) {
  const std::vector<std::string> a = Lines(expected);
  const std::vector<std::string> b = Lines(actual);
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Op {
    char tag;
    std::string line;
  };
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ops.push_back({' ', a[i++]});
      ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', a[i++]});
    } else {
      ops.push_back({'+', b[j++]});
    }
  }
  constexpr std::size_t kContext = 2;
  std::vector<bool> shown(ops.size(), false);
  for (std::size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].tag == ' ') continue;
    const std::size_t from = k >= kContext ? k - kContext : 0;
    const std::size_t to = std::min(ops.size(), k + kContext + 1);
    for (std::size_t x = from; x < to; ++x) shown[x] = true;
  }
  std::string out = "--- golden\n+++ actual\n";
  bool gap = false;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    if (!shown[k]) {
      gap = true;
      continue;
    }
    if (gap) out += "@@ ... @@\n";
    gap = false;
    out += ops[k].tag;
    out += ops[k].line;
    out += '\n';
  }
  return out;
}

void ExpectMatchesGolden(const std::string& actual) {
  const std::string path = std::string(FME_E2E_GOLDEN_DIR) + "/" + kGoldenName;
  const char* update = std::getenv("FME_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    std::printf("rewrote %s: review it before committing\n", path.c_str());
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << " (run with FME_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  if (expected.str() != actual) {
    ADD_FAILURE() << "/metrics differs from " << path
                  << " (FME_UPDATE_GOLDEN=1 rewrites it after review):\n"
                  << Diff(expected.str(), actual);
  }
}

// Inflates a complete gzip member; fails unless the input is exactly one valid member.
::testing::AssertionResult Gunzip(const std::string& in, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return ::testing::AssertionFailure() << "inflateInit2";
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out->append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the trailer
  }
  const uInt left = zs.avail_in;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return ::testing::AssertionFailure() << "not a complete gzip stream (zlib " << rc << ")";
  }
  if (left != 0) return ::testing::AssertionFailure() << left << " bytes after the gzip trailer";
  return ::testing::AssertionSuccess();
}

// The sample lines of `family` (that exact name, with labels).
std::vector<std::string> SampleLines(const std::string& body, const std::string& family) {
  std::vector<std::string> out;
  for (const std::string& line : Lines(body)) {
    if (line.compare(0, family.size() + 1, family + "{") == 0) out.push_back(line);
  }
  return out;
}

// The value at the end of a sample line; NaN when it does not parse.
double LineValue(const std::string& line) {
  const std::string value = line.substr(line.rfind(' ') + 1);
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  return end != value.c_str() && *end == '\0' ? v : std::nan("");
}

// The job of a `/jobs/<id>/checkpoints/config` route; empty for any other path.
std::string CheckpointConfigJob(const std::string& path) {
  constexpr std::string_view kPrefix = "/jobs/";
  constexpr std::string_view kSuffix = "/checkpoints/config";
  if (path.size() <= kPrefix.size() + kSuffix.size() ||
      path.compare(0, kPrefix.size(), kPrefix) != 0 ||
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return "";
  }
  return path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
}

// What the leader of "mesos-events" streams: the SUBSCRIBED snapshot, the heartbeat that
// follows it at once, two task events, and one more heartbeat, after which it stays silent (the
// next heartbeat would be due 15 s later). The bytes are cut into chunks regardless of record
// boundaries, the first cut inside the first record's length, as proxies may re-chunk a stream.
std::vector<std::string> EventStreamChunks() {
  const std::string wire = FixtureRecord("mesos/v1/subscribed.json") +
                           FixtureRecord("mesos/v1/event_heartbeat.json") +
                           FixtureRecord("mesos/v1/event_task_added.json") +
                           FixtureRecord("mesos/v1/event_task_updated_oom.json") +
                           FixtureRecord("mesos/v1/event_heartbeat.json");
  std::vector<std::string> chunks = {wire.substr(0, 2)};
  constexpr std::size_t kChunk = 4000;
  for (std::size_t at = 2; at < wire.size(); at += kChunk) {
    chunks.push_back(wire.substr(at, kChunk));
  }
  return chunks;
}
constexpr double kStreamedHeartbeats = 2;

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (FakeUpstream* u : {&mesos_standby_, &mesos_leader_, &events_standby_, &events_leader_,
                            &polling_master_}) {
      ASSERT_TRUE(u->ok());
    }
    for (std::size_t i = 0; i < kFlinkClusters.size(); ++i) {
      ASSERT_TRUE(flink_[i].ok());
      routes_[i] = ServeFixtureRoutes(flink_[i], kFlinkClusters[i].fixtures);
      ports_[flink_[i].port()] = kFlinkClusters[i].port;
    }
    mesos_standby_.SetRoute("/metrics/snapshot",
                            Route::Json(Fixture("mesos/standby_metrics_snapshot.json")));
    mesos_leader_.SetRoute("/metrics/snapshot",
                           Route::Json(Fixture("mesos/leader_metrics_snapshot.json")));
    for (FakeUpstream* u : {&mesos_standby_, &mesos_leader_, &events_standby_, &events_leader_,
                            &polling_master_}) {
      u->SetRoute("/version", Route::Json(Fixture("mesos/v0/version.json")));
    }
    ports_[mesos_standby_.port()] = "mesos_standby_port";
    ports_[mesos_leader_.port()] = "mesos_leader_port";

    // "mesos-events": a standby listed before the leader. The standby answers what a real one
    // does: its own snapshot and version, and for leader-only endpoints a 307 to the leader
    // with a scheme-less Location. The leader streams EventStreamChunks() and keeps the
    // stream open; its /master/slaves (read to reconcile agent liveness) lists the same agents
    // as the SUBSCRIBED snapshot, so the output is the same before and after reconciling.
    events_standby_.SetRoute("/metrics/snapshot",
                             Route::Json(Fixture("mesos/standby_metrics_snapshot.json")));
    events_leader_.SetRoute("/metrics/snapshot",
                            Route::Json(Fixture("mesos/leader_metrics_snapshot_full.json")));
    for (const char* path : {"/api/v1", "/master/slaves", "/master/state-summary"}) {
      events_standby_.SetRoute(path, Route::Redirect("//127.0.0.1:" +
                                                     std::to_string(events_leader_.port()) + path));
    }
    events_leader_.SetRoute("/api/v1", Route::Stream(EventStreamChunks()));
    events_leader_.SetRoute("/master/slaves",
                            Route::Json(Fixture("mesos/v1/reconcile_master_slaves.json")));
    ports_[events_standby_.port()] = "mesos_events_standby_port";
    ports_[events_leader_.port()] = "mesos_events_leader_port";

    // "mesos-polling": one master; its snapshot's per-framework counters have the ids of the
    // v0 frameworks.
    polling_master_.SetRoute("/metrics/snapshot",
                             Route::Json(Fixture("mesos/leader_metrics_snapshot_full.json")));
    polling_master_.SetRoute("/master/slaves", Route::Json(Fixture("mesos/v0/master_slaves.json")));
    polling_master_.SetRoute("/master/state-summary",
                             Route::Json(Fixture("mesos/v0/master_state_summary.json")));
    polling_master_.SetRoute("/master/tasks", Route::Json(Fixture("mesos/v0/master_tasks.json")));
    polling_master_.SetRoute("/master/roles", Route::Json(Fixture("mesos/v0/master_roles.json")));
    ports_[polling_master_.port()] = "mesos_polling_port";

    // The standbys are listed first: the leader is found by master/elected, not by position.
    // "mesos-prod" reads no task state, only the masters' snapshots. The 1.4 URL has a trailing
    // slash, which the exporter drops. The fixtures' jobs ended years ago: a TTL of a century
    // keeps them visible.
    std::string config = "global:\n"
                         "  poll_interval: 1s\n"
                         "  poll_timeout: 500ms\n"
                         "  connect_timeout: 500ms\n"
                         "mesos_clusters:\n"
                         "  - name: mesos-prod\n"
                         "    masters:\n"
                         "      - " + mesos_standby_.url() + "\n"
                         "      - " + mesos_leader_.url() + "\n"
                         "    state: \"off\"\n"
                         "  - name: mesos-events\n"
                         "    masters:\n"
                         "      - " + events_standby_.url() + "\n"
                         "      - " + events_leader_.url() + "\n"
                         "    state: events\n"
                         "  - name: mesos-polling\n"
                         "    masters: [" + polling_master_.url() + "]\n"
                         "    state: polling\n"
                         "flink_clusters:\n";
    for (std::size_t i = 0; i < kFlinkClusters.size(); ++i) {
      config += std::string("  - name: ") + kFlinkClusters[i].name + "\n";
      config += "    rest_url: " + flink_[i].url() + (i == 0 ? "/" : "") + "\n";
      config += "    terminal_job_ttl: 5200w\n";
    }
    ASSERT_TRUE(exporter_.Start(config));
    ASSERT_TRUE(exporter_.WaitReady());
  }

  // /metrics once every target is up and every Flink cluster has rendered a poll that has
  // everything its fixtures give. The checkpoint config of a live job is asked for only in
  // the poll after the one that read its exceptions (when it restarted), so once every live
  // job shows it, the poll that gave it had all of it, and every later poll renders the same.
  std::string CompleteMetrics() {
    std::string body;
    // The Mesos state: of "mesos-polling" from its first poll on; of "mesos-events" once a
    // rendered poll has every streamed record and the agents have been reconciled with
    // /master/slaves. That request's counter shows before the poll that made it is rendered,
    // which is harmless: reconciling changes no series (see SetUp).
    std::vector<std::string> want_one = {
        R"(mesos_state_source_info{mesos_cluster="mesos-polling",origin="polling"})",
        R"(mesos_state_source_info{mesos_cluster="mesos-events",origin="event_stream"})",
        R"(mesos_event_stream_connected{mesos_cluster="mesos-events"})",
    };
    for (const char* name : {"mesos-prod", "mesos-events", "mesos-polling"}) {
      want_one.push_back(R"(mesos_up{mesos_cluster=")" + std::string(name) + "\"}");
      want_one.push_back(R"(flink_mesos_exporter_poll_success{source="mesos",target=")" +
                         std::string(name) + "\"}");
    }
    const std::string heartbeats =
        R"(mesos_event_stream_events_total{mesos_cluster="mesos-events",event_type="HEARTBEAT"})";
    const std::string reconciled =
        R"(flink_mesos_exporter_upstream_requests_total{code="200",endpoint="/master/slaves",)"
        R"(source="mesos",target="mesos-events"})";
    std::vector<std::string> want_prefix;
    for (std::size_t i = 0; i < kFlinkClusters.size(); ++i) {
      const std::string name = kFlinkClusters[i].name;
      want_one.push_back(R"(flink_up{flink_cluster=")" + name + "\"}");
      want_one.push_back(R"(flink_mesos_exporter_poll_success{source="flink",target=")" + name +
                         "\"}");
      bool live_job = false;
      for (const FixtureRoute& r : routes_[i]) {
        const std::string job = CheckpointConfigJob(r.path);
        if (job.empty()) continue;
        live_job = true;
        want_prefix.push_back(R"(flink_job_checkpoint_info{flink_cluster=")" + name +
                              R"(",job_id=")" + job + "\",");
      }
      // Without one, nothing in the output would tell a complete poll from the first.
      EXPECT_TRUE(live_job) << kFlinkClusters[i].fixtures
                            << "/routes.txt: no live job (no /checkpoints/config route)";
    }
    const bool complete = WaitFor(
        [&] {
          body = exporter_.Metrics();
          return std::all_of(want_one.begin(), want_one.end(),
                             [&](const std::string& s) { return SampleValue(body, s) == 1.0; }) &&
                 SampleValue(body, heartbeats) == kStreamedHeartbeats &&
                 SampleValue(body, reconciled).has_value() &&
                 std::all_of(want_prefix.begin(), want_prefix.end(), [&](const std::string& p) {
                   return body.find("\n" + p) != std::string::npos;
                 });
        },
        20s, 50ms);
    EXPECT_TRUE(complete) << "not every target was up with all its jobs within 20 s; "
                             "last /metrics:\n"
                          << body;
    return body;
  }

  // Declared before the exporter, so the exporter stops first.
  std::array<FakeUpstream, kFlinkClusters.size()> flink_;
  FakeUpstream mesos_standby_, mesos_leader_;
  FakeUpstream events_standby_, events_leader_, polling_master_;
  std::array<std::vector<FixtureRoute>, kFlinkClusters.size()> routes_;
  std::map<int, std::string> ports_;
  ExporterProcess exporter_;
};

TEST_F(GoldenTest, MetricsMatchGolden) {
  const std::string body = CompleteMetrics();
  ASSERT_FALSE(body.empty());

  // Every route table is exact: a path the exporter asked for without a route would have
  // failed (and quietly taken its series out of the golden file), and a route never asked for
  // is a table that no longer describes what the exporter does.
  std::string errors;
  for (const std::string& line : SampleLines(body, "flink_mesos_exporter_endpoint_errors_total")) {
    if (!(LineValue(line) == 0)) errors += line + "\n";
  }
  ASSERT_TRUE(errors.empty()) << "upstream calls failed (a route missing from a table?):\n"
                              << errors << "exporter log:\n" << exporter_.ReadLog();
  for (std::size_t i = 0; i < kFlinkClusters.size(); ++i) {
    for (const FixtureRoute& r : routes_[i]) {
      EXPECT_GT(flink_[i].Requests(r.path), 0)
          << kFlinkClusters[i].fixtures << "/routes.txt: " << r.path << " was never requested";
    }
  }

  auto res = exporter_.Get("/metrics");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kTextFormat);
  EXPECT_FALSE(res->has_header("Content-Encoding"));
  EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");

  ExpectMatchesGolden(Normalize(res->body, ports_));

  // Spot checks that hold whatever the golden file says, so that a golden file rewritten
  // without review still cannot bless the wrong numbers.
  const std::string& m = res->body;
  EXPECT_EQ(SampleValue(m, R"(flink_cluster_taskmanagers{flink_cluster="flink-1-13"})"), 4);
  EXPECT_EQ(SampleValue(m, R"(flink_cluster_jobs{flink_cluster="flink-1-4",state="FINISHED"})"),
            12);
  EXPECT_EQ(
      SampleValue(m, R"(mesos_cluster_memory_bytes{mesos_cluster="mesos-prod",usage="total"})"),
      245760.5 * 1048576);
  EXPECT_EQ(SampleValue(m, R"(mesos_master_elected{mesos_cluster="mesos-prod",master=")" +
                               mesos_leader_.url() + "\"}"),
            1);
  EXPECT_EQ(m.find("system_load"), std::string::npos);
  EXPECT_EQ(m.find("allocation_runs"), std::string::npos);
  // Restarts: fullRestarts on 1.4, numRestarts preferred where both exist.
  EXPECT_EQ(SampleValue(m, R"(flink_job_restarts_total{flink_cluster="flink-1-4",)"
                           R"(job_id="24de49cee42971992992061cdbb38b5a",)"
                           R"(job_name="Sessionize clickstream"})"),
            1);
  EXPECT_EQ(SampleValue(m, R"(flink_job_restarts_total{flink_cluster="flink-1-18",)"
                           R"(job_id="f37b201bee66fd8eac5ecf2565ae9c63",)"
                           R"(job_name="Payments \"fraud\" scoring – Zürich"})"),
            2);
  // Each job is in exactly one state.
  std::map<std::string, double> states;
  for (const std::string& line : SampleLines(m, "flink_job_state")) {
    states[line.substr(0, line.find(",state="))] += LineValue(line);
  }
  EXPECT_EQ(states.size(), 10u);
  for (const auto& [job, sum] : states) EXPECT_EQ(sum, 1) << job;

  // No series twice; in particular a cluster with two masters has each agent and framework
  // once, from the leader, never once per master.
  std::set<std::string> seen;
  for (const std::string& line : Lines(m)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(seen.insert(line.substr(0, line.rfind(' '))).second) << "twice: " << line;
  }
  std::set<std::string> event_agents;
  for (const std::string& line : SampleLines(m, "mesos_agent_info")) {
    if (line.find(R"(mesos_cluster="mesos-events")") != std::string::npos) {
      event_agents.insert(line);
    }
  }
  EXPECT_EQ(event_agents.size(), 3u);
  // The stream goes straight to the elected master (one subscription, never broken); the
  // standby's redirects are not needed.
  EXPECT_EQ(events_leader_.Requests("/api/v1"), 1);
  for (const char* path : {"/api/v1", "/master/slaves", "/master/state-summary"}) {
    EXPECT_EQ(events_standby_.Requests(path), 0) << path;
  }
  // Units and one-hot states, from the fixtures: agent S0 has 61440 + 4096 MB, S1 is draining
  // (deactivated), S2 is known from the registry only; taskmanager-00002 was OOM-killed.
  constexpr double kMiB = 1048576;
  const std::string s0 = R"(mesos_cluster="mesos-events",)"
                         R"(agent_id="9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-S0",)"
                         R"(hostname="agent-a.example")";
  EXPECT_EQ(SampleValue(m, "mesos_agent_memory_bytes{" + s0 + R"(,usage="total"})"),
            65536 * kMiB);
  EXPECT_EQ(SampleValue(m, "mesos_agent_memory_bytes{" + s0 + R"(,usage="reserved"})"),
            4096 * kMiB);
  EXPECT_EQ(SampleValue(m, R"(mesos_agent_state{mesos_cluster="mesos-events",)"
                           R"(agent_id="9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-S1",)"
                           R"(hostname="agent-b.example",state="inactive"})"),
            1);
  EXPECT_EQ(SampleValue(m, R"(mesos_agent_state{mesos_cluster="mesos-events",)"
                           R"(agent_id="9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-S2",)"
                           R"(hostname="agent-c.example",state="unreachable"})"),
            1);
  const std::string flink_framework = R"(mesos_cluster="mesos-events",)"
                                      R"(framework_id="9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-0004")";
  EXPECT_EQ(SampleValue(m, "mesos_framework_task_terminations_total{" + flink_framework +
                               R"(,state="TASK_FAILED",)"
                               R"(reason="REASON_CONTAINER_LIMITATION_MEMORY",)"
                               R"(source="SOURCE_EXECUTOR"})"),
            1);
  EXPECT_EQ(SampleValue(m, "mesos_framework_tasks{" + flink_framework +
                               R"(,state="TASK_STAGING"})"),
            2);
  EXPECT_EQ(SampleValue(m, R"(mesos_agent_memory_bytes{mesos_cluster="mesos-polling",)"
                           R"(agent_id="0f9d6c3e-21aa-4b7e-8d4c-5e6f7a8b9c0d-S1",)"
                           R"(hostname="agent-b.dc1.example",usage="total"})"),
            31744.5 * kMiB);
  // The completed framework of the snapshot is not a registered one.
  EXPECT_EQ(m.find("9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-0002"), std::string::npos);
}

TEST_F(GoldenTest, GzipBodyIsTheSameExposition) {
  const std::string plain = CompleteMetrics();
  ASSERT_FALSE(plain.empty());

  auto res = exporter_.Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kTextFormat);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(res->get_header_value("Vary"), "Accept-Encoding");
  ASSERT_GE(res->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(res->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(res->body[1]), 0x8b);

  std::string inflated;
  ASSERT_TRUE(Gunzip(res->body, &inflated));
  ASSERT_FALSE(inflated.empty());
  EXPECT_EQ(inflated.back(), '\n');
  const std::string want = Normalize(plain, ports_);
  const std::string got = Normalize(inflated, ports_);
  if (want != got) ADD_FAILURE() << "gzip body differs from the plain one:\n" << Diff(want, got);
}

TEST_F(GoldenTest, PromtoolAcceptsLiveOutput) {
  const std::string body = CompleteMetrics();
  ASSERT_FALSE(body.empty());
  const std::string promtool = Promtool();
  if (promtool.empty()) GTEST_SKIP() << "promtool not found";
  EXPECT_TRUE(PromtoolAccepts(promtool, body));
}

}  // namespace
}  // namespace fme::e2e
