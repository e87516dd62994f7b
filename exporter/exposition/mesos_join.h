// MesosJoin: ties a Flink cluster to the Mesos framework that runs it, within one snapshot.
//
// Flink-on-Mesos gives every TaskManager its Mesos task id as ResourceID, so within one
// framework the TaskManager id *is* the task id ("taskmanager-00042"). Ids repeat across
// frameworks, hence the join is on (framework, id). A Flink target is linked to a framework
// by its configuration (mesos_cluster + mesos_framework, a framework id or name).
// Built once per render; holds pointers into the snapshot, which outlives it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fme/snapshot.h"

namespace fme::exposition {

struct MesosLink {
  const MesosObservation* cluster = nullptr;
  const MesosFramework* framework = nullptr;

  const MesosTask* FindTask(std::string_view task_id) const;
  std::string_view AgentHostname(std::string_view agent_id) const;
};

class MesosJoin {
 public:
  explicit MesosJoin(const Snapshot& snapshot);

  // The framework the Flink target is configured to run as, when its Mesos cluster is up and
  // lists it. By id first; by name only when exactly one registered framework has that name.
  std::optional<MesosLink> Find(const TargetInfo& flink) const;

 private:
  std::map<std::string, const MesosObservation*, std::less<>> clusters_;  // up ones, by name
};

}  // namespace fme::exposition
