// The Mesos state the exporter keeps, independent of the API it came from (v1 events and
// GET_STATE, or v0 /master/slaves, /master/state-summary, /master/tasks). Internal to the Mesos
// source; the observation (fme/model/mesos.h) is derived from it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fme/model/mesos.h"

namespace fme {

struct MesosTaskStatusRecord {
  MesosTaskState state = MesosTaskState::kUnrecognized;
  std::string reason;   // "REASON_..."; v0 spells agent "SLAVE", normalized to "AGENT"
  std::string source;   // "SOURCE_..."
  std::string message;
  std::optional<double> timestamp;  // seconds
};

struct MesosTaskRecord {
  std::string id;
  std::string name;
  std::string framework_id;
  std::string agent_id;
  std::string executor_id;
  MesosTaskState state = MesosTaskState::kUnrecognized;
  std::optional<MesosTaskStatusRecord> status;  // the latest status, when reported
  MesosResources resources;
};

struct MesosFrameworkRecord {
  std::string id;
  std::string name;
  std::string role;  // `role`, or `roles` joined with ","
  std::string webui_url;
  bool active = false;
  bool connected = false;
  MesosResources used;
  // Task counts per state when the API gives counts instead of tasks (v0 /master/state-summary).
  std::optional<std::array<int64_t, kMesosTaskStateCount>> task_counts;
};

struct MesosAgentRecord {
  std::string id;
  std::string hostname;
  std::string version;
  bool active = true;
  bool deactivated = false;
  bool unreachable = false;  // listed by the master as unreachable / recovered-but-not-reregistered
  MesosResources total;
  MesosResources used;
  MesosResources reserved;
  std::vector<std::pair<std::string, std::string>> attributes;  // sorted by name
};

// A full copy of the leader's state (v1 SUBSCRIBED / GET_STATE, or assembled from v0 calls).
struct MesosStateRecords {
  std::vector<MesosTaskRecord> tasks;  // active, unreachable and completed tasks
  std::vector<MesosFrameworkRecord> frameworks;  // registered (not completed) frameworks
  std::vector<MesosAgentRecord> agents;
};

}  // namespace fme
