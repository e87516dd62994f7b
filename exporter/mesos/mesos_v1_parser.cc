#include "mesos/mesos_v1_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <exception>
#include <iterator>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "mesos/agent_spelling.h"
#include "mesos/json_array_stream_parser.h"
#include "mesos/mesos_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;
using mesos_json::Array;
using mesos_json::Bool;
using mesos_json::Id;
using mesos_json::Int64;
using mesos_json::Number;
using mesos_json::Object;
using mesos_json::Text;

constexpr double kBytesPerMegabyte = 1024.0 * 1024.0;

struct EventTypeName {
  std::string_view name;
  MesosEvent::Type type;
};

constexpr std::array<EventTypeName, 9> kEventTypes = {{
    {"SUBSCRIBED", MesosEvent::Type::kSubscribed},
    {"TASK_ADDED", MesosEvent::Type::kTaskAdded},
    {"TASK_UPDATED", MesosEvent::Type::kTaskUpdated},
    {"AGENT_ADDED", MesosEvent::Type::kAgentAdded},
    {"AGENT_REMOVED", MesosEvent::Type::kAgentRemoved},
    {"FRAMEWORK_ADDED", MesosEvent::Type::kFrameworkAdded},
    {"FRAMEWORK_UPDATED", MesosEvent::Type::kFrameworkUpdated},
    {"FRAMEWORK_REMOVED", MesosEvent::Type::kFrameworkRemoved},
    {"HEARTBEAT", MesosEvent::Type::kHeartbeat},
}};

// An enum name as a label value: upper case, v1 spelling ("SLAVE" -> "AGENT").
std::string EnumName(const Json& obj, std::string_view key) {
  std::string s = Text(obj, key);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return AgentSpelling(s);
}

// A reservation is either the post-refinement `reservations` stack or, in the older format
// the operator API still emits for some callers, a `role` other than the default "*".
bool IsReserved(const Json& resource) {
  if (const Json* stack = Array(resource, "reservations"); stack != nullptr && !stack->empty()) {
    return true;
  }
  const std::string role = Text(resource, "role");
  return !role.empty() && role != "*";
}

double* ScalarField(MesosResources& r, std::string_view name, double& scale) {
  scale = 1.0;
  if (name == "cpus") return &r.cpus;
  if (name == "gpus") return &r.gpus;
  scale = kBytesPerMegabyte;
  if (name == "mem") return &r.memory_bytes;
  if (name == "disk") return &r.disk_bytes;
  return nullptr;
}

// Adds the scalar resources of a Resource array to `total`, and the reserved ones also to
// `reserved` (when given). Revocable (oversubscribed) capacity is left out, as Mesos reports it
// apart from the regular totals.
void AddResources(const Json* list, MesosResources& total, MesosResources* reserved) {
  if (list == nullptr) return;
  for (const Json& r : *list) {
    if (!r.is_object() || mesos_json::Member(r, "revocable") != nullptr) continue;
    const std::string type = Text(r, "type");
    if (!type.empty() && type != "SCALAR") continue;
    const Json* scalar = Object(r, "scalar");
    if (scalar == nullptr) continue;
    const std::optional<double> value = Number(*scalar, "value");
    if (!value) continue;
    double scale = 1.0;
    double* field = ScalarField(total, Text(r, "name"), scale);
    if (field == nullptr) continue;
    *field += *value * scale;
    if (reserved != nullptr && IsReserved(r)) {
      *ScalarField(*reserved, Text(r, "name"), scale) += *value * scale;
    }
  }
}

// Shortest text that reads back as the same double: 8.0 -> "8", 1.5 -> "1.5".
std::string FormatScalar(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string();
}

// Value::Ranges and Value::Set as Mesos stringifies them: "[31000-32000, 33000-34000]", "{a, b}".
std::string FormatRanges(const Json& ranges) {
  std::string out = "[";
  if (const Json* list = Array(ranges, "range")) {
    bool first = true;
    for (const Json& range : *list) {
      const std::optional<int64_t> begin = Int64(range, "begin");
      const std::optional<int64_t> end = Int64(range, "end");
      if (!begin || !end) continue;
      if (!first) out += ", ";
      first = false;
      out += std::to_string(*begin) + "-" + std::to_string(*end);
    }
  }
  return out + "]";
}

std::string FormatSet(const Json& set) {
  std::string out = "{";
  if (const Json* items = Array(set, "item")) {
    bool first = true;
    for (const Json& item : *items) {
      if (!item.is_string()) continue;
      if (!first) out += ", ";
      first = false;
      out += item.get<std::string>();
    }
  }
  return out + "}";
}

std::optional<std::string> AttributeValue(const Json& a) {
  if (const Json* scalar = Object(a, "scalar")) {
    if (const std::optional<double> v = Number(*scalar, "value")) return FormatScalar(*v);
  }
  if (const Json* text = Object(a, "text")) return Text(*text, "value");
  if (const Json* ranges = Object(a, "ranges")) return FormatRanges(*ranges);
  if (const Json* set = Object(a, "set")) return FormatSet(*set);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ReadAttributes(const Json* list) {
  std::vector<std::pair<std::string, std::string>> out;
  if (list == nullptr) return out;
  for (const Json& a : *list) {
    std::string name = Text(a, "name");
    if (name.empty()) continue;
    if (std::optional<std::string> value = AttributeValue(a)) {
      out.emplace_back(std::move(name), std::move(*value));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  return out;
}

MesosTaskStatusRecord ReadStatus(const Json& s) {
  MesosTaskStatusRecord r;
  r.state = ParseMesosTaskState(Text(s, "state"));
  r.reason = EnumName(s, "reason");
  r.source = EnumName(s, "source");
  r.message = Text(s, "message");
  r.timestamp = Number(s, "timestamp");
  return r;
}

std::optional<MesosTaskRecord> ReadTask(const Json& t) {
  MesosTaskRecord r;
  r.id = Id(t, "task_id");
  r.framework_id = Id(t, "framework_id");
  if (r.id.empty() || r.framework_id.empty()) return std::nullopt;
  r.name = Text(t, "name");
  r.agent_id = Id(t, "agent_id");
  r.executor_id = Id(t, "executor_id");
  AddResources(Array(t, "resources"), r.resources, nullptr);
  // The master appends one status per state, so the last one is the latest.
  if (const Json* statuses = Array(t, "statuses");
      statuses != nullptr && !statuses->empty() && statuses->back().is_object()) {
    r.status = ReadStatus(statuses->back());
  }
  const std::string state = Text(t, "state");
  if (!state.empty()) {
    r.state = ParseMesosTaskState(state);
  } else if (r.status) {
    r.state = r.status->state;
  }
  return r;
}

std::string ReadRole(const Json& info) {
  std::string joined;
  if (const Json* roles = Array(info, "roles")) {
    for (const Json& role : *roles) {
      if (!role.is_string()) continue;
      if (!joined.empty()) joined += ',';
      joined += role.get<std::string>();
    }
  }
  return joined.empty() ? Text(info, "role") : joined;
}

// GetFrameworks.Framework: identity in framework_info, state and allocation alongside.
std::optional<MesosFrameworkRecord> ReadFramework(const Json& f) {
  const Json* info = Object(f, "framework_info");
  if (info == nullptr) return std::nullopt;
  MesosFrameworkRecord r;
  r.id = Id(*info, "id");
  if (r.id.empty()) return std::nullopt;
  r.name = Text(*info, "name");
  r.role = ReadRole(*info);
  r.webui_url = Text(*info, "webui_url");
  r.active = Bool(f, "active").value_or(false);
  r.connected = Bool(f, "connected").value_or(false);
  AddResources(Array(f, "allocated_resources"), r.used, nullptr);
  return r;
}

// AgentInfo: what a recovered agent (known from the registry only) is described by.
std::optional<MesosAgentRecord> ReadAgentInfo(const Json& info) {
  MesosAgentRecord r;
  r.id = Id(info, "id");
  if (r.id.empty()) return std::nullopt;
  r.hostname = Text(info, "hostname");
  r.attributes = ReadAttributes(Array(info, "attributes"));
  AddResources(Array(info, "resources"), r.total, &r.reserved);
  return r;
}

// GetAgents.Agent.
std::optional<MesosAgentRecord> ReadAgent(const Json& a) {
  const Json* info = Object(a, "agent_info");
  if (info == nullptr) return std::nullopt;
  std::optional<MesosAgentRecord> r = ReadAgentInfo(*info);
  if (!r) return std::nullopt;
  r->version = Text(a, "version");
  r->active = Bool(a, "active").value_or(true);
  r->deactivated = Bool(a, "deactivated").value_or(false);
  // total_resources include dynamic reservations; agent_info.resources are only what the agent
  // was started with, so they are the fallback.
  if (const Json* total = Array(a, "total_resources"); total != nullptr && !total->empty()) {
    r->total = {};
    r->reserved = {};
    AddResources(total, r->total, &r->reserved);
  }
  AddResources(Array(a, "allocated_resources"), r->used, nullptr);
  return r;
}

// The long arrays of a GetState object at `prefix` (member names from the document's root),
// read element by element while the document is parsed (mesos/json_array_stream_parser.h), so
// that a state of tens of MB is never held as a whole DOM. Elements without the ids the model
// is keyed by are skipped; the rest of the snapshot stays.
class GetStateArrays {
 public:
  explicit GetStateArrays(std::vector<std::string_view> prefix) : prefix_(std::move(prefix)) {}
  GetStateArrays(const GetStateArrays&) = delete;
  GetStateArrays& operator=(const GetStateArrays&) = delete;

  // Adds the arrays to stream; `this` must outlive the parse.
  void AddTo(std::vector<json::StreamedArray>& arrays) {
    Stream(arrays, "get_tasks", "tasks", ReadTask, tasks_[0]);
    Stream(arrays, "get_tasks", "unreachable_tasks", ReadTask, tasks_[1]);
    Stream(arrays, "get_tasks", "completed_tasks", ReadTask, tasks_[2]);
    Stream(arrays, "get_frameworks", "frameworks", ReadFramework, frameworks_);
    Stream(arrays, "get_agents", "agents", ReadAgent, agents_);
    Stream(arrays, "get_agents", "recovered_agents", ReadAgentInfo, recovered_);
    // Executors are not used: streamed only so that they are dropped as they come.
    arrays.push_back({Path("get_executors", "executors"), [](const Json&) {}, [] {}});
  }

  MesosStateRecords Take() {
    MesosStateRecords out;
    for (std::vector<MesosTaskRecord>& list : tasks_) {
      if (out.tasks.empty()) {
        out.tasks = std::move(list);
      } else {
        std::move(list.begin(), list.end(), std::back_inserter(out.tasks));
      }
    }
    out.frameworks = std::move(frameworks_);
    out.agents = std::move(agents_);
    // Recovered agents (known from the registry, not re-registered) are unreachable.
    for (MesosAgentRecord& r : recovered_) {
      r.active = false;
      r.unreachable = true;
      out.agents.push_back(std::move(r));
    }
    return out;
  }

 private:
  std::vector<std::string_view> Path(std::string_view group, std::string_view list) const {
    std::vector<std::string_view> path = prefix_;
    path.push_back(group);
    path.push_back(list);
    return path;
  }

  template <typename T>
  void Stream(std::vector<json::StreamedArray>& arrays, std::string_view group,
              std::string_view list, std::optional<T> (*read)(const Json&), std::vector<T>& out) {
    arrays.push_back({Path(group, list),
                      [read, &out](const Json& element) {
                        if (std::optional<T> r = read(element)) out.push_back(std::move(*r));
                      },
                      [&out] { out.clear(); }});
  }

  std::vector<std::string_view> prefix_;
  std::array<std::vector<MesosTaskRecord>, 3> tasks_;  // tasks, unreachable, completed
  std::vector<MesosFrameworkRecord> frameworks_;
  std::vector<MesosAgentRecord> agents_;
  std::vector<MesosAgentRecord> recovered_;
};

Status MissingPayload(std::string_view type, std::string_view what) {
  return Status::ParseError(std::string(type) + " event without " + std::string(what));
}

Result<MesosEvent> ParseEvent(std::string_view record) {
  GetStateArrays subscribed_state(std::vector<std::string_view>{"subscribed", "get_state"});
  std::vector<json::StreamedArray> streamed;
  subscribed_state.AddTo(streamed);
  Result<Json> parsed = json::ParseStreamingArrays(record, "Mesos event", streamed);
  if (!parsed.ok()) return parsed.status();
  const Json& doc = *parsed;
  if (!doc.is_object()) return Status::ParseError("Mesos event is not a JSON object");
  MesosEvent e;
  e.type_name = Text(doc, "type");
  if (e.type_name.empty()) return Status::ParseError("Mesos event without a type");
  for (const EventTypeName& t : kEventTypes) {
    if (t.name == e.type_name) e.type = t.type;
  }

  switch (e.type) {
    case MesosEvent::Type::kSubscribed: {
      const Json* subscribed = Object(doc, "subscribed");
      const Json* state = subscribed != nullptr ? Object(*subscribed, "get_state") : nullptr;
      if (state == nullptr) return MissingPayload(e.type_name, "subscribed.get_state");
      e.state = subscribed_state.Take();
      e.heartbeat_interval_seconds = Number(*subscribed, "heartbeat_interval_seconds");
      break;
    }
    case MesosEvent::Type::kTaskAdded: {
      const Json* added = Object(doc, "task_added");
      const Json* task = added != nullptr ? Object(*added, "task") : nullptr;
      if (task != nullptr) e.task = ReadTask(*task);
      if (!e.task) {
        return MissingPayload(e.type_name, "task_added.task with task_id and framework_id");
      }
      break;
    }
    case MesosEvent::Type::kTaskUpdated: {
      const Json* updated = Object(doc, "task_updated");
      const Json* status = updated != nullptr ? Object(*updated, "status") : nullptr;
      MesosTaskRecord t;
      if (status != nullptr) {
        t.id = Id(*status, "task_id");
        t.framework_id = Id(*updated, "framework_id");
      }
      if (t.id.empty() || t.framework_id.empty()) {
        return MissingPayload(e.type_name, "framework_id and status.task_id");
      }
      t.agent_id = Id(*status, "agent_id");
      t.executor_id = Id(*status, "executor_id");
      t.status = ReadStatus(*status);
      // `state` is the latest state the agent knows; the status may still be an older one.
      const std::string latest = Text(*updated, "state");
      t.state = latest.empty() ? t.status->state : ParseMesosTaskState(latest);
      e.task = std::move(t);
      break;
    }
    case MesosEvent::Type::kAgentAdded: {
      const Json* added = Object(doc, "agent_added");
      const Json* agent = added != nullptr ? Object(*added, "agent") : nullptr;
      if (agent != nullptr) e.agent = ReadAgent(*agent);
      if (!e.agent) return MissingPayload(e.type_name, "agent_added.agent.agent_info.id");
      break;
    }
    case MesosEvent::Type::kAgentRemoved: {
      const Json* removed = Object(doc, "agent_removed");
      if (removed != nullptr) e.removed_id = Id(*removed, "agent_id");
      if (e.removed_id.empty()) return MissingPayload(e.type_name, "agent_removed.agent_id");
      break;
    }
    case MesosEvent::Type::kFrameworkAdded:
    case MesosEvent::Type::kFrameworkUpdated: {
      const bool added = e.type == MesosEvent::Type::kFrameworkAdded;
      const std::string_view key = added ? "framework_added" : "framework_updated";
      const Json* payload = Object(doc, key);
      const Json* framework = payload != nullptr ? Object(*payload, "framework") : nullptr;
      if (framework != nullptr) e.framework = ReadFramework(*framework);
      if (!e.framework) {
        return MissingPayload(e.type_name,
                              std::string(key) + ".framework.framework_info.id");
      }
      break;
    }
    case MesosEvent::Type::kFrameworkRemoved: {
      const Json* removed = Object(doc, "framework_removed");
      const Json* info = removed != nullptr ? Object(*removed, "framework_info") : nullptr;
      if (info != nullptr) e.removed_id = Id(*info, "id");
      if (e.removed_id.empty()) {
        return MissingPayload(e.type_name, "framework_removed.framework_info.id");
      }
      break;
    }
    case MesosEvent::Type::kHeartbeat:
    case MesosEvent::Type::kOther:
      break;
  }
  return e;
}

}  // namespace

Result<MesosEvent> ParseMesosEvent(std::string_view record) {
  // Every access is type-checked; this only keeps a library surprise from ending the stream
  // thread.
  try {
    return ParseEvent(record);
  } catch (const std::exception& ex) {
    return Status::ParseError(std::string("Mesos event: ") + ex.what());
  }
}

Result<MesosStateRecords> ParseMesosGetState(std::string_view body) {
  try {
    // Either the GetState object itself or the whole Response
    // ({"type":"GET_STATE","get_state":{...}}), whichever the body turns out to be.
    GetStateArrays bare(std::vector<std::string_view>{});
    GetStateArrays response(std::vector<std::string_view>{"get_state"});
    std::vector<json::StreamedArray> streamed;
    bare.AddTo(streamed);
    response.AddTo(streamed);
    Result<Json> parsed = json::ParseStreamingArrays(body, "Mesos GET_STATE", streamed);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->is_object()) return Status::ParseError("Mesos GET_STATE is not a JSON object");
    if (Object(*parsed, "get_state") != nullptr) return response.Take();
    return bare.Take();
  } catch (const std::exception& ex) {
    return Status::ParseError(std::string("Mesos GET_STATE: ") + ex.what());
  }
}

}  // namespace fme
