#include "exposition/mesos_families.h"

#include <array>
#include <string>
#include <string_view>
#include <variant>

namespace fme::exposition {
namespace {

// `,state="TASK_RUNNING"` and so on, indexed by MesosTaskState, escaped once per process.
using TaskStateTails = std::array<std::string, kMesosTaskStateCount>;
static_assert(static_cast<int>(MesosTaskState::kUnrecognized) == kMesosTaskStateCount - 1,
              "kUnrecognized is the last state");

const TaskStateTails& GetTaskStateTails() {
  static const TaskStateTails tails = [] {
    TaskStateTails t;
    for (int i = 0; i < kMesosTaskStateCount; ++i) {
      AppendLabel(t[i], "state", MesosTaskStateName(static_cast<MesosTaskState>(i)));
    }
    return t;
  }();
  return tails;
}

const std::string& StateTail(const TaskStateTails& tails, MesosTaskState s) {
  const auto i = static_cast<std::size_t>(s);
  return tails[i < tails.size() ? i : static_cast<std::size_t>(MesosTaskState::kUnrecognized)];
}

std::string_view OrUnknown(const std::string& s) {
  return s.empty() ? std::string_view("unknown") : std::string_view(s);
}

double Num(int64_t v) { return static_cast<double>(v); }

void TerminationLines(Family f, const std::vector<MesosTermination>& terminations,
                      FamilyBuffers& fb, std::string_view labels, std::string& extra,
                      const TaskStateTails& tails) {
  for (const MesosTermination& t : terminations) {
    extra.assign(StateTail(tails, t.state));
    AppendLabel(extra, "reason", OrUnknown(t.reason));
    AppendLabel(extra, "source", OrUnknown(t.source));
    fb.Line(f, labels, extra, t.count);
  }
}

// The four scalar-resource families of an agent or a framework.
struct ResourceFamilies {
  Family cpus, gpus, memory, disk;
};
constexpr ResourceFamilies kAgentResources{kMesosAgentCpus, kMesosAgentGpus, kMesosAgentMemory,
                                           kMesosAgentDisk};
constexpr ResourceFamilies kFrameworkResources{kMesosFrameworkCpus, kMesosFrameworkGpus,
                                               kMesosFrameworkMemory, kMesosFrameworkDisk};

void ResourceLines(const MesosResources& r, const ResourceFamilies& f, FamilyBuffers& fb,
                   std::string_view labels, std::string_view usage) {
  fb.Line(f.cpus, labels, usage, r.cpus);
  fb.Line(f.gpus, labels, usage, r.gpus);
  fb.Line(f.memory, labels, usage, r.memory_bytes);
  fb.Line(f.disk, labels, usage, r.disk_bytes);
}

constexpr std::string_view kUsageTotal = ",usage=\"total\"";
constexpr std::string_view kUsageUsed = ",usage=\"used\"";
constexpr std::string_view kUsageReserved = ",usage=\"reserved\"";

void RenderMasters(const MesosObservation& obs, FamilyBuffers& fb, std::string_view labels,
                   std::string& extra) {
  for (std::size_t i = 0; i < obs.masters.size(); ++i) {
    const MesosMasterStatus& m = obs.masters[i];
    extra.clear();
    AppendLabel(extra, "master", m.url);
    fb.Line(kMesosMasterUp, labels, extra, m.reachable ? 1 : 0);
    // A master whose version is unknown has no info series, rather than one whose version
    // label changes once it is known.
    const bool leader = obs.leader == i;
    const std::string_view version =
        !m.version.empty() ? std::string_view(m.version)
                           : (leader ? std::string_view(obs.leader_version) : std::string_view());
    if (m.reachable && !version.empty()) {
      const std::size_t master_end = extra.size();
      AppendLabel(extra, "version", version);
      extra += leader ? ",leader=\"true\"" : ",leader=\"false\"";
      fb.Line(kMesosMasterInfo, labels, extra, 1);
      extra.resize(master_end);
    }
    fb.Optional(kMesosMasterElected, labels, extra, m.elected);
    fb.Optional(kMesosMasterUptime, labels, extra, m.uptime_seconds);
    fb.Optional(kMesosMasterEventQueue, labels, extra, m.event_queue_messages);
  }
}

void RenderClusterMetrics(const MesosClusterMetrics& c, FamilyBuffers& fb,
                          std::string_view labels) {
  fb.Optional(kMesosAgents, labels, ",state=\"active\"", c.agents_active);
  fb.Optional(kMesosAgents, labels, ",state=\"inactive\"", c.agents_inactive);
  fb.Optional(kMesosAgents, labels, ",state=\"unreachable\"", c.agents_unreachable);
  fb.Optional(kMesosAgentsByConnection, labels, ",connection=\"connected\"", c.agents_connected);
  fb.Optional(kMesosAgentsByConnection, labels, ",connection=\"disconnected\"",
              c.agents_disconnected);
  fb.Optional(kMesosFrameworks, labels, ",state=\"active\"", c.frameworks_active);
  fb.Optional(kMesosFrameworks, labels, ",state=\"inactive\"", c.frameworks_inactive);
  fb.Optional(kMesosFrameworksByConnection, labels, ",connection=\"connected\"",
              c.frameworks_connected);
  fb.Optional(kMesosFrameworksByConnection, labels, ",connection=\"disconnected\"",
              c.frameworks_disconnected);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_STAGING\"", c.tasks_staging);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_STARTING\"", c.tasks_starting);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_RUNNING\"", c.tasks_running);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_KILLING\"", c.tasks_killing);
  fb.Optional(kMesosTasks, labels, ",state=\"TASK_UNREACHABLE\"", c.tasks_unreachable);
  fb.Optional(kMesosCpus, labels, kUsageTotal, c.cpus_total);
  fb.Optional(kMesosCpus, labels, kUsageUsed, c.cpus_used);
  fb.Optional(kMesosGpus, labels, kUsageTotal, c.gpus_total);
  fb.Optional(kMesosGpus, labels, kUsageUsed, c.gpus_used);
  fb.Optional(kMesosMemory, labels, kUsageTotal, c.memory_total_bytes);
  fb.Optional(kMesosMemory, labels, kUsageUsed, c.memory_used_bytes);
  fb.Optional(kMesosDisk, labels, kUsageTotal, c.disk_total_bytes);
  fb.Optional(kMesosDisk, labels, kUsageUsed, c.disk_used_bytes);
}

struct AgentState {
  std::string_view name, tail;
};
constexpr std::array<AgentState, 3> kAgentStates = {{
    {"active", ",state=\"active\""},
    {"inactive", ",state=\"inactive\""},
    {"unreachable", ",state=\"unreachable\""},
}};

void RenderAgent(const MesosAgent& a, FamilyBuffers& fb, LabelScratch& s) {
  std::string& labels = s.entity;
  labels.assign(s.target);
  AppendLabel(labels, "agent_id", a.id);
  AppendLabel(labels, "hostname", a.hostname);

  // One-hot over every state; an agent in a state this exporter does not know has all three 0.
  for (const auto& [state, tail] : kAgentStates) {
    fb.Line(kMesosAgentState, labels, tail, a.state == state ? 1 : 0);
  }
  s.extra.clear();
  AppendLabel(s.extra, "version", a.version);
  fb.Line(kMesosAgentInfo, labels, s.extra, 1);
  for (const auto& [name, value] : a.attributes) {
    s.extra.clear();
    AppendLabel(s.extra, "attribute", name);
    AppendLabel(s.extra, "value", value);
    fb.Line(kMesosAgentAttributeInfo, labels, s.extra, 1);
  }
  ResourceLines(a.total, kAgentResources, fb, labels, kUsageTotal);
  ResourceLines(a.used, kAgentResources, fb, labels, kUsageUsed);
  ResourceLines(a.reserved, kAgentResources, fb, labels, kUsageReserved);
}

// Task ids (taskmanager_tasks) are never labels here: they are kept only for the join with
// Flink's TaskManagers.
void RenderFramework(const MesosFramework& f, FamilyBuffers& fb, LabelScratch& s,
                     const TaskStateTails& tails) {
  std::string& labels = s.entity;
  labels.assign(s.target);
  AppendLabel(labels, "framework_id", f.id);

  s.extra.clear();
  AppendLabel(s.extra, "framework_name", f.name);
  AppendLabel(s.extra, "role", f.role);
  AppendLabel(s.extra, "webui_url", f.webui_url);
  fb.Line(kMesosFrameworkInfo, labels, s.extra, 1);
  fb.Line(kMesosFrameworkActive, labels, {}, f.active ? 1 : 0);
  fb.Line(kMesosFrameworkConnected, labels, {}, f.connected ? 1 : 0);
  ResourceLines(f.used, kFrameworkResources, fb, labels, kUsageUsed);
  for (int i = 0; i < kMesosActiveTaskStateCount; ++i) {
    fb.Line(kMesosFrameworkTasks, labels, tails[i], Num(f.tasks[i]));
  }
  TerminationLines(kMesosFrameworkTaskTerminations, f.terminations, fb, labels, s.extra, tails);
}

void RenderEventStream(const MesosEventStreamStatus& es, FamilyBuffers& fb,
                       std::string_view labels, std::string& extra) {
  fb.Line(kMesosEventStreamConnected, labels, {}, es.connected ? 1 : 0);
  for (const auto& [type, count] : es.events_by_type) {
    extra.clear();
    AppendLabel(extra, "event_type", type);  // not `type`: too generic a label name
    fb.Line(kMesosEventStreamEvents, labels, extra, count);
  }
  fb.Line(kMesosEventStreamReconnects, labels, {}, es.reconnects);
  fb.Optional(kMesosEventStreamLastEvent, labels, {}, es.last_event_timestamp);
}

std::string_view OriginName(MesosStateOrigin o) {
  return o == MesosStateOrigin::kEventStream ? "event_stream" : "polling";
}

}  // namespace

void RenderMesosTarget(const TargetState& t, FamilyBuffers& fb, LabelScratch& s) {
  std::string& labels = s.target;
  OpenLabels(labels, "mesos_cluster", t.target.name);
  fb.Line(kMesosUp, labels, {}, t.up ? 1 : 0);
  const auto* obs = t.up && t.observation ? std::get_if<MesosObservation>(&*t.observation) : nullptr;
  if (obs == nullptr) return;

  RenderMasters(*obs, fb, labels, s.extra);
  // Cluster-wide figures come from the elected master only.
  if (obs->leader) RenderClusterMetrics(obs->cluster, fb, labels);

  const bool has_state = obs->origin != MesosStateOrigin::kNone;
  if (!obs->terminations.empty() || has_state) {
    const TaskStateTails& tails = GetTaskStateTails();
    TerminationLines(kMesosTaskTerminations, obs->terminations, fb, labels, s.extra, tails);
    if (has_state) {
      s.extra.clear();
      AppendLabel(s.extra, "origin", OriginName(obs->origin));
      fb.Line(kMesosStateSourceInfo, labels, s.extra, 1);
      for (const MesosAgent& a : obs->agents) RenderAgent(a, fb, s);
      for (const MesosFramework& f : obs->frameworks) RenderFramework(f, fb, s, tails);
    }
  }
  if (obs->event_stream) RenderEventStream(*obs->event_stream, fb, labels, s.extra);
}

void PrefetchMesos(const MesosObservation& m) {
  for (const MesosMasterStatus& master : m.masters) {
    __builtin_prefetch(&master);
    __builtin_prefetch(master.url.data());
  }
  __builtin_prefetch(m.agents.data());
  __builtin_prefetch(m.frameworks.data());
}

}  // namespace fme::exposition
