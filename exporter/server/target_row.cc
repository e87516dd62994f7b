#include "server/target_row.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "http/url.h"
#include "server/html_text.h"
#include "server/time_text.h"

namespace fme {
namespace {

// Longest event-stream error shown inside a detail line.
constexpr std::size_t kMaxDetailErrorBytes = 120;

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void AddPartialDataLines(const std::vector<EndpointError>& errors, uint64_t series_dropped,
                         std::vector<DetailLine>& out) {
  if (!errors.empty()) {
    out.push_back({Plural(static_cast<int64_t>(errors.size()), "call", "calls") +
                       " failed in the last poll: data is partial",
                   true});
  }
  if (series_dropped > 0) {
    out.push_back({Plural(static_cast<int64_t>(series_dropped), "series", "series") +
                       " left out by the series limit",
                   true});
  }
}

std::vector<DetailLine> FlinkDetails(const FlinkObservation& o) {
  std::vector<DetailLine> out;
  const FlinkClusterOverview& v = o.overview;
  out.push_back({v.version.empty() ? "Flink version unknown" : "Flink " + v.version});
  out.push_back({"jobs: " + std::to_string(v.jobs_running) + " running, " +
                 std::to_string(v.jobs_finished) + " finished, " +
                 std::to_string(v.jobs_cancelled) + " canceled, " +
                 std::to_string(v.jobs_failed) + " failed"});
  // The overview counts restarting jobs as running; these need a look.
  const auto troubled = std::count_if(o.jobs.begin(), o.jobs.end(), [](const FlinkJob& j) {
    return j.state == FlinkJobState::kRestarting || j.state == FlinkJobState::kFailing;
  });
  if (troubled > 0) {
    out.push_back({Plural(troubled, "job", "jobs") + " RESTARTING or FAILING", true});
  }
  out.push_back({Plural(v.taskmanagers, "TaskManager", "TaskManagers") + ", " +
                 std::to_string(v.slots_available) + " of " + std::to_string(v.slots_total) +
                 " slots free"});
  AddPartialDataLines(o.endpoint_errors, o.series_dropped, out);
  return out;
}

std::vector<DetailLine> MesosDetails(const MesosObservation& o) {
  std::vector<DetailLine> out;
  if (o.leader && *o.leader < o.masters.size()) {
    std::string line = "leader: " + RedactUrl(o.masters[*o.leader].url);
    if (!o.leader_version.empty()) line += " (Mesos " + o.leader_version + ")";
    out.push_back({std::move(line)});
  } else {
    out.push_back({"no elected leader", true});
  }
  const auto reachable = std::count_if(o.masters.begin(), o.masters.end(),
                                       [](const MesosMasterStatus& m) { return m.reachable; });
  if (static_cast<std::size_t>(reachable) < o.masters.size()) {
    out.push_back({"masters reachable: " + std::to_string(reachable) + " of " +
                       std::to_string(o.masters.size()),
                   true});
  }
  if (o.event_stream) {
    if (o.event_stream->connected) {
      out.push_back({"event stream: connected"});
    } else {
      std::string line = "event stream: NOT CONNECTED";
      if (!o.event_stream->last_error.empty()) {
        line += " (" + CutUtf8(RedactUrls(o.event_stream->last_error), kMaxDetailErrorBytes) + ")";
      }
      out.push_back({std::move(line), true});
    }
  } else {
    out.push_back({o.origin == MesosStateOrigin::kPolling ? "event stream: not used (state polled)"
                                                          : "event stream: not used"});
  }
  if (o.origin != MesosStateOrigin::kNone) {
    out.push_back({Plural(static_cast<int64_t>(o.agents.size()), "agent", "agents") + ", " +
                   Plural(static_cast<int64_t>(o.frameworks.size()), "framework", "frameworks")});
  }
  AddPartialDataLines(o.endpoint_errors, 0, out);
  return out;
}

}  // namespace

std::string_view TargetHealthText(TargetHealth health) {
  switch (health) {
    case TargetHealth::kDown: return "DOWN";
    case TargetHealth::kNotPolled: return "NOT YET POLLED";
    case TargetHealth::kUp: return "UP";
  }
  return "UNKNOWN";
}

std::string_view TargetHealthClass(TargetHealth health) {
  switch (health) {
    case TargetHealth::kDown: return "down";
    case TargetHealth::kNotPolled: return "pending";
    case TargetHealth::kUp: return "up";
  }
  return "pending";
}

TargetHealth HealthOf(const TargetState& state) {
  if (!state.polled) return TargetHealth::kNotPolled;
  return state.up ? TargetHealth::kUp : TargetHealth::kDown;
}

std::vector<DisplayUrl> DisplayUrls(std::string_view url) {
  std::vector<DisplayUrl> out;
  while (!url.empty()) {
    const std::size_t comma = url.find(',');
    const std::string_view part = Trim(url.substr(0, comma));
    url = comma == std::string_view::npos ? std::string_view() : url.substr(comma + 1);
    if (part.empty()) continue;
    DisplayUrl shown{RedactUrl(part), ""};
    // Only well-formed http(s) URLs without userinfo become links (no "javascript:" or the like).
    auto parsed = ParseUrl(part);
    if (parsed.ok() && !parsed->username && !parsed->password) shown.href = shown.text;
    out.push_back(std::move(shown));
  }
  return out;
}

TargetRow MakeTargetRow(const TargetState& state, WallTime now) {
  TargetRow row;
  row.kind = SourceKindName(state.target.kind);
  row.origin = state.target.discovered_from.empty() ? "static" : "discovered";
  row.discovered_from = state.target.discovered_from;
  row.name = state.target.name;
  row.urls = DisplayUrls(state.target.url);
  row.health = HealthOf(state);
  row.last_success = state.last_success;
  if (state.last_success) row.data_age_seconds = SecondsBetween(*state.last_success, now);
  if (state.polled) {
    row.last_poll_duration = state.last_poll_duration;
    row.last_poll = state.last_poll;
  }
  if (state.up && state.observation) {
    row.details = std::visit(
        [](const auto& o) {
          if constexpr (std::is_same_v<std::decay_t<decltype(o)>, FlinkObservation>) {
            return FlinkDetails(o);
          } else {
            return MesosDetails(o);
          }
        },
        *state.observation);
  }
  // Upstream error pages may quote URLs with credentials; never show them.
  row.last_error = CutUtf8(RedactUrls(state.last_error), kMaxErrorBytes);
  row.error_resolved = state.up && !row.last_error.empty();
  return row;
}

}  // namespace fme
