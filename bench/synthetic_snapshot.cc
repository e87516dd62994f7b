#include "synthetic_snapshot.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace fme::bench {
namespace {

// splitmix64: tiny, fast and deterministic across platforms (unlike std:: distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  template <typename T, std::size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 3> kEnvironments = {"prod", "staging", "dev"};
constexpr std::array<std::string_view, 5> kRegions = {"eu-west-1", "eu-central-1", "us-east-1",
                                                      "us-west-2", "ap-southeast-1"};
constexpr std::array<std::string_view, 8> kTeams = {
    "payments", "search",      "fraud-detection", "recommendations",
    "ads-bidding", "logistics", "clickstream",    "inventory"};
constexpr std::array<std::string_view, 4> kFlinkVersions = {"1.13.6", "1.14.6", "1.15.4", "1.16.1"};
constexpr std::array<std::string_view, 4> kDatacenters = {"dc1-ams", "dc2-fra", "dc3-iad",
                                                          "dc4-sjc"};

std::string Padded(std::size_t n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return digits;
}

std::string Hex(uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out += kHex[(v >> (4 * i)) & 0xf];
  return out;
}

void MarkPolled(TargetState& s, Rng& rng, bool up, std::string error) {
  const WallTime now = std::chrono::system_clock::now();
  s.polled = true;
  s.up = up;
  s.last_poll = now;
  s.last_poll_duration = std::chrono::milliseconds(20 + static_cast<int64_t>(rng.Below(400)));
  if (up) s.last_success = now;
  s.last_error = std::move(error);
}

TargetState MakeFlink(std::size_t index, Rng& rng, bool up) {
  TargetState s;
  s.target.kind = SourceKind::kFlink;
  s.target.name = "flink-" + std::string(rng.Pick(kEnvironments)) + "-" +
                  std::string(rng.Pick(kRegions)) + "-" + std::string(rng.Pick(kTeams)) + "-" +
                  Padded(index, 6);
  s.target.url = "https://" + s.target.name + ".jobmanager.example.com:8081";
  if (!up) {
    MarkPolled(s, rng, false, "GET /overview: connect: connection refused");
    return s;
  }
  MarkPolled(s, rng, true, "");
  FlinkObservation obs;
  FlinkClusterOverview& o = obs.overview;
  o.version = std::string(rng.Pick(kFlinkVersions));
  o.revision = Hex(rng.Next(), 7) + " @ 2022-0" + std::to_string(1 + rng.Below(9)) + "-1" +
               std::to_string(rng.Below(10)) + "T13:54:12+01:00";
  o.taskmanagers = 1 + static_cast<int64_t>(rng.Below(200));
  o.slots_total = o.taskmanagers * 4;
  o.slots_available = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(o.slots_total) + 1));
  o.jobs_running = static_cast<int64_t>(rng.Below(60));
  o.jobs_finished = static_cast<int64_t>(rng.Below(20000));
  o.jobs_cancelled = static_cast<int64_t>(rng.Below(800));
  o.jobs_failed = static_cast<int64_t>(rng.Below(120));
  s.observation = Observation(std::move(obs));
  return s;
}

TargetState MakeMesos(std::size_t index, Rng& rng, bool up) {
  TargetState s;
  s.target.kind = SourceKind::kMesos;
  const std::string dc(rng.Pick(kDatacenters));
  s.target.name = "mesos-" + dc + "-" + Padded(index, 6);
  const std::size_t masters = (index / 4) % 10 == 9 ? 5 : 3;
  std::vector<std::string> urls;
  for (std::size_t m = 0; m < masters; ++m) {
    urls.push_back("http://" + s.target.name + "-m" + std::to_string(m + 1) + "." + dc +
                   ".example.com:5050");
    s.target.url += (m == 0 ? "" : ",") + urls.back();
  }
  if (!up) {
    MarkPolled(s, rng, false, "no master answered: timeout after 5s");
    return s;
  }
  MarkPolled(s, rng, true, "");
  MesosObservation obs;
  const std::size_t leader = rng.Below(masters);
  // Now and then one standby does not answer (it is still listed, with mesos_master_up 0);
  // `masters` stands for none.
  const std::size_t unreachable = (index / 4) % 7 == 3 ? (leader + 1) % masters : masters;
  for (std::size_t m = 0; m < masters; ++m) {
    MesosMasterStatus st;
    st.url = urls[m];
    if (unreachable == m) {
      st.error = "GET /metrics/snapshot: timeout after 5s";
      obs.masters.push_back(std::move(st));
      continue;
    }
    st.reachable = true;
    st.elected = m == leader ? 1.0 : 0.0;
    // Uptime with milliseconds: exercises the non-integral value path.
    st.uptime_seconds = static_cast<double>(rng.Below(40'000'000)) + static_cast<double>(rng.Below(1000)) / 1000.0;
    st.event_queue_messages = static_cast<double>(rng.Below(m == leader ? 400 : 5));
    obs.masters.push_back(std::move(st));
  }
  obs.leader = leader;
  MesosClusterMetrics& c = obs.cluster;
  const double agents = static_cast<double>(50 + rng.Below(3000));
  c.agents_active = agents;
  c.agents_inactive = static_cast<double>(rng.Below(5));
  c.agents_unreachable = static_cast<double>(rng.Below(3));
  c.agents_connected = agents - static_cast<double>(rng.Below(3));
  c.agents_disconnected = agents - *c.agents_connected;
  c.frameworks_active = static_cast<double>(1 + rng.Below(40));
  c.frameworks_inactive = static_cast<double>(rng.Below(3));
  c.frameworks_connected = *c.frameworks_active;
  c.frameworks_disconnected = static_cast<double>(rng.Below(2));
  c.tasks_staging = static_cast<double>(rng.Below(30));
  c.tasks_starting = static_cast<double>(rng.Below(30));
  c.tasks_running = static_cast<double>(rng.Below(100000));
  c.tasks_killing = static_cast<double>(rng.Below(10));
  c.tasks_unreachable = static_cast<double>(rng.Below(5));
  c.cpus_total = agents * 32;
  c.cpus_used = static_cast<double>(rng.Below(static_cast<uint64_t>(agents) * 32 * 10)) / 10.0;
  c.gpus_total = (index / 4) % 5 == 0 ? agents * 4 : 0.0;
  c.gpus_used = (index / 4) % 5 == 0 ? static_cast<double>(rng.Below(static_cast<uint64_t>(agents) * 4)) : 0.0;
  c.memory_total_bytes = agents * 256.0 * 1024 * 1024 * 1024;
  c.memory_used_bytes = static_cast<double>(rng.Below(static_cast<uint64_t>(agents) * 256)) * 1024 * 1024 * 1024;
  c.disk_total_bytes = agents * 1800.0 * 1024 * 1024 * 1024;
  c.disk_used_bytes = static_cast<double>(rng.Below(static_cast<uint64_t>(agents) * 1800)) * 1024 * 1024 * 1024;
  s.observation = Observation(std::move(obs));
  return s;
}

std::size_t PresentCount(std::initializer_list<const std::optional<double>*> values) {
  return static_cast<std::size_t>(
      std::count_if(values.begin(), values.end(), [](const auto* v) { return v->has_value(); }));
}

// --- prometheus-cpp side -------------------------------------------------------------------

using PLabel = prometheus::ClientMetric::Label;

prometheus::MetricFamily Gauge(std::string name, std::string help) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = prometheus::MetricType::Gauge;
  return f;
}

void Add(prometheus::MetricFamily& f, std::vector<PLabel> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void Push(std::vector<prometheus::MetricFamily>& out, prometheus::MetricFamily f) {
  if (!f.metric.empty()) out.push_back(std::move(f));
}

const FlinkObservation* FlinkObs(const TargetState& t) {
  return t.up && t.observation ? std::get_if<FlinkObservation>(&*t.observation) : nullptr;
}

const MesosObservation* MesosObs(const TargetState& t) {
  return t.up && t.observation ? std::get_if<MesosObservation>(&*t.observation) : nullptr;
}

void FlinkFamilies(const std::vector<const TargetState*>& targets,
                   std::vector<prometheus::MetricFamily>& out) {
  auto up = Gauge("flink_up",
                  "Whether the last poll of the Flink cluster's REST API succeeded (1) or not (0).");
  auto info = Gauge("flink_cluster_info", "Flink cluster version and REST URL; always 1.");
  auto tms = Gauge("flink_cluster_taskmanagers", "TaskManagers registered with the JobManager.");
  auto slots = Gauge("flink_cluster_task_slots", "Task slots offered by all TaskManagers.");
  auto avail = Gauge("flink_cluster_task_slots_available", "Task slots not in use.");
  auto jobs = Gauge("flink_cluster_jobs",
                    "Jobs the JobManager knows, by state, from /overview (RUNNING includes pending "
                    "jobs).");
  for (const TargetState* t : targets) {
    const std::string& c = t->target.name;
    Add(up, {{"flink_cluster", c}}, t->up ? 1 : 0);
    const FlinkObservation* obs = FlinkObs(*t);
    if (obs == nullptr) continue;
    const FlinkClusterOverview& o = obs->overview;
    Add(info,
        {{"flink_cluster", c}, {"version", o.version}, {"revision", o.revision},
         {"rest_url", t->target.url}},
        1);
    Add(tms, {{"flink_cluster", c}}, static_cast<double>(o.taskmanagers));
    Add(slots, {{"flink_cluster", c}}, static_cast<double>(o.slots_total));
    Add(avail, {{"flink_cluster", c}}, static_cast<double>(o.slots_available));
    Add(jobs, {{"flink_cluster", c}, {"state", "RUNNING"}}, static_cast<double>(o.jobs_running));
    Add(jobs, {{"flink_cluster", c}, {"state", "FINISHED"}}, static_cast<double>(o.jobs_finished));
    Add(jobs, {{"flink_cluster", c}, {"state", "CANCELED"}}, static_cast<double>(o.jobs_cancelled));
    Add(jobs, {{"flink_cluster", c}, {"state", "FAILED"}}, static_cast<double>(o.jobs_failed));
  }
  for (auto* f : {&up, &info, &tms, &slots, &avail, &jobs}) Push(out, std::move(*f));
}

void MesosFamilies(const std::vector<const TargetState*>& targets,
                   std::vector<prometheus::MetricFamily>& out) {
  auto up = Gauge("mesos_up",
                  "Whether at least one Mesos master of the cluster answered the last poll (1) or "
                  "none did (0).");
  auto master_up =
      Gauge("mesos_master_up", "Whether this master answered /metrics/snapshot in the last poll.");
  auto elected = Gauge("mesos_master_elected",
                       "Whether this master is the elected leader (master/elected).");
  auto uptime = Gauge("mesos_master_uptime_seconds",
                      "Time since this master process started (master/uptime_secs).");
  auto queue = Gauge("mesos_master_event_queue_messages",
                     "Messages waiting in this master's actor queue; a growing queue means an "
                     "overloaded master.");
  auto agents = Gauge("mesos_agents", "Agents known to the elected master, by state.");
  auto agents_conn = Gauge("mesos_agents_by_connection",
                           "Registered agents by whether they are connected to the master.");
  auto fws = Gauge("mesos_frameworks", "Frameworks known to the elected master, by state.");
  auto fws_conn = Gauge("mesos_frameworks_by_connection",
                        "Frameworks by whether their scheduler is connected to the master.");
  auto tasks = Gauge("mesos_tasks", "Tasks in each non-terminal state, cluster-wide.");
  auto cpus = Gauge("mesos_cluster_cpus", "CPUs of all agents: total, and used (allocated) by tasks.");
  auto gpus = Gauge("mesos_cluster_gpus", "GPUs of all agents: total, and used (allocated) by tasks.");
  auto mem = Gauge("mesos_cluster_memory_bytes",
                   "Memory of all agents: total, and used (allocated) by tasks.");
  auto disk = Gauge("mesos_cluster_disk_bytes",
                    "Disk of all agents: total, and used (allocated) by tasks.");

  auto optional = [](prometheus::MetricFamily& f, const std::string& cluster, const char* label,
                     std::initializer_list<std::pair<const char*, const std::optional<double>*>> vals) {
    for (const auto& [value_label, v] : vals) {
      if (v->has_value()) Add(f, {{"mesos_cluster", cluster}, {label, value_label}}, **v);
    }
  };

  for (const TargetState* t : targets) {
    const std::string& name = t->target.name;
    Add(up, {{"mesos_cluster", name}}, t->up ? 1 : 0);
    const MesosObservation* obs = MesosObs(*t);
    if (obs == nullptr) continue;
    for (const MesosMasterStatus& m : obs->masters) {
      Add(master_up, {{"mesos_cluster", name}, {"master", m.url}}, m.reachable ? 1 : 0);
      if (m.elected) Add(elected, {{"mesos_cluster", name}, {"master", m.url}}, *m.elected);
      if (m.uptime_seconds) Add(uptime, {{"mesos_cluster", name}, {"master", m.url}}, *m.uptime_seconds);
      if (m.event_queue_messages) {
        Add(queue, {{"mesos_cluster", name}, {"master", m.url}}, *m.event_queue_messages);
      }
    }
    if (!obs->leader) continue;
    const MesosClusterMetrics& c = obs->cluster;
    optional(agents, name, "state",
             {{"active", &c.agents_active}, {"inactive", &c.agents_inactive},
              {"unreachable", &c.agents_unreachable}});
    optional(agents_conn, name, "connection",
             {{"connected", &c.agents_connected}, {"disconnected", &c.agents_disconnected}});
    optional(fws, name, "state", {{"active", &c.frameworks_active}, {"inactive", &c.frameworks_inactive}});
    optional(fws_conn, name, "connection",
             {{"connected", &c.frameworks_connected}, {"disconnected", &c.frameworks_disconnected}});
    optional(tasks, name, "state",
             {{"TASK_STAGING", &c.tasks_staging}, {"TASK_STARTING", &c.tasks_starting},
              {"TASK_RUNNING", &c.tasks_running}, {"TASK_KILLING", &c.tasks_killing},
              {"TASK_UNREACHABLE", &c.tasks_unreachable}});
    optional(cpus, name, "usage", {{"total", &c.cpus_total}, {"used", &c.cpus_used}});
    optional(gpus, name, "usage", {{"total", &c.gpus_total}, {"used", &c.gpus_used}});
    optional(mem, name, "usage", {{"total", &c.memory_total_bytes}, {"used", &c.memory_used_bytes}});
    optional(disk, name, "usage", {{"total", &c.disk_total_bytes}, {"used", &c.disk_used_bytes}});
  }
  for (auto* f : {&up, &master_up, &elected, &uptime, &queue, &agents, &agents_conn, &fws, &fws_conn,
                  &tasks, &cpus, &gpus, &mem, &disk}) {
    Push(out, std::move(*f));
  }
}

// --- comparison ----------------------------------------------------------------------------

std::string_view NextLine(std::string_view& text) {
  std::size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  return line;
}

std::optional<double> ParseValue(std::string_view v) {
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);  // "+Inf"; from_chars takes no sign
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return d;
}

std::string Difference(std::size_t line_no, std::string_view what, std::string_view a,
                       std::string_view b) {
  return "line " + std::to_string(line_no) + ": " + std::string(what) + "\n  a: " +
         std::string(a.substr(0, 300)) + "\n  b: " + std::string(b.substr(0, 300));
}

}  // namespace

std::size_t SeriesOf(const TargetState& state) {
  if (!state.polled) return 0;
  if (state.target.kind == SourceKind::kFlink) return FlinkObs(state) == nullptr ? 1 : 9;
  const MesosObservation* obs = MesosObs(state);
  if (obs == nullptr) return 1;
  std::size_t n = 1;
  for (const MesosMasterStatus& m : obs->masters) {
    n += 1 + PresentCount({&m.elected, &m.uptime_seconds, &m.event_queue_messages});
  }
  if (obs->leader) {
    const MesosClusterMetrics& c = obs->cluster;
    n += PresentCount({&c.agents_active, &c.agents_inactive, &c.agents_unreachable,
                       &c.agents_connected, &c.agents_disconnected, &c.frameworks_active,
                       &c.frameworks_inactive, &c.frameworks_connected, &c.frameworks_disconnected,
                       &c.tasks_staging, &c.tasks_starting, &c.tasks_running, &c.tasks_killing,
                       &c.tasks_unreachable, &c.cpus_total, &c.cpus_used, &c.gpus_total,
                       &c.gpus_used, &c.memory_total_bytes, &c.memory_used_bytes,
                       &c.disk_total_bytes, &c.disk_used_bytes});
  }
  return n;
}

std::vector<TargetState> MakeTargetStates(std::size_t series) {
  Rng rng(0x5eed'f11e'0b5e'55edULL);
  std::vector<TargetState> states;
  std::size_t remaining = series;
  // Three Flink clusters to one Mesos cluster; about 2 % of targets down. A target that would
  // overshoot the requested count is generated down instead (one series), so the total is exact.
  for (std::size_t i = 0; remaining > 0; ++i) {
    const bool mesos = i % 4 == 3;
    const bool up = mesos ? i % 71 != 35 : i % 53 != 17;
    TargetState s = mesos ? MakeMesos(i, rng, up) : MakeFlink(i, rng, up);
    if (SeriesOf(s) > remaining) s = mesos ? MakeMesos(i, rng, false) : MakeFlink(i, rng, false);
    remaining -= SeriesOf(s);
    states.push_back(std::move(s));
  }
  return states;
}

SnapshotPtr MakeSnapshot(std::vector<TargetState> states, Layout layout) {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = 1;
  snap->created = std::chrono::system_clock::now();
  snap->targets.reserve(states.size());
  for (TargetState& s : states) snap->targets.push_back(std::make_shared<const TargetState>(std::move(s)));
  std::sort(snap->targets.begin(), snap->targets.end(), [](const auto& a, const auto& b) {
    return std::tie(a->target.kind, a->target.name) < std::tie(b->target.kind, b->target.name);
  });
  if (layout == Layout::kCompact) {
    // Copy all before freeing any, so no copy lands in a hole an original left.
    std::vector<std::shared_ptr<const TargetState>> copies;
    copies.reserve(snap->targets.size());
    for (const auto& t : snap->targets) copies.push_back(std::make_shared<const TargetState>(*t));
    snap->targets.swap(copies);
  }
  return snap;
}

std::vector<prometheus::MetricFamily> ToMetricFamilies(const Snapshot& snapshot) {
  std::vector<const TargetState*> flink;
  std::vector<const TargetState*> mesos;
  for (const auto& t : snapshot.targets) {
    if (!t->polled) continue;
    (t->target.kind == SourceKind::kFlink ? flink : mesos).push_back(t.get());
  }
  std::vector<prometheus::MetricFamily> out;
  FlinkFamilies(flink, out);
  MesosFamilies(mesos, out);
  return out;
}

std::size_t CountSampleLines(std::string_view text) {
  std::size_t n = 0;
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    if (!line.empty() && line.front() != '#') ++n;
  }
  return n;
}

std::string CompareExpositions(std::string_view a, std::string_view b) {
  for (std::size_t line_no = 1; !a.empty() || !b.empty(); ++line_no) {
    if (a.empty() || b.empty()) {
      return "line " + std::to_string(line_no) + ": " + (a.empty() ? "a" : "b") +
             " ends early";
    }
    std::string_view la = NextLine(a);
    std::string_view lb = NextLine(b);
    if (la.starts_with("# HELP ") || lb.starts_with("# HELP ")) {
      auto family = [](std::string_view l) { return l.substr(0, l.find(' ', 7)); };
      if (family(la) != family(lb)) return Difference(line_no, "HELP of different families", la, lb);
      continue;
    }
    if (la.starts_with('#') || lb.starts_with('#')) {
      if (la != lb) return Difference(line_no, "comment lines differ", la, lb);
      continue;
    }
    std::size_t sa = la.rfind(' ');
    std::size_t sb = lb.rfind(' ');
    if (sa == std::string_view::npos || sb == std::string_view::npos) {
      return Difference(line_no, "sample line without a value", la, lb);
    }
    if (la.substr(0, sa) != lb.substr(0, sb)) return Difference(line_no, "series differ", la, lb);
    std::optional<double> va = ParseValue(la.substr(sa + 1));
    std::optional<double> vb = ParseValue(lb.substr(sb + 1));
    if (!va || !vb) return Difference(line_no, "unparsable value", la, lb);
    if (!(*va == *vb || (std::isnan(*va) && std::isnan(*vb)))) {
      return Difference(line_no, "values differ", la, lb);
    }
  }
  return "";
}

std::size_t SeriesFromEnv(std::size_t fallback) {
  const char* env = std::getenv("FME_BENCH_SERIES");
  if (env == nullptr || *env == '\0') return fallback;
  std::string_view text(env);
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0) {
    std::fprintf(stderr, "FME_BENCH_SERIES=\"%s\" is not a positive integer\n", env);
    std::exit(2);
  }
  return n;
}

}  // namespace fme::bench
