// FlinkDiscovery: which Flink clusters to poll because a Mesos cluster runs them.
//
// For every Mesos cluster with a `discover_flink` block, a registered framework is a Flink
// cluster when its name matches one of the patterns or (optionally) it runs TaskManager tasks
// (`taskmanager-NNNNN`). Its REST URL comes from the URL template, usually its `webui_url`.
// A framework whose scheduler has been disconnected for `drop_after` is dropped; one that
// unregisters is dropped at once. While a Mesos cluster has no fresh state (down, no leader,
// not yet polled) its discovered clusters stay as they were: a Mesos outage must not make
// every Flink cluster vanish.
//
// Identity: (Mesos cluster, framework id). The `flink_cluster` label is the framework name,
// or "<name>@<framework id>" when that name is not unique (another discovered framework or a
// configured cluster has it), so the outcome depends only on the state, not on the order in
// which frameworks appeared. A framework that a configured cluster already covers (linked to
// it by mesos_cluster + mesos_framework, or at the same REST URL) is not added again.
//
// Pure logic over snapshots; not thread-safe (App calls it from one thread).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "fme/config.h"
#include "fme/snapshot.h"

namespace fme {

class FlinkDiscovery {
 public:
  explicit FlinkDiscovery(const Config& config);

  // True when some Mesos cluster has a discover_flink block.
  bool enabled() const { return !clusters_.empty(); }

  // Reads the Mesos clusters' latest state in `snapshot`. Returns true when targets() changed.
  bool Update(const Snapshot& snapshot, WallTime now);

  // The Flink clusters to poll (complete configurations, discovered_from set), sorted by name.
  const std::vector<FlinkClusterConfig>& targets() const { return targets_; }

  // Frameworks that matched but cannot be polled (no web UI URL, a template giving no URL),
  // each reported once per framework and problem; cleared by the call.
  std::vector<std::string> TakeProblems();

 private:
  struct Candidate {
    std::string framework_id;
    std::string framework_name;
    std::string url;
  };
  struct Cluster {
    std::string name;  // the Mesos cluster's
    FlinkDiscoveryConfig settings;
    std::vector<std::regex> patterns;
    std::shared_ptr<const TargetState> seen;  // the state the candidates were computed from
    std::map<std::string, WallTime> disconnected_since;  // by framework id
    std::optional<WallTime> next_drop;                   // earliest pending drop_after expiry
    std::vector<Candidate> candidates;                   // sorted by framework id
    std::map<std::string, int> name_counts;              // registered frameworks per name
  };

  void Recompute(Cluster& cluster, const MesosObservation& obs, WallTime now);
  bool CoveredByStatic(const Cluster& cluster, const Candidate& c) const;
  std::vector<FlinkClusterConfig> Assemble() const;

  std::vector<FlinkClusterConfig> static_;
  std::vector<Cluster> clusters_;
  std::vector<FlinkClusterConfig> targets_;
  std::set<std::string> reported_;  // "<cluster>/<framework id>/<problem>" already reported
  std::vector<std::string> problems_;
};

}  // namespace fme
