#include "sharding/shard.h"

namespace fme {

uint64_t Fnv1a64(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;  // offset basis
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;  // FNV prime
  }
  return h;
}

uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t RendezvousWeight(std::string_view identity, int shard) {
  // FNV-1a alone mixes its last bytes poorly ("flink/a1" and "flink/a2" differ in a few low
  // bits); the SplitMix64 finalizer makes every weight depend on every bit of both inputs.
  return SplitMix64(Fnv1a64(identity) ^ SplitMix64(static_cast<uint64_t>(shard)));
}

int OwnerShard(std::string_view identity, int count) {
  int best = 0;
  uint64_t best_weight = RendezvousWeight(identity, 0);
  for (int i = 1; i < count; ++i) {
    const uint64_t w = RendezvousWeight(identity, i);
    if (w > best_weight) {
      best = i;
      best_weight = w;
    }
  }
  return best;
}

std::string MesosIdentity(const std::string& mesos_cluster) { return "mesos/" + mesos_cluster; }

std::string FlinkIdentity(const FlinkClusterConfig& cluster) {
  if (cluster.discovered_from.empty()) return "flink/" + cluster.name;
  return "flink-framework/" + cluster.discovered_from + "/" + cluster.mesos_framework;
}

Result<Shard> Shard::Make(int index, int count) {
  if (count < 1 || count > kMaxShardCount) {
    return Status::InvalidArgument("--shard.count must be between 1 and " +
                                   std::to_string(kMaxShardCount) + ", got " +
                                   std::to_string(count));
  }
  if (index < 0 || index >= count) {
    return Status::InvalidArgument("--shard.index must be between 0 and --shard.count - 1 (" +
                                   std::to_string(count - 1) + "), got " + std::to_string(index));
  }
  return Shard{index, count};
}

bool Shard::Owns(std::string_view identity) const {
  return count <= 1 || OwnerShard(identity, count) == index;
}

}  // namespace fme
