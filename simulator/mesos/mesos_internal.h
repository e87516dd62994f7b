// Internals shared by the simulated Mesos master/agent endpoints (simulator/mesos/*.cc).
// Everything is a pure function of the World (and the request): no clock, no randomness.
//
// Units: the World keeps epoch milliseconds and MB. v0 JSON writes times as double epoch seconds
// and mem/disk in MB; v1 JSON writes TimeInfo as {"nanoseconds": <int64>} computed with integer
// arithmetic (ms * 1'000'000) so values above 2^53 stay exact.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api_response.h"
#include "mesos/json_writer.h"
#include "world/world.h"

namespace fme::sim::mesos {

// Build facts of the simulated Mesos release (/version, /state, GET_VERSION).
inline constexpr const char* kBuildDate = "2020-11-19 00:00:00";
inline constexpr double kBuildTime = 1605744000.0;
inline constexpr const char* kBuildUser = "builder";
inline constexpr double kHeartbeatIntervalSeconds = 15.0;  // DEFAULT_HEARTBEAT_INTERVAL
inline constexpr int kDefaultTaskLimit = 100;               // TASK_LIMIT

// ------------------------------------------------------------------ time
inline double Seconds(Millis ms) { return static_cast<double>(ms) / 1000.0; }
inline int64_t Nanos(Millis ms) { return static_cast<int64_t>(ms) * 1000000; }
// key: {"nanoseconds": ms * 1e6 (exact int64)}
void FieldTimeInfo(JsonWriter& w, std::string_view key, Millis ms);

// ------------------------------------------------------------------ responses
ApiResponse JsonResponse(std::string body, int status = 200,
                         const std::string& content_type = "application/json");
ApiResponse TextResponse(int status, const std::string& body);

// ------------------------------------------------------------------ task states
bool IsTerminalTaskState(const std::string& state);
std::string Lower(std::string s);
// Task states in wire-number order (TASK_STARTING=0 ... TASK_UNKNOWN=13).
const std::vector<std::string>& AllTaskStates();

// ------------------------------------------------------------------ resources
Resources Add(const Resources& a, const Resources& b);
// Scalars a - b, floored at 0; ports kept from `a`.
Resources Subtract(const Resources& a, const Resources& b);
bool IsEmpty(const Resources& r);
// "[31000-32000, 33000-33001]" -> {{31000,32000},{33000,33001}}; malformed parts are skipped.
std::vector<std::pair<int64_t, int64_t>> ParsePorts(const std::string& ports);

// v0 summary map {cpus, gpus, mem, disk, ports?}.
void V0Resources(JsonWriter& w, const Resources& r);
// v1 / protobuf JSON Resource list (an array); zero scalars are omitted. Every resource is
// unreserved ("role": "*"); `allocation_role` (when set) adds {"allocation_info": {"role": ...}};
// `reservation_role` (when set) makes them statically reserved for that role instead.
void V1Resources(JsonWriter& w, const Resources& r, const std::optional<std::string>& allocation_role = std::nullopt,
                 const std::optional<std::string>& reservation_role = std::nullopt);
// Only the elements (for concatenating several lists into one array).
void V1ResourceElements(JsonWriter& w, const Resources& r, const std::optional<std::string>& allocation_role,
                        const std::optional<std::string>& reservation_role = std::nullopt);

// ------------------------------------------------------------------ attributes
// Agent attributes as v0 JSON (numbers for scalar-looking values, strings otherwise) and as v1
// Attribute messages ({"name","type":"SCALAR"|"TEXT"|"RANGES"|"SET",...}).
void V0Attributes(JsonWriter& w, const std::map<std::string, std::string>& attributes);
void V1Attributes(JsonWriter& w, const std::map<std::string, std::string>& attributes);

// ------------------------------------------------------------------ world index
// What an Index builds: requests that do not need every map skip their cost on large worlds.
struct IndexOptions {
  const std::string* only_agent = nullptr;  // agent endpoints: only the tasks on that agent
  bool tasks = true;                        // the task maps at all
  bool by_agent = true;                     // live_by_agent / completed_by_agent
};

// Lookups built once per request.
struct Index {
  explicit Index(const World& world, const IndexOptions& options = {});

  const World& world;
  const Master* leader = nullptr;  // nullptr when no leader is elected
  std::unordered_map<std::string, std::vector<const Task*>> live_by_framework;         // non-terminal, reachable
  std::unordered_map<std::string, std::vector<const Task*>> unreachable_by_framework;  // TASK_UNREACHABLE
  std::unordered_map<std::string, std::vector<const Task*>> completed_by_framework;
  std::unordered_map<std::string, std::vector<const Task*>> live_by_agent;       // non-terminal incl. unreachable
  std::unordered_map<std::string, std::vector<const Task*>> completed_by_agent;
  std::unordered_map<std::string, const Framework*> framework_by_id;
  std::unordered_map<std::string, const Agent*> agent_by_id;

  // Registered agents (active or deactivated): what /state lists under "slaves".
  std::vector<const Agent*> RegisteredAgents() const;
  std::vector<const Framework*> Frameworks(bool completed) const;
  Resources FrameworkUsed(const std::string& framework_id) const;
};

bool IsRegistered(const Agent& agent);
bool IsUnreachableTask(const Task& task);

// Deterministic pseudo-random helpers (FNV-1a of a string): same input, same output.
uint64_t Hash(const std::string& s);
double HashUnit(const std::string& s);  // in [0, 1)
std::string HashHex(const std::string& s, std::size_t digits);
std::string HashUuid(const std::string& s);  // 8-4-4-4-12 hex

std::string MasterPid(const Master& m);
std::string FrameworkPid(const Framework& f);
uint32_t PackedIpv4(const std::string& host);  // MasterInfo.ip (network order in a uint32), 0 if not IPv4

// libprocess http::encode: percent-encodes reserved/unsafe/control/non-ASCII bytes.
std::string PercentEncode(const std::string& s);

// ------------------------------------------------------------------ v0 writers (v0_json.cc)
void V0Task(JsonWriter& w, const Task& task);
void V0Framework(JsonWriter& w, const Index& index, const Framework& framework);
// SlaveWriter fields, without the enclosing braces (callers append endpoint-specific fields).
void V0AgentFields(JsonWriter& w, const Index& index, const Agent& agent);
// Used resources of an agent per allocation role, from the tasks running on it.
std::map<std::string, Resources> UsedByRole(const Index& index, const Agent& agent);
std::string V0MasterState(const Index& index, const Master& self);
std::string V0StateSummary(const Index& index, const Master& self);
// nullopt (-> 400, *error set) when limit/offset do not parse.
std::optional<std::string> V0Tasks(const Index& index, const QueryParams& query, std::string* error);
std::string V0Frameworks(const Index& index, const QueryParams& query);
std::string V0Slaves(const Index& index, const QueryParams& query);
std::string V0Roles(const Index& index);
// {"version","build_date","build_time","build_user"} fields, without braces.
void V0VersionFields(JsonWriter& w, const std::string& version);
std::string V0AgentState(const Index& index, const Agent& agent);
std::string V0MonitorStatistics(const Index& index, const Agent& agent);
std::optional<std::string> QueryValue(const QueryParams& query, const std::string& key);

// ------------------------------------------------------------------ v1 writers (v1_json.cc)
void V1TaskStatus(JsonWriter& w, const Task& task, const TaskStatusRecord& status);
void V1Task(JsonWriter& w, const Task& task);
void V1FrameworkInfo(JsonWriter& w, const Framework& framework);
// GetFrameworks.Framework; allocated_resources from `index` when given.
void V1Framework(JsonWriter& w, const Framework& framework, const Index* index);
// GetAgents.Agent; allocated_resources split by role from `index` when given.
void V1Agent(JsonWriter& w, const Agent& agent, const Index* index);
void V1GetTasks(JsonWriter& w, const Index& index);
void V1GetFrameworks(JsonWriter& w, const Index& index);
void V1GetAgents(JsonWriter& w, const Index& index);
void V1GetExecutors(JsonWriter& w, const Index& index);
void V1GetState(JsonWriter& w, const Index& index);
void V1GetMaster(JsonWriter& w, const Index& index, const Master& self);
void V1GetVersion(JsonWriter& w, const World& world);

// ------------------------------------------------------------------ metrics (metrics_snapshot.cc)
// Ordered by name. The leader carries the cluster figures; standbys zeros.
std::map<std::string, double> MasterMetrics(const Index& index, std::size_t master);
std::map<std::string, double> AgentMetrics(const Index& index, const Agent& agent);
std::string MetricsJson(const std::map<std::string, double>& metrics);

}  // namespace fme::sim::mesos
