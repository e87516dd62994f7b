// flink-mesos-sim: serves simulated Apache Mesos masters/agents and Apache Flink JobManagers
// driven by a scenario (docs/simulator.md).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <pthread.h>

#include "scenario/scenario_loader.h"
#include "server/sim_server.h"
#include "world/engine.h"

namespace {

void Usage(std::ostream& out) {
  out << "usage: flink-mesos-sim --scenario FILE [options]\n"
         "  --scenario FILE        scenario YAML (config/scenarios/healthy.yml, ...)\n"
         "  --listen-host HOST     address to bind (default 127.0.0.1)\n"
         "  --advertise-host HOST  host written into URLs (default: the listen host)\n"
         "  --mesos-port N         Mesos listener: masters at /m1../m3, agents at /agents/<id>,\n"
         "                         admin at /admin (default 5050; 0 = any free port)\n"
         "  --master-ports         also serve each master on its own port (mesos-port+1.., or any)\n"
         "  --flink-base-port N    first Flink JobManager port, one per cluster (default 8081;\n"
         "                         0 = any free port)\n"
         "  --ports-file FILE      write the chosen URLs as JSON\n"
         "  --speed X              simulated seconds per wall-clock second (default 1; 0 = frozen,\n"
         "                         use POST /admin/advance)\n"
         "  --seed N               override the scenario's seed\n"
         "  --start now|ISO|MS     override the scenario's start time\n"
         "  --repeat               play the scenario on repeat: one minute after its last incident\n"
         "                         or scheduled fault, the world is rebuilt and the timeline restarts\n";
}

bool ParseInt(const std::string& s, int* out) {
  try {
    std::size_t pos = 0;
    *out = std::stoi(s, &pos);
    return pos == s.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fme::sim;
  std::string scenario_path, seed, start;
  ServerOptions opts;
  opts.mesos_port = 5050;
  opts.flink_base_port = 8081;
  double speed = 1;
  bool repeat = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "flink-mesos-sim: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    bool ok = true;
    if (arg == "--scenario") scenario_path = value();
    else if (arg == "--listen-host") opts.listen_host = value();
    else if (arg == "--advertise-host") opts.advertise_host = value();
    else if (arg == "--mesos-port") ok = ParseInt(value(), &opts.mesos_port);
    else if (arg == "--master-ports") opts.master_ports = true;
    else if (arg == "--flink-base-port") ok = ParseInt(value(), &opts.flink_base_port);
    else if (arg == "--ports-file") opts.ports_file = value();
    else if (arg == "--speed") {
      try {
        speed = std::stod(value());
      } catch (const std::exception&) {
        ok = false;
      }
      ok = ok && speed >= 0;
    } else if (arg == "--seed") seed = value();
    else if (arg == "--start") start = value();
    else if (arg == "--repeat") repeat = true;
    else if (arg == "-h" || arg == "--help") {
      Usage(std::cout);
      return 0;
    } else {
      std::cerr << "flink-mesos-sim: unknown argument " << arg << "\n";
      Usage(std::cerr);
      return 2;
    }
    if (!ok) {
      std::cerr << "flink-mesos-sim: bad value for " << arg << "\n";
      return 2;
    }
  }
  if (scenario_path.empty()) {
    Usage(std::cerr);
    return 2;
  }

  auto loaded = LoadScenarioFile(scenario_path);
  if (!loaded.ok()) {
    std::cerr << "flink-mesos-sim: " << loaded.error << "\n";
    return 1;
  }
  Scenario scenario = std::move(*loaded.scenario);
  if (!seed.empty()) scenario.seed = std::stoull(seed);
  if (!start.empty()) {
    if (start == "now") {
      scenario.start.reset();
    } else if (auto t = ParseTimestamp(start)) {
      scenario.start = t;
    } else {
      std::cerr << "flink-mesos-sim: bad --start " << start << "\n";
      return 2;
    }
  }

  // Block SIGINT/SIGTERM in every thread; the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SimClock clock(scenario.start.value_or(SystemNowMillis()), speed);
  std::unique_ptr<Engine> engine;
  try {
    engine = std::make_unique<Engine>(scenario, [&clock] { return clock.Now(); });
  } catch (const std::exception& e) {
    std::cerr << "flink-mesos-sim: " << scenario_path << ": " << e.what() << "\n";
    return 1;
  }
  // The quiet minute after the script lets every effect show before the world starts over.
  const Millis repeat_every = repeat ? TimelineEnd(scenario) + 60'000 : 0;
  engine->RepeatEvery(repeat_every);
  const auto sizes = engine->Read([](const World& w) { return Measure(w); });
  std::printf("flink-mesos-sim: scenario %s (seed %llu): %zu Flink clusters (%zu on Mesos), %zu jobs, "
              "%zu vertices, %zu subtasks, %zu TaskManagers; Mesos: %zu masters, %zu agents, %zu frameworks, "
              "%zu tasks, %zu completed tasks\n",
              scenario.name.c_str(), static_cast<unsigned long long>(scenario.seed), sizes.flink_clusters,
              sizes.flink_on_mesos, sizes.jobs, sizes.vertices, sizes.subtasks, sizes.taskmanagers, sizes.masters,
              sizes.agents, sizes.frameworks, sizes.tasks, sizes.completed_tasks);

  SimServer server(*engine, clock, opts);
  std::string error;
  if (!server.Start(&error)) {
    std::cerr << "flink-mesos-sim: " << error << "\n";
    return 1;
  }
  std::printf("mesos:  %s (masters:", server.MesosUrl().c_str());
  const auto names = engine->Read([](const World& w) {
    std::vector<std::string> n;
    for (const auto& c : w.flink) {
      const std::string as = c.framework_name != c.name ? " as framework " + c.framework_name : "";
      n.push_back(c.name + (c.on_mesos ? " (on Mesos" + as + ", " : " (standalone, ") + c.version + ")");
    }
    return n;
  });
  for (std::size_t i = 0; i < sizes.masters; ++i) std::printf(" %s", server.MasterUrl(i).c_str());
  std::printf("; agents: %s/agents/<id>; admin: %s/admin)\n", server.MesosUrl().c_str(), server.MesosUrl().c_str());
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::printf("flink:  %s %s\n", server.FlinkUrl(i).c_str(), names[i].c_str());
  }
  if (repeat) std::printf("repeat: every %lld simulated seconds\n", static_cast<long long>(repeat_every / 1000));
  if (!opts.ports_file.empty()) std::printf("ports file: %s\n", opts.ports_file.c_str());
  for (const auto& w : engine->Warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("flink-mesos-sim: signal %d, shutting down\n", sig);
  std::fflush(stdout);
  server.Stop();
  return 0;
}
