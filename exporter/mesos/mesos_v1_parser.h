// Parsers for the Mesos v1 operator API in JSON (no I/O): one event of the SUBSCRIBE stream, and
// the GET_STATE payload it starts with. Mesos' JSON mapping: ids are {"value": "..."}, enums by
// name, int64 as bare numbers (TimeInfo nanoseconds exceed 2^53 and are read exactly as
// integers), resources as full Resource objects (scalar.value; memory and disk in MB).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fme/status.h"
#include "mesos/mesos_records.h"

namespace fme {

struct MesosEvent {
  enum class Type {
    kSubscribed,
    kTaskAdded,
    kTaskUpdated,
    kAgentAdded,
    kAgentRemoved,
    kFrameworkAdded,
    kFrameworkUpdated,
    kFrameworkRemoved,
    kHeartbeat,
    kOther,  // a type this exporter does not use; counted, otherwise ignored
  };
  Type type = Type::kOther;
  std::string type_name;  // as sent, e.g. "TASK_UPDATED"

  // kSubscribed: the full state, and the heartbeat interval (seconds; 15 by default).
  std::optional<MesosStateRecords> state;
  std::optional<double> heartbeat_interval_seconds;
  // kTaskAdded: the task. kTaskUpdated: framework_id, task id (from status.task_id), agent id,
  // `state` (the latest state, which may be ahead of status.state) and the status.
  std::optional<MesosTaskRecord> task;
  // kFrameworkAdded / kFrameworkUpdated.
  std::optional<MesosFrameworkRecord> framework;
  // kAgentAdded.
  std::optional<MesosAgentRecord> agent;
  // kAgentRemoved: the agent id; kFrameworkRemoved: the framework id.
  std::string removed_id;
};

// One RecordIO record of the event stream. A record that is not a JSON object with a "type" is
// kParseError; an event whose payload lacks required ids is kParseError naming the event type.
Result<MesosEvent> ParseMesosEvent(std::string_view record);

// The `get_state` object (GetState: get_tasks, get_executors, get_frameworks, get_agents).
Result<MesosStateRecords> ParseMesosGetState(std::string_view json);

}  // namespace fme
