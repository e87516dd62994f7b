// fme_bench_parse: the cost of turning upstream response bodies into what the exporter keeps,
// against a bare nlohmann::json::parse of the same bytes.
//
//   BM_Bare/<payload>   nlohmann::json::parse of the body into a DOM: the baseline
//   BM_Ours/<payload>   the exporter's whole path from the same bytes to its model: the parser
//                       (and, where the exporter does it, the normalising step after it, e.g.
//                       MesosStateModel::Reset for SUBSCRIBED)
//
// The bodies are written by the simulator (fme_sim) from the world of a scenario, by the same
// code that answers the simulator's HTTP API: by default config/scenarios/scale.yml (100 Flink
// clusters, 5,000 agents, 100,000 tasks; its SUBSCRIBED event is tens of MB), plus one
// standalone Flink cluster with a job of kWideVertices vertices. FME_BENCH_SCENARIO names
// another scenario file (the smoke test uses a small one).
//
// Before anything is timed, every payload's result is checked against the world that produced
// it (jobs, vertices, subtasks, TaskManagers, agents, frameworks, tasks); the program aborts with
// a message if one does not match. After the runs a summary prints the median CPU time per body
// and the ratio ours / bare per payload (target: at most 1.3x).

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// The exporter's parsers and model.
#include "flink/flink_checkpoints_parser.h"
#include "flink/flink_jobs_parser.h"
#include "flink/flink_metrics_parser.h"
#include "flink/flink_taskmanagers_parser.h"
#include "flink/flink_vertex_metrics.h"
#include "mesos/mesos_state_model.h"
#include "mesos/mesos_v0_parser.h"
#include "mesos/mesos_v1_parser.h"
#include "mesos/metrics_snapshot_parser.h"
// The simulator, which writes the bodies.
#include "flink/flink_api.h"
#include "mesos/mesos_api.h"
#include "mesos/v1_json.h"
#include "scenario/scenario_loader.h"
#include "world/engine.h"
// The summary of medians and ratios.
#include "run_times_reporter.h"

namespace fme::bench {
namespace {

constexpr const char* kWideCluster = "bench-wide";
constexpr int kWideVertices = 100;
constexpr int kWideParallelism = 8;
// Simulated time run before the bodies are taken, so that checkpoints have completed.
constexpr sim::Millis kWarmUpMs = 65'000;
constexpr sim::Millis kFixedStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// One response body and the exporter's path for it. `ours` returns a count taken from its
// result (tasks, vertices, ...) which must equal `expected`, computed from the world.
struct Payload {
  std::string name;      // benchmark argument, e.g. "mesos_subscribed"
  std::string endpoint;  // what the exporter requests
  std::string body;
  std::function<std::size_t(std::string_view)> ours;
  std::size_t expected = 0;
  std::string counted;  // what the count counts
  // Further checks of the result after a run of `ours` (not timed, may be empty); returns ""
  // when they all hold.
  std::function<std::string()> verify;
};

std::vector<Payload>* g_payloads = nullptr;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "fme_bench_parse: setup check failed: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(what + ": " + r.status().ToString());
  return std::move(r).value();
}

std::string Body(const sim::ApiResponse& r, const std::string& what) {
  if (r.status != 200) Fail(what + " answered " + std::to_string(r.status) + ": " + r.body);
  return r.body;
}

// "%41" -> "A": the simulator's query parameters arrive decoded.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

sim::QueryParams DecodeQuery(std::string_view query) {
  sim::QueryParams params;
  if (query.starts_with('?')) query.remove_prefix(1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    params.emplace(PercentDecode(pair.substr(0, eq)),
                   eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return params;
}

sim::Scenario LoadScenario() {
  const char* env = std::getenv("FME_BENCH_SCENARIO");
  const std::string path = env != nullptr && *env != '\0' ? env : FME_BENCH_DEFAULT_SCENARIO;
  sim::ScenarioLoadResult loaded = sim::LoadScenarioFile(path);
  if (!loaded.ok()) Fail("scenario " + path + ": " + loaded.error);
  sim::Scenario scenario = std::move(*loaded.scenario);
  scenario.start = kFixedStart;  // the same bytes on every run
  scenario.incidents.clear();
  scenario.faults.clear();

  sim::FlinkClusterSpec wide;
  wide.name = kWideCluster;
  wide.on_mesos = false;  // leaves the Mesos world as the scenario describes it
  sim::JobSpec job;
  job.name = "wide-pipeline";
  job.vertices = kWideVertices;
  job.parallelism = kWideParallelism;
  job.checkpoint_interval = 10'000;
  wide.jobs.push_back(job);
  scenario.flink.push_back(wide);
  return scenario;
}

std::size_t SubtaskSum(const FlinkJob& job) {
  std::size_t n = 0;
  for (const FlinkVertex& v : job.vertices) {
    for (int64_t c : v.subtasks_by_state) n += static_cast<std::size_t>(c);
  }
  return n;
}

const sim::Job& FirstRunningJob(const sim::FlinkCluster& cluster) {
  for (const sim::Job& j : cluster.jobs) {
    if (j.state == sim::JobStatus::kRunning && j.checkpoints.completed > 0) return j;
  }
  Fail("cluster " + cluster.name + " has no running job with a completed checkpoint");
}

void AddFlinkPayloads(const sim::World& world, std::vector<Payload>& out) {
  const sim::FlinkCluster& cluster = world.flink.front();
  const auto wide_it = std::find_if(world.flink.begin(), world.flink.end(),
                                    [](const sim::FlinkCluster& c) { return c.name == kWideCluster; });
  if (wide_it == world.flink.end()) Fail("the world has no cluster " + std::string(kWideCluster));
  const sim::FlinkCluster& wide = *wide_it;
  auto get = [&](const sim::FlinkCluster& c, const std::string& path,
                 const sim::QueryParams& query = {}) {
    return Body(sim::HandleFlinkRequest(world, c, "GET", path, query), c.name + " " + path);
  };

  out.push_back({"flink_jobs_overview", "/jobs/overview", get(cluster, "/jobs/overview"),
                 [](std::string_view b) { return Must(ParseFlinkJobsOverview(b), "jobs").size(); },
                 cluster.jobs.size(), "jobs", {}});

  for (const sim::FlinkCluster* c : {&cluster, &wide}) {
    const sim::Job& job = FirstRunningJob(*c);
    std::size_t subtasks = 0;
    for (const sim::Vertex& v : job.vertices) subtasks += v.subtasks.size();
    out.push_back({c == &wide ? "flink_job_details_wide" : "flink_job_details",
                   "/jobs/:jid (" + std::to_string(job.vertices.size()) + " vertices)",
                   get(*c, "/jobs/" + job.id),
                   [](std::string_view b) { return SubtaskSum(Must(ParseFlinkJobDetails(b), "job")); },
                   subtasks, "subtasks", {}});
  }

  const sim::Job& job = FirstRunningJob(cluster);
  out.push_back({"flink_checkpoints", "/jobs/:jid/checkpoints",
                 get(cluster, "/jobs/" + job.id + "/checkpoints"),
                 [](std::string_view b) {
                   const FlinkCheckpointStats s = Must(ParseFlinkCheckpointStats(b), "checkpoints");
                   if (!s.last_completed_timestamp) Fail("checkpoints without the latest one");
                   return static_cast<std::size_t>(s.completed);
                 },
                 static_cast<std::size_t>(job.checkpoints.completed), "completed checkpoints", {}});

  // What the exporter asks for per vertex, answered for the busiest vertex (a middle one).
  const sim::Vertex& vertex = job.vertices[job.vertices.size() / 2];
  const std::string path = "/jobs/" + job.id + "/vertices/" + vertex.id + "/subtasks/metrics";
  std::string metrics_body = get(cluster, path, DecodeQuery(VertexMetricsQuery()));
  const nlohmann::json metrics = nlohmann::json::parse(metrics_body);
  out.push_back({"flink_vertex_metrics", "/jobs/:jid/vertices/:vid/subtasks/metrics?agg=...",
                 std::move(metrics_body),
                 [](std::string_view b) {
                   const FlinkAggregates a = Must(ParseFlinkAggregatedMetrics(b), "vertex metrics");
                   FlinkVertex v;
                   ApplyVertexAggregates(a, v);
                   if (!v.records_in || !v.busy_ratio.max) Fail("vertex metrics without load figures");
                   return a.size();
                 },
                 metrics.size(), "metrics", {}});

  out.push_back({"flink_taskmanagers", "/taskmanagers", get(cluster, "/taskmanagers"),
                 [](std::string_view b) { return Must(ParseFlinkTaskManagers(b), "tms").size(); },
                 cluster.taskmanagers.size(), "TaskManagers", {}});
}

std::size_t ActiveFrameworks(const sim::World& world) {
  return static_cast<std::size_t>(std::count_if(
      world.mesos.frameworks.begin(), world.mesos.frameworks.end(),
      [](const sim::Framework& f) { return !f.completed; }));
}

// What the model stores of a full state: live tasks, and completed TaskManager tasks of
// registered frameworks (for the join with Flink).
std::size_t ExpectedStoredTasks(const sim::World& world) {
  std::size_t n = world.mesos.tasks.size();
  for (const sim::Task& t : world.mesos.completed_tasks) {
    if (IsTaskManagerTaskId(t.id)) ++n;
  }
  return n;
}

// The agents and registered frameworks a model holds, against the world's.
std::function<std::string()> VerifyModel(std::shared_ptr<const MesosStateModel> model,
                                         const sim::World& world) {
  return [model, agents = world.mesos.agents.size(), frameworks = ActiveFrameworks(world)] {
    MesosObservation obs;
    model->Fill(obs);
    if (obs.agents.size() == agents && obs.frameworks.size() == frameworks) return std::string();
    return "model holds " + std::to_string(obs.agents.size()) + " agents and " +
           std::to_string(obs.frameworks.size()) + " frameworks, the world " +
           std::to_string(agents) + " and " + std::to_string(frameworks);
  };
}

void AddMesosPayloads(const sim::World& world, std::vector<Payload>& out) {
  const auto leader = static_cast<std::size_t>(world.mesos.leader);
  const std::size_t stored = ExpectedStoredTasks(world);

  // The event stream's first record, as MesosEventStream handles it: parse, then Reset. The
  // model is kept between runs, so each Reset replaces a full state, as a resubscribe does.
  auto subscribed_model = std::make_shared<MesosStateModel>();
  out.push_back({"mesos_subscribed", "SUBSCRIBE: the SUBSCRIBED event", sim::SubscribedEventJson(world),
                 [subscribed_model](std::string_view b) {
                   MesosEvent e = Must(ParseMesosEvent(b), "SUBSCRIBED");
                   if (!e.state) Fail("SUBSCRIBED without a state");
                   subscribed_model->Reset(std::move(*e.state));
                   return subscribed_model->stored_tasks();
                 },
                 stored, "stored tasks", VerifyModel(subscribed_model, world)});

  auto state_model = std::make_shared<MesosStateModel>();
  const std::string get_state = Body(
      sim::HandleMesosMasterRequest(world, leader, "POST", "/api/v1", {}, R"({"type":"GET_STATE"})",
                                    "application/json"),
      "GET_STATE");
  out.push_back({"mesos_get_state", "POST /api/v1 GET_STATE", get_state,
                 [state_model](std::string_view b) {
                   state_model->Reset(Must(ParseMesosGetState(b), "GET_STATE"));
                   return state_model->stored_tasks();
                 },
                 stored, "stored tasks", VerifyModel(state_model, world)});

  auto master = [&](const std::string& path, const sim::QueryParams& query = {}) {
    return Body(sim::HandleMesosMasterRequest(world, leader, "GET", path, query, "", ""), path);
  };
  out.push_back({"mesos_metrics_snapshot", "/metrics/snapshot", master("/metrics/snapshot"),
                 [](std::string_view b) {
                   const MasterMetrics m = Must(ParseMasterMetricsSnapshot(b), "snapshot");
                   return static_cast<std::size_t>(m.cluster.agents_active.value_or(0) +
                                                   m.cluster.agents_inactive.value_or(0) +
                                                   m.cluster.agents_unreachable.value_or(0));
                 },
                 world.mesos.agents.size(), "agents counted by the master", {}});

  out.push_back({"mesos_v0_slaves", "/master/slaves", master("/master/slaves"),
                 [](std::string_view b) { return Must(ParseMasterSlaves(b), "slaves").size(); },
                 world.mesos.agents.size(), "agents", {}});

  // One page of the largest framework's tasks, as the polling mode asks for them.
  // /master/tasks lists a framework's live and completed tasks.
  std::map<std::string, std::size_t> per_framework;
  for (const sim::Task& t : world.mesos.tasks) ++per_framework[t.framework_id];
  for (const sim::Task& t : world.mesos.completed_tasks) ++per_framework[t.framework_id];
  const auto largest = std::max_element(per_framework.begin(), per_framework.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
  if (largest == per_framework.end()) Fail("the scenario has no Mesos tasks");
  const std::size_t page = 1000;  // the default collect.task_page_size
  out.push_back({"mesos_v0_tasks_page", "/master/tasks?framework_id=..&limit=1000",
                 master("/master/tasks", {{"framework_id", largest->first},
                                          {"order", "asc"},
                                          {"limit", std::to_string(page)},
                                          {"offset", "0"}}),
                 [](std::string_view b) { return Must(ParseMasterTasks(b), "tasks").size(); },
                 std::min(page, largest->second), "tasks", {}});
}

std::vector<Payload> BuildPayloads() {
  sim::Scenario scenario = LoadScenario();
  const std::string name = scenario.name;
  sim::Engine engine(std::move(scenario), [] { return kFixedStart; });
  engine.AdvanceTo(kFixedStart + kWarmUpMs);

  std::vector<Payload> payloads;
  engine.Read([&](const sim::World& world) {
    if (world.flink.size() < 2 || world.mesos.leader < 0) {
      Fail("the scenario needs a Flink cluster and an elected Mesos master");
    }
    const sim::WorldSizes sizes = sim::Measure(world);
    std::fprintf(stderr,
                 "scenario %s: %zu Flink clusters (with bench-wide), %zu jobs, %zu vertices; "
                 "%zu agents, %zu frameworks, %zu tasks, %zu completed tasks\n",
                 name.c_str(), sizes.flink_clusters, sizes.jobs, sizes.vertices, sizes.agents,
                 sizes.frameworks, sizes.tasks, sizes.completed_tasks);
    AddFlinkPayloads(world, payloads);
    AddMesosPayloads(world, payloads);
  });

  for (Payload& p : payloads) {
    const nlohmann::json doc = nlohmann::json::parse(p.body, nullptr, false);
    if (doc.is_discarded()) Fail(p.name + ": the body is not JSON");
    // Twice: the second run sees the state the first left (a resubscribe), as every timed one.
    for (int run = 0; run < 2; ++run) {
      const std::size_t got = p.ours(p.body);
      if (got != p.expected) {
        Fail(p.name + ": expected " + std::to_string(p.expected) + " " + p.counted + ", got " +
             std::to_string(got));
      }
      if (std::string problem = p.verify ? p.verify() : ""; !problem.empty()) {
        Fail(p.name + ": " + problem);
      }
    }
    std::fprintf(stderr, "  %-24s %10zu bytes  %s; checked: %zu %s\n", p.name.c_str(),
                 p.body.size(), p.endpoint.c_str(), p.expected, p.counted.c_str());
  }
  return payloads;
}

void SetThroughput(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void BareParse(benchmark::State& state, const Payload* p) {
  for (auto _ : state) {
    nlohmann::json doc = nlohmann::json::parse(p->body, nullptr, /*allow_exceptions=*/false);
    benchmark::DoNotOptimize(doc);
    benchmark::ClobberMemory();
  }
  SetThroughput(state, p->body.size());
}

void OursParse(benchmark::State& state, const Payload* p) {
  for (auto _ : state) {
    std::size_t n = p->ours(p->body);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  SetThroughput(state, p->body.size());
}

// The console reporter, plus a per-payload summary of ours / bare once all runs are done.
// CPU time, not wall time: the parse is single-threaded and its CPU time is its cost.
class SummaryReporter : public RunTimesReporter {
 public:
  SummaryReporter() : RunTimesReporter(Time::kCpu, DefaultOutputOptions()) {}

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::ostream& out = GetOutputStream();
    Print(out, "\nSummary: CPU time per body, median (min-max) over the runs; ratio ours / bare "
               "at the medians (worst-best pairing); target <= 1.3x\n");
    Print(out, "  %-24s %11s %26s %26s %22s\n", "payload", "bytes", "bare json::parse",
          "ours (parse + model)", "ours / bare");
    for (const Payload& p : *g_payloads) {
      const auto bare = Stats("BM_Bare/" + p.name);
      const auto ours = Stats("BM_Ours/" + p.name);
      if (!bare || !ours) continue;
      const double ratio = ours->median / bare->median;
      Print(out, "  %-24s %11zu %26s %26s %6.2fx (%.2f-%.2f) %s\n", p.name.c_str(), p.body.size(),
            Format(*bare).c_str(), Format(*ours).c_str(), ratio, ours->min / bare->max,
            ours->max / bare->min, ratio <= 1.3 ? "met" : "MISSED");
    }
    out.flush();
  }

 private:
  // Microseconds below 10 ms, milliseconds above.
  static std::string Format(const Summary& s) {
    char buf[64];
    if (s.median < 1e-2) {
      std::snprintf(buf, sizeof buf, "%.1f us (%.1f-%.1f)", s.median * 1e6, s.min * 1e6, s.max * 1e6);
    } else {
      std::snprintf(buf, sizeof buf, "%.1f ms (%.1f-%.1f)", s.median * 1e3, s.min * 1e3, s.max * 1e3);
    }
    return buf;
  }
};

}  // namespace
}  // namespace fme::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  static std::vector<fme::bench::Payload> payloads = fme::bench::BuildPayloads();
  fme::bench::g_payloads = &payloads;
  for (const fme::bench::Payload& p : payloads) {
    // Large bodies take long per iteration: report them in milliseconds.
    const auto unit = p.body.size() > (1u << 20) ? benchmark::kMillisecond : benchmark::kMicrosecond;
    benchmark::RegisterBenchmark(("BM_Bare/" + p.name).c_str(), fme::bench::BareParse, &p)->Unit(unit);
    benchmark::RegisterBenchmark(("BM_Ours/" + p.name).c_str(), fme::bench::OursParse, &p)->Unit(unit);
  }
  fme::bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
