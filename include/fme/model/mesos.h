// Plain value types a Mesos source produces, in base units (bytes, seconds). A field is
// std::nullopt when the master did not report it (a `/metrics/snapshot?timeout=` omits metrics
// that were not ready): absent is never turned into 0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fme/model/endpoint_error.h"

namespace fme {

// What one master's /metrics/snapshot said about itself.
struct MesosMasterStatus {
  std::string url;  // as configured, e.g. "http://m1:5050"
  bool reachable = false;
  std::string error;  // why it was not reachable; empty when reachable
  std::optional<double> elected;
  std::optional<double> uptime_seconds;
  std::optional<double> event_queue_messages;
  std::string version = {};  // from /version; empty until known
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

// TaskState, every value of Mesos 1.11, plus kUnknownState for a value we do not know.
// (TASK_UNKNOWN is a real Mesos state: "the master has no knowledge of the task".)
enum class MesosTaskState : uint8_t {
  kStaging,
  kStarting,
  kRunning,
  kKilling,
  kUnreachable,
  kUnknown,  // TASK_UNKNOWN
  kFinished,
  kFailed,
  kKilled,
  kError,
  kLost,
  kDropped,
  kGone,
  kGoneByOperator,
  kUnrecognized,  // a state name this exporter does not know
};
inline constexpr int kMesosTaskStateCount = 15;
// The non-terminal states come first: [0, kMesosActiveTaskStateCount).
inline constexpr int kMesosActiveTaskStateCount = 6;
std::string_view MesosTaskStateName(MesosTaskState s);  // "TASK_RUNNING"; "UNRECOGNIZED"
MesosTaskState ParseMesosTaskState(std::string_view s);  // "TASK_RUNNING" or "task_running"
// FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED, GONE, GONE_BY_OPERATOR (protobuf::isTerminalState).
bool IsTerminal(MesosTaskState s);

// Scalar resources in base units (v0 reports mem/disk in MB; converted).
struct MesosResources {
  double cpus = 0;
  double gpus = 0;
  double memory_bytes = 0;
  double disk_bytes = 0;
};

struct MesosAgent {
  std::string id;
  std::string hostname;
  std::string version;
  // "active", "inactive" (deactivated, e.g. draining or maintenance) or "unreachable" (its tasks
  // went TASK_UNREACHABLE/TASK_LOST with reason REASON_AGENT_REMOVED, or the master lists it so).
  std::string state;
  MesosResources total;
  MesosResources used;      // allocated to tasks and executors
  MesosResources reserved;  // statically or dynamically reserved for roles
  std::vector<std::pair<std::string, std::string>> attributes;  // sorted by name
};

// Terminal tasks counted by how they ended. Counters: they only grow while the process lives.
struct MesosTermination {
  MesosTaskState state = MesosTaskState::kUnrecognized;
  std::string source;  // "SOURCE_EXECUTOR", ...; "unknown" when the upstream does not say
  std::string reason;  // "REASON_CONTAINER_LIMITATION_MEMORY", ...; "unknown" likewise
  double count = 0;
};

// One task of a framework, kept only where a task id may become a label: TaskManager tasks of
// Flink frameworks (bounded by the cluster's TaskManager count), for the join with Flink.
struct MesosTask {
  std::string id;
  std::string name;
  std::string framework_id;
  std::string agent_id;
  MesosTaskState state = MesosTaskState::kUnrecognized;
  std::string reason;   // of the latest status; empty when none
  std::string source;
  std::string message;  // free text; never a label
  std::optional<double> state_timestamp;  // seconds
};

struct MesosFramework {
  std::string id;
  std::string name;
  std::string role;  // `role`, or the `roles` joined with ","
  std::string webui_url;
  bool active = false;
  bool connected = false;
  MesosResources used;
  // Current tasks per non-terminal state (index = MesosTaskState, < kMesosActiveTaskStateCount).
  std::array<int64_t, kMesosActiveTaskStateCount> tasks{};
  std::vector<MesosTermination> terminations;  // sorted by (state, reason, source)
  std::vector<MesosTask> taskmanager_tasks;    // sorted by id; see MesosTask
};

// Health of the v1 SUBSCRIBE event stream of a cluster.
struct MesosEventStreamStatus {
  bool connected = false;
  std::string leader;  // the master URL it is (or was last) subscribed to
  std::vector<std::pair<std::string, double>> events_by_type;  // "TASK_UPDATED" -> count
  double reconnects = 0;
  std::optional<double> last_event_timestamp;  // seconds (any record, heartbeats included)
  std::string last_error;
};

// Where the per-agent, per-framework and per-task data of an observation came from.
enum class MesosStateOrigin : uint8_t { kNone, kEventStream, kPolling };

struct MesosObservation {
  std::vector<MesosMasterStatus> masters;  // in configured order
  std::optional<std::size_t> leader;       // index into masters of the elected one
  MesosClusterMetrics cluster;             // empty when no leader answered
  std::string leader_version;              // the leader's Mesos version, when known
  // From the leader's master/task_<state>/source_<src>/reason_<reason> counters.
  std::vector<MesosTermination> terminations;  // sorted by (state, reason, source)

  MesosStateOrigin origin = MesosStateOrigin::kNone;
  std::vector<MesosAgent> agents;          // sorted by id; empty when origin is kNone
  std::vector<MesosFramework> frameworks;  // sorted by id; active (registered) frameworks only
  std::optional<MesosEventStreamStatus> event_stream;  // when the event stream is enabled
  std::vector<EndpointError> endpoint_errors;
};

}  // namespace fme
