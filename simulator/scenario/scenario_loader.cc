#include "scenario/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <ctime>
#include <iomanip>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fme::sim {
namespace {

struct LoadError : std::runtime_error {
  LoadError(int l, const std::string& m) : std::runtime_error(m), line(l) {}
  int line;
};

int LineOf(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

[[noreturn]] void Fail(const YAML::Node& n, const std::string& msg) { throw LoadError(LineOf(n), msg); }

// Key node lines: yaml-cpp gives marks for values; for "unknown key" we want the key's own line.
void CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where) {
  if (!map.IsMap()) Fail(map, where + " must be a mapping");
  for (auto it = map.begin(); it != map.end(); ++it) {
    const auto key = it->first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw LoadError(LineOf(it->first), "unknown key '" + key + "' in " + where + " (allowed: " + list + ")");
    }
  }
}

std::string Str(const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) Fail(n, "'" + key + "' must be a scalar");
  return n.Scalar();
}

int64_t Int(const YAML::Node& n, const std::string& key, int64_t lo, int64_t hi) {
  const auto s = Str(n, key);
  try {
    std::size_t pos = 0;
    const long long v = std::stoll(s, &pos);
    if (pos != s.size()) throw std::invalid_argument(s);
    if (v < lo || v > hi) {
      Fail(n, "'" + key + "' = " + s + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
  } catch (const std::logic_error&) {
    Fail(n, "'" + key + "' must be an integer, got '" + s + "'");
  }
}

double Double(const YAML::Node& n, const std::string& key, double lo, double hi) {
  const auto s = Str(n, key);
  try {
    std::size_t pos = 0;
    const double v = std::stod(s, &pos);
    if (pos != s.size()) throw std::invalid_argument(s);
    if (v < lo || v > hi) Fail(n, "'" + key + "' = " + s + " out of range");
    return v;
  } catch (const std::logic_error&) {
    Fail(n, "'" + key + "' must be a number, got '" + s + "'");
  }
}

bool Bool(const YAML::Node& n, const std::string& key) {
  const auto s = Str(n, key);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  Fail(n, "'" + key + "' must be true or false, got '" + s + "'");
}

Millis Duration(const YAML::Node& n, const std::string& key) {
  const auto d = ParseDuration(Str(n, key));
  if (!d) Fail(n, "'" + key + "' must be a duration like 500ms, 60s, 4m, 1h (got '" + n.Scalar() + "')");
  return *d;
}

std::string Name(const YAML::Node& n, const std::string& key) {
  auto s = Str(n, key);
  if (s.empty()) Fail(n, "'" + key + "' must not be empty");
  return s;
}

FrameworkSpec ParseFramework(const YAML::Node& n) {
  CheckKeys(n, {"name", "role", "user", "task_prefix", "tasks", "completed_tasks", "cpus", "mem_mb"},
            "mesos.frameworks[]");
  FrameworkSpec f;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "name") f.name = Name(v, k);
    else if (k == "role") f.role = Name(v, k);
    else if (k == "user") f.user = Str(v, k);
    else if (k == "task_prefix") f.task_prefix = Name(v, k);
    else if (k == "tasks") f.tasks = static_cast<int>(Int(v, k, 0, 10'000'000));
    else if (k == "completed_tasks") f.completed_tasks = static_cast<int>(Int(v, k, 0, 10'000'000));
    else if (k == "cpus") f.task_cpus = Double(v, k, 0, 1e6);
    else if (k == "mem_mb") f.task_mem_mb = Double(v, k, 0, 1e9);
  }
  if (f.task_prefix.empty()) f.task_prefix = "app";
  return f;
}

JobSpec ParseJob(const YAML::Node& n) {
  CheckKeys(n,
            {"name", "count", "vertices", "vertex_names", "parallelism", "records_per_second", "streaming",
             "checkpointing", "checkpoint_interval", "checkpoint_duration", "checkpoint_timeout", "exactly_once",
             "state_size_mb", "watermark_lag", "uptime"},
            "flink[].jobs[]");
  JobSpec j;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "name") j.name = Name(v, k);
    else if (k == "count") j.count = static_cast<int>(Int(v, k, 1, 1'000'000));
    else if (k == "vertices") j.vertices = static_cast<int>(Int(v, k, 1, 1000));
    else if (k == "vertex_names") {
      if (!v.IsSequence()) Fail(v, "'vertex_names' must be a list");
      for (const auto& e : v) j.vertex_names.push_back(Name(e, k));
    } else if (k == "parallelism") j.parallelism = static_cast<int>(Int(v, k, 1, 4096));
    else if (k == "records_per_second") j.records_per_second = Double(v, k, 0, 1e9);
    else if (k == "streaming") j.streaming = Bool(v, k);
    else if (k == "checkpointing") j.checkpointing = Bool(v, k);
    else if (k == "checkpoint_interval") j.checkpoint_interval = Duration(v, k);
    else if (k == "checkpoint_duration") j.checkpoint_duration = Duration(v, k);
    else if (k == "checkpoint_timeout") j.checkpoint_timeout = Duration(v, k);
    else if (k == "exactly_once") j.exactly_once = Bool(v, k);
    else if (k == "state_size_mb") j.state_size_mb = Double(v, k, 0, 1e9);
    else if (k == "watermark_lag") j.watermark_lag = Duration(v, k);
    else if (k == "uptime") j.uptime = Duration(v, k);
  }
  if (!j.vertex_names.empty() && static_cast<int>(j.vertex_names.size()) != j.vertices) {
    if (n["vertices"]) Fail(n["vertex_names"], "'vertex_names' must have 'vertices' entries");
    j.vertices = static_cast<int>(j.vertex_names.size());
  }
  if (j.checkpoint_interval < 100) Fail(n, "'checkpoint_interval' must be at least 100ms");
  return j;
}

FlinkClusterSpec ParseCluster(const YAML::Node& n) {
  CheckKeys(n,
            {"name", "count", "version", "on_mesos", "framework_name", "start_at", "taskmanagers", "slots", "tm_cpus",
             "tm_mem_mb", "jobs"},
            "flink[]");
  FlinkClusterSpec c;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "name") c.name = Name(v, k);
    else if (k == "count") c.count = static_cast<int>(Int(v, k, 1, 100'000));
    else if (k == "version") {
      c.version = Name(v, k);
      if (!std::isdigit(static_cast<unsigned char>(c.version[0])) || c.version.find('.') == std::string::npos) {
        Fail(v, "'version' must look like 1.13.6");
      }
    } else if (k == "on_mesos") c.on_mesos = Bool(v, k);
    else if (k == "framework_name") c.framework_name = Name(v, k);
    else if (k == "start_at") c.start_at = Duration(v, k);
    else if (k == "taskmanagers") c.taskmanagers = static_cast<int>(Int(v, k, 0, 100'000));
    else if (k == "slots") c.slots = static_cast<int>(Int(v, k, 1, 1024));
    else if (k == "tm_cpus") c.tm_cpus = Double(v, k, 0, 1e4);
    else if (k == "tm_mem_mb") c.tm_mem_mb = Double(v, k, 0, 1e9);
    else if (k == "jobs") {
      if (!v.IsSequence()) Fail(v, "'jobs' must be a list");
      for (const auto& j : v) c.jobs.push_back(ParseJob(j));
    }
  }
  // Both describe the cluster's Mesos framework: a standalone cluster has none.
  for (const char* key : {"framework_name", "start_at"}) {
    if (n[key] && !c.on_mesos) Fail(n[key], std::string("'") + key + "' needs on_mesos: true");
  }
  return c;
}

const std::map<std::string, std::set<std::string>>& IncidentKeys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"backpressure", {"cluster", "job", "vertex", "ratio"}},
      {"checkpoint_failures", {"cluster", "job", "message"}},
      {"checkpoint_timeouts", {"cluster", "job"}},
      {"checkpoint_stall", {"cluster", "job"}},
      {"taskmanager_oom", {"cluster", "taskmanager", "message"}},
      {"agent_lost", {"agent"}},
      {"jobmanager_unreachable", {"cluster"}},
      {"leader_failover", {"master", "downtime"}},
      {"job_cancelled", {"cluster", "job"}},
      {"job_failed", {"cluster", "job", "message"}},
      {"redeploy", {"cluster", "job", "mode"}},
      {"upgrade", {"cluster", "version", "downtime"}},
      {"scale_up", {"cluster", "count"}},
      {"health_check", {"cluster", "taskmanager", "task", "interval", "healthy"}},
      {"taskmanager_zombie", {"cluster", "taskmanager"}},
      {"task_leak", {"cluster", "count"}},
      {"framework_teardown", {"cluster"}},
  };
  return keys;
}

const std::set<std::string>& FaultTypes() {
  static const std::set<std::string> types = {"latency",   "hang",     "status",        "reset",
                                              "truncate",  "malformed", "oversize",     "redirect_loop",
                                              "slow_drip", "wrong_content_type"};
  return types;
}

IncidentSpec ParseIncident(const YAML::Node& n) {
  if (!n.IsMap()) Fail(n, "timeline entries must be mappings");
  if (!n["type"]) Fail(n, "timeline entry without 'type'");
  IncidentSpec inc;
  inc.line = LineOf(n);
  inc.type = Name(n["type"], "type");
  const auto known = IncidentKeys().find(inc.type);
  if (known == IncidentKeys().end()) {
    std::string list;
    for (const auto& [t, _] : IncidentKeys()) list += (list.empty() ? "" : ", ") + t;
    Fail(n["type"], "unknown incident type '" + inc.type + "' (known: " + list + ")");
  }
  auto allowed = known->second;
  allowed.insert({"at", "until", "type"});
  CheckKeys(n, allowed, "timeline entry of type " + inc.type);
  if (!n["at"]) Fail(n, "timeline entry without 'at'");
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "at") inc.at = Duration(v, k);
    else if (k == "until") inc.until = Duration(v, k);
    else if (k == "cluster") inc.cluster = Name(v, k);
    else if (k == "job") inc.job = Name(v, k);
    else if (k == "vertex") inc.vertex = Name(v, k);
    else if (k == "taskmanager") inc.taskmanager = Name(v, k);
    else if (k == "agent") inc.agent = Name(v, k);
    else if (k == "task") inc.task = Name(v, k);
    else if (k == "message") inc.message = Name(v, k);
    else if (k == "version") inc.version = Name(v, k);
    else if (k == "mode") {
      inc.mode = Name(v, k);
      if (inc.mode != "cancel" && inc.mode != "stop") Fail(v, "'mode' must be cancel or stop");
    } else if (k == "master") inc.master = static_cast<int>(Int(v, k, 0, 100));
    else if (k == "ratio") inc.ratio = Double(v, k, 0, 1);
    else if (k == "count") inc.count = static_cast<int>(Int(v, k, 1, 100'000));
    else if (k == "interval") inc.interval = Duration(v, k);
    else if (k == "downtime") inc.downtime = Duration(v, k);
    else if (k == "healthy") inc.healthy = Bool(v, k);
  }
  if (inc.until >= 0 && inc.until <= inc.at) Fail(n["until"], "'until' must be after 'at'");
  if (inc.type == "framework_teardown" && n["until"]) {
    Fail(n["until"], "'until' does not apply to framework_teardown (a removed framework never comes back)");
  }
  if (inc.type == "health_check" && inc.interval < 100) Fail(n["interval"], "'interval' must be at least 100ms");
  if (inc.type == "health_check" && inc.task.empty() && inc.taskmanager.empty()) {
    Fail(n, "health_check needs 'task' or 'cluster' + 'taskmanager'");
  }
  if (inc.type == "agent_lost" && inc.agent.empty()) Fail(n, "agent_lost needs 'agent'");
  if (known->second.count("cluster") && inc.cluster.empty() && inc.type != "health_check") {
    Fail(n, inc.type + " needs 'cluster'");
  }
  if (known->second.count("job") && inc.job.empty()) Fail(n, inc.type + " needs 'job'");
  return inc;
}

FaultSpec ParseFault(const YAML::Node& n) {
  CheckKeys(n, {"at", "until", "target", "path", "type", "ms", "status", "bytes"}, "faults[]");
  FaultSpec f;
  f.line = LineOf(n);
  if (!n["type"]) Fail(n, "fault without 'type'");
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "at") f.at = Duration(v, k);
    else if (k == "until") f.until = Duration(v, k);
    else if (k == "target") f.target = Name(v, k);
    else if (k == "path") f.path = Str(v, k);
    else if (k == "type") {
      f.type = Name(v, k);
      if (!IsKnownFaultType(f.type)) Fail(v, "unknown fault type '" + f.type + "'");
    } else if (k == "ms") f.ms = Int(v, k, 0, 86'400'000);
    else if (k == "status") f.status = static_cast<int>(Int(v, k, 100, 599));
    else if (k == "bytes") f.bytes = Int(v, k, 1, 1LL << 34);
  }
  if (f.until >= 0 && f.until <= f.at) Fail(n["until"], "'until' must be after 'at'");
  return f;
}

void ParseMesos(const YAML::Node& n, Scenario& s) {
  CheckKeys(n, {"version", "masters", "agents", "agent_resources", "racks", "max_completed_tasks", "frameworks"},
            "mesos");
  for (auto it = n.begin(); it != n.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "version") s.mesos_version = Name(v, k);
    else if (k == "masters") s.masters = static_cast<int>(Int(v, k, 1, 9));
    else if (k == "agents") s.agents = static_cast<int>(Int(v, k, 0, 1'000'000));
    else if (k == "racks") s.racks = static_cast<int>(Int(v, k, 1, 10'000));
    else if (k == "max_completed_tasks") s.max_completed_tasks = static_cast<std::size_t>(Int(v, k, 0, 10'000'000));
    else if (k == "agent_resources") {
      CheckKeys(v, {"cpus", "mem_mb", "disk_mb"}, "mesos.agent_resources");
      if (v["cpus"]) s.agent_cpus = Double(v["cpus"], "cpus", 0, 1e6);
      if (v["mem_mb"]) s.agent_mem_mb = Double(v["mem_mb"], "mem_mb", 0, 1e12);
      if (v["disk_mb"]) s.agent_disk_mb = Double(v["disk_mb"], "disk_mb", 0, 1e12);
    } else if (k == "frameworks") {
      if (!v.IsSequence()) Fail(v, "'frameworks' must be a list");
      for (const auto& f : v) s.frameworks.push_back(ParseFramework(f));
    }
  }
}

Scenario ParseRoot(const YAML::Node& root) {
  Scenario s;
  if (!root.IsDefined() || root.IsNull()) throw LoadError(1, "empty scenario");
  CheckKeys(root, {"name", "seed", "start", "step", "mesos", "flink", "timeline", "faults"}, "the scenario");
  for (auto it = root.begin(); it != root.end(); ++it) {
    const auto k = it->first.as<std::string>();
    const YAML::Node v = it->second;
    if (k == "name") s.name = Name(v, k);
    else if (k == "seed") s.seed = static_cast<uint64_t>(Int(v, k, 0, INT64_MAX));
    else if (k == "start") {
      const auto text = Str(v, k);
      if (text != "now") {
        s.start = ParseTimestamp(text);
        if (!s.start) Fail(v, "'start' must be now, an ISO 8601 UTC time (2024-05-01T12:00:00Z) or epoch ms");
      }
    } else if (k == "step") {
      s.step = Duration(v, k);
      if (s.step < 10) Fail(v, "'step' must be at least 10ms");
    } else if (k == "mesos") ParseMesos(v, s);
    else if (k == "flink") {
      if (!v.IsSequence()) Fail(v, "'flink' must be a list of clusters");
      std::set<std::string> names;
      for (const auto& c : v) {
        s.flink.push_back(ParseCluster(c));
        // Incidents and listeners name clusters; framework names may repeat (framework_name).
        if (!names.insert(s.flink.back().name).second) {
          Fail(c["name"] ? c["name"] : c, "duplicate Flink cluster name '" + s.flink.back().name + "'");
        }
      }
    } else if (k == "timeline") {
      if (!v.IsSequence()) Fail(v, "'timeline' must be a list");
      for (const auto& i : v) s.incidents.push_back(ParseIncident(i));
    } else if (k == "faults") {
      if (!v.IsSequence()) Fail(v, "'faults' must be a list");
      for (const auto& f : v) s.faults.push_back(ParseFault(f));
    }
  }
  bool any_on_mesos = false;
  for (const auto& c : s.flink) any_on_mesos |= c.on_mesos;
  if (any_on_mesos && s.agents == 0) throw LoadError(LineOf(root["mesos"]), "Flink clusters on Mesos need agents");
  return s;
}

}  // namespace

std::optional<Millis> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (all_digits) return static_cast<Millis>(std::stoll(text)) * 1000;
  Millis total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i) return std::nullopt;
    double value = 0;
    try {
      value = std::stod(text.substr(i, j - i));
    } catch (const std::logic_error&) {
      return std::nullopt;
    }
    std::size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    const auto unit = text.substr(j, k - j);
    double factor = 0;
    if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "m") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else if (unit == "d") factor = 86'400'000;
    else return std::nullopt;
    total += static_cast<Millis>(value * factor);
    i = k;
  }
  return total;
}

std::optional<Millis> ParseTimestamp(const std::string& text) {
  bool all_digits = !text.empty();
  for (char c : text) all_digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (all_digits) return static_cast<Millis>(std::stoll(text));
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  std::string rest;
  in >> rest;
  if (!rest.empty() && rest != "Z") return std::nullopt;
  return static_cast<Millis>(timegm(&tm)) * 1000;
}

bool IsKnownIncidentType(const std::string& type) { return IncidentKeys().count(type) > 0; }
bool IsKnownFaultType(const std::string& type) { return FaultTypes().count(type) > 0; }

ScenarioLoadResult ParseScenario(const std::string& yaml_text, const std::string& source) {
  ScenarioLoadResult r;
  try {
    r.scenario = ParseRoot(YAML::Load(yaml_text));
  } catch (const LoadError& e) {
    r.line = e.line;
    r.error = source + ":" + std::to_string(e.line) + ": " + e.what();
  } catch (const YAML::Exception& e) {
    r.line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    r.error = source + ":" + std::to_string(r.line) + ": " + e.msg;
  }
  return r;
}

ScenarioLoadResult LoadScenarioFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ScenarioLoadResult r;
    r.error = path + ": cannot open";
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseScenario(ss.str(), path);
  if (r.ok() && r.scenario->name.empty()) {
    auto base = path.substr(path.find_last_of('/') + 1);
    r.scenario->name = base.substr(0, base.find('.'));
  }
  return r;
}

}  // namespace fme::sim
