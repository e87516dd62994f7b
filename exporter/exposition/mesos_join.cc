#include "exposition/mesos_join.h"

#include <algorithm>

namespace fme::exposition {

const MesosTask* MesosLink::FindTask(std::string_view task_id) const {
  const auto& tasks = framework->taskmanager_tasks;  // sorted by id
  auto it = std::lower_bound(tasks.begin(), tasks.end(), task_id,
                             [](const MesosTask& t, std::string_view id) { return t.id < id; });
  return it != tasks.end() && it->id == task_id ? &*it : nullptr;
}

std::string_view MesosLink::AgentHostname(std::string_view agent_id) const {
  const auto& agents = cluster->agents;  // sorted by id
  auto it = std::lower_bound(agents.begin(), agents.end(), agent_id,
                             [](const MesosAgent& a, std::string_view id) { return a.id < id; });
  return it != agents.end() && it->id == agent_id ? std::string_view(it->hostname)
                                                   : std::string_view();
}

MesosJoin::MesosJoin(const Snapshot& snapshot) {
  for (const auto& t : snapshot.targets) {
    if (t->target.kind != SourceKind::kMesos || !t->up || !t->observation) continue;
    if (const auto* m = std::get_if<MesosObservation>(&*t->observation)) {
      clusters_.emplace(t->target.name, m);
    }
  }
}

std::optional<MesosLink> MesosJoin::Find(const TargetInfo& flink) const {
  if (flink.mesos_cluster.empty() || flink.mesos_framework.empty()) return std::nullopt;
  auto c = clusters_.find(flink.mesos_cluster);
  if (c == clusters_.end()) return std::nullopt;
  const MesosFramework* by_name = nullptr;
  int named = 0;
  for (const MesosFramework& f : c->second->frameworks) {
    if (f.id == flink.mesos_framework) return MesosLink{c->second, &f};
    if (f.name == flink.mesos_framework) {
      by_name = &f;
      ++named;
    }
  }
  // Two frameworks of one name (a restarted JobManager that registered anew, or two clusters
  // named alike) cannot be told apart by name: no join rather than a wrong one.
  if (named == 1) return MesosLink{c->second, by_name};
  return std::nullopt;
}

}  // namespace fme::exposition
