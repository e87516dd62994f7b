#include "exposition/snapshot_renderer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "exposition/text_writer.h"

namespace fme {
namespace {

// Every family the snapshot can produce, in output order.
enum Family : int {
  kFlinkUp,
  kFlinkClusterInfo,
  kFlinkTaskmanagers,
  kFlinkTaskSlots,
  kFlinkTaskSlotsAvailable,
  kFlinkJobs,
  kMesosUp,
  kMesosMasterUp,
  kMesosMasterElected,
  kMesosMasterUptime,
  kMesosMasterEventQueue,
  kMesosAgents,
  kMesosAgentsByConnection,
  kMesosFrameworks,
  kMesosFrameworksByConnection,
  kMesosTasks,
  kMesosCpus,
  kMesosGpus,
  kMesosMemory,
  kMesosDisk,
  kFamilyCount
};

struct FamilySpec {
  std::string_view name;
  std::string_view help;
  MetricType type;
};

constexpr std::array<FamilySpec, kFamilyCount> kFamilies = {{
    {"flink_up", "Whether the last poll of the Flink cluster's REST API succeeded (1) or not (0).",
     MetricType::kGauge},
    {"flink_cluster_info", "Flink cluster version and REST URL; always 1.", MetricType::kGauge},
    {"flink_cluster_taskmanagers", "TaskManagers registered with the JobManager.", MetricType::kGauge},
    {"flink_cluster_task_slots", "Task slots offered by all TaskManagers.", MetricType::kGauge},
    {"flink_cluster_task_slots_available", "Task slots not in use.", MetricType::kGauge},
    {"flink_cluster_jobs",
     "Jobs the JobManager knows, by state, from /overview (RUNNING includes pending jobs).",
     MetricType::kGauge},
    {"mesos_up",
     "Whether at least one Mesos master of the cluster answered the last poll (1) or none did (0).",
     MetricType::kGauge},
    {"mesos_master_up", "Whether this master answered /metrics/snapshot in the last poll.",
     MetricType::kGauge},
    {"mesos_master_elected", "Whether this master is the elected leader (master/elected).",
     MetricType::kGauge},
    {"mesos_master_uptime_seconds", "Time since this master process started (master/uptime_secs).",
     MetricType::kGauge},
    {"mesos_master_event_queue_messages",
     "Messages waiting in this master's actor queue; a growing queue means an overloaded master.",
     MetricType::kGauge},
    {"mesos_agents", "Agents known to the elected master, by state.", MetricType::kGauge},
    {"mesos_agents_by_connection", "Registered agents by whether they are connected to the master.",
     MetricType::kGauge},
    {"mesos_frameworks", "Frameworks known to the elected master, by state.", MetricType::kGauge},
    {"mesos_frameworks_by_connection",
     "Frameworks by whether their scheduler is connected to the master.", MetricType::kGauge},
    {"mesos_tasks", "Tasks in each non-terminal state, cluster-wide.", MetricType::kGauge},
    {"mesos_cluster_cpus", "CPUs of all agents: total, and used (allocated) by tasks.",
     MetricType::kGauge},
    {"mesos_cluster_gpus", "GPUs of all agents: total, and used (allocated) by tasks.",
     MetricType::kGauge},
    {"mesos_cluster_memory_bytes", "Memory of all agents: total, and used (allocated) by tasks.",
     MetricType::kGauge},
    {"mesos_cluster_disk_bytes", "Disk of all agents: total, and used (allocated) by tasks.",
     MetricType::kGauge},
}};

// An append-only byte buffer that writes a whole sample line with one capacity check.
class LineBuffer {
 public:
  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  void Line(std::string_view name, std::string_view labels, std::string_view extra, double value) {
    // The longest value AppendValue can write is under 32 bytes.
    Reserve(size_ + name.size() + labels.size() + extra.size() + 40);
    Put(name);
    Put(labels);
    Put(extra);
    Put("} ");
    size_ = TextWriter::WriteValue(data_.get() + size_, value) - data_.get();
    data_[size_++] = '\n';
  }

 private:
  void Put(std::string_view s) {
    if (s.empty()) return;  // an empty view may have a null data(), which memcpy must not see
    std::memcpy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void Reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t cap = std::max<std::size_t>(n, capacity_ * 2);
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = cap;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// One buffer per family, filled in a single pass over the targets (target-major, so each
// target's data is read once while it is in cache), joined family by family at the end.
class FamilyBuffers {
 public:
  // `labels` is the opening of the label set, e.g. `{flink_cluster="x"`; `extra` continues it,
  // e.g. `,state="RUNNING"`; the set is closed here.
  void Line(Family f, std::string_view labels, std::string_view extra, double value) {
    body_[f].Line(kFamilies[f].name, labels, extra, value);
    ++samples_;
  }
  void Optional(Family f, std::string_view labels, std::string_view extra,
                const std::optional<double>& value) {
    if (value) Line(f, labels, extra, *value);
  }

  // Empties the buffers but keeps their capacity: the next render of a similar snapshot then
  // neither reallocates nor page-faults (the dominant costs of a fresh 100 MB rendering).
  void Clear() {
    for (auto& b : body_) b.clear();
    samples_ = 0;
  }

  std::size_t Join(std::string& out) const {
    std::size_t size = out.size();
    for (const auto& b : body_) size += b.view().size() + 256;
    out.reserve(size);
    for (int f = 0; f < kFamilyCount; ++f) {
      if (body_[f].empty()) continue;
      out += "# HELP ";
      out += kFamilies[f].name;
      out += ' ';
      TextWriter::AppendHelp(out, kFamilies[f].help);
      out += "\n# TYPE ";
      out += kFamilies[f].name;
      out += kFamilies[f].type == MetricType::kCounter ? " counter\n" : " gauge\n";
      out += body_[f].view();
    }
    return samples_;
  }

 private:
  std::array<LineBuffer, kFamilyCount> body_;
  std::size_t samples_ = 0;
};

// `{name="escaped value"` — the open start of a label set.
void OpenLabels(std::string& out, std::string_view name, std::string_view value) {
  out.clear();
  out += '{';
  out += name;
  out += "=\"";
  TextWriter::AppendLabelValue(out, value);
  out += '"';
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  out += name;
  out += "=\"";
  TextWriter::AppendLabelValue(out, value);
  out += '"';
}

void RenderFlink(const TargetState& t, FamilyBuffers& fb, std::string& labels, std::string& scratch) {
  OpenLabels(labels, "flink_cluster", t.target.name);
  fb.Line(kFlinkUp, labels, {}, t.up ? 1 : 0);
  const auto* obs = t.up && t.observation ? std::get_if<FlinkObservation>(&*t.observation) : nullptr;
  if (obs == nullptr) return;
  const FlinkClusterOverview& o = obs->overview;

  scratch.clear();
  AppendLabel(scratch, "version", o.version);
  AppendLabel(scratch, "revision", o.revision);
  AppendLabel(scratch, "rest_url", t.target.url);
  fb.Line(kFlinkClusterInfo, labels, scratch, 1);
  fb.Line(kFlinkTaskmanagers, labels, {}, static_cast<double>(o.taskmanagers));
  fb.Line(kFlinkTaskSlots, labels, {}, static_cast<double>(o.slots_total));
  fb.Line(kFlinkTaskSlotsAvailable, labels, {}, static_cast<double>(o.slots_available));
  fb.Line(kFlinkJobs, labels, ",state=\"RUNNING\"", static_cast<double>(o.jobs_running));
  fb.Line(kFlinkJobs, labels, ",state=\"FINISHED\"", static_cast<double>(o.jobs_finished));
  fb.Line(kFlinkJobs, labels, ",state=\"CANCELED\"", static_cast<double>(o.jobs_cancelled));
  fb.Line(kFlinkJobs, labels, ",state=\"FAILED\"", static_cast<double>(o.jobs_failed));
}

void RenderMesos(const TargetState& t, FamilyBuffers& fb, std::string& labels, std::string& scratch) {
  OpenLabels(labels, "mesos_cluster", t.target.name);
  fb.Line(kMesosUp, labels, {}, t.up ? 1 : 0);
  const auto* obs = t.up && t.observation ? std::get_if<MesosObservation>(&*t.observation) : nullptr;
  if (obs == nullptr) return;

  for (const MesosMasterStatus& m : obs->masters) {
    scratch.clear();
    AppendLabel(scratch, "master", m.url);
    fb.Line(kMesosMasterUp, labels, scratch, m.reachable ? 1 : 0);
    fb.Optional(kMesosMasterElected, labels, scratch, m.elected);
    fb.Optional(kMesosMasterUptime, labels, scratch, m.uptime_seconds);
    fb.Optional(kMesosMasterEventQueue, labels, scratch, m.event_queue_messages);
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

// Asks for the memory a target's rendering will read: the state itself and the heap strings
// and vectors it points to.
void Prefetch(const TargetState& t) {
  const char* p = reinterpret_cast<const char*>(&t);
  for (std::size_t off = 0; off < sizeof(TargetState); off += 64) __builtin_prefetch(p + off);
  __builtin_prefetch(t.target.name.data());
  __builtin_prefetch(t.target.url.data());
  if (!t.observation) return;
  if (const auto* f = std::get_if<FlinkObservation>(&*t.observation)) {
    __builtin_prefetch(f->overview.version.data());
    __builtin_prefetch(f->overview.revision.data());
  } else if (const auto* m = std::get_if<MesosObservation>(&*t.observation)) {
    for (const MesosMasterStatus& master : m->masters) {
      __builtin_prefetch(&master);
      __builtin_prefetch(master.url.data());
    }
  }
}

}  // namespace

std::size_t RenderSnapshot(const Snapshot& snapshot, std::string& out) {
  // Rendering runs on one thread (the ExpositionCache's); its buffers persist between renders.
  thread_local FamilyBuffers fb;
  fb.Clear();
  std::string labels, scratch;  // reused across targets
  const auto& targets = snapshot.targets;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    // Target states live wherever their poll allocated them; fetching the ones a few places
    // ahead while this one is written hides most of the memory latency of large snapshots.
    if (i + 8 < targets.size()) Prefetch(*targets[i + 8]);
    const auto& t = targets[i];
    if (!t->polled) continue;  // no series until the first poll finished
    if (t->target.kind == SourceKind::kFlink) {
      RenderFlink(*t, fb, labels, scratch);
    } else {
      RenderMesos(*t, fb, labels, scratch);
    }
  }
  return fb.Join(out);
}

}  // namespace fme
