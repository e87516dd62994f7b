#include "exposition/mesos_families.h"

#include <variant>

namespace fme::exposition {

void RenderMesosTarget(const TargetState& t, FamilyBuffers& fb, LabelScratch& scratch) {
  std::string& labels = scratch.target;
  std::string& extra = scratch.extra;
  OpenLabels(labels, "mesos_cluster", t.target.name);
  fb.Line(kMesosUp, labels, {}, t.up ? 1 : 0);
  const auto* obs = t.up && t.observation ? std::get_if<MesosObservation>(&*t.observation) : nullptr;
  if (obs == nullptr) return;

  for (const MesosMasterStatus& m : obs->masters) {
    extra.clear();
    AppendLabel(extra, "master", m.url);
    fb.Line(kMesosMasterUp, labels, extra, m.reachable ? 1 : 0);
    fb.Optional(kMesosMasterElected, labels, extra, m.elected);
    fb.Optional(kMesosMasterUptime, labels, extra, m.uptime_seconds);
    fb.Optional(kMesosMasterEventQueue, labels, extra, m.event_queue_messages);
  }
  if (!obs->leader) return;  // cluster-wide figures come from the elected master only

  const MesosClusterMetrics& c = obs->cluster;
  fb.Optional(kMesosAgents, labels, ",state=\"active\"", c.agents_active);
  fb.Optional(kMesosAgents, labels, ",state=\"inactive\"", c.agents_inactive);
  fb.Optional(kMesosAgents, labels, ",state=\"unreachable\"", c.agents_unreachable);
  fb.Optional(kMesosAgentsByConnection, labels, ",connection=\"connected\"", c.agents_connected);
  fb.Optional(kMesosAgentsByConnection, labels, ",connection=\"disconnected\"", c.agents_disconnected);
  fb.Optional(kMesosFrameworks, labels, ",state=\"active\"", c.frameworks_active);
  fb.Optional(kMesosFrameworks, labels, ",state=\"inactive\"", c.frameworks_inactive);
  fb.Optional(kMesosFrameworksByConnection, labels, ",connection=\"connected\"", c.frameworks_connected);
  fb.Optional(kMesosFrameworksByConnection, labels, ",connection=\"disconnected\"",
              c.frameworks_disconnected);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_STAGING\"", c.tasks_staging);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_STARTING\"", c.tasks_starting);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_RUNNING\"", c.tasks_running);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_KILLING\"", c.tasks_killing);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_UNREACHABLE\"", c.tasks_unreachable);
  fb.Optional(kMesosCpus, labels, ",usage=\"total\"", c.cpus_total);
  fb.Optional(kMesosCpus, labels, ",usage=\"used\"", c.cpus_used);
  fb.Optional(kMesosGpus, labels, ",usage=\"total\"", c.gpus_total);
  fb.Optional(kMesosGpus, labels, ",usage=\"used\"", c.gpus_used);
  fb.Optional(kMesosMemory, labels, ",usage=\"total\"", c.memory_total_bytes);
  fb.Optional(kMesosMemory, labels, ",usage=\"used\"", c.memory_used_bytes);
  fb.Optional(kMesosDisk, labels, ",usage=\"total\"", c.disk_total_bytes);
  fb.Optional(kMesosDisk, labels, ",usage=\"used\"", c.disk_used_bytes);
}

void PrefetchMesos(const MesosObservation& m) {
  for (const MesosMasterStatus& master : m.masters) {
    __builtin_prefetch(&master);
    __builtin_prefetch(master.url.data());
  }
}

}  // namespace fme::exposition
