#include "sharding/shard_targets.h"

#include <algorithm>

namespace fme {

bool NeededForDiscoveryOrJoin(const MesosClusterConfig& mesos,
                              const std::vector<FlinkClusterConfig>& owned_flink) {
  if (mesos.discover_flink) return true;
  return std::any_of(owned_flink.begin(), owned_flink.end(),
                     [&](const FlinkClusterConfig& f) { return f.mesos_cluster == mesos.name; });
}

ShardTargets SelectTargets(const Config& config, const Shard& shard) {
  ShardTargets out;
  for (const FlinkClusterConfig& f : config.flink_clusters) {
    if (shard.OwnsFlink(f)) {
      out.flink.push_back(f);
    } else {
      ++out.other_flink;
    }
  }
  for (const MesosClusterConfig& m : config.mesos_clusters) {
    if (shard.OwnsMesos(m.name)) {
      out.mesos.push_back(m);
      continue;
    }
    ++out.other_mesos;
    if (NeededForDiscoveryOrJoin(m, out.flink)) out.mesos.push_back(m);
  }
  return out;
}

}  // namespace fme
