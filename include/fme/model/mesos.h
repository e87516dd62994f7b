// Plain value types a Mesos source produces, in base units (bytes, seconds). A field is
// std::nullopt when the master did not report it (a `/metrics/snapshot?timeout=` omits metrics
// that were not ready): absent is never turned into 0.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fme {

// What one master's /metrics/snapshot said about itself.
struct MesosMasterStatus {
  std::string url;  // as configured, e.g. "http://m1:5050"
  bool reachable = false;
  std::string error;  // why it was not reachable; empty when reachable
  std::optional<double> elected;
  std::optional<double> uptime_seconds;
  std::optional<double> event_queue_messages;
};

// Cluster-wide figures, read from the elected master only (standbys report zeros).
struct MesosClusterMetrics {
  std::optional<double> agents_active, agents_inactive, agents_unreachable;
  std::optional<double> agents_connected, agents_disconnected;
  std::optional<double> frameworks_active, frameworks_inactive;
  std::optional<double> frameworks_connected, frameworks_disconnected;
  std::optional<double> tasks_staging, tasks_starting, tasks_running, tasks_killing,
      tasks_unreachable;
  std::optional<double> cpus_total, cpus_used;
  std::optional<double> gpus_total, gpus_used;
  std::optional<double> memory_total_bytes, memory_used_bytes;
  std::optional<double> disk_total_bytes, disk_used_bytes;
};

struct MesosObservation {
  std::vector<MesosMasterStatus> masters;  // in configured order
  std::optional<std::size_t> leader;       // index into masters of the elected one
  MesosClusterMetrics cluster;             // empty when no leader answered
};

}  // namespace fme
