// Shard: which part of the fleet one exporter watches when several share it
// (--shard.index, --shard.count).
//
// Every Flink and Mesos cluster has an identity string, and exactly one shard owns it: the one
// with the highest rendezvous weight for that identity (highest random weight hashing). The
// weight is a fixed 64-bit hash, the same in every build and on every machine, so independent
// replicas agree on the owners without talking to each other. Going from n to n+1 shards moves
// only the clusters the new shard now wins, about 1/(n+1) of them; going back moves them back.
//
// Identities (docs/scaling.md):
//   mesos/<name>                                  a Mesos cluster
//   flink/<name>                                  a configured Flink cluster
//   flink-framework/<mesos cluster>/<framework id>  a discovered Flink cluster
// A discovered cluster is owned by its framework, not by its `flink_cluster` label, which
// depends on which other frameworks share its name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fme/config.h"
#include "fme/status.h"

namespace fme {

// More shards than this is a configuration mistake (a weight is computed per shard and cluster).
inline constexpr int kMaxShardCount = 1000;

// FNV-1a, 64 bits, over the bytes of `text`.
uint64_t Fnv1a64(std::string_view text);

// The SplitMix64 output function for the state `x` (x is advanced by the golden gamma first):
// a bijection of 64-bit integers that spreads every input bit over the whole output.
uint64_t SplitMix64(uint64_t x);

// The weight of `shard` for `identity`: SplitMix64(Fnv1a64(identity) XOR SplitMix64(shard)).
uint64_t RendezvousWeight(std::string_view identity, int shard);

// The shard in [0, count) with the highest weight for `identity`; the lowest index on a tie.
int OwnerShard(std::string_view identity, int count);

std::string MesosIdentity(const std::string& mesos_cluster);
// Configured clusters by name; discovered ones (discovered_from set) by Mesos cluster and
// framework id.
std::string FlinkIdentity(const FlinkClusterConfig& cluster);

struct Shard {
  int index = 0;
  int count = 1;

  // Checks 0 <= index < count <= kMaxShardCount.
  static Result<Shard> Make(int index, int count);

  bool sharded() const { return count > 1; }
  bool Owns(std::string_view identity) const;
  bool OwnsMesos(const std::string& name) const { return Owns(MesosIdentity(name)); }
  bool OwnsFlink(const FlinkClusterConfig& c) const { return Owns(FlinkIdentity(c)); }

  bool operator==(const Shard&) const = default;
};

}  // namespace fme
