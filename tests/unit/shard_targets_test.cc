// What one shard polls of a configuration: its own clusters, and Mesos clusters of other shards
// only when it needs their state.
#include "sharding/shard_targets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace fme {
namespace {

FlinkClusterConfig Flink(const std::string& name, const std::string& mesos = "") {
  FlinkClusterConfig f;
  f.name = name;
  f.rest_url = "http://" + name + ":8081";
  if (!mesos.empty()) {
    f.mesos_cluster = mesos;
    f.mesos_framework = name;
  }
  return f;
}

MesosClusterConfig Mesos(const std::string& name, bool discover) {
  MesosClusterConfig m;
  m.name = name;
  m.masters = {"http://" + name + ":5050"};
  if (discover) m.discover_flink = FlinkDiscoveryConfig{};
  return m;
}

bool Has(const std::vector<MesosClusterConfig>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const auto& m) { return m.name == name; });
}

// The first of `names` that `shard` does not own.
std::string NotOwnedMesos(const Shard& shard, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (!shard.OwnsMesos(n)) return n;
  }
  return "";
}

Config Fleet() {
  Config c;
  for (int i = 0; i < 12; ++i) c.mesos_clusters.push_back(Mesos("dc" + std::to_string(i), false));
  for (int i = 0; i < 30; ++i) c.flink_clusters.push_back(Flink("f" + std::to_string(i)));
  return c;
}

TEST(ShardTargetsTest, EveryConfiguredClusterIsPolledByExactlyOneShardWithoutDiscoveryOrJoin) {
  const Config c = Fleet();
  std::vector<int> flink_owners(c.flink_clusters.size());
  std::vector<int> mesos_owners(c.mesos_clusters.size());
  for (int i = 0; i < 3; ++i) {
    const ShardTargets t = SelectTargets(c, Shard{i, 3});
    EXPECT_EQ(t.flink.size() + t.other_flink, c.flink_clusters.size());
    EXPECT_EQ(t.mesos.size() + t.other_mesos, c.mesos_clusters.size());  // none polled for others
    for (std::size_t k = 0; k < c.flink_clusters.size(); ++k) {
      if (std::any_of(t.flink.begin(), t.flink.end(),
                      [&](const auto& f) { return f.name == c.flink_clusters[k].name; })) {
        ++flink_owners[k];
      }
    }
    for (std::size_t k = 0; k < c.mesos_clusters.size(); ++k) {
      if (Has(t.mesos, c.mesos_clusters[k].name)) ++mesos_owners[k];
    }
  }
  for (int n : flink_owners) EXPECT_EQ(n, 1);
  for (int n : mesos_owners) EXPECT_EQ(n, 1);
}

TEST(ShardTargetsTest, AMesosClusterWithDiscoveryIsPolledByEveryShard) {
  Config c = Fleet();
  c.mesos_clusters[4].discover_flink = FlinkDiscoveryConfig{};
  for (int i = 0; i < 3; ++i) {
    const Shard shard{i, 3};
    const ShardTargets t = SelectTargets(c, shard);
    EXPECT_TRUE(Has(t.mesos, "dc4")) << "shard " << i;
    // Counted as another shard's when this one does not own it, polled or not.
    std::size_t owned = 0;
    for (const auto& m : c.mesos_clusters) owned += shard.OwnsMesos(m.name) ? 1 : 0;
    EXPECT_EQ(t.other_mesos, c.mesos_clusters.size() - owned);
  }
}

TEST(ShardTargetsTest, AMesosClusterAnOwnedFlinkClusterJoinsIsPolledOnlyByThoseShards) {
  Config c;
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) {
    names.push_back("dc" + std::to_string(i));
    c.mesos_clusters.push_back(Mesos(names.back(), false));
  }
  const Shard zero{0, 3};
  const std::string foreign = NotOwnedMesos(zero, names);
  ASSERT_FALSE(foreign.empty());
  // A Flink cluster shard 0 owns, and one it does not, both on the foreign Mesos cluster.
  std::string mine, theirs;
  for (int i = 0; i < 100 && (mine.empty() || theirs.empty()); ++i) {
    const FlinkClusterConfig f = Flink("joined-" + std::to_string(i), foreign);
    (zero.OwnsFlink(f) ? mine : theirs) = f.name;
  }
  c.flink_clusters.push_back(Flink(theirs, foreign));
  EXPECT_FALSE(Has(SelectTargets(c, zero).mesos, foreign)) << "no owned cluster needs it";
  c.flink_clusters.push_back(Flink(mine, foreign));
  const ShardTargets t = SelectTargets(c, zero);
  EXPECT_TRUE(Has(t.mesos, foreign));
  ASSERT_EQ(t.flink.size(), 1u);
  EXPECT_EQ(t.flink[0].name, mine);
}

}  // namespace
}  // namespace fme
