// Sharding end to end within one process: several real Apps, each with its own --shard.index,
// against one simulator whose time is frozen, so every poll of every App sees the same data.
// The fleet (config/scenarios/sharding.yml) has discovered, configured-and-joined and standalone
// Flink clusters, and six Mesos clusters that are the simulator's masters under six names: one
// discovers Flink clusters, one is what the configured on-Mesos clusters join, four only have
// their own series.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "mesos_sim_harness.h"
#include "sharding/shard.h"
#include "support/eventually.h"

namespace fme::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kMesosClusters = 6;
const char kDiscovering[] = "sim-0";  // discover_flink
const char kJoined[] = "sim-1";       // the configured on-Mesos Flink clusters' Mesos cluster

PollSettings Relaxed() {
  PollSettings p;
  p.interval = milliseconds(1000);
  p.timeout = milliseconds(900);
  p.jitter = 0;
  return p;
}

// A Flink cluster as every shard should see it: its label and its identity.
struct Expected {
  std::string label;
  std::string identity;
};

// The series lines of a scrape, by the metric name's prefix.
std::vector<std::string> Lines(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The values of `label` on every sample line whose metric name starts with `prefix`.
std::set<std::string> LabelValues(const std::string& body, const std::string& prefix,
                                  const std::string& label) {
  std::set<std::string> out;
  const std::regex re(label + "=\"([^\"]*)\"");
  for (const std::string& line : Lines(body)) {
    if (line.empty() || line[0] == '#' || line.rfind(prefix, 0) != 0) continue;
    std::smatch m;
    if (std::regex_search(line, m, re)) out.insert(m[1]);
  }
  return out;
}

// The label values of `<family>{<label>="x"...} 1` lines: the targets that are up.
std::set<std::string> Up(const std::string& body, const std::string& family,
                         const std::string& label) {
  std::set<std::string> out;
  const std::regex re(family + "\\{" + label + "=\"([^\"]*)\"\\} 1");
  for (const std::string& line : Lines(body)) {
    std::smatch m;
    if (std::regex_match(line, m, re)) out.insert(m[1]);
  }
  return out;
}

class ShardingTest : public ::testing::Test {
 protected:
  ShardingTest() : sim_(LoadMesosScenario("sharding.yml")) {}
  void SetUp() override { ASSERT_TRUE(sim_.Start()); }
  void TearDown() override { StopAll(); }

  Config FleetConfig() {
    Config c;
    for (int i = 0; i < kMesosClusters; ++i) {
      MesosClusterConfig m = sim_.Config(i < 2 ? MesosStateMode::kEvents : MesosStateMode::kOff);
      m.name = "sim-" + std::to_string(i);
      m.poll = Relaxed();
      if (m.name == kDiscovering) {
        FlinkDiscoveryConfig d;
        d.poll = Relaxed();
        m.discover_flink = d;
      }
      c.mesos_clusters.push_back(m);
    }
    sim_.engine.Read([&](const sim::World& w) {
      for (std::size_t i = 0; i < w.flink.size(); ++i) {
        const sim::FlinkCluster& f = w.flink[i];
        const bool joined = f.name.rfind("flink-joined-", 0) == 0;
        if (f.on_mesos && !joined) continue;  // left to discovery
        FlinkClusterConfig fc;
        fc.name = f.name;
        fc.rest_url = sim_.server.FlinkUrl(i);
        fc.poll = Relaxed();
        if (joined) {
          fc.mesos_cluster = kJoined;
          fc.mesos_framework = f.framework_id;
        }
        c.flink_clusters.push_back(fc);
      }
      return 0;
    });
    return c;
  }

  // Every Flink cluster of the scenario with the label and identity the exporter gives it.
  std::vector<Expected> ExpectedFlink() {
    return sim_.engine.Read([&](const sim::World& w) {
      std::map<std::string, int> framework_names;
      for (const sim::FlinkCluster& f : w.flink) {
        if (f.on_mesos) ++framework_names[f.framework_name];
      }
      std::vector<Expected> out;
      for (const sim::FlinkCluster& f : w.flink) {
        if (!f.on_mesos || f.name.rfind("flink-joined-", 0) == 0) {
          out.push_back({f.name, "flink/" + f.name});
          continue;
        }
        const std::string label = framework_names[f.framework_name] == 1
                                      ? f.framework_name
                                      : f.framework_name + "@" + f.framework_id;
        out.push_back({label, std::string("flink-framework/") + kDiscovering + "/" + f.framework_id});
      }
      return out;
    });
  }

  // Starts `count` Apps, shards 0..count-1 (or `count` replicas of one shard with `index`).
  void StartShards(int count) {
    for (int i = 0; i < count; ++i) StartApp(Shard{i, count});
  }
  void StartApp(Shard shard) {
    WebServerOptions web;
    web.host = "127.0.0.1";
    web.port = 0;
    apps_.push_back(std::make_unique<App>(FleetConfig(), web, SystemClock(), App::ConfigSource{}, shard));
    Status st = apps_.back()->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void StopAll() {
    for (auto& app : apps_) app->Stop();
    apps_.clear();
  }

  std::string Get(std::size_t app, const std::string& path) {
    httplib::Client client("127.0.0.1", apps_[app]->port());
    auto res = client.Get(path);
    return res && res->status == 200 ? res->body : std::string();
  }

  // Scrapes every App until, together, they have every Flink and Mesos cluster up; true then,
  // with the scrapes in `bodies`.
  bool AllUp(std::vector<std::string>& bodies, const std::vector<Expected>& flink) {
    return Eventually([&] {
      bodies.clear();
      std::set<std::string> flink_up, mesos_up;
      for (std::size_t i = 0; i < apps_.size(); ++i) {
        bodies.push_back(Get(i, "/metrics"));
        for (const auto& name : Up(bodies.back(), "flink_up", "flink_cluster")) flink_up.insert(name);
        for (const auto& name : Up(bodies.back(), "mesos_up", "mesos_cluster")) mesos_up.insert(name);
      }
      return flink_up.size() == flink.size() && mesos_up.size() == kMesosClusters;
    }, milliseconds(60000));
  }

  // For each cluster label, the Apps whose /metrics have any series of it.
  static std::map<std::string, std::vector<int>> Holders(const std::vector<std::string>& bodies,
                                                         const std::string& prefix,
                                                         const std::string& label) {
    std::map<std::string, std::vector<int>> out;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      for (const auto& v : LabelValues(bodies[i], prefix, label)) out[v].push_back(static_cast<int>(i));
    }
    return out;
  }

  MesosSim sim_;
  std::vector<std::unique_ptr<App>> apps_;
};

TEST_F(ShardingTest, ThreeShardsExportEveryClusterExactlyOnceAndAFourthMovesOnlyWhatItWins) {
  const std::vector<Expected> flink = ExpectedFlink();
  ASSERT_EQ(flink.size(), 26u);

  StartShards(3);
  std::vector<std::string> bodies;
  ASSERT_TRUE(AllUp(bodies, flink)) << bodies[0] << bodies[1] << bodies[2];
  // Every series of a Flink cluster, and every mesos_* series of a Mesos cluster, comes from
  // one shard only: the owner its identity hashes to.
  const auto flink_holders = Holders(bodies, "flink_", "flink_cluster");
  ASSERT_EQ(flink_holders.size(), flink.size());
  std::map<std::string, int> owner3;
  for (const Expected& e : flink) {
    const auto it = flink_holders.find(e.label);
    ASSERT_NE(it, flink_holders.end()) << e.label;
    ASSERT_EQ(it->second.size(), 1u) << e.label << " is exported by more than one shard";
    EXPECT_EQ(it->second[0], OwnerShard(e.identity, 3)) << e.label;
    owner3[e.label] = it->second[0];
  }
  const auto mesos_holders = Holders(bodies, "mesos_", "mesos_cluster");
  ASSERT_EQ(mesos_holders.size(), static_cast<std::size_t>(kMesosClusters));
  for (const auto& [name, holders] : mesos_holders) {
    ASSERT_EQ(holders.size(), 1u) << name << " is exported by more than one shard";
    EXPECT_EQ(holders[0], OwnerShard(MesosIdentity(name), 3)) << name;
  }
  // Every shard polls the discovering Mesos cluster; the ones that do not own it say so.
  for (int i = 0; i < 3; ++i) {
    const bool owner = OwnerShard(MesosIdentity(kDiscovering), 3) == i;
    EXPECT_NE(bodies[i].find(std::string("flink_mesos_exporter_target_exported{source=\"mesos\",target=\"") +
                             kDiscovering + "\"} " + (owner ? "1" : "0")),
              std::string::npos)
        << bodies[i];
    EXPECT_NE(bodies[i].find("flink_mesos_exporter_shard_info{shard=\"" + std::to_string(i) +
                             "\",shards=\"3\"} 1"),
              std::string::npos);
  }
  // The joined clusters have their TaskManagers' Mesos tasks, whichever shard has them.
  for (const Expected& e : flink) {
    if (e.label.rfind("flink-joined-", 0) != 0) continue;
    const std::regex joined("flink_taskmanager_info\\{flink_cluster=\"" + e.label +
                            "\",.*mesos_task_state=\"TASK_RUNNING\"\\} 1");
    bool found = false;
    for (const std::string& line : Lines(bodies[owner3[e.label]])) found |= std::regex_match(line, joined);
    EXPECT_TRUE(found) << e.label << "\n" << bodies[owner3[e.label]];
  }
  // The snapshot API says which shard this is and how much it leaves to the others.
  const std::string snapshot = Get(0, "/api/v1/snapshot");
  EXPECT_NE(snapshot.find(R"("shard":{"index":0,"count":3,)"), std::string::npos) << snapshot;
  StopAll();

  StartShards(4);
  ASSERT_TRUE(AllUp(bodies, flink)) << bodies[0] << bodies[1] << bodies[2] << bodies[3];
  const auto holders4 = Holders(bodies, "flink_", "flink_cluster");
  int moved = 0;
  for (const Expected& e : flink) {
    const auto it = holders4.find(e.label);
    ASSERT_NE(it, holders4.end()) << e.label;
    ASSERT_EQ(it->second.size(), 1u) << e.label << " is exported by more than one of 4 shards";
    if (it->second[0] == owner3[e.label]) continue;
    ++moved;
    EXPECT_EQ(it->second[0], 3) << e.label << " moved between shards that both existed before";
  }
  // Moved ~ Binomial(26, 1/4): mean 6.5, standard deviation 2.2; this fleet's identities move
  // a fixed number (the hash is deterministic), which must stay near a quarter.
  EXPECT_GT(moved, 0);
  EXPECT_LE(moved, 13) << "more than half the clusters moved to the new shard";
  RecordProperty("flink_clusters_moved_3_to_4", moved);
  std::cout << "[ sharding ] 3 -> 4 shards: " << moved << " of " << flink.size()
            << " Flink clusters moved, all to the new shard\n";
}

// Removes what legitimately differs between two replicas that saw the same upstream data: the
// exporter's self-metrics (poll durations, request counts, timestamps of its own polls) and the
// wall-clock time at which the exporter received the last event-stream record.
std::string WithoutExporterSide(const std::string& body) {
  std::string out;
  for (const std::string& line : Lines(body)) {
    const std::string name = line.rfind("# ", 0) == 0 ? line.substr(line.find(' ', 2) + 1) : line;
    if (name.rfind("flink_mesos_exporter_", 0) == 0) continue;
    if (name.rfind("mesos_event_stream_last_event_timestamp_seconds", 0) == 0) continue;
    out += line;
    out += '\n';
  }
  return out;
}

TEST_F(ShardingTest, TwoReplicasOfOneShardProduceIdenticalMetrics) {
  const std::vector<Expected> flink = ExpectedFlink();
  const Shard shard{1, 2};
  std::set<std::string> owned;
  for (const Expected& e : flink) {
    if (shard.Owns(e.identity)) owned.insert(e.label);
  }
  ASSERT_FALSE(owned.empty());
  StartApp(shard);
  StartApp(shard);
  std::string a, b;
  // Both have polled everything they own at least once; from then on, with the simulator's
  // time frozen, they must agree byte for byte.
  const bool same = Eventually([&] {
    a = WithoutExporterSide(Get(0, "/metrics"));
    b = WithoutExporterSide(Get(1, "/metrics"));
    return Up(a, "flink_up", "flink_cluster") == owned && a == b;
  }, milliseconds(60000));
  if (!same) {
    const auto la = Lines(a), lb = Lines(b);
    std::size_t i = 0;
    while (i < la.size() && i < lb.size() && la[i] == lb[i]) ++i;
    FAIL() << "replicas differ at line " << i << ":\n  " << (i < la.size() ? la[i] : "(end)")
           << "\n  " << (i < lb.size() ? lb[i] : "(end)") << "\nowned up in the first: "
           << Up(a, "flink_up", "flink_cluster").size() << " of " << owned.size();
  }
  EXPECT_NE(a.find("flink_job_"), std::string::npos);
}

}  // namespace
}  // namespace fme::testing
