// The upstream fault matrix (docs/reliability.md, "Fault matrix"): every upstream endpoint class
// crossed with every kind of upstream failure, injected by the simulator's fault API, against
// one real App in process. For each cell: the exporter keeps serving (/metrics and /-/healthy
// answer throughout), the cell's target is down exactly when its endpoint class is one a poll
// cannot do without, the failure is counted under the expected kind (poll_errors_total for a
// failed poll, endpoint_errors_total for an optional call), and the untouched control targets'
// series are the same after the faulted polls as before them.
//
// One simulator hosts a Flink cluster per Flink cell plus three control clusters; the Mesos
// cells need one simulator per faulted master (a fault applies to a whole master), so a few
// small simulators host them. Simulated time is frozen and the exporter's wall clock follows it,
// so nothing but the faults can change a series.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "server/sim_clock.h"
#include "server/sim_server.h"
#include "support/eventually.h"
#include "support/sim_server_clock.h"
#include "support/timing_scale.h"
#include "world/engine.h"

namespace fme::testing {
namespace {

using std::chrono::milliseconds;

constexpr sim::Millis kMatrixStart = 1714564800000;  // 2024-05-01T12:00:00Z

// ---- The matrix --------------------------------------------------------------------------

enum class Fault {
  kRefused,
  kReset,
  kResetMidBody,
  kHang,
  kSlowDrip,
  kStatus500,
  kStatus503,
  kTruncated,
  kMalformed,
  kOversized,
  kRedirectLoop,
  kWrongContentType,
};

struct FaultRow {
  Fault fault;
  const char* name;
  const char* kind;  // the `kind` label it must be counted under
  // The simulator's admin fault (type and keys), or "" for kRefused (no listener at all).
  const char* sim_fault;
  int ms = 0;  // the fault's "ms" key, if it has one, before kTimingScale
};

// Response bodies here are far below max_response_size (256 KiB in this test); the oversized
// one is 1 MiB. A hang outlasts the poll timeout (1 s, scaled) but frees the simulator's worker
// soon after; a drip of 4 bytes every 100 ms (scaled) takes far longer than the poll timeout for
// any body.
constexpr FaultRow kFaults[] = {
    {Fault::kRefused, "refused", "connect", ""},
    {Fault::kReset, "reset", "connect", R"("type":"reset")"},
    {Fault::kResetMidBody, "reset_mid_body", "connect", R"("type":"reset","bytes":40)"},
    {Fault::kHang, "hang", "timeout", R"("type":"hang")", 1500},
    {Fault::kSlowDrip, "slow_drip", "timeout", R"("type":"slow_drip","bytes":4)", 100},
    {Fault::kStatus500, "status_500", "http_status", R"("type":"status","status":500)"},
    {Fault::kStatus503, "status_503", "http_status", R"("type":"status","status":503)"},
    {Fault::kTruncated, "truncated", "connect", R"("type":"truncate")"},
    {Fault::kMalformed, "malformed", "parse", R"("type":"malformed")"},
    {Fault::kOversized, "oversized", "too_large", R"("type":"oversize","bytes":1048576)"},
    {Fault::kRedirectLoop, "redirect_loop", "redirect", R"("type":"redirect_loop")"},
    {Fault::kWrongContentType, "wrong_content_type", "parse", R"("type":"wrong_content_type")"},
};

const FaultRow& RowOf(Fault f) {
  for (const FaultRow& r : kFaults) {
    if (r.fault == f) return r;
  }
  return kFaults[0];
}

// An endpoint class: the requests a fault is aimed at (regex over the path), and the
// endpoint_errors_total label its failures carry when the target stays up. `fatal` classes fail
// the poll: the target goes down and the failure is a poll error.
struct EndpointClass {
  const char* name;
  const char* path;
  const char* endpoint;
  bool fatal;
  // Faults that do not apply (with the reason in docs/reliability.md).
  std::set<Fault> not_applicable;
  // Faults installed before the exporter starts: the class is requested only on a first poll
  // (/config, the SUBSCRIBE stream opened after it), so the fault must already be there.
  bool before_start = false;
};

// "Refused" is a property of a whole listener, not of one path: it has a cell of its own per
// source (a target at a closed port), not one per class.
const std::set<Fault> kPerPath = {Fault::kRefused};

const std::vector<EndpointClass>& FlinkClasses() {
  static const std::vector<EndpointClass> classes = {
      {"config", "^/config$", "/config", true, kPerPath, true},
      {"overview", "^/overview$", "/overview", true, kPerPath},
      {"jobs_overview", "^/jobs/overview$", "/jobs/overview", true, kPerPath},
      {"job", "^/jobs/[0-9a-f]{32}$", "/jobs/:jobid", false, kPerPath},
      {"job_metrics", "^/jobs/[0-9a-f]{32}/metrics$", "/jobs/:jobid/metrics", false, kPerPath},
      {"checkpoints", "^/jobs/[0-9a-f]{32}/checkpoints$", "/jobs/:jobid/checkpoints", false, kPerPath},
      {"vertex_metrics", "/subtasks/metrics$", "/jobs/:jobid/vertices/:vertexid/subtasks/metrics", false,
       kPerPath},
      {"backpressure", "/backpressure$", "/jobs/:jobid/vertices/:vertexid/backpressure", false, kPerPath},
      {"taskmanagers", "^/taskmanagers$", "/taskmanagers", false, kPerPath},
      {"taskmanager_metrics", "^/taskmanagers/[^/]+/metrics$", "/taskmanagers/:taskmanagerid/metrics", false,
       kPerPath},
      {"jobmanager_metrics", "^/jobmanager/metrics$", "/jobmanager/metrics", false, kPerPath},
  };
  return classes;
}

// The event stream: a stream is slow by nature and has no Content-Length (slow drip, oversize do
// not apply), and its headers wait is the stream's own 30 s subscribe timeout, not the poll's.
const std::set<Fault> kStreamNotApplicable = {Fault::kRefused, Fault::kHang, Fault::kSlowDrip,
                                              Fault::kOversized};

const EndpointClass kMesosSnapshot = {"snapshot", "/metrics/snapshot$", "/metrics/snapshot", true, kPerPath};
const EndpointClass kMesosSubscribe = {"subscribe", "/api/v1$", "/api/v1 SUBSCRIBE", false,
                                       kStreamNotApplicable, true};
const EndpointClass kMesosSlaves = {"polled_slaves", "/master/slaves$", "/master/slaves", false, kPerPath};

struct Cell {
  std::string source;  // "flink" or "mesos"
  std::string target;  // the flink_cluster / mesos_cluster name
  const EndpointClass* cls = nullptr;  // null: the whole target (refused)
  Fault fault;
};

std::string CellName(const std::string& prefix, const EndpointClass* cls, Fault f) {
  return prefix + "-" + (cls != nullptr ? cls->name : "any") + "-" + RowOf(f).name;
}

// ---- Scrapes -----------------------------------------------------------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
  std::string text;  // the value as written (NaN compares equal to itself here)
};

// Parses text format 0.0.4 as the exporter writes it (no timestamps).
std::vector<Sample> ParseScrape(const std::string& text) {
  std::vector<Sample> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    std::size_t i = line.find_first_of("{ ");
    s.name = line.substr(0, i);
    if (i != std::string::npos && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const std::size_t eq = line.find('=', i);
        const std::string key = line.substr(i, eq - i);
        std::string value;
        std::size_t j = eq + 2;  // past ="
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value += line[j];
        }
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;
    }
    s.text = line.substr(line.find_last_of(' ') + 1);
    s.value = std::stod(s.text);
    out.push_back(std::move(s));
  }
  return out;
}

bool Matches(const Sample& s, const std::string& name, const std::map<std::string, std::string>& labels) {
  if (s.name != name) return false;
  for (const auto& [k, v] : labels) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

std::optional<double> Value(const std::vector<Sample>& samples, const std::string& name,
                            const std::map<std::string, std::string>& labels) {
  for (const Sample& s : samples) {
    if (Matches(s, name, labels)) return s.value;
  }
  return std::nullopt;
}

// ---- Simulators --------------------------------------------------------------------------

// A simulator on loopback ports with frozen simulated time.
struct Sim {
  explicit Sim(sim::Scenario scenario, sim::ServerOptions options)
      : clock(kMatrixStart, 0.0),
        engine(std::move(scenario), [this] { return clock.Now(); }),
        server(engine, clock, std::move(options)) {}
  ~Sim() { server.Stop(); }

  ::testing::AssertionResult Start() {
    std::string error;
    if (!server.Start(&error)) return ::testing::AssertionFailure() << error;
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult AddFault(const std::string& target, const std::string& path,
                                      const FaultRow& row) {
    httplib::Client admin("127.0.0.1", server.mesos_port());
    const std::string body =
        R"({"target":")" + target + R"(","path":")" + path + R"(",)" + row.sim_fault +
        (row.ms > 0 ? R"(,"ms":)" + std::to_string(row.ms * kTimingScale) : std::string()) + "}";
    auto res = admin.Post("/admin/faults", body, "application/json");
    if (!res || res->status != 200) {
      return ::testing::AssertionFailure() << "cannot add fault " << body << ": "
                                           << (res ? res->body : httplib::to_string(res.error()));
    }
    return ::testing::AssertionSuccess();
  }

  std::vector<std::string> MasterUrls() const {
    const std::size_t n = engine.Read([](const sim::World& w) { return w.mesos.masters.size(); });
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < n; ++i) urls.push_back(server.MasterUrl(i));
    return urls;
  }

  sim::SimClock clock;
  sim::Engine engine;
  sim::SimServer server;
};

sim::Scenario FlinkScenario(const std::vector<std::string>& clusters) {
  sim::Scenario s;
  s.name = "fault-matrix-flink";
  s.seed = 11;
  s.start = kMatrixStart;
  s.masters = 1;
  s.agents = 0;
  for (const std::string& name : clusters) {
    sim::FlinkClusterSpec c;
    c.name = name;
    c.version = "1.13.6";
    c.on_mesos = false;
    c.taskmanagers = 1;
    c.slots = 2;
    sim::JobSpec j;
    j.name = "etl";
    j.vertices = 2;
    j.parallelism = 1;
    c.jobs = {j};
    s.flink.push_back(c);
  }
  return s;
}

sim::Scenario MesosScenario() {
  sim::Scenario s;
  s.name = "fault-matrix-mesos";
  s.seed = 13;
  s.start = kMatrixStart;
  s.masters = 3;
  s.agents = 2;
  return s;
}

// A loopback port nothing listens on: bound, then released.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

PollSettings Quick() {
  PollSettings p;
  p.interval = milliseconds(2000 * kTimingScale);
  p.timeout = milliseconds(1000 * kTimingScale);
  p.jitter = 0;
  p.backoff_max = p.interval;  // no backoff: every interval polls, faulted or not
  return p;
}

// ---- The test ----------------------------------------------------------------------------

class FaultMatrixTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (app_) app_->Stop();
  }

  std::string Get(const std::string& path) {
    httplib::Client client("127.0.0.1", app_->port());
    client.set_read_timeout(10, 0);  // far above anything the exporter may take
    auto res = client.Get(path);
    if (!res || res->status != 200) {
      ++failed_requests_;
      return {};
    }
    return res->body;
  }

  // One scrape, and a health check with it: both must answer at any moment. Paced: the loops
  // that scrape wait for polls, which take seconds.
  std::vector<Sample> Scrape() {
    std::this_thread::sleep_for(milliseconds(100));
    if (Get("/-/healthy").empty()) ADD_FAILURE() << "/-/healthy did not answer 200";
    last_ = Get("/metrics");
    return ParseScrape(last_);
  }

  std::map<std::string, std::string> ControlSeries(const std::vector<Sample>& samples) {
    std::map<std::string, std::string> out;
    for (const Sample& s : samples) {
      if (s.name.rfind("flink_mesos_exporter_", 0) == 0) continue;
      const auto f = s.labels.find("flink_cluster");
      const auto m = s.labels.find("mesos_cluster");
      const bool control = (f != s.labels.end() && f->second.rfind("control-", 0) == 0) ||
                           (m != s.labels.end() && m->second.rfind("mesos-control-", 0) == 0);
      if (!control) continue;
      std::string key = s.name + "{";
      for (const auto& [k, v] : s.labels) key += k + "=\"" + v + "\",";
      out[key + "}"] = s.text;
    }
    return out;
  }

  // Polls of a target so far: each asks for /overview (Flink) or each master's
  // /metrics/snapshot (Mesos) once.
  double Polls(const std::vector<Sample>& samples, const std::string& source, const std::string& target,
               int masters) {
    const std::string endpoint = source == "flink" ? "/overview" : "/metrics/snapshot";
    return Value(samples, "flink_mesos_exporter_upstream_requests_total",
                 {{"source", source}, {"target", target}, {"endpoint", endpoint}, {"code", "200"}})
               .value_or(0) /
           masters;
  }

  // Whether the cell shows its fault as it must (kind counted, up or down); `why` says what is
  // missing.
  bool CellHolds(const std::vector<Sample>& samples, const Cell& c, std::string* why) {
    const FaultRow& row = RowOf(c.fault);
    const bool fatal = c.cls == nullptr || c.cls->fatal;
    const auto up = Value(samples, c.source + "_up", {{c.source + "_cluster", c.target}});
    if (!up || *up != (fatal ? 0 : 1)) {
      *why = "up is " + (up ? std::to_string(*up) : std::string("absent"));
      return false;
    }
    const std::map<std::string, std::string> target = {{"source", c.source}, {"target", c.target}};
    if (fatal) {
      auto labels = target;
      labels["kind"] = row.kind;
      if (Value(samples, "flink_mesos_exporter_poll_errors_total", labels).value_or(0) < 1) {
        *why = std::string("no poll error of kind ") + row.kind;
        return false;
      }
      return true;
    }
    auto labels = target;
    labels["endpoint"] = c.cls->endpoint;
    labels["kind"] = row.kind;
    if (Value(samples, "flink_mesos_exporter_endpoint_errors_total", labels).value_or(0) < 1) {
      *why = std::string("no endpoint error of kind ") + row.kind + " for " + c.cls->endpoint;
      return false;
    }
    return true;
  }

  // Declared before the App, which uses them until it stops.
  SimServerClock clock_{WallTime(milliseconds(kMatrixStart))};  // frozen, like the simulators
  std::unique_ptr<Sim> flink_sim_;
  std::vector<std::unique_ptr<Sim>> mesos_sims_;
  std::unique_ptr<App> app_;
  std::string last_;
  int failed_requests_ = 0;
};

TEST_F(FaultMatrixTest, OnlyTheFaultedTargetSuffersAndItsFailureIsCountedByKind) {
  const int closed = ClosedPort();
  ASSERT_GT(closed, 0);
  std::vector<Cell> cells;

  // Flink: one cluster per (class, fault), three controls, one target at a closed port.
  std::vector<std::string> flink_names = {"control-1", "control-2", "control-3"};
  for (const EndpointClass& cls : FlinkClasses()) {
    for (const FaultRow& row : kFaults) {
      if (cls.not_applicable.count(row.fault) > 0) continue;
      cells.push_back({"flink", CellName("f", &cls, row.fault), &cls, row.fault});
      flink_names.push_back(cells.back().target);
    }
  }
  sim::ServerOptions flink_options;
  flink_options.mesos_threads = 4;  // the admin API only
  flink_sim_ = std::make_unique<Sim>(FlinkScenario(flink_names), flink_options);
  Sim& flink_sim = *flink_sim_;
  ASSERT_TRUE(flink_sim.Start());

  Config config;
  config.poll = Quick();
  config.http.connect_timeout = milliseconds(1000 * kTimingScale);
  config.http.max_response_bytes = 256 * 1024;
  for (std::size_t i = 0; i < flink_names.size(); ++i) {
    FlinkClusterConfig f;
    f.name = flink_names[i];
    f.rest_url = flink_sim.server.FlinkUrl(i);
    f.poll = Quick();
    f.collect.subtask_metrics = true;  // the backpressure class
    config.flink_clusters.push_back(f);
  }
  {
    cells.push_back({"flink", CellName("f", nullptr, Fault::kRefused), nullptr, Fault::kRefused});
    FlinkClusterConfig f;
    f.name = cells.back().target;
    f.rest_url = "http://127.0.0.1:" + std::to_string(closed);
    f.poll = Quick();
    config.flink_clusters.push_back(f);
  }

  // Mesos. /metrics/snapshot: each master of a simulator is a target of its own (state off), so
  // that a fault on one master touches one target; two masters stay untouched as controls.
  sim::ServerOptions mesos_options;
  mesos_options.mesos_threads = 8;
  auto new_mesos_sim = [&]() -> Sim& {
    mesos_sims_.push_back(std::make_unique<Sim>(MesosScenario(), mesos_options));
    EXPECT_TRUE(mesos_sims_.back()->Start());
    return *mesos_sims_.back();
  };
  struct Pending {
    Sim* sim;
    std::string target, path;
    const FaultRow* row;
  };
  std::vector<Pending> before_start, after_baseline;

  std::vector<Fault> snapshot_faults;
  for (const FaultRow& row : kFaults) {
    if (kMesosSnapshot.not_applicable.count(row.fault) == 0) snapshot_faults.push_back(row.fault);
  }
  for (std::size_t next = 0; next < snapshot_faults.size() + 2;) {
    Sim& s = new_mesos_sim();
    const auto urls = s.MasterUrls();
    for (std::size_t m = 0; m < urls.size(); ++m, ++next) {
      MesosClusterConfig mc;
      mc.masters = {urls[m]};
      mc.poll = Quick();
      mc.collect.state = MesosStateMode::kOff;
      if (next < snapshot_faults.size()) {
        const Fault f = snapshot_faults[next];
        cells.push_back({"mesos", CellName("m", &kMesosSnapshot, f), &kMesosSnapshot, f});
        mc.name = cells.back().target;
        after_baseline.push_back({&s, "m" + std::to_string(m + 1), kMesosSnapshot.path, &RowOf(f)});
      } else {
        mc.name = "mesos-control-snapshot-" + std::to_string(next);
      }
      config.mesos_clusters.push_back(mc);
    }
  }
  {
    cells.push_back({"mesos", CellName("m", nullptr, Fault::kRefused), nullptr, Fault::kRefused});
    MesosClusterConfig mc;
    mc.name = cells.back().target;
    mc.masters = {"http://127.0.0.1:" + std::to_string(closed)};
    mc.poll = Quick();
    mc.collect.state = MesosStateMode::kOff;
    config.mesos_clusters.push_back(mc);
  }
  // The event stream (events mode) and the polling mode's first call, /master/slaves: a whole
  // simulator per fault, shared by one cell of each (their paths differ), and one untouched.
  auto events_target = [&](const std::string& name, Sim& s) {
    MesosClusterConfig mc;
    mc.name = name;
    mc.masters = s.MasterUrls();
    mc.poll = Quick();
    mc.collect.state = MesosStateMode::kEvents;
    mc.collect.reconnect_backoff_max = milliseconds(200);
    mc.collect.state_poll_interval = std::chrono::hours(1);
    config.mesos_clusters.push_back(mc);
  };
  auto polling_target = [&](const std::string& name, Sim& s) {
    MesosClusterConfig mc;
    mc.name = name;
    mc.masters = s.MasterUrls();
    mc.poll = Quick();
    mc.collect.state = MesosStateMode::kPolling;
    mc.collect.state_poll_interval = milliseconds(1);  // every poll reads the state
    config.mesos_clusters.push_back(mc);
  };
  for (const FaultRow& row : kFaults) {
    const bool stream = kMesosSubscribe.not_applicable.count(row.fault) == 0;
    const bool polled = kMesosSlaves.not_applicable.count(row.fault) == 0;
    if (!stream && !polled) continue;
    Sim& s = new_mesos_sim();
    if (stream) {
      cells.push_back({"mesos", CellName("m", &kMesosSubscribe, row.fault), &kMesosSubscribe, row.fault});
      events_target(cells.back().target, s);
      before_start.push_back({&s, "masters", kMesosSubscribe.path, &row});
    }
    if (polled) {
      cells.push_back({"mesos", CellName("m", &kMesosSlaves, row.fault), &kMesosSlaves, row.fault});
      polling_target(cells.back().target, s);
      after_baseline.push_back({&s, "masters", kMesosSlaves.path, &row});
    }
  }
  {
    Sim& s = new_mesos_sim();
    events_target("mesos-control-events", s);
    polling_target("mesos-control-polling", s);
  }

  // Flink faults: before the start for the classes asked for only on a first poll.
  for (const Cell& c : cells) {
    if (c.source != "flink" || c.cls == nullptr) continue;
    (c.cls->before_start ? before_start : after_baseline)
        .push_back({&flink_sim, "flink:" + c.target, c.cls->path, &RowOf(c.fault)});
  }
  for (const Pending& p : before_start) ASSERT_TRUE(p.sim->AddFault(p.target, p.path, *p.row));

  WebServerOptions web;
  web.host = "127.0.0.1";
  web.port = 0;
  app_ = std::make_unique<App>(config, web, clock_);
  const Status started = app_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();

  // Baseline: every control polled twice, cleanly.
  struct Control {
    std::string source, name;
    int masters = 1;
  };
  std::vector<Control> controls;
  for (const char* n : {"control-1", "control-2", "control-3"}) controls.push_back({"flink", n});
  for (const MesosClusterConfig& m : config.mesos_clusters) {
    if (m.name.rfind("mesos-control-", 0) == 0) {
      controls.push_back({"mesos", m.name, static_cast<int>(m.masters.size())});
    }
  }
  std::vector<Sample> samples;
  ASSERT_TRUE(Eventually([&] {
    samples = Scrape();
    for (const Control& c : controls) {
      if (Value(samples, c.source + "_up", {{c.source + "_cluster", c.name}}).value_or(0) != 1) return false;
      if (Polls(samples, c.source, c.name, c.masters) < 2) return false;
    }
    return true;
  }, milliseconds(60000 * kTimingScale))) << last_;
  const std::map<std::string, std::string> before = ControlSeries(samples);
  for (const Control& c : controls) {
    // Enough of each control's series to notice a disturbance: a cluster's job, vertices,
    // TaskManager and JVMs; a Mesos cluster's masters (and agents, with state).
    const std::string label = c.source + "_cluster=\"" + c.name + "\"";
    const auto n = std::count_if(before.begin(), before.end(),
                                 [&](const auto& kv) { return kv.first.find(label) != std::string::npos; });
    EXPECT_GE(n, c.source == "flink" ? 10 : 3) << c.name;
  }
  std::map<std::string, double> polls_at_baseline;
  for (const Control& c : controls) polls_at_baseline[c.name] = Polls(samples, c.source, c.name, c.masters);

  for (const Pending& p : after_baseline) ASSERT_TRUE(p.sim->AddFault(p.target, p.path, *p.row));

  // Every cell shows its fault, and every control has polled twice more since.
  std::string missing;
  const bool all_hold = Eventually([&] {
    samples = Scrape();
    for (const Cell& c : cells) {
      std::string why;
      if (!CellHolds(samples, c, &why)) {
        missing = c.target + ": " + why;
        return false;
      }
    }
    for (const Control& c : controls) {
      if (Polls(samples, c.source, c.name, c.masters) < polls_at_baseline[c.name] + 2) {
        missing = c.name + " has not polled twice since the faults";
        return false;
      }
    }
    return true;
  }, milliseconds(90000 * kTimingScale));
  EXPECT_TRUE(all_hold) << missing;
  EXPECT_EQ(failed_requests_, 0) << "the exporter stopped answering during the faults";

  // The verdict per cell, all from the same final scrape.
  for (const Cell& c : cells) {
    SCOPED_TRACE(c.target);
    std::string why;
    EXPECT_TRUE(CellHolds(samples, c, &why)) << why;
    const FaultRow& row = RowOf(c.fault);
    const bool fatal = c.cls == nullptr || c.cls->fatal;
    const bool slow = c.fault == Fault::kHang || c.fault == Fault::kSlowDrip;
    for (const Sample& s : samples) {
      if (s.value == 0 || s.labels.count("target") == 0 || s.labels.at("target") != c.target) continue;
      if (s.name == "flink_mesos_exporter_poll_errors_total") {
        // Counted under one kind only; a target that must stay up never failed a poll.
        EXPECT_TRUE(fatal && s.labels.at("kind") == row.kind) << s.labels.at("kind");
      } else if (s.name == "flink_mesos_exporter_endpoint_errors_total") {
        // Only the faulted class, except that a slow call may leave later calls of the same
        // poll without time (kind timeout).
        const bool own = c.cls != nullptr && s.labels.at("endpoint") == c.cls->endpoint &&
                         s.labels.at("kind") == row.kind;
        EXPECT_TRUE(own || (slow && s.labels.at("kind") == "timeout"))
            << s.labels.at("endpoint") << " " << s.labels.at("kind");
      }
    }
  }

  // The controls: up, never an error, and every series exactly as before the faults.
  for (const Control& c : controls) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Value(samples, c.source + "_up", {{c.source + "_cluster", c.name}}), std::optional<double>(1));
    for (const Sample& s : samples) {
      if ((s.name == "flink_mesos_exporter_poll_errors_total" ||
           s.name == "flink_mesos_exporter_endpoint_errors_total") &&
          s.labels.count("target") > 0 && s.labels.at("target") == c.name) {
        EXPECT_EQ(s.value, 0) << s.labels.at("kind");
      }
    }
  }
  const std::map<std::string, std::string> after = ControlSeries(samples);
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [key, value] : before) {
    const auto it = after.find(key);
    if (it == after.end()) {
      ADD_FAILURE() << "control series gone: " << key;
    } else {
      EXPECT_EQ(it->second, value) << key;
    }
  }
  for (const auto& [key, value] : after) {
    if (before.count(key) == 0) ADD_FAILURE() << "control series new: " << key;
  }
}

}  // namespace
}  // namespace fme::testing
