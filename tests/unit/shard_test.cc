// Rendezvous ownership: stable weights, a partition for any shard count, few moves when the
// count changes, and identities that do not depend on how discovered clusters are named.
#include "sharding/shard.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace fme {
namespace {

// Identities shaped like the ones the exporter makes.
std::vector<std::string> Identities(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    switch (i % 3) {
      case 0: out.push_back("flink/cluster-" + std::to_string(i)); break;
      case 1: out.push_back("mesos/dc" + std::to_string(i)); break;
      default:
        out.push_back("flink-framework/prod/5a9c3e1f-77d2-4b1e-9f0e-" + std::to_string(100000 + i) +
                      "-0001");
    }
  }
  return out;
}

TEST(ShardHashTest, Fnv1aMatchesThePublishedTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(ShardHashTest, SplitMix64MatchesItsReferenceOutput) {
  // The first output of the reference SplitMix64 generator seeded with 0.
  EXPECT_EQ(SplitMix64(0), 0xe220a8397b1dcdafULL);
}

// Pinned: these come from an independent implementation of the documented hash
// (docs/scaling.md). A change here reassigns clusters between shards on upgrade.
TEST(ShardHashTest, KnownWeightsAndOwnersStayTheSame) {
  EXPECT_EQ(RendezvousWeight("mesos/prod", 0), 0x1237eca191d8ac6eULL);
  EXPECT_EQ(RendezvousWeight("flink/orders", 0), 0x58ea1deb4969ac63ULL);
  struct Pin {
    const char* identity;
    int owners[4];  // with 2, 3, 4 and 5 shards
  };
  const Pin pins[] = {
      {"mesos/prod", {1, 2, 3, 3}},
      {"flink/orders", {1, 1, 3, 3}},
      {"flink/payments", {0, 2, 2, 2}},
      {"flink-framework/prod/a1b2c3d4-0000-4000-8000-000000000001-0001", {1, 1, 1, 1}},
      {"mesos/staging", {0, 2, 3, 3}},
  };
  for (const Pin& p : pins) {
    for (int n = 2; n <= 5; ++n) EXPECT_EQ(OwnerShard(p.identity, n), p.owners[n - 2]) << p.identity << " / " << n;
  }
}

TEST(ShardTest, OneShardOwnsEverything) {
  const Shard only;
  for (const std::string& id : Identities(30)) EXPECT_TRUE(only.Owns(id)) << id;
}

TEST(ShardTest, ThreeShardsPartitionEveryIdentityAndShareThemEvenly) {
  const int n = 1000;
  int per_shard[3] = {};
  for (const std::string& id : Identities(n)) {
    int owners = 0;
    for (int i = 0; i < 3; ++i) {
      if (Shard{i, 3}.Owns(id)) {
        ++owners;
        ++per_shard[i];
      }
    }
    EXPECT_EQ(owners, 1) << id;
  }
  // Each shard's share is Binomial(1000, 1/3): mean 333, standard deviation 14.9. The hash is
  // deterministic, so this cannot flake; 5 standard deviations only rules out a biased hash.
  const double sd = std::sqrt(n * (1.0 / 3) * (2.0 / 3));
  for (int count : per_shard) EXPECT_NEAR(count, n / 3.0, 5 * sd);
}

TEST(ShardTest, GoingFromThreeToFourShardsMovesOnlyWhatTheNewShardWinsAboutAQuarter) {
  const int n = 1000;
  int moved = 0;
  for (const std::string& id : Identities(n)) {
    const int before = OwnerShard(id, 3);
    const int after = OwnerShard(id, 4);
    if (before == after) continue;
    ++moved;
    EXPECT_EQ(after, 3) << id << " moved between two shards that both existed before";
  }
  // Moved ~ Binomial(1000, 1/4): mean 250, standard deviation 13.7; 4 standard deviations
  // (±55) is the documented tolerance.
  const double sd = std::sqrt(n * 0.25 * 0.75);
  EXPECT_NEAR(moved, n / 4.0, 4 * sd);
  EXPECT_GT(moved, 0);
}

TEST(ShardTest, GoingBackFromFourToThreeShardsReturnsEveryClusterToItsOldOwner) {
  for (const std::string& id : Identities(300)) {
    const int with_three = OwnerShard(id, 3);
    const int with_four = OwnerShard(id, 4);
    if (with_four != 3) {
      EXPECT_EQ(with_four, with_three) << id;
    }
  }
}

TEST(ShardIdentityTest, ADiscoveredClusterIsIdentifiedByItsMesosClusterAndFrameworkId) {
  FlinkClusterConfig a;
  a.name = "Flink";
  a.discovered_from = "prod";
  a.mesos_cluster = "prod";
  a.mesos_framework = "fw-0001";
  FlinkClusterConfig renamed = a;
  renamed.name = "Flink@fw-0001";  // another framework took the name "Flink" too
  EXPECT_EQ(FlinkIdentity(a), "flink-framework/prod/fw-0001");
  EXPECT_EQ(FlinkIdentity(renamed), FlinkIdentity(a));
  for (int n = 2; n <= 8; ++n) {
    const Shard shard{0, n};
    EXPECT_EQ(shard.OwnsFlink(a), shard.OwnsFlink(renamed));
  }
  FlinkClusterConfig other_framework = a;
  other_framework.mesos_framework = "fw-0002";
  EXPECT_NE(FlinkIdentity(other_framework), FlinkIdentity(a));
}

TEST(ShardIdentityTest, AConfiguredClusterIsIdentifiedByItsName) {
  FlinkClusterConfig c;
  c.name = "orders";
  c.rest_url = "http://jm:8081";
  c.mesos_cluster = "prod";
  c.mesos_framework = "fw-0001";  // linked for the join, still configured
  EXPECT_EQ(FlinkIdentity(c), "flink/orders");
  EXPECT_EQ(MesosIdentity("prod"), "mesos/prod");
}

TEST(ShardTest, MakeChecksTheRange) {
  EXPECT_TRUE(Shard::Make(0, 1).ok());
  EXPECT_TRUE(Shard::Make(999, 1000).ok());
  EXPECT_FALSE(Shard::Make(1, 1).ok());
  EXPECT_FALSE(Shard::Make(-1, 3).ok());
  EXPECT_FALSE(Shard::Make(0, 0).ok());
  EXPECT_FALSE(Shard::Make(0, 1001).ok());
}

}  // namespace
}  // namespace fme
