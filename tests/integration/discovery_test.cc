// Discovery end to end within one process: the real App (poller, discovery thread, web server)
// against the simulator's real HTTP server, with no Flink cluster configured. Simulated time is
// frozen and moved by the test; the exporter runs on the real clock with short intervals.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>

#include "app/app.h"
#include "mesos_sim_harness.h"
#include "support/eventually.h"

namespace fme::testing {
namespace {

using std::chrono::milliseconds;

PollSettings Quick() {
  PollSettings p;
  p.interval = milliseconds(300);
  p.timeout = milliseconds(250);
  p.jitter = 0;
  return p;
}

class DiscoveryTest : public ::testing::Test {
 protected:
  explicit DiscoveryTest(const std::string& scenario = "incidents.yml")
      : sim_(LoadMesosScenario(scenario)) {}
  void SetUp() override { ASSERT_TRUE(sim_.Start()); }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  Config WithDiscovery() {
    Config c;
    MesosClusterConfig m = sim_.Config(MesosStateMode::kEvents);
    m.poll = Quick();
    FlinkDiscoveryConfig d;
    d.poll = Quick();
    d.drop_after = std::chrono::seconds(2);
    m.discover_flink = d;
    c.mesos_clusters.push_back(m);
    return c;
  }

  void StartApp(Config c) {
    WebServerOptions web;
    web.host = "127.0.0.1";
    web.port = 0;
    app_ = std::make_unique<App>(std::move(c), web, SystemClock());
    Status st = app_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::string Get(const std::string& path) {
    httplib::Client client("127.0.0.1", app_->port());
    auto res = client.Get(path);
    return res && res->status == 200 ? res->body : std::string();
  }

  // True when some line of the last scrape matches `pattern` (a regex over the whole line).
  bool Scraped(const std::string& pattern) {
    last_ = Get("/metrics");
    const std::regex re(pattern);
    std::size_t begin = 0;
    while (begin < last_.size()) {
      std::size_t end = last_.find('\n', begin);
      if (end == std::string::npos) end = last_.size();
      if (std::regex_match(last_.begin() + begin, last_.begin() + end, re)) return true;
      begin = end + 1;
    }
    return false;
  }

  MesosSim sim_;
  std::unique_ptr<App> app_;
  std::string last_;
};

TEST_F(DiscoveryTest, EveryFlinkOnMesosClusterIsFoundAndPolledWithoutConfiguringIt) {
  StartApp(WithDiscovery());
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_up\{flink_cluster="Flink"\} 1)") &&
           Scraped(R"(flink_up\{flink_cluster="flink-legacy"\} 1)");
  }, milliseconds(15000))) << last_;
  // The standalone cluster has no framework: nothing to find.
  EXPECT_FALSE(Scraped(R"(flink_up\{flink_cluster="reporting"\}.*)"));
  // Linked to its framework by id, so the join works without configuration.
  const std::string id = sim_.FrameworkIdOf("Flink");
  EXPECT_TRUE(Scraped(R"(flink_cluster_info\{flink_cluster="Flink",.*mesos_cluster="sim",framework_id=")" +
                      id + R"("\} 1)"))
      << last_;
  EXPECT_TRUE(Scraped(R"(flink_taskmanager_info\{flink_cluster="Flink",tm_id="taskmanager-00001",.*agent_id="[^"]+",hostname="10\.16\.[^"]+",mesos_task_state="TASK_RUNNING"\} 1)"))
      << last_;

  // The model API and the landing page say where the clusters came from.
  const std::string snapshot = Get("/api/v1/snapshot?flink_cluster=Flink");
  EXPECT_NE(snapshot.find(R"("origin":"discovered")"), std::string::npos) << snapshot;
  EXPECT_NE(snapshot.find(R"("mesos_task":{"task_id":"taskmanager-00001","state":"TASK_RUNNING")"),
            std::string::npos)
      << snapshot;
  const std::string page = Get("/");
  EXPECT_NE(page.find("<td>Flink</td><td>discovered<br><small>via sim</small>"), std::string::npos)
      << page;
}

TEST_F(DiscoveryTest, OomKillOfADiscoveredClusterIsJoinedToItsRestart) {
  StartApp(WithDiscovery());
  // Before the kill, the joined TaskManager names its Mesos task's agent.
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_taskmanager_info\{flink_cluster="Flink",tm_id="taskmanager-00002",.*mesos_task_id="taskmanager-00002",agent_id="[^"]+-S[0-9]+",hostname="10\.16\.0\.[0-9]+",mesos_task_state="TASK_RUNNING"\} 1)");
  }, milliseconds(15000))) << last_;
  sim_.At(2 * kMinute + 10 * kSecond);  // taskmanager-00002 OOM-killed at 2:00
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_cluster_taskmanager_task_failures_total\{flink_cluster="Flink",state="TASK_FAILED",reason="REASON_CONTAINER_LIMITATION_MEMORY"\} 1)") &&
           Scraped(R"(flink_job_restarts_total\{flink_cluster="Flink",.*\} [1-9].*)");
  }, milliseconds(15000))) << last_;
}

TEST_F(DiscoveryTest, AClusterBothConfiguredAndDiscoveredIsPolledOnce) {
  Config c = WithDiscovery();
  FlinkClusterConfig configured;
  configured.name = "flink-main";  // its own name, at the URL the framework registered
  configured.rest_url = sim_.server.FlinkUrl(0);
  configured.poll = Quick();
  c.flink_clusters.push_back(configured);
  StartApp(c);
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_up\{flink_cluster="flink-main"\} 1)") &&
           Scraped(R"(flink_up\{flink_cluster="flink-legacy"\} 1)");
  }, milliseconds(15000))) << last_;
  // Let several Mesos polls and discovery rounds pass.
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_FALSE(Scraped(R"(flink_up\{flink_cluster="Flink"\}.*)")) << last_;
  // Requests to that JobManager are made by one target only.
  EXPECT_TRUE(Scraped(R"(flink_mesos_exporter_upstream_requests_total\{code="200",endpoint="/overview",source="flink",target="flink-main"\} [1-9].*)"))
      << last_;
  EXPECT_FALSE(Scraped(R"(flink_mesos_exporter_upstream_requests_total\{.*target="Flink"\}.*)"))
      << last_;
}

TEST_F(DiscoveryTest, MesosEventsReachTheMetricsWithoutWaitingForTheNextPoll) {
  Config c = WithDiscovery();
  c.mesos_clusters[0].poll.interval = std::chrono::seconds(60);  // far beyond this test
  c.mesos_clusters[0].poll.timeout = std::chrono::seconds(5);
  StartApp(c);
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(mesos_event_stream_connected\{mesos_cluster="sim"\} 1)") &&
           Scraped(R"(flink_up\{flink_cluster="Flink"\} 1)");
  }, milliseconds(15000))) << last_;
  const std::string framework = sim_.FrameworkIdOf("Flink");
  const std::string oom = R"(mesos_framework_task_terminations_total\{mesos_cluster="sim",framework_id=")" +
                          framework +
                          R"(",state="TASK_FAILED",reason="REASON_CONTAINER_LIMITATION_MEMORY",source="SOURCE_EXECUTOR"\} 1)";
  ASSERT_FALSE(Scraped(oom));
  sim_.At(2 * kMinute + 5 * kSecond);  // taskmanager-00002 OOM-killed at 2:00
  // The event arrives on the stream and is published by an early poll, well before the next
  // regular poll (a minute away).
  EXPECT_TRUE(Eventually([&] { return Scraped(oom); }, milliseconds(10000))) << last_;
}

// The discovery scenario: two clusters registered as framework "Flink", one found only by its
// TaskManager tasks, one that registers at 1:00, one torn down at 3:00, a zombie TaskManager
// and a leaked TaskManager task.
class DiscoveryScenarioTest : public DiscoveryTest {
 protected:
  DiscoveryScenarioTest() : DiscoveryTest("discovery.yml") {}

  std::string FrameworkIdOfCluster(const std::string& cluster) {
    return sim_.engine.Read([&](const sim::World& w) {
      for (const sim::FlinkCluster& c : w.flink) {
        if (c.name == cluster) return c.framework_id;
      }
      return std::string();
    });
  }
};

TEST_F(DiscoveryScenarioTest, SameNameFrameworksAreTwoClustersNamedByTheirIds) {
  StartApp(WithDiscovery());
  const std::string a = "Flink@" + FrameworkIdOfCluster("flink-a");
  const std::string b = "Flink@" + FrameworkIdOfCluster("flink-b");
  ASSERT_NE(a, b);
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_up\{flink_cluster=")" + a + R"("\} 1)") &&
           Scraped(R"(flink_up\{flink_cluster=")" + b + R"("\} 1)") &&
           Scraped(R"(flink_up\{flink_cluster="analytics"\} 1)");
  }, milliseconds(15000))) << last_;
  // Each is polled at its own JobManager: different versions.
  EXPECT_TRUE(Scraped(R"(flink_cluster_info\{flink_cluster=")" + a + R"(",version="1\.13\.6".*)"));
  EXPECT_TRUE(Scraped(R"(flink_cluster_info\{flink_cluster=")" + b + R"(",version="1\.9\.3".*)"));
  EXPECT_FALSE(Scraped(R"(flink_up\{flink_cluster="Flink"\}.*)"));
}

TEST_F(DiscoveryScenarioTest, LateFrameworkIsPickedUpAndTornDownOneDisappears) {
  StartApp(WithDiscovery());
  ASSERT_TRUE(Eventually([&] { return Scraped(R"(flink_up\{flink_cluster="flink-doomed"\} 1)"); },
                         milliseconds(15000))) << last_;
  EXPECT_FALSE(Scraped(R"(flink_up\{flink_cluster="flink-late"\}.*)"));

  sim_.At(1 * kMinute + 15 * kSecond);  // flink-late registered at 1:00, its job runs by 1:07
  ASSERT_TRUE(Eventually([&] { return Scraped(R"(flink_up\{flink_cluster="flink-late"\} 1)"); },
                         milliseconds(15000))) << last_;

  sim_.At(3 * kMinute + 5 * kSecond);  // flink-doomed torn down at 3:00
  ASSERT_TRUE(Eventually([&] {
    return !Scraped(R"(flink_up\{flink_cluster="flink-doomed"\}.*)");
  }, milliseconds(15000))) << last_;
  // Nothing of it is left, its self-metrics included.
  EXPECT_EQ(last_.find("\"flink-doomed\""), std::string::npos) << last_;
  EXPECT_TRUE(Scraped(R"(flink_up\{flink_cluster="flink-late"\} 1)"));
}

TEST_F(DiscoveryScenarioTest, ZombieAndLeakedTaskShowOnTheirSides) {
  StartApp(WithDiscovery());
  const std::string a = "Flink@" + FrameworkIdOfCluster("flink-a");
  const std::string b = "Flink@" + FrameworkIdOfCluster("flink-b");
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_cluster_taskmanagers_unmatched\{flink_cluster=")" + a +
                   R"(",side="flink_only"\} 0)");
  }, milliseconds(15000))) << last_;

  sim_.At(2 * kMinute + 30 * kSecond);  // zombie since 1:30 on flink-a, leak since 2:00 on flink-b
  ASSERT_TRUE(Eventually([&] {
    return Scraped(R"(flink_cluster_taskmanagers_unmatched\{flink_cluster=")" + a +
                   R"(",side="flink_only"\} 1)") &&
           Scraped(R"(flink_cluster_taskmanagers_unmatched\{flink_cluster=")" + b +
                   R"(",side="mesos_only"\} 1)");
  }, milliseconds(15000))) << last_;
  // Only those sides: the zombie cluster has no leak, the leaking cluster no zombie.
  EXPECT_TRUE(Scraped(R"(flink_cluster_taskmanagers_unmatched\{flink_cluster=")" + a +
                      R"(",side="mesos_only"\} 0)"));
  EXPECT_TRUE(Scraped(R"(flink_cluster_taskmanagers_unmatched\{flink_cluster=")" + b +
                      R"(",side="flink_only"\} 0)"));
  // The zombie's joined info shows its dead Mesos task.
  EXPECT_TRUE(Scraped(R"(flink_taskmanager_info\{flink_cluster=")" + a +
                      R"(",tm_id="taskmanager-00002",.*mesos_task_state="TASK_FAILED"\} 1)"))
      << last_;
}

}  // namespace
}  // namespace fme::testing
