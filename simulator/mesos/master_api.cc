// Router of the simulated Mesos master HTTP API (see mesos_api.h): leader/redirect rules, v0
// endpoints, /metrics/snapshot and the synchronous v1 operator API calls.
#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "mesos/mesos_api.h"
#include "mesos/mesos_internal.h"
#include "mesos/v1_json.h"

namespace fme::sim {
namespace {

using mesos::JsonWriter;

// Encoding of a query component for a redirect Location (RFC 3986 unreserved kept).
std::string EncodeQueryComponent(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

std::string QueryString(const QueryParams& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    out += out.empty() ? "?" : "&";
    out += EncodeQueryComponent(k) + "=" + EncodeQueryComponent(v);
  }
  return out;
}

std::string BaseUrl(const Master& m) {
  return "//" + m.hostname + ":" + std::to_string(m.port) + m.path_prefix;
}

ApiResponse NoLeader() { return mesos::TextResponse(503, "No leader elected"); }

ApiResponse Redirect(const std::string& location) {
  ApiResponse r = mesos::TextResponse(307, "");
  r.headers["Location"] = location;
  return r;
}

ApiResponse NotFound() { return mesos::TextResponse(404, ""); }

ApiResponse BadRequest(const std::string& message) { return mesos::TextResponse(400, message); }

// ------------------------------------------------------------------ v1 operator API

// {"type": type, field: <payload written by fn>}
template <typename Fn>
ApiResponse V1Response(const std::string& type, const char* field, Fn fn) {
  JsonWriter w;
  w.BeginObject();
  w.FieldStr("type", type);
  w.Key(field);
  fn(w);
  w.EndObject();
  return mesos::JsonResponse(w.Take());
}

ApiResponse HandleV1(const World& world, const mesos::Index& index, std::size_t master, const std::string& method,
                     const std::string& body, const std::string& content_type) {
  if (method != "POST") {
    ApiResponse r = mesos::TextResponse(405, "Expecting 'POST', received '" + method + "'");
    r.headers["Allow"] = "POST";
    return r;
  }
  if (content_type != "application/json") {
    return mesos::TextResponse(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
  }
  const nlohmann::json call = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (call.is_discarded() || !call.is_object()) {
    return BadRequest("Failed to parse body into Call: not a JSON object");
  }
  const auto type_it = call.find("type");
  if (type_it == call.end() || !type_it->is_string()) {
    return BadRequest("Failed to validate master::Call: Expecting 'type' to be present");
  }
  const std::string type = type_it->get<std::string>();
  const Master& self = world.mesos.masters[master];

  if (type == "GET_HEALTH") {
    return V1Response(type, "get_health", [](JsonWriter& w) { w.BeginObject().FieldBool("healthy", true).EndObject(); });
  }
  if (type == "GET_VERSION") return V1Response(type, "get_version", [&](JsonWriter& w) { mesos::V1GetVersion(w, world); });
  if (type == "GET_METRICS") {
    return V1Response(type, "get_metrics", [&](JsonWriter& w) {
      w.BeginObject().Key("metrics").BeginArray();
      for (const auto& [name, value] : mesos::MasterMetrics(index, master)) {
        w.BeginObject().FieldStr("name", name).FieldDouble("value", value).EndObject();
      }
      w.EndArray().EndObject();
    });
  }
  if (type == "GET_STATE") return V1Response(type, "get_state", [&](JsonWriter& w) { mesos::V1GetState(w, index); });
  if (type == "GET_AGENTS") return V1Response(type, "get_agents", [&](JsonWriter& w) { mesos::V1GetAgents(w, index); });
  if (type == "GET_FRAMEWORKS") {
    return V1Response(type, "get_frameworks", [&](JsonWriter& w) { mesos::V1GetFrameworks(w, index); });
  }
  if (type == "GET_TASKS") return V1Response(type, "get_tasks", [&](JsonWriter& w) { mesos::V1GetTasks(w, index); });
  if (type == "GET_EXECUTORS") {
    return V1Response(type, "get_executors", [&](JsonWriter& w) { mesos::V1GetExecutors(w, index); });
  }
  if (type == "GET_MASTER") {
    return V1Response(type, "get_master", [&](JsonWriter& w) { mesos::V1GetMaster(w, index, self); });
  }
  if (type == "SUBSCRIBE") {
    ApiResponse r;
    r.status = 200;
    r.content_type = "application/json";
    r.body = RecordIoFrame(SubscribedEventJson(world)) + RecordIoFrame(HeartbeatEventJson());
    return r;
  }
  return BadRequest("Failed to validate master::Call: unsupported call type '" + type + "'");
}

// ------------------------------------------------------------------ routing

bool IsLeaderOnly(const std::string& endpoint) {
  return endpoint == "/state" || endpoint == "/state-summary" || endpoint == "/tasks" ||
         endpoint == "/frameworks" || endpoint == "/slaves" || endpoint == "/roles" || endpoint == "/api/v1";
}

}  // namespace

ApiResponse HandleMesosMasterRequest(const World& world, std::size_t master, const std::string& method,
                                     const std::string& raw_path, const QueryParams& query, const std::string& body,
                                     const std::string& content_type) {
  const auto& mc = world.mesos;
  if (master >= mc.masters.size() || !mc.masters[master].running) {
    return mesos::TextResponse(503, "Master is not running");
  }
  const Master& self = mc.masters[master];

  // Split off a raw query string if the caller left it on the path.
  std::string path = raw_path;
  std::string raw_query;
  if (const auto q = path.find('?'); q != std::string::npos) {
    raw_query = path.substr(q);
    path.resize(q);
  }
  if (raw_query.empty()) raw_query = QueryString(query);
  while (path.size() > 1 && path.back() == '/') path.pop_back();

  // Libprocess processes: /metrics/snapshot and /version are only served bare.
  if (path == "/metrics/snapshot") {
    mesos::IndexOptions options;
    options.by_agent = false;
    const mesos::Index index(world, options);
    return mesos::JsonResponse(mesos::MetricsJson(mesos::MasterMetrics(index, master)));
  }
  if (path == "/version") {
    JsonWriter w;
    w.BeginObject();
    mesos::V0VersionFields(w, mc.version);
    w.EndObject();
    return mesos::JsonResponse(w.Take());
  }

  // Master actor routes: served as /master/<name> and bare /<name>.
  std::string endpoint = path;
  if (path.rfind("/master/", 0) == 0) endpoint = path.substr(7);

  if (endpoint == "/health") return mesos::TextResponse(200, "");

  const Master* leader = mc.leader >= 0 && static_cast<std::size_t>(mc.leader) < mc.masters.size()
                            ? &mc.masters[static_cast<std::size_t>(mc.leader)]
                            : nullptr;
  if (endpoint == "/redirect") {
    if (leader == nullptr) return NoLeader();
    return Redirect(BaseUrl(*leader));
  }
  if (!IsLeaderOnly(endpoint)) return NotFound();
  if (leader == nullptr) return NoLeader();
  if (leader != &self) return Redirect(BaseUrl(*leader) + path + raw_query);

  mesos::IndexOptions options;
  options.tasks = endpoint != "/tasks";  // /tasks walks the world's task lists itself
  const mesos::Index index(world, options);

  if (endpoint == "/api/v1") return HandleV1(world, index, master, method, body, content_type);
  if (endpoint == "/state") return mesos::JsonResponse(mesos::V0MasterState(index, self));
  if (endpoint == "/state-summary") return mesos::JsonResponse(mesos::V0StateSummary(index, self));
  if (endpoint == "/frameworks") return mesos::JsonResponse(mesos::V0Frameworks(index, query));
  if (endpoint == "/slaves") return mesos::JsonResponse(mesos::V0Slaves(index, query));
  if (endpoint == "/roles") return mesos::JsonResponse(mesos::V0Roles(index));
  if (endpoint == "/tasks") {
    std::string error;
    auto tasks = mesos::V0Tasks(index, query, &error);
    if (!tasks) return BadRequest(error);
    return mesos::JsonResponse(std::move(*tasks));
  }
  return NotFound();
}

std::string RecordIoFrame(const std::string& data) { return std::to_string(data.size()) + "\n" + data; }

}  // namespace fme::sim
