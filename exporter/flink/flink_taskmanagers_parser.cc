#include "flink/flink_taskmanagers_parser.h"

#include <algorithm>

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

// "host:port", "[v6]:port" or "host" -> host (brackets dropped).
std::string_view HostOfAuthority(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    return close == std::string_view::npos ? std::string_view() : s.substr(1, close - 1);
  }
  return s.substr(0, s.find(':'));
}

// The RPC address: "akka.tcp://flink@host:port/user/rpc/taskmanager_0" (pekko.tcp:// on 1.18+).
// A local actor path ("akka://flink/user/...") names no host.
std::string HostOfPath(std::string_view path) {
  size_t at = path.find('@');
  if (at == std::string_view::npos) return "";
  std::string_view authority = path.substr(at + 1);
  authority = authority.substr(0, authority.find('/'));
  return std::string(HostOfAuthority(authority));
}

std::string HostOf(const Json& tm) {
  if (auto path = json::String(tm, "path")) {
    std::string host = HostOfPath(*path);
    if (!host.empty()) return host;
  }
  // Not sent by /taskmanagers today; named like the per-subtask views' fields, in case.
  for (std::string_view key : {"host", "endpoint", "location"}) {
    if (auto s = json::String(tm, key)) {
      std::string_view host = HostOfAuthority(*s);
      if (!host.empty()) return std::string(host);
    }
  }
  return "";
}

}  // namespace

Result<std::vector<FlinkTaskManager>> ParseFlinkTaskManagers(std::string_view body) {
  auto doc = json::Parse(body, "Flink /taskmanagers");
  if (!doc.ok()) return doc.status();
  const Json* list = flink_json::Array(*doc, "taskmanagers");
  if (list == nullptr) {
    return Status::ParseError("Flink /taskmanagers: expected an object with \"taskmanagers\"");
  }
  std::vector<FlinkTaskManager> tms;
  for (const Json& e : *list) {
    auto id = json::String(e, "id");
    if (!id || id->empty()) continue;
    FlinkTaskManager tm;
    tm.id = std::move(*id);
    tm.host = HostOf(e);
    tm.slots = flink_json::Integer(e, "slotsNumber").value_or(0);
    tm.slots_free = flink_json::Integer(e, "freeSlots").value_or(0);
    // Misnamed upstream: the epoch-ms time of the last heartbeat, not an age.
    tm.last_heartbeat_timestamp = flink_json::TimestampSeconds(e, "timeSinceLastHeartbeat");
    tms.push_back(std::move(tm));
  }
  std::stable_sort(tms.begin(), tms.end(),
                   [](const FlinkTaskManager& a, const FlinkTaskManager& b) { return a.id < b.id; });
  return tms;
}

}  // namespace fme
