#include "mesos/mesos_v0_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "common/json_util.h"
#include "mesos/agent_spelling.h"
#include "mesos/json_array_stream_parser.h"
#include "mesos/mesos_json.h"

namespace fme {
namespace {

constexpr double kBytesPerMb = 1024.0 * 1024.0;  // Mesos "MB" are mebibytes

using mesos_json::Array;
using mesos_json::Member;
using mesos_json::Number;
using mesos_json::Object;
using mesos_json::Text;

bool Bool(const nlohmann::json& obj, std::string_view key, bool fallback) {
  return mesos_json::Bool(obj, key).value_or(fallback);
}

std::optional<int64_t> Count(const nlohmann::json& obj, std::string_view key) {
  std::optional<double> v = Number(obj, key);
  // The bounds keep the conversion defined; real counts are far below them.
  if (!v || *v < 0 || *v >= 9.2e18) return std::nullopt;
  return std::llround(*v);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void Add(MesosResources& sum, const MesosResources& r) {
  sum.cpus += r.cpus;
  sum.gpus += r.gpus;
  sum.memory_bytes += r.memory_bytes;
  sum.disk_bytes += r.disk_bytes;
}

// The v0 summary map {"cpus","gpus","mem","disk", ranges and sets as strings}. Revocable
// resources ("cpus_revocable", ...) are not part of the agent's regular capacity.
MesosResources ReadResources(const nlohmann::json* obj) {
  MesosResources r;
  if (obj == nullptr || !obj->is_object()) return r;
  r.cpus = Number(*obj, "cpus").value_or(0);
  r.gpus = Number(*obj, "gpus").value_or(0);
  r.memory_bytes = Number(*obj, "mem").value_or(0) * kBytesPerMb;
  r.disk_bytes = Number(*obj, "disk").value_or(0) * kBytesPerMb;
  return r;
}

// /master/slaves' reserved_resources_full: role -> [Resource protobuf JSON].
MesosResources ReadFullResources(const nlohmann::json& by_role) {
  MesosResources r;
  for (const auto& list : by_role) {
    if (!list.is_array()) continue;
    for (const auto& res : list) {
      const nlohmann::json* scalar = Object(res, "scalar");
      if (scalar == nullptr) continue;
      const double v = Number(*scalar, "value").value_or(0);
      const std::string name = Text(res, "name");
      if (name == "cpus") r.cpus += v;
      else if (name == "gpus") r.gpus += v;
      else if (name == "mem") r.memory_bytes += v * kBytesPerMb;
      else if (name == "disk") r.disk_bytes += v * kBytesPerMb;
    }
  }
  return r;
}

MesosResources ReadReserved(const nlohmann::json& agent) {
  if (const nlohmann::json* by_role = Object(agent, "reserved_resources")) {
    MesosResources sum;
    for (const auto& res : *by_role) Add(sum, ReadResources(&res));
    return sum;
  }
  if (const nlohmann::json* full = Object(agent, "reserved_resources_full")) {
    return ReadFullResources(*full);
  }
  return {};
}

// Scalars print without trailing zeros ("32", "2.5"), never in exponent form.
std::string AttributeText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    char buf[400];  // fixed notation of the largest double fits
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (ec == std::errc()) return std::string(buf, end);
  }
  return v.dump();
}

std::vector<std::pair<std::string, std::string>> ReadAttributes(const nlohmann::json& agent) {
  std::vector<std::pair<std::string, std::string>> out;
  const nlohmann::json* attrs = Object(agent, "attributes");
  if (attrs == nullptr) return out;
  for (const auto& [name, value] : attrs->items()) {
    // Values are numbers or strings. A list or object is no attribute, and printing it would
    // recurse once per nesting level: a deep one overflows the stack.
    if (value.is_null() || value.is_structured()) continue;
    out.emplace_back(name, AttributeText(value));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<MesosAgentRecord> ReadAgent(const nlohmann::json& a) {
  MesosAgentRecord r;
  r.id = Text(a, "id");
  if (r.id.empty()) return std::nullopt;
  r.hostname = Text(a, "hostname");
  r.version = Text(a, "version");
  r.active = Bool(a, "active", true);
  r.deactivated = Bool(a, "deactivated", false);  // absent on older masters
  r.total = ReadResources(Member(a, "resources"));
  r.used = ReadResources(Member(a, "used_resources"));
  r.reserved = ReadReserved(a);
  r.attributes = ReadAttributes(a);
  return r;
}

void AppendAgent(const nlohmann::json& a, bool recovered, std::vector<MesosAgentRecord>& out) {
  std::optional<MesosAgentRecord> r = ReadAgent(a);
  if (!r) return;
  if (recovered) {
    // Known from the registry after a master failover but not re-registered (yet).
    r->active = false;
    r->unreachable = true;
  }
  out.push_back(std::move(*r));
}

void AppendAgents(const nlohmann::json* list, bool recovered, std::vector<MesosAgentRecord>& out) {
  if (list == nullptr) return;
  for (const auto& a : *list) AppendAgent(a, recovered, out);
}

// Reads the elements of the top-level array `key` into `out` with `read` while the body is
// parsed (mesos/json_array_stream_parser.h): a large list is never held as a whole DOM.
template <typename T, typename Read>
json::StreamedArray StreamInto(std::string_view key, std::vector<T>& out, Read read) {
  return {{key}, [&out, read](const nlohmann::json& e) { read(e, out); }, [&out] { out.clear(); }};
}

void SortById(auto& records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
}

std::string ReadRole(const nlohmann::json& f) {
  // MULTI_ROLE frameworks report `roles`, the others `role`.
  if (const nlohmann::json* roles = Array(f, "roles")) {
    std::string joined;
    for (const auto& role : *roles) {
      if (!role.is_string()) continue;
      if (!joined.empty()) joined += ',';
      joined += role.get<std::string>();
    }
    if (!joined.empty()) return joined;
  }
  return Text(f, "role");
}

// The TASK_* counts of a /master/state-summary framework; nullopt when it has none.
std::optional<std::array<int64_t, kMesosTaskStateCount>> ReadTaskCounts(const nlohmann::json& f) {
  std::array<int64_t, kMesosTaskStateCount> counts{};
  bool any = false;
  for (int i = 0; i < kMesosTaskStateCount; ++i) {
    const auto state = static_cast<MesosTaskState>(i);
    if (state == MesosTaskState::kUnrecognized) continue;
    if (std::optional<int64_t> n = Count(f, MesosTaskStateName(state))) {
      counts[static_cast<size_t>(i)] = *n;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return counts;
}

std::optional<MesosFrameworkRecord> ReadFramework(const nlohmann::json& f) {
  MesosFrameworkRecord r;
  r.id = Text(f, "id");
  if (r.id.empty()) return std::nullopt;
  r.name = Text(f, "name");
  r.role = ReadRole(f);
  r.webui_url = Text(f, "webui_url");
  r.active = Bool(f, "active", false);
  r.connected = Bool(f, "connected", false);
  r.used = ReadResources(Member(f, "used_resources"));
  return r;
}

std::vector<MesosFrameworkRecord> ReadFrameworks(const nlohmann::json& list, bool with_counts) {
  std::vector<MesosFrameworkRecord> out;
  for (const auto& f : list) {
    std::optional<MesosFrameworkRecord> r = ReadFramework(f);
    if (!r) continue;
    if (with_counts) r->task_counts = ReadTaskCounts(f);
    out.push_back(std::move(*r));
  }
  SortById(out);
  return out;
}

// Upper-cased with the v1 spelling; empty stays empty.
std::string EnumName(const nlohmann::json& obj, std::string_view key) {
  return AgentSpelling(Upper(Text(obj, key)));
}

MesosTaskStatusRecord ReadStatus(const nlohmann::json& s) {
  MesosTaskStatusRecord r;
  r.state = ParseMesosTaskState(Text(s, "state"));
  // v0 writes only state and timestamp; the rest is read in case a status ever carries it.
  r.reason = EnumName(s, "reason");
  r.source = EnumName(s, "source");
  r.message = Text(s, "message");
  r.timestamp = Number(s, "timestamp");
  return r;
}

std::optional<MesosTaskRecord> ReadTask(const nlohmann::json& t) {
  MesosTaskRecord r;
  r.id = Text(t, "id");
  if (r.id.empty()) return std::nullopt;
  r.name = Text(t, "name");
  r.framework_id = Text(t, "framework_id");
  r.agent_id = Text(t, "slave_id");
  r.executor_id = Text(t, "executor_id");  // "" for command-executor tasks
  r.resources = ReadResources(Member(t, "resources"));
  if (const nlohmann::json* statuses = Array(t, "statuses");
      statuses != nullptr && !statuses->empty() && statuses->back().is_object()) {
    r.status = ReadStatus(statuses->back());
  }
  if (Member(t, "state") != nullptr) {
    r.state = ParseMesosTaskState(Text(t, "state"));
  } else if (r.status) {
    r.state = r.status->state;
  }
  return r;
}

// Parses `body` and checks it is an object with an array at `key`; the `streamed` arrays are
// handed to their readers instead of being kept in the result.
Result<nlohmann::json> ParseWithArray(std::string_view body, std::string_view endpoint,
                                      std::string_view key,
                                      const std::vector<json::StreamedArray>& streamed = {}) {
  auto parsed = json::ParseStreamingArrays(body, endpoint, streamed);
  if (!parsed.ok()) return parsed.status();
  if (Array(*parsed, key) == nullptr) {
    return Status::ParseError(std::string(endpoint) + ": expected an object with a \"" +
                              std::string(key) + "\" array");
  }
  return parsed;
}

}  // namespace

Result<std::vector<MesosAgentRecord>> ParseMasterSlaves(std::string_view body) {
  std::vector<MesosAgentRecord> agents, recovered;
  auto parsed = ParseWithArray(
      body, "Mesos /master/slaves", "slaves",
      {StreamInto("slaves", agents,
                  [](const nlohmann::json& a, auto& out) { AppendAgent(a, false, out); }),
       StreamInto("recovered_slaves", recovered,
                  [](const nlohmann::json& a, auto& out) { AppendAgent(a, true, out); })});
  if (!parsed.ok()) return parsed.status();
  std::move(recovered.begin(), recovered.end(), std::back_inserter(agents));
  SortById(agents);
  return agents;
}

Result<MesosStateRecords> ParseMasterStateSummary(std::string_view body) {
  constexpr std::string_view kEndpoint = "Mesos /master/state-summary";
  auto parsed = ParseWithArray(body, kEndpoint, "frameworks");
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json* slaves = Array(*parsed, "slaves");
  if (slaves == nullptr) {
    return Status::ParseError(std::string(kEndpoint) + ": expected an object with a \"slaves\" array");
  }
  MesosStateRecords records;
  records.frameworks = ReadFrameworks(*Array(*parsed, "frameworks"), /*with_counts=*/true);
  AppendAgents(slaves, /*recovered=*/false, records.agents);
  SortById(records.agents);
  return records;
}

Result<std::vector<MesosFrameworkRecord>> ParseMasterFrameworks(std::string_view body) {
  auto parsed = ParseWithArray(body, "Mesos /master/frameworks", "frameworks");
  if (!parsed.ok()) return parsed.status();
  return ReadFrameworks(*Array(*parsed, "frameworks"), /*with_counts=*/false);
}

Result<std::vector<MesosTaskRecord>> ParseMasterTasks(std::string_view body) {
  std::vector<MesosTaskRecord> tasks;
  auto parsed = ParseWithArray(body, "Mesos /master/tasks", "tasks",
                               {StreamInto("tasks", tasks, [](const nlohmann::json& t, auto& out) {
                                 if (std::optional<MesosTaskRecord> r = ReadTask(t)) {
                                   out.push_back(std::move(*r));
                                 }
                               })});
  if (!parsed.ok()) return parsed.status();
  // Task ids are unique only within a framework (and may repeat among completed tasks).
  std::stable_sort(tasks.begin(), tasks.end(), [](const auto& a, const auto& b) {
    return std::tie(a.framework_id, a.id) < std::tie(b.framework_id, b.id);
  });
  return tasks;
}

Result<std::string> ParseMesosVersion(std::string_view body) {
  auto parsed = json::Parse(body, "Mesos /version");
  if (!parsed.ok()) return parsed.status();
  std::string version = Text(*parsed, "version");
  if (version.empty()) {
    return Status::ParseError("Mesos /version: expected an object with a \"version\" string");
  }
  return version;
}

Result<std::map<std::string, std::string>> ParseMasterRoles(std::string_view body) {
  auto parsed = json::Parse(body, "Mesos /master/roles");
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json* roles = Array(*parsed, "roles");
  if (roles == nullptr) {
    return Status::ParseError("Mesos /master/roles: expected an object with a \"roles\" list");
  }
  std::map<std::string, std::string> by_framework;
  for (const nlohmann::json& role : *roles) {
    const std::string name = Text(role, "name");
    const nlohmann::json* frameworks = Array(role, "frameworks");
    if (name.empty() || frameworks == nullptr) continue;
    for (const nlohmann::json& id : *frameworks) {
      if (!id.is_string()) continue;
      // A multi-role framework is listed under each of its roles, which are sorted by name.
      std::string& joined = by_framework[id.get<std::string>()];
      joined = joined.empty() ? name : joined + "," + name;
    }
  }
  return by_framework;
}

}  // namespace fme
