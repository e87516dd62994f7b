// Shared helpers of the simulated Mesos endpoints (see mesos_internal.h).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "mesos/mesos_internal.h"

namespace fme::sim::mesos {

void FieldTimeInfo(JsonWriter& w, std::string_view key, Millis ms) {
  w.Key(key).BeginObject().FieldInt("nanoseconds", Nanos(ms)).EndObject();
}

ApiResponse JsonResponse(std::string body, int status, const std::string& content_type) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = content_type;
  return r;
}

ApiResponse TextResponse(int status, const std::string& body) {
  ApiResponse r;
  r.status = status;
  r.body = body;
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

bool IsTerminalTaskState(const std::string& s) {
  return s == "TASK_FINISHED" || s == "TASK_FAILED" || s == "TASK_KILLED" || s == "TASK_LOST" ||
         s == "TASK_ERROR" || s == "TASK_DROPPED" || s == "TASK_GONE" || s == "TASK_GONE_BY_OPERATOR";
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::vector<std::string>& AllTaskStates() {
  static const std::vector<std::string> kStates = {
      "TASK_STARTING", "TASK_RUNNING",  "TASK_FINISHED", "TASK_FAILED",      "TASK_KILLED",
      "TASK_LOST",     "TASK_STAGING",  "TASK_ERROR",    "TASK_KILLING",     "TASK_DROPPED",
      "TASK_UNREACHABLE", "TASK_GONE",  "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"};
  return kStates;
}

// ------------------------------------------------------------------ resources

Resources Add(const Resources& a, const Resources& b) {
  Resources r = a;
  r.cpus += b.cpus;
  r.gpus += b.gpus;
  r.mem_mb += b.mem_mb;
  r.disk_mb += b.disk_mb;
  if (r.ports.empty()) r.ports = b.ports;
  return r;
}

Resources Subtract(const Resources& a, const Resources& b) {
  Resources r = a;
  r.cpus = std::max(0.0, a.cpus - b.cpus);
  r.gpus = std::max(0.0, a.gpus - b.gpus);
  r.mem_mb = std::max(0.0, a.mem_mb - b.mem_mb);
  r.disk_mb = std::max(0.0, a.disk_mb - b.disk_mb);
  return r;
}

bool IsEmpty(const Resources& r) {
  return r.cpus == 0 && r.gpus == 0 && r.mem_mb == 0 && r.disk_mb == 0 && r.ports.empty();
}

std::vector<std::pair<int64_t, int64_t>> ParsePorts(const std::string& ports) {
  std::vector<std::pair<int64_t, int64_t>> out;
  std::string s;
  for (char c : ports) {
    if (c != '[' && c != ']' && c != ' ') s.push_back(c);
  }
  std::size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    const std::size_t comma = s.find(',', pos);
    const std::string part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const std::size_t dash = part.find('-');
    if (dash != std::string::npos && dash > 0 && dash + 1 < part.size()) {
      char* end1 = nullptr;
      char* end2 = nullptr;
      const std::string lo = part.substr(0, dash);
      const std::string hi = part.substr(dash + 1);
      const long long b = std::strtoll(lo.c_str(), &end1, 10);
      const long long e = std::strtoll(hi.c_str(), &end2, 10);
      if (*end1 == '\0' && *end2 == '\0') out.emplace_back(b, e);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

void V0Resources(JsonWriter& w, const Resources& r) {
  w.BeginObject();
  w.FieldDouble("cpus", r.cpus);
  w.FieldDouble("gpus", r.gpus);
  w.FieldDouble("mem", r.mem_mb);
  w.FieldDouble("disk", r.disk_mb);
  if (!r.ports.empty()) w.FieldStr("ports", r.ports);
  w.EndObject();
}

namespace {

void ResourceTail(JsonWriter& w, const std::optional<std::string>& allocation_role,
                  const std::optional<std::string>& reservation_role) {
  if (reservation_role) {
    w.FieldStr("role", *reservation_role);
    w.Key("reservations").BeginArray().BeginObject();
    w.FieldStr("type", "STATIC").FieldStr("role", *reservation_role);
    w.EndObject().EndArray();
  } else {
    w.FieldStr("role", "*");
  }
  if (allocation_role) w.Key("allocation_info").BeginObject().FieldStr("role", *allocation_role).EndObject();
}

void ScalarResource(JsonWriter& w, const char* name, double value, const std::optional<std::string>& allocation_role,
                    const std::optional<std::string>& reservation_role) {
  w.BeginObject();
  w.FieldStr("name", name);
  w.FieldStr("type", "SCALAR");
  w.Key("scalar").BeginObject().FieldDouble("value", value).EndObject();
  ResourceTail(w, allocation_role, reservation_role);
  w.EndObject();
}

void WriteRanges(JsonWriter& w, const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  w.Key("ranges").BeginObject().Key("range").BeginArray();
  for (const auto& [b, e] : ranges) w.BeginObject().FieldInt("begin", b).FieldInt("end", e).EndObject();
  w.EndArray().EndObject();
}

}  // namespace

void V1ResourceElements(JsonWriter& w, const Resources& r, const std::optional<std::string>& allocation_role,
                        const std::optional<std::string>& reservation_role) {
  if (r.cpus > 0) ScalarResource(w, "cpus", r.cpus, allocation_role, reservation_role);
  if (r.mem_mb > 0) ScalarResource(w, "mem", r.mem_mb, allocation_role, reservation_role);
  if (r.disk_mb > 0) ScalarResource(w, "disk", r.disk_mb, allocation_role, reservation_role);
  if (r.gpus > 0) ScalarResource(w, "gpus", r.gpus, allocation_role, reservation_role);
  const auto ranges = ParsePorts(r.ports);
  if (!ranges.empty()) {
    w.BeginObject();
    w.FieldStr("name", "ports");
    w.FieldStr("type", "RANGES");
    WriteRanges(w, ranges);
    ResourceTail(w, allocation_role, reservation_role);
    w.EndObject();
  }
}

void V1Resources(JsonWriter& w, const Resources& r, const std::optional<std::string>& allocation_role,
                 const std::optional<std::string>& reservation_role) {
  w.BeginArray();
  V1ResourceElements(w, r, allocation_role, reservation_role);
  w.EndArray();
}

// ------------------------------------------------------------------ attributes

namespace {

enum class ValueType { kScalar, kRanges, kSet, kText };

ValueType ClassifyValue(const std::string& v, double* scalar) {
  if (!v.empty() && v.front() == '[') return ValueType::kRanges;
  if (!v.empty() && v.front() == '{') return ValueType::kSet;
  if (!v.empty()) {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (end != nullptr && *end == '\0' && !std::isspace(static_cast<unsigned char>(v.front()))) {
      *scalar = d;
      return ValueType::kScalar;
    }
  }
  return ValueType::kText;
}

}  // namespace

void V0Attributes(JsonWriter& w, const std::map<std::string, std::string>& attributes) {
  w.BeginObject();
  for (const auto& [name, value] : attributes) {
    double d = 0;
    if (ClassifyValue(value, &d) == ValueType::kScalar) {
      w.FieldDouble(name, d);
    } else {
      w.FieldStr(name, value);
    }
  }
  w.EndObject();
}

void V1Attributes(JsonWriter& w, const std::map<std::string, std::string>& attributes) {
  w.BeginArray();
  for (const auto& [name, value] : attributes) {
    w.BeginObject();
    w.FieldStr("name", name);
    double d = 0;
    switch (ClassifyValue(value, &d)) {
      case ValueType::kScalar:
        w.FieldStr("type", "SCALAR");
        w.Key("scalar").BeginObject().FieldDouble("value", d).EndObject();
        break;
      case ValueType::kRanges:
        w.FieldStr("type", "RANGES");
        WriteRanges(w, ParsePorts(value));
        break;
      case ValueType::kSet: {
        w.FieldStr("type", "SET");
        w.Key("set").BeginObject().Key("item").BeginArray();
        std::string cur;
        for (char c : value.substr(1, value.size() >= 2 ? value.size() - 2 : 0)) {
          if (c == ',') {
            if (!cur.empty()) w.String(cur);
            cur.clear();
          } else if (c != ' ') {
            cur.push_back(c);
          }
        }
        if (!cur.empty()) w.String(cur);
        w.EndArray().EndObject();
        break;
      }
      case ValueType::kText:
        w.FieldStr("type", "TEXT");
        w.Key("text").BeginObject().FieldStr("value", value).EndObject();
        break;
    }
    w.EndObject();
  }
  w.EndArray();
}

// ------------------------------------------------------------------ index

bool IsRegistered(const Agent& agent) {
  return agent.state == AgentState::kActive || agent.state == AgentState::kDeactivated;
}

bool IsUnreachableTask(const Task& task) { return task.state == "TASK_UNREACHABLE"; }

Index::Index(const World& w, const IndexOptions& options) : world(w) {
  const auto& m = w.mesos;
  if (m.leader >= 0 && static_cast<std::size_t>(m.leader) < m.masters.size()) {
    leader = &m.masters[static_cast<std::size_t>(m.leader)];
  }
  for (const auto& f : m.frameworks) framework_by_id[f.id] = &f;
  for (const auto& a : m.agents) agent_by_id[a.id] = &a;
  if (!options.tasks) return;

  // Tasks of one framework are mostly adjacent: remember the last bucket to skip re-hashing.
  struct Bucket {
    std::unordered_map<std::string, std::vector<const Task*>>* map;
    const std::string* key = nullptr;
    std::vector<const Task*>* list = nullptr;
    void Add(const Task& t, const std::string& k) {
      if (key == nullptr || *key != k) {
        list = &(*map)[k];
        key = &k;
      }
      list->push_back(&t);
    }
  };
  Bucket live{&live_by_framework}, unreachable{&unreachable_by_framework}, completed{&completed_by_framework};
  auto wanted = [&](const Task& t) { return options.only_agent == nullptr || t.agent_id == *options.only_agent; };
  for (const auto& t : m.tasks) {
    if (!wanted(t)) continue;
    if (options.by_agent) (IsTerminalTaskState(t.state) ? completed_by_agent : live_by_agent)[t.agent_id].push_back(&t);
    if (IsUnreachableTask(t)) {
      unreachable.Add(t, t.framework_id);
    } else if (IsTerminalTaskState(t.state)) {
      completed.Add(t, t.framework_id);  // not moved yet: treat as completed
    } else {
      live.Add(t, t.framework_id);
    }
  }
  for (const auto& t : m.completed_tasks) {
    if (!wanted(t)) continue;
    completed.Add(t, t.framework_id);
    if (options.by_agent) completed_by_agent[t.agent_id].push_back(&t);
  }
}

std::vector<const Agent*> Index::RegisteredAgents() const {
  std::vector<const Agent*> out;
  for (const auto& a : world.mesos.agents) {
    if (IsRegistered(a)) out.push_back(&a);
  }
  return out;
}

std::vector<const Framework*> Index::Frameworks(bool completed) const {
  std::vector<const Framework*> out;
  for (const auto& f : world.mesos.frameworks) {
    if (f.completed == completed) out.push_back(&f);
  }
  return out;
}

Resources Index::FrameworkUsed(const std::string& framework_id) const {
  Resources r;
  const auto it = live_by_framework.find(framework_id);
  if (it == live_by_framework.end()) return r;
  for (const Task* t : it->second) {
    r.cpus += t->resources.cpus;
    r.gpus += t->resources.gpus;
    r.mem_mb += t->resources.mem_mb;
    r.disk_mb += t->resources.disk_mb;
  }
  return r;
}

// ------------------------------------------------------------------ hashing and names

uint64_t Hash(const std::string& s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Final avalanche (splitmix64) so similar inputs spread well.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

double HashUnit(const std::string& s) { return static_cast<double>(Hash(s) >> 11) / 9007199254740992.0; }

std::string HashHex(const std::string& s, std::size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  uint64_t h = Hash(s);
  int round = 0;
  while (out.size() < digits) {
    out.push_back(kHex[h & 0xf]);
    h >>= 4;
    if (h == 0 || out.size() % 16 == 0) h = Hash(s + "#" + std::to_string(++round));
  }
  return out;
}

std::string HashUuid(const std::string& s) {
  const std::string h = HashHex(s, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

std::string MasterPid(const Master& m) { return "master@" + m.hostname + ":" + std::to_string(m.port); }

std::string FrameworkPid(const Framework& f) {
  const std::string host = f.hostname.empty() ? std::string("127.0.0.1") : f.hostname;
  const auto port = 32768 + static_cast<int>(Hash("port:" + f.id) % 28000);
  return "scheduler-" + HashUuid("scheduler:" + f.id) + "@" + host + ":" + std::to_string(port);
}

uint32_t PackedIpv4(const std::string& host) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return 0;
  if (a > 255 || b > 255 || c > 255 || d > 255) return 0;
  return a | (b << 8) | (c << 16) | (d << 24);
}

std::string PercentEncode(const std::string& s) {
  static const std::string kEncode = "$&+,/:;=?@ \"<>#%{}|\\^~[]`";
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || kEncode.find(static_cast<char>(c)) != std::string::npos) {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace fme::sim::mesos
