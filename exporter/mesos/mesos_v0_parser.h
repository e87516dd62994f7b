// Parsers for the Mesos master's v0 JSON endpoints used by the polling mode (no I/O). Memory and
// disk are MB in v0 and converted to bytes; reasons spelt with SLAVE are normalized to AGENT.
// Agents and frameworks come back sorted by id, tasks by (framework id, task id); list elements
// without an id are skipped, and a body of the wrong shape is kParseError naming the endpoint.
//   /master/slaves          {"slaves":[...],"recovered_slaves":[...]}
//   /master/state-summary   {"hostname","slaves":[... + TASK_* counts],"frameworks":[... + TASK_* counts]}
//   /master/frameworks      {"frameworks":[...],"completed_frameworks":[...]}
//   /master/tasks           {"tasks":[...]}
//   /master/roles           {"roles":[{"name","frameworks":[ids],...}]}
//   /version                {"version":"1.11.0","git_sha",...}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fme/status.h"
#include "mesos/mesos_records.h"

namespace fme {

// Agents; recovered_slaves (known from the registry, not re-registered yet) are unreachable.
Result<std::vector<MesosAgentRecord>> ParseMasterSlaves(std::string_view body);

// Registered frameworks with their task counts (task_counts set), and agents.
Result<MesosStateRecords> ParseMasterStateSummary(std::string_view body);

// Registered frameworks (completed_frameworks are left out); tasks are not read.
Result<std::vector<MesosFrameworkRecord>> ParseMasterFrameworks(std::string_view body);

// Tasks; the latest status is the last element of `statuses` (v0 carries no reason/source).
Result<std::vector<MesosTaskRecord>> ParseMasterTasks(std::string_view body);

// Framework id -> its roles joined with "," (sorted), from /master/roles
// {"roles":[{"name":"*","frameworks":["<id>",...],...}]}. /master/state-summary carries no
// role, so polling mode reads it here.
Result<std::map<std::string, std::string>> ParseMasterRoles(std::string_view body);

// The "version" field of /version.
Result<std::string> ParseMesosVersion(std::string_view body);

}  // namespace fme
