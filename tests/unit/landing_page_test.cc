#include "server/landing_page.h"

#include <gtest/gtest.h>

#include <string>

#include "support/fake_clock.h"

namespace fme {
namespace {

using namespace std::chrono_literals;

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The text of the body row whose name cell is `name` (already escaped), or "" if none.
std::string RowOf(const std::string& page, const std::string& name) {
  const auto cell = page.find("<td>" + name + "</td>");
  if (cell == std::string::npos) return "";
  const auto start = page.rfind("<tr", cell);
  return page.substr(start, page.find("</tr>", cell) - start);
}

class LandingPageTest : public ::testing::Test {
 protected:
  std::shared_ptr<TargetState> Add(SourceKind kind, std::string name, std::string url) {
    auto t = std::make_shared<TargetState>();
    t->target = {kind, std::move(name), std::move(url)};
    snapshot.targets.push_back(t);
    return t;
  }
  // A successful poll that ended `ago` before now.
  void Up(TargetState& t, Duration ago, Observation o) {
    t.polled = true;
    t.up = true;
    t.last_poll = clock.Now() - std::chrono::duration_cast<WallTime::duration>(ago);
    t.last_success = t.last_poll;
    t.last_poll_duration = 250ms;
    t.observation = std::move(o);
  }
  std::string Render() { return RenderLandingPage(snapshot, info, clock.Now()); }

  testing::FakeClock clock;
  Snapshot snapshot{7, clock.Now(), {}};
  LandingPageInfo info{"1.2.3", "abc123", "/metrics"};
};

TEST_F(LandingPageTest, IsOneScriptFreeHtml5Document) {
  Add(SourceKind::kFlink, "a", "http://jm:8081");
  const std::string page = Render();
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("<title>flink-mesos-exporter</title>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos) << "scripts forbidden by CSP";
  EXPECT_EQ(page.substr(page.size() - 8), "</html>\n");
  EXPECT_EQ(Count(page, "<tr"), Count(page, "</tr>"));
  EXPECT_EQ(Count(page, "<td"), Count(page, "</td>"));
}

TEST_F(LandingPageTest, KeepsBuildInfoAndLinks) {
  const std::string page = Render();
  EXPECT_NE(page.find("Version 1.2.3, revision abc123"), std::string::npos);
  for (const char* link : {"href=\"/metrics\"", "href=\"/api/v1/snapshot\"", "href=\"/-/healthy\"",
                           "href=\"/-/ready\""}) {
    EXPECT_NE(page.find(link), std::string::npos) << link;
  }
  EXPECT_NE(page.find("<code>docs/metrics.md</code>"), std::string::npos);
  EXPECT_NE(page.find("No targets are configured."), std::string::npos);
}

TEST_F(LandingPageTest, EscapesEveryTargetText) {
  const std::string evil = "<script>\"&'日本";
  const std::string escaped = "&lt;script&gt;&quot;&amp;&#39;日本";
  auto t = Add(SourceKind::kFlink, evil, "http://jm:8081/?a=\"><script>");
  t->polled = true;
  t->last_error = "500: " + evil;
  info.version = evil;
  const std::string page = Render();
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("'日本"), std::string::npos);
  EXPECT_NE(page.find("<td>" + escaped + "</td>"), std::string::npos) << "name";
  EXPECT_NE(page.find("500: " + escaped), std::string::npos) << "error";
  EXPECT_NE(page.find("Version " + escaped), std::string::npos) << "build info";
}

TEST_F(LandingPageTest, ShowsEachStateInWordsDownFirst) {
  auto up = Add(SourceKind::kFlink, "a-up", "http://a:8081");
  Up(*up, 3s, FlinkObservation{});
  auto down = Add(SourceKind::kFlink, "b-down", "http://b:8081");
  down->polled = true;
  down->last_error = "connect: connection refused";
  Add(SourceKind::kMesos, "c-new", "http://m:5050");
  const std::string page = Render();

  EXPECT_NE(RowOf(page, "a-up").find(">UP</span>"), std::string::npos);
  EXPECT_NE(RowOf(page, "b-down").find(">DOWN</span>"), std::string::npos);
  EXPECT_NE(RowOf(page, "b-down").find("<tr class=\"down\">"), std::string::npos);
  EXPECT_NE(RowOf(page, "b-down").find("connect: connection refused"), std::string::npos);
  EXPECT_NE(RowOf(page, "c-new").find(">NOT YET POLLED</span>"), std::string::npos);
  EXPECT_NE(RowOf(page, "c-new").find("never"), std::string::npos);
  EXPECT_LT(page.find("b-down"), page.find("c-new"));
  EXPECT_LT(page.find("c-new"), page.find("a-up"));
  EXPECT_NE(page.find("<strong>3 targets:</strong> <span class=\"badge b-up\">1 UP</span> "
                      "<span class=\"badge b-down\">1 DOWN</span> "
                      "<span class=\"badge b-pending\">1 NOT YET POLLED</span>"),
            std::string::npos);
}

TEST_F(LandingPageTest, ShowsLastSuccessAndDataAge) {
  auto t = Add(SourceKind::kFlink, "a", "http://a:8081");
  Up(*t, 0s, FlinkObservation{});
  clock.Advance(3725s);  // the target went down since: its data ages
  t->up = false;
  t->observation.reset();
  t->last_poll = clock.Now() - 5s;
  t->last_error = "timeout";
  const std::string row = RowOf(Render(), "a");
  EXPECT_NE(row.find("datetime=\"2026-01-01T00:00:00Z\">2026-01-01T00:00:00Z</time>"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find("3725 s ago"), std::string::npos);
  EXPECT_NE(row.find(">1 h 2 min</td>"), std::string::npos) << "data age";
  EXPECT_NE(row.find("took 250 ms<br><span class=\"muted\">5 s ago</span>"), std::string::npos);
  EXPECT_NE(row.find("no data while down"), std::string::npos);
}

TEST_F(LandingPageTest, CapsRowsAndSaysHowManyAreLeftOut) {
  info.max_rows = 3;
  for (int i = 0; i < 10; ++i) Add(SourceKind::kFlink, "t" + std::to_string(i), "http://x:1");
  auto down = Add(SourceKind::kMesos, "late-but-down", "http://m:5050");
  down->polled = true;
  const std::string page = Render();
  EXPECT_EQ(Count(page, "<tr class="), 3u);
  EXPECT_NE(RowOf(page, "late-but-down"), "") << "a down target is never cut off";
  EXPECT_NE(page.find("&hellip; and 8 more targets not listed"), std::string::npos);
  EXPECT_NE(page.find("<strong>11 targets:</strong>"), std::string::npos) << "counts cover all";
}

TEST_F(LandingPageTest, RowCapBoundsThePageSize) {
  info.max_rows = kLandingPageMaxRows;
  for (std::size_t i = 0; i < kLandingPageMaxRows + 500; ++i) {
    auto t = Add(SourceKind::kFlink, "t" + std::to_string(i), "http://x:1");
    t->polled = true;
    t->last_error = std::string(10000, 'e');
  }
  const std::string page = Render();
  EXPECT_EQ(Count(page, "<tr class="), kLandingPageMaxRows);
  EXPECT_NE(page.find("and 500 more targets"), std::string::npos);
  EXPECT_LT(page.size(), kLandingPageMaxRows * 1024) << "errors are cut";
}

TEST_F(LandingPageTest, NeverShowsCredentialsAndLinksOnlyHttpUrls) {
  Add(SourceKind::kMesos, "m", "http://u:secret@m1:5050, http://m2:5050,javascript:alert(1)");
  const std::string page = Render();
  EXPECT_EQ(page.find("secret"), std::string::npos);
  const std::string row = RowOf(page, "m");
  EXPECT_NE(row.find("http://***@m1:5050"), std::string::npos);
  EXPECT_EQ(row.find("href=\"http://***"), std::string::npos) << "not linked";
  EXPECT_NE(row.find("<a href=\"http://m2:5050\">http://m2:5050</a>"), std::string::npos);
  EXPECT_EQ(row.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(row.find("javascript:alert(1)"), std::string::npos) << "shown as text";
}

TEST_F(LandingPageTest, ErrorsQuotingUrlsWithCredentialsAreMasked) {
  auto t = Add(SourceKind::kFlink, "f", "http://jm:8081");
  t->polled = true;
  t->last_error = "http_status: GET http://jm:8081/overview: HTTP 502: upstream "
                  "http://admin:hunter2@proxy:3128 refused";
  const std::string page = Render();
  EXPECT_EQ(page.find("hunter2"), std::string::npos);
  EXPECT_NE(RowOf(page, "f").find("proxy:3128"), std::string::npos) << "the rest of the error stays";
}

TEST_F(LandingPageTest, FlinkRowShowsVersionAndJobs) {
  FlinkObservation o;
  o.overview.version = "1.13.6";
  o.overview.jobs_running = 2;
  o.overview.jobs_failed = 1;
  o.overview.taskmanagers = 3;
  o.overview.slots_total = 12;
  o.overview.slots_available = 4;
  FlinkJob job;
  job.id = "j1";
  job.state = FlinkJobState::kRestarting;
  o.jobs.push_back(job);
  auto t = Add(SourceKind::kFlink, "f", "http://jm:8081");
  Up(*t, 1s, o);
  const std::string row = RowOf(Render(), "f");
  EXPECT_NE(row.find("Flink 1.13.6"), std::string::npos) << row;
  EXPECT_NE(row.find("jobs: 2 running, 0 finished, 0 canceled, 1 failed"), std::string::npos);
  EXPECT_NE(row.find("<span class=\"warn\">1 job RESTARTING or FAILING</span>"), std::string::npos);
  EXPECT_NE(row.find("3 TaskManagers, 4 of 12 slots free"), std::string::npos);
}

TEST_F(LandingPageTest, MesosRowShowsLeaderAndEventStream) {
  MesosObservation o;
  o.masters.resize(2);
  o.masters[0].url = "http://m1:5050";
  o.masters[0].reachable = true;
  o.masters[1].url = "http://m2:5050";
  o.leader = 0;
  o.leader_version = "1.11.0";
  o.event_stream.emplace();
  o.event_stream->connected = true;
  auto t = Add(SourceKind::kMesos, "prod", "http://m1:5050,http://m2:5050");
  Up(*t, 1s, o);
  std::string row = RowOf(Render(), "prod");
  EXPECT_NE(row.find("leader: http://m1:5050 (Mesos 1.11.0)"), std::string::npos) << row;
  EXPECT_NE(row.find("event stream: connected"), std::string::npos);
  EXPECT_NE(row.find("masters reachable: 1 of 2"), std::string::npos);

  o.leader.reset();
  o.event_stream->connected = false;
  o.event_stream->last_error = "EOF <x>";
  Up(*t, 1s, o);
  row = RowOf(Render(), "prod");
  EXPECT_NE(row.find("<span class=\"warn\">no elected leader</span>"), std::string::npos);
  EXPECT_NE(row.find("event stream: NOT CONNECTED (EOF &lt;x&gt;)"), std::string::npos);
}

TEST_F(LandingPageTest, ErrorOfARecoveredTargetIsMarkedAsHistory) {
  auto t = Add(SourceKind::kFlink, "f", "http://jm:8081");
  Up(*t, 1s, FlinkObservation{});
  t->last_error = "HTTP 503";
  EXPECT_NE(RowOf(Render(), "f").find("before recovery: HTTP 503"), std::string::npos);
}

TEST_F(LandingPageTest, CutsLongErrors) {
  auto t = Add(SourceKind::kFlink, "f", "http://jm:8081");
  t->polled = true;
  t->last_error = std::string(1000, 'x');
  const std::string row = RowOf(Render(), "f");
  EXPECT_NE(row.find(std::string(300, 'x') + "…"), std::string::npos);
  EXPECT_EQ(row.find(std::string(301, 'x')), std::string::npos);
}

}  // namespace
}  // namespace fme

namespace fme {
namespace {

TEST_F(LandingPageTest, ShardedSaysWhichShardAndMarksMesosClustersPolledOnlyForOthers) {
  Add(SourceKind::kMesos, "prod", "http://m1:5050");
  auto other = Add(SourceKind::kMesos, "staging", "http://s1:5050");
  other->target.exported = false;
  snapshot.shard = {1, 3, 12, 2};
  const std::string page = Render();
  EXPECT_NE(page.find("<p>Shard 1 of 3 (--shard.index, --shard.count): other shards export 12 "
                      "more Flink and 2 more Mesos clusters.</p>"),
            std::string::npos)
      << page;
  const std::string note = "polled for discovery and the join; another shard exports it";
  EXPECT_NE(RowOf(page, "staging").find(note), std::string::npos) << page;
  EXPECT_EQ(RowOf(page, "prod").find(note), std::string::npos) << page;
}

TEST_F(LandingPageTest, NotShardedSaysNothingAboutShards) {
  Add(SourceKind::kMesos, "prod", "http://m1:5050");
  EXPECT_EQ(Render().find("Shard "), std::string::npos);
}

}  // namespace
}  // namespace fme
