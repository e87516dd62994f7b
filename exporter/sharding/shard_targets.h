// ShardTargets: the part of a configuration one shard polls.
//
// A shard polls the configured Flink clusters it owns, and the Mesos clusters it owns. It also
// polls a Mesos cluster another shard owns when it needs that cluster's state: to discover Flink
// clusters through it (discovery must see every framework to name and assign them the same way
// in every shard) or to join a Flink cluster it owns to that cluster's tasks. Such a Mesos
// cluster is polled but not exported: its series come from its owner only.
#pragma once

#include <cstddef>
#include <vector>

#include "fme/config.h"
#include "sharding/shard.h"

namespace fme {

struct ShardTargets {
  std::vector<MesosClusterConfig> mesos;  // owned ones and the others it needs, config order
  std::vector<FlinkClusterConfig> flink;  // owned configured ones, in config order
  std::size_t other_flink = 0;  // configured Flink clusters other shards own
  std::size_t other_mesos = 0;  // Mesos clusters other shards export (polled here or not)
};

ShardTargets SelectTargets(const Config& config, const Shard& shard);

// Whether a Mesos cluster needs to be polled by a shard that does not own it.
bool NeededForDiscoveryOrJoin(const MesosClusterConfig& mesos,
                              const std::vector<FlinkClusterConfig>& owned_flink);

}  // namespace fme
