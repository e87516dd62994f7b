// Discovery of Flink clusters from Mesos frameworks: which frameworks become targets, their
// names and URLs, coexistence with configured clusters, and when they go away.
#include "discovery/flink_discovery.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace fme {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const WallTime kT0 = WallTime(std::chrono::hours(480000));

MesosFramework Framework(const std::string& id, const std::string& name,
                         const std::string& webui_url = "") {
  MesosFramework f;
  f.id = id;
  f.name = name;
  f.webui_url = webui_url.empty() ? "http://" + id + ".example:8081/" : webui_url;
  f.active = f.connected = true;
  return f;
}

MesosTask TaskManagerTask(const std::string& id, MesosTaskState state) {
  MesosTask t;
  t.id = id;
  t.state = state;
  return t;
}

Config WithDiscovery(FlinkDiscoveryConfig d = {}) {
  Config c;
  MesosClusterConfig m;
  m.name = "prod";
  m.masters = {"http://m1:5050"};
  m.discover_flink = std::move(d);
  c.mesos_clusters.push_back(m);
  return c;
}

std::shared_ptr<const TargetState> MesosState(std::vector<MesosFramework> frameworks,
                                              const std::string& cluster = "prod") {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, cluster, "http://m1:5050"};
  t->polled = t->up = true;
  MesosObservation o;
  o.origin = MesosStateOrigin::kEventStream;
  o.frameworks = std::move(frameworks);
  t->observation = std::move(o);
  return t;
}

Snapshot SnapshotOf(std::vector<std::shared_ptr<const TargetState>> targets) {
  Snapshot s;
  s.targets = std::move(targets);
  return s;
}

std::vector<std::string> Names(const FlinkDiscovery& d) {
  std::vector<std::string> out;
  for (const FlinkClusterConfig& c : d.targets()) out.push_back(c.name);
  return out;
}

TEST(FlinkDiscoveryTest, DefaultPatternsMatchFlinkAndFlinkStarOnly) {
  FlinkDiscovery d(WithDiscovery());
  ASSERT_TRUE(d.enabled());
  EXPECT_TRUE(d.Update(SnapshotOf({MesosState({Framework("1", "Flink"), Framework("2", "flink-legacy"),
                                               Framework("3", "marathon"), Framework("4", "myflink"),
                                               Framework("5", "FLINK")})}),
                       kT0));
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink", "flink-legacy"}));
}

TEST(FlinkDiscoveryTest, TargetCarriesUrlLinkAndDiscoverySettings) {
  FlinkDiscoveryConfig settings;
  settings.poll.interval = seconds(30);
  settings.auth.bearer_token = "t0ken";
  settings.collect.terminal_job_ttl = minutes(5);
  FlinkDiscovery d(WithDiscovery(settings));
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink", "http://10.16.0.4:31000/")})}), kT0);
  ASSERT_EQ(d.targets().size(), 1u);
  const FlinkClusterConfig& c = d.targets()[0];
  EXPECT_EQ(c.rest_url, "http://10.16.0.4:31000");
  EXPECT_EQ(c.mesos_cluster, "prod");
  EXPECT_EQ(c.mesos_framework, "fw-1");  // by id: unambiguous for the join
  EXPECT_EQ(c.discovered_from, "prod");
  EXPECT_EQ(c.poll.interval, seconds(30));
  EXPECT_EQ(c.auth.bearer_token, "t0ken");
  EXPECT_EQ(c.collect.terminal_job_ttl, minutes(5));
}

TEST(FlinkDiscoveryTest, UrlTemplateRewritesTheUrl) {
  FlinkDiscoveryConfig settings;
  settings.url_template = "https://dcos.example.com/service/{framework_name}";
  FlinkDiscovery d(WithDiscovery(settings));
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "flink-a")})}), kT0);
  ASSERT_EQ(d.targets().size(), 1u);
  EXPECT_EQ(d.targets()[0].rest_url, "https://dcos.example.com/service/flink-a");
}

TEST(FlinkDiscoveryTest, FrameworksRunningTaskManagersAreFoundWhateverTheirName) {
  MesosFramework custom = Framework("fw-9", "stream-platform");
  custom.taskmanager_tasks = {TaskManagerTask("taskmanager-00001", MesosTaskState::kRunning)};
  MesosFramework ended = Framework("fw-8", "old-platform");
  ended.taskmanager_tasks = {TaskManagerTask("taskmanager-00001", MesosTaskState::kFailed)};
  FlinkDiscovery d(WithDiscovery());
  d.Update(SnapshotOf({MesosState({custom, ended})}), kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"stream-platform"}));

  FlinkDiscoveryConfig by_name_only;
  by_name_only.taskmanager_tasks = false;
  FlinkDiscovery strict(WithDiscovery(by_name_only));
  strict.Update(SnapshotOf({MesosState({custom})}), kT0);
  EXPECT_TRUE(strict.targets().empty());
}

TEST(FlinkDiscoveryTest, SameNameFrameworksAreToldApartByTheirIds) {
  FlinkDiscovery d(WithDiscovery());
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink"), Framework("fw-2", "Flink"),
                                   Framework("fw-3", "flink-x")})}),
           kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink@fw-1", "Flink@fw-2", "flink-x"}));
  // The outcome depends on the state only: the same frameworks in another order, same names.
  FlinkDiscovery again(WithDiscovery());
  again.Update(SnapshotOf({MesosState({Framework("fw-3", "flink-x"), Framework("fw-2", "Flink"),
                                       Framework("fw-1", "Flink")})}),
               kT0);
  EXPECT_EQ(Names(again), Names(d));
}

TEST(FlinkDiscoveryTest, NamesAreUniqueAcrossMesosClustersAndConfiguredClusters) {
  Config c = WithDiscovery();
  MesosClusterConfig other = c.mesos_clusters[0];
  other.name = "dr";
  c.mesos_clusters.push_back(other);
  FlinkClusterConfig configured;
  configured.name = "flink-x";
  configured.rest_url = "http://elsewhere:8081";
  c.flink_clusters.push_back(configured);
  FlinkDiscovery d(c);
  d.Update(SnapshotOf({MesosState({Framework("a-1", "Flink"), Framework("a-2", "flink-x")}),
                       MesosState({Framework("b-1", "Flink", "http://10.9.0.1:1")}, "dr")}),
           kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink@a-1", "Flink@b-1", "flink-x@a-2"}));
}

TEST(FlinkDiscoveryTest, AClusterAlsoConfiguredIsNotAddedAgain) {
  Config c = WithDiscovery();
  FlinkClusterConfig by_link;
  by_link.name = "payments";
  by_link.rest_url = "http://jm.payments:8081";
  by_link.mesos_cluster = "prod";
  by_link.mesos_framework = "fw-1";
  FlinkClusterConfig by_name;
  by_name.name = "legacy";
  by_name.rest_url = "http://jm.legacy:8081";
  by_name.mesos_cluster = "prod";
  by_name.mesos_framework = "flink-legacy";
  FlinkClusterConfig by_url;
  by_url.name = "reports";
  by_url.rest_url = "http://fw-3.example:8081";
  c.flink_clusters = {by_link, by_name, by_url};
  FlinkDiscovery d(c);
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink"), Framework("fw-2", "flink-legacy"),
                                   Framework("fw-3", "flink-reports"),
                                   Framework("fw-4", "flink-new")})}),
           kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"flink-new"}));
}

TEST(FlinkDiscoveryTest, AmbiguousConfiguredFrameworkNameCoversNeither) {
  Config c = WithDiscovery();
  FlinkClusterConfig by_name;
  by_name.name = "configured";
  by_name.rest_url = "http://jm:8081";
  by_name.mesos_cluster = "prod";
  by_name.mesos_framework = "Flink";
  c.flink_clusters = {by_name};
  FlinkDiscovery d(c);
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink"), Framework("fw-2", "Flink")})}), kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink@fw-1", "Flink@fw-2"}));
}

TEST(FlinkDiscoveryTest, UnregisteredFrameworkGoesAtOnce) {
  FlinkDiscovery d(WithDiscovery());
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink"), Framework("fw-2", "flink-b")})}), kT0);
  ASSERT_EQ(d.targets().size(), 2u);
  EXPECT_TRUE(d.Update(SnapshotOf({MesosState({Framework("fw-2", "flink-b")})}), kT0 + seconds(15)));
  EXPECT_EQ(Names(d), (std::vector<std::string>{"flink-b"}));
}

TEST(FlinkDiscoveryTest, DisconnectedFrameworkIsDroppedAfterDropAfterAndBackWhenItReconnects) {
  FlinkDiscoveryConfig settings;
  settings.drop_after = minutes(5);
  FlinkDiscovery d(WithDiscovery(settings));
  MesosFramework f = Framework("fw-1", "Flink");
  d.Update(SnapshotOf({MesosState({f})}), kT0);
  f.connected = false;
  const Snapshot disconnected = SnapshotOf({MesosState({f})});
  EXPECT_FALSE(d.Update(disconnected, kT0 + seconds(10)));
  EXPECT_FALSE(d.Update(disconnected, kT0 + minutes(5)));  // 4:50 disconnected
  ASSERT_EQ(d.targets().size(), 1u);
  // The same state, looked at again once the timer is due: dropped without a new observation.
  EXPECT_TRUE(d.Update(disconnected, kT0 + seconds(10) + minutes(5)));
  EXPECT_TRUE(d.targets().empty());
  f.connected = true;
  EXPECT_TRUE(d.Update(SnapshotOf({MesosState({f})}), kT0 + minutes(6)));
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink"}));
}

TEST(FlinkDiscoveryTest, MesosOutageKeepsWhatWasFound) {
  FlinkDiscovery d(WithDiscovery());
  d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink")})}), kT0);
  auto down = std::make_shared<TargetState>();
  down->target = {SourceKind::kMesos, "prod", "http://m1:5050"};
  down->polled = true;
  down->up = false;
  EXPECT_FALSE(d.Update(SnapshotOf({down}), kT0 + minutes(30)));
  auto no_state = std::make_shared<TargetState>(*MesosState({}));
  std::get<MesosObservation>(*no_state->observation).origin = MesosStateOrigin::kNone;
  EXPECT_FALSE(d.Update(SnapshotOf({no_state}), kT0 + minutes(31)));
  EXPECT_EQ(Names(d), (std::vector<std::string>{"Flink"}));
}

TEST(FlinkDiscoveryTest, FrameworkWithoutUsableUrlIsReportedOnceAndSkipped) {
  FlinkDiscovery d(WithDiscovery());
  MesosFramework no_ui = Framework("fw-1", "Flink");
  no_ui.webui_url = "";
  d.Update(SnapshotOf({MesosState({no_ui, Framework("fw-2", "flink-ok")})}), kT0);
  EXPECT_EQ(Names(d), (std::vector<std::string>{"flink-ok"}));
  std::vector<std::string> problems = d.TakeProblems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("fw-1"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("no webui_url"), std::string::npos) << problems[0];
  d.Update(SnapshotOf({MesosState({no_ui, Framework("fw-2", "flink-ok")})}), kT0 + seconds(15));
  EXPECT_TRUE(d.TakeProblems().empty());
}

TEST(FlinkDiscoveryTest, NoDiscoveryBlockMeansDisabled) {
  Config c = WithDiscovery();
  c.mesos_clusters[0].discover_flink.reset();
  FlinkDiscovery d(c);
  EXPECT_FALSE(d.enabled());
  EXPECT_FALSE(d.Update(SnapshotOf({MesosState({Framework("fw-1", "Flink")})}), kT0));
  EXPECT_TRUE(d.targets().empty());
}

}  // namespace
}  // namespace fme
