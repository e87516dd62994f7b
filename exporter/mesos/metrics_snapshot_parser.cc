#include "mesos/metrics_snapshot_parser.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "common/json_util.h"
#include "mesos/agent_spelling.h"

namespace fme {
namespace {

constexpr double kBytesPerMb = 1024.0 * 1024.0;  // Mesos "MB" are mebibytes

std::optional<double> Mb(const nlohmann::json& doc, std::string_view key) {
  auto v = json::Number(doc, key);
  if (v) *v *= kBytesPerMb;
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Splits "a/b/c" at its first '/': {"a", "b/c"}; nullopt without a '/'.
std::optional<std::pair<std::string_view, std::string_view>> SplitFirst(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return std::pair{s.substr(0, slash), s.substr(slash + 1)};
}

// master/task_<state>/source_<source>/reason_<reason>, lower-cased v0 enum names, created by
// the master the first time a terminal update with that reason arrives.
std::optional<MesosTermination> ReadTermination(std::string_view key, double value) {
  constexpr std::string_view kPrefix = "master/";
  if (!key.starts_with("master/task_")) return std::nullopt;
  auto first = SplitFirst(key.substr(kPrefix.size()));
  if (!first) return std::nullopt;
  auto second = SplitFirst(first->second);
  if (!second) return std::nullopt;
  const std::string_view state = first->first;
  const std::string_view source = second->first;
  const std::string_view reason = second->second;
  if (!source.starts_with("source_") || !reason.starts_with("reason_") ||
      reason.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  MesosTermination t;
  t.state = ParseMesosTaskState(state);
  // Mesos 1.11 is the last release, so an unknown state name is a foreign key, not news.
  if (t.state == MesosTaskState::kUnrecognized) return std::nullopt;
  t.source = AgentSpelling(Upper(source));
  t.reason = AgentSpelling(Upper(reason));
  t.count = value;
  return t;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Framework names are percent-encoded in metric keys; a '%' not followed by two hex digits is
// kept as it is.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexDigit(s[i + 1]);
      const int lo = HexDigit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// master/frameworks/<encoded name>/<id>/tasks/{active,terminal}/<task_state>. The encoding
// turns '/' into %2F and ids never contain '/', so the key splits unambiguously.
using FrameworkTasksById = std::map<std::string, MasterMetrics::FrameworkTasks, std::less<>>;

void ReadFrameworkTasks(std::string_view key, double value, FrameworkTasksById& by_id) {
  constexpr std::string_view kPrefix = "master/frameworks/";
  constexpr std::string_view kActive = "tasks/active/";
  constexpr std::string_view kTerminal = "tasks/terminal/";
  if (!key.starts_with(kPrefix)) return;
  auto name = SplitFirst(key.substr(kPrefix.size()));
  if (!name) return;
  auto id = SplitFirst(name->second);
  if (!id || id->first.empty()) return;
  const std::string_view metric = id->second;

  const bool active = metric.starts_with(kActive);
  if (!active && !metric.starts_with(kTerminal)) return;
  const MesosTaskState state =
      ParseMesosTaskState(metric.substr(active ? kActive.size() : kTerminal.size()));
  if (state == MesosTaskState::kUnrecognized || IsTerminal(state) == active) return;

  // Looked up before inserting: a framework has a dozen keys, and its id a heap-sized string.
  auto it = by_id.find(id->first);
  if (it == by_id.end()) {
    it = by_id.try_emplace(std::string(id->first)).first;
    it->second.framework_id = it->first;
    it->second.framework_name = PercentDecode(name->first);
  }
  MasterMetrics::FrameworkTasks& f = it->second;
  if (active) {
    const auto index = static_cast<size_t>(state);
    if (index < f.active.size() && value >= 0 && value < 9.2e18) f.active[index] = std::llround(value);
  } else {
    f.terminal.push_back(MesosTermination{state, "unknown", "unknown", value});
  }
}

bool TerminationLess(const MesosTermination& a, const MesosTermination& b) {
  return std::tie(a.state, a.reason, a.source) < std::tie(b.state, b.reason, b.source);
}

// Sorts and sums entries that name the same (state, reason, source).
void SortAndMerge(std::vector<MesosTermination>& v) {
  std::sort(v.begin(), v.end(), TerminationLess);
  std::vector<MesosTermination> merged;
  for (MesosTermination& t : v) {
    if (!merged.empty() && !TerminationLess(merged.back(), t)) {
      merged.back().count += t.count;
    } else {
      merged.push_back(std::move(t));
    }
  }
  v = std::move(merged);
}

}  // namespace

Result<MasterMetrics> ParseMasterMetricsSnapshot(std::string_view body) {
  auto parsed = json::Parse(body, "Mesos /metrics/snapshot");
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& d = *parsed;
  if (!d.is_object()) return Status::ParseError("Mesos /metrics/snapshot: expected a JSON object");

  MasterMetrics m;
  m.self.elected = json::Number(d, "master/elected");
  m.self.uptime_seconds = json::Number(d, "master/uptime_secs");
  m.self.event_queue_messages = json::Number(d, "master/event_queue_messages");
  if (!m.self.elected && !m.self.uptime_seconds) {
    // An agent's snapshot, or something else entirely: not a master.
    return Status::ParseError(
        "Mesos /metrics/snapshot: no master/elected or master/uptime_secs (not a master?)");
  }

  MesosClusterMetrics& c = m.cluster;
  c.agents_active = json::Number(d, "master/slaves_active");
  c.agents_inactive = json::Number(d, "master/slaves_inactive");
  c.agents_unreachable = json::Number(d, "master/slaves_unreachable");
  c.agents_connected = json::Number(d, "master/slaves_connected");
  c.agents_disconnected = json::Number(d, "master/slaves_disconnected");
  c.frameworks_active = json::Number(d, "master/frameworks_active");
  c.frameworks_inactive = json::Number(d, "master/frameworks_inactive");
  c.frameworks_connected = json::Number(d, "master/frameworks_connected");
  c.frameworks_disconnected = json::Number(d, "master/frameworks_disconnected");
  c.tasks_staging = json::Number(d, "master/tasks_staging");
  c.tasks_starting = json::Number(d, "master/tasks_starting");
  c.tasks_running = json::Number(d, "master/tasks_running");
  c.tasks_killing = json::Number(d, "master/tasks_killing");
  c.tasks_unreachable = json::Number(d, "master/tasks_unreachable");
  c.cpus_total = json::Number(d, "master/cpus_total");
  c.cpus_used = json::Number(d, "master/cpus_used");
  c.gpus_total = json::Number(d, "master/gpus_total");
  c.gpus_used = json::Number(d, "master/gpus_used");
  c.memory_total_bytes = Mb(d, "master/mem_total");
  c.memory_used_bytes = Mb(d, "master/mem_used");
  c.disk_total_bytes = Mb(d, "master/disk_total");
  c.disk_used_bytes = Mb(d, "master/disk_used");

  FrameworkTasksById frameworks;
  for (const auto& [key, value] : d.items()) {
    if (!value.is_number()) continue;
    const double v = value.get<double>();
    if (!std::isfinite(v)) continue;
    if (std::optional<MesosTermination> t = ReadTermination(key, v)) {
      m.terminations.push_back(std::move(*t));
    } else {
      ReadFrameworkTasks(key, v, frameworks);
    }
  }
  SortAndMerge(m.terminations);
  for (auto& [id, f] : frameworks) {
    SortAndMerge(f.terminal);
    m.frameworks.push_back(std::move(f));
  }
  return m;
}

}  // namespace fme
