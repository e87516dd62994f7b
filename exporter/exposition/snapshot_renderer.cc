#include "exposition/snapshot_renderer.h"

#include <optional>
#include <vector>

#include "exposition/text_writer.h"

namespace fme {
namespace {

struct FlinkView {
  const TargetState* state;
  const FlinkObservation* obs;  // null while down
};

struct MesosView {
  const TargetState* state;
  const MesosObservation* obs;  // null while down
};

void RenderFlink(const std::vector<FlinkView>& targets, TextWriter& w) {
  w.Family("flink_up", "Whether the last poll of the Flink cluster's REST API succeeded (1) or not (0).",
           MetricType::kGauge);
  for (const auto& t : targets) {
    w.Sample({{"flink_cluster", t.state->target.name}}, t.state->up ? 1 : 0);
  }

  w.Family("flink_cluster_info", "Flink cluster version and REST URL; always 1.", MetricType::kGauge);
  for (const auto& t : targets) {
    if (t.obs == nullptr) continue;
    const auto& o = t.obs->overview;
    w.Sample({{"flink_cluster", t.state->target.name},
              {"version", o.version},
              {"revision", o.revision},
              {"rest_url", t.state->target.url}},
             1);
  }

  struct CountFamily {
    const char* name;
    const char* help;
    int64_t FlinkClusterOverview::*field;
  };
  static constexpr CountFamily kCounts[] = {
      {"flink_cluster_taskmanagers", "TaskManagers registered with the JobManager.",
       &FlinkClusterOverview::taskmanagers},
      {"flink_cluster_task_slots", "Task slots offered by all TaskManagers.",
       &FlinkClusterOverview::slots_total},
      {"flink_cluster_task_slots_available", "Task slots not in use.",
       &FlinkClusterOverview::slots_available},
  };
  for (const auto& f : kCounts) {
    w.Family(f.name, f.help, MetricType::kGauge);
    for (const auto& t : targets) {
      if (t.obs == nullptr) continue;
      w.Sample({{"flink_cluster", t.state->target.name}},
               static_cast<double>(t.obs->overview.*f.field));
    }
  }

  w.Family("flink_cluster_jobs",
           "Jobs the JobManager knows, by state, from /overview (RUNNING includes pending jobs).",
           MetricType::kGauge);
  for (const auto& t : targets) {
    if (t.obs == nullptr) continue;
    const auto& o = t.obs->overview;
    const std::string& c = t.state->target.name;
    w.Sample({{"flink_cluster", c}}, {{"state", "RUNNING"}}, static_cast<double>(o.jobs_running));
    w.Sample({{"flink_cluster", c}}, {{"state", "FINISHED"}}, static_cast<double>(o.jobs_finished));
    w.Sample({{"flink_cluster", c}}, {{"state", "CANCELED"}}, static_cast<double>(o.jobs_cancelled));
    w.Sample({{"flink_cluster", c}}, {{"state", "FAILED"}}, static_cast<double>(o.jobs_failed));
  }
}

// Writes one sample per present value of a (label value, optional) list.
void OptionalSamples(TextWriter& w, const std::string& cluster, std::string_view label,
                     std::initializer_list<std::pair<std::string_view, std::optional<double>>> vals) {
  for (const auto& [value_label, v] : vals) {
    if (v) w.Sample({{"mesos_cluster", cluster}}, {{label, value_label}}, *v);
  }
}

void RenderMesos(const std::vector<MesosView>& targets, TextWriter& w) {
  w.Family("mesos_up",
           "Whether at least one Mesos master of the cluster answered the last poll (1) or none did (0).",
           MetricType::kGauge);
  for (const auto& t : targets) {
    w.Sample({{"mesos_cluster", t.state->target.name}}, t.state->up ? 1 : 0);
  }

  w.Family("mesos_master_up", "Whether this master answered /metrics/snapshot in the last poll.",
           MetricType::kGauge);
  for (const auto& t : targets) {
    if (t.obs == nullptr) continue;
    for (const auto& m : t.obs->masters) {
      w.Sample({{"mesos_cluster", t.state->target.name}, {"master", m.url}}, m.reachable ? 1 : 0);
    }
  }

  struct MasterFamily {
    const char* name;
    const char* help;
    std::optional<double> MesosMasterStatus::*field;
  };
  static constexpr MasterFamily kMaster[] = {
      {"mesos_master_elected", "Whether this master is the elected leader (master/elected).",
       &MesosMasterStatus::elected},
      {"mesos_master_uptime_seconds", "Time since this master process started (master/uptime_secs).",
       &MesosMasterStatus::uptime_seconds},
      {"mesos_master_event_queue_messages",
       "Messages waiting in this master's actor queue; a growing queue means an overloaded master.",
       &MesosMasterStatus::event_queue_messages},
  };
  for (const auto& f : kMaster) {
    w.Family(f.name, f.help, MetricType::kGauge);
    for (const auto& t : targets) {
      if (t.obs == nullptr) continue;
      for (const auto& m : t.obs->masters) {
        if (const auto& v = m.*f.field) {
          w.Sample({{"mesos_cluster", t.state->target.name}, {"master", m.url}}, *v);
        }
      }
    }
  }

  // Cluster-wide figures come from the elected master only.
  std::vector<std::pair<const std::string*, const MesosClusterMetrics*>> leaders;
  for (const auto& t : targets) {
    if (t.obs != nullptr && t.obs->leader) leaders.emplace_back(&t.state->target.name, &t.obs->cluster);
  }

  w.Family("mesos_agents", "Agents known to the elected master, by state.", MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "state",
                    {{"active", c->agents_active}, {"inactive", c->agents_inactive},
                     {"unreachable", c->agents_unreachable}});
  }
  w.Family("mesos_agents_by_connection", "Registered agents by whether they are connected to the master.",
           MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "connection",
                    {{"connected", c->agents_connected}, {"disconnected", c->agents_disconnected}});
  }
  w.Family("mesos_frameworks", "Frameworks known to the elected master, by state.", MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "state",
                    {{"active", c->frameworks_active}, {"inactive", c->frameworks_inactive}});
  }
  w.Family("mesos_frameworks_by_connection",
           "Frameworks by whether their scheduler is connected to the master.", MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "connection",
                    {{"connected", c->frameworks_connected},
                     {"disconnected", c->frameworks_disconnected}});
  }
  w.Family("mesos_tasks", "Tasks in each non-terminal state, cluster-wide.", MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "state",
                    {{"TASK_STAGING", c->tasks_staging}, {"TASK_STARTING", c->tasks_starting},
                     {"TASK_RUNNING", c->tasks_running}, {"TASK_KILLING", c->tasks_killing},
                     {"TASK_UNREACHABLE", c->tasks_unreachable}});
  }
  w.Family("mesos_cluster_cpus", "CPUs of all agents: total, and used (allocated) by tasks.",
           MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "usage", {{"total", c->cpus_total}, {"used", c->cpus_used}});
  }
  w.Family("mesos_cluster_gpus", "GPUs of all agents: total, and used (allocated) by tasks.",
           MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "usage", {{"total", c->gpus_total}, {"used", c->gpus_used}});
  }
  w.Family("mesos_cluster_memory_bytes", "Memory of all agents: total, and used (allocated) by tasks.",
           MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "usage",
                    {{"total", c->memory_total_bytes}, {"used", c->memory_used_bytes}});
  }
  w.Family("mesos_cluster_disk_bytes", "Disk of all agents: total, and used (allocated) by tasks.",
           MetricType::kGauge);
  for (const auto& [name, c] : leaders) {
    OptionalSamples(w, *name, "usage", {{"total", c->disk_total_bytes}, {"used", c->disk_used_bytes}});
  }
}

}  // namespace

std::size_t RenderSnapshot(const Snapshot& snapshot, std::string& out) {
  std::vector<FlinkView> flink;
  std::vector<MesosView> mesos;
  for (const auto& t : snapshot.targets) {
    if (!t->polled) continue;  // no series until the first poll finished
    const Observation* obs = t->up && t->observation ? &*t->observation : nullptr;
    if (t->target.kind == SourceKind::kFlink) {
      flink.push_back({t.get(), obs ? std::get_if<FlinkObservation>(obs) : nullptr});
    } else {
      mesos.push_back({t.get(), obs ? std::get_if<MesosObservation>(obs) : nullptr});
    }
  }
  TextWriter w(out);
  RenderFlink(flink, w);
  RenderMesos(mesos, w);
  return w.samples();
}

}  // namespace fme
