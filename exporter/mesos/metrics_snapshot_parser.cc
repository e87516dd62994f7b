#include "mesos/metrics_snapshot_parser.h"

#include "common/json_util.h"

namespace fme {
namespace {

constexpr double kBytesPerMb = 1024.0 * 1024.0;  // Mesos "MB" are mebibytes

std::optional<double> Mb(const nlohmann::json& doc, std::string_view key) {
  auto v = json::Number(doc, key);
  if (v) *v *= kBytesPerMb;
  return v;
}

}  // namespace

Result<MasterMetrics> ParseMasterMetricsSnapshot(std::string_view body) {
  auto parsed = json::Parse(body, "Mesos /metrics/snapshot");
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& d = *parsed;
  if (!d.is_object()) return Status::ParseError("Mesos /metrics/snapshot: expected a JSON object");

  MasterMetrics m;
  m.self.elected = json::Number(d, "master/elected");
  m.self.uptime_seconds = json::Number(d, "master/uptime_secs");
  m.self.event_queue_messages = json::Number(d, "master/event_queue_messages");
  if (!m.self.elected && !m.self.uptime_seconds) {
    // An agent's snapshot, or something else entirely: not a master.
    return Status::ParseError(
        "Mesos /metrics/snapshot: no master/elected or master/uptime_secs (not a master?)");
  }

  MesosClusterMetrics& c = m.cluster;
  c.agents_active = json::Number(d, "master/slaves_active");
  c.agents_inactive = json::Number(d, "master/slaves_inactive");
  c.agents_unreachable = json::Number(d, "master/slaves_unreachable");
  c.agents_connected = json::Number(d, "master/slaves_connected");
  c.agents_disconnected = json::Number(d, "master/slaves_disconnected");
  c.frameworks_active = json::Number(d, "master/frameworks_active");
  c.frameworks_inactive = json::Number(d, "master/frameworks_inactive");
  c.frameworks_connected = json::Number(d, "master/frameworks_connected");
  c.frameworks_disconnected = json::Number(d, "master/frameworks_disconnected");
  c.tasks_staging = json::Number(d, "master/tasks_staging");
  c.tasks_starting = json::Number(d, "master/tasks_starting");
  c.tasks_running = json::Number(d, "master/tasks_running");
  c.tasks_killing = json::Number(d, "master/tasks_killing");
  c.tasks_unreachable = json::Number(d, "master/tasks_unreachable");
  c.cpus_total = json::Number(d, "master/cpus_total");
  c.cpus_used = json::Number(d, "master/cpus_used");
  c.gpus_total = json::Number(d, "master/gpus_total");
  c.gpus_used = json::Number(d, "master/gpus_used");
  c.memory_total_bytes = Mb(d, "master/mem_total");
  c.memory_used_bytes = Mb(d, "master/mem_used");
  c.disk_total_bytes = Mb(d, "master/disk_total");
  c.disk_used_bytes = Mb(d, "master/disk_used");
  return m;
}

}  // namespace fme
