// The scenario loader: the shipped scenarios load; mistakes are reported with their line.
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario_loader.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::sim {
namespace {

ScenarioLoadResult Parse(const std::string& yaml) { return ParseScenario(yaml, "test.yml"); }

void ExpectError(const std::string& yaml, int line, const std::string& fragment) {
  const auto r = Parse(yaml);
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(r.line, line) << r.error;
  EXPECT_NE(r.error.find("test.yml:" + std::to_string(line) + ": "), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(fragment), std::string::npos) << r.error;
}

TEST(ScenarioLoader, ShippedScenariosLoad) {
  for (const char* name : {"healthy", "incidents", "upgrade", "scale", "discovery"}) {
    const auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/" + name + ".yml");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.scenario->name, name);
    EXPECT_FALSE(r.scenario->start.has_value());  // shipped scenarios start "now"
  }
}

TEST(ScenarioLoader, HealthyContents) {
  const auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/healthy.yml");
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& s = *r.scenario;
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.masters, 3);
  ASSERT_EQ(s.flink.size(), 3u);
  EXPECT_EQ(s.flink[0].name, "Flink");
  EXPECT_EQ(s.flink[0].version, "1.13.6");
  EXPECT_EQ(s.flink[1].version, "1.9.3");
  EXPECT_EQ(s.flink[2].version, "1.18.1");
  EXPECT_FALSE(s.flink[2].on_mesos);
  EXPECT_EQ(s.flink[0].jobs[0].checkpoint_interval, 10'000);
  EXPECT_EQ(s.flink[0].jobs[0].checkpoint_duration, 1'500);
  EXPECT_FALSE(s.flink[2].jobs[1].checkpointing);
  EXPECT_TRUE(s.incidents.empty());
}

TEST(ScenarioLoader, IncidentsTimeline) {
  const auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/incidents.yml");
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& inc = r.scenario->incidents;
  ASSERT_GE(inc.size(), 14u);
  EXPECT_EQ(inc[0].type, "health_check");
  EXPECT_EQ(inc[0].at, 30'000);
  EXPECT_EQ(inc[0].until, 60'000);
  EXPECT_EQ(inc[1].type, "backpressure");
  EXPECT_EQ(inc[1].until, 240'000);
  EXPECT_DOUBLE_EQ(inc[1].ratio, 0.85);
  EXPECT_GT(inc[1].line, 0);
  ASSERT_EQ(r.scenario->faults.size(), 1u);
  EXPECT_EQ(r.scenario->faults[0].at, 570'000);
  EXPECT_EQ(r.scenario->faults[0].status, 503);
}

TEST(ScenarioLoader, DiscoveryContents) {
  const auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/discovery.yml");
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& f = r.scenario->flink;
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].name, "flink-a");
  EXPECT_EQ(f[0].framework_name, "Flink");
  EXPECT_EQ(f[1].name, "flink-b");
  EXPECT_EQ(f[1].framework_name, "Flink");
  EXPECT_EQ(f[2].name, "flink-late");
  EXPECT_EQ(f[2].start_at, 60'000);
  EXPECT_TRUE(f[2].framework_name.empty());
  EXPECT_EQ(f[0].start_at, 0);
  EXPECT_FALSE(f[5].on_mesos);
  const auto& inc = r.scenario->incidents;
  ASSERT_EQ(inc.size(), 3u);
  EXPECT_EQ(inc[0].type, "taskmanager_zombie");
  EXPECT_EQ(inc[0].at, 90'000);
  EXPECT_EQ(inc[0].until, 240'000);
  EXPECT_EQ(inc[0].taskmanager, "taskmanager-00002");
  EXPECT_EQ(inc[1].type, "task_leak");
  EXPECT_EQ(inc[1].count, 1);
  EXPECT_EQ(inc[1].until, 300'000);
  EXPECT_EQ(inc[2].type, "framework_teardown");
  EXPECT_EQ(inc[2].cluster, "flink-doomed");
  EXPECT_EQ(inc[2].until, -1);
}

TEST(ScenarioLoader, IncidentsTimelineHasAZombieAndALeak) {
  const auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/incidents.yml");
  ASSERT_TRUE(r.ok()) << r.error;
  int zombies = 0, leaks = 0;
  for (const auto& inc : r.scenario->incidents) {
    if (inc.type == "taskmanager_zombie") {
      ++zombies;
      EXPECT_EQ(inc.cluster, "Flink");
      EXPECT_EQ(inc.at, 150'000);
      EXPECT_EQ(inc.until, 210'000);
    }
    if (inc.type == "task_leak") {
      ++leaks;
      EXPECT_EQ(inc.cluster, "flink-legacy");
      EXPECT_EQ(inc.at, 165'000);
      EXPECT_EQ(inc.until, 225'000);
    }
  }
  EXPECT_EQ(zombies, 1);
  EXPECT_EQ(leaks, 1);
}

TEST(ScenarioLoader, FrameworkKeysOfClusters) {
  const auto ok = Parse(R"(mesos: {agents: 2}
flink:
  - {name: a, framework_name: Flink, start_at: 1m30s}
  - {name: b, framework_name: Flink}
)");
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.scenario->flink[0].framework_name, "Flink");
  EXPECT_EQ(ok.scenario->flink[0].start_at, 90'000);
  EXPECT_EQ(ok.scenario->flink[1].start_at, 0);

  ExpectError("mesos: {agents: 2}\nflink:\n  - {name: a, framework_nam: Flink}\n", 3,
              "unknown key 'framework_nam' in flink[]");
  ExpectError("mesos: {agents: 2}\nflink:\n  - {name: a, framework_name: \"\"}\n", 3,
              "'framework_name' must not be empty");
  ExpectError("mesos: {agents: 2}\nflink:\n  - {name: a, start_at: soon}\n", 3, "'start_at' must be a duration");
  ExpectError("mesos: {agents: 2}\nflink:\n  - name: a\n    on_mesos: false\n    start_at: 1m\n", 5,
              "'start_at' needs on_mesos: true");
  ExpectError("mesos: {agents: 2}\nflink:\n  - {name: a, framework_name: Flink, on_mesos: false}\n", 3,
              "'framework_name' needs on_mesos: true");
  // Framework names may repeat; cluster names may not (incidents and listeners name them).
  ExpectError("mesos: {agents: 2}\nflink:\n  - {name: a, framework_name: Flink}\n  - {name: a}\n", 4,
              "duplicate Flink cluster name 'a'");
}

TEST(ScenarioLoader, DiscoveryIncidentErrors) {
  const std::string base = "mesos: {agents: 2}\nflink:\n  - {name: a, jobs: [{name: j}]}\ntimeline:\n";
  const auto ok = Parse(base +
                        "  - {at: 1m, until: 2m, type: taskmanager_zombie, cluster: a, taskmanager: tm-2}\n"
                        "  - {at: 1m, type: task_leak, cluster: a, count: 3}\n"
                        "  - {at: 3m, type: framework_teardown, cluster: a}\n");
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.scenario->incidents[1].count, 3);
  EXPECT_EQ(Parse(base + "  - {at: 1m, type: task_leak, cluster: a}\n").scenario->incidents[0].count, 1);

  ExpectError(base + "  - {at: 1m, type: taskmanager_zombie, cluster: a, count: 2}\n", 5,
              "unknown key 'count' in timeline entry of type taskmanager_zombie (allowed: at, cluster, taskmanager, "
              "type, until)");
  ExpectError(base + "  - {at: 1m, type: task_leak, cluster: a, taskmanager: taskmanager-00001}\n", 5,
              "unknown key 'taskmanager' in timeline entry of type task_leak");
  ExpectError(base + "  - {at: 1m, type: task_leak, cluster: a, count: 0}\n", 5, "'count' = 0 out of range");
  ExpectError(base + "  - {at: 1m, type: task_leak, cluster: a, count: some}\n", 5, "'count' must be an integer");
  ExpectError(base + "  - {at: 1m, type: framework_teardown, cluster: a, job: j}\n", 5,
              "unknown key 'job' in timeline entry of type framework_teardown");
  ExpectError(base + "  - {at: 1m, until: 2m, type: framework_teardown, cluster: a}\n", 5,
              "'until' does not apply to framework_teardown");
  for (const char* type : {"taskmanager_zombie", "task_leak", "framework_teardown"}) {
    ExpectError(base + "  - {at: 1m, type: " + type + "}\n", 5, std::string(type) + " needs 'cluster'");
  }
  ExpectError(base + "  - {at: 2m, until: 1m, type: taskmanager_zombie, cluster: a}\n", 5,
              "'until' must be after 'at'");
}

TEST(ScenarioLoader, Durations) {
  EXPECT_EQ(ParseDuration("60s"), 60'000);
  EXPECT_EQ(ParseDuration("4m"), 240'000);
  EXPECT_EQ(ParseDuration("1h"), 3'600'000);
  EXPECT_EQ(ParseDuration("1m30s"), 90'000);
  EXPECT_EQ(ParseDuration("250ms"), 250);
  EXPECT_EQ(ParseDuration("1.5s"), 1'500);
  EXPECT_EQ(ParseDuration("90"), 90'000);
  EXPECT_FALSE(ParseDuration("4 minutes").has_value());
  EXPECT_FALSE(ParseDuration("").has_value());
  EXPECT_FALSE(ParseDuration("s").has_value());
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:00Z"), 1714564800000);
  EXPECT_EQ(ParseTimestamp("1714564800000"), 1714564800000);
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
}

TEST(ScenarioLoader, UnknownTopLevelKey) {
  ExpectError("seed: 1\nstart: now\nflinks: []\n", 3, "unknown key 'flinks'");
}

TEST(ScenarioLoader, UnknownNestedKeys) {
  ExpectError(R"(seed: 1
mesos:
  agents: 3
  agent_resource: {cpus: 2}
)",
              4, "unknown key 'agent_resource' in mesos");
  ExpectError(R"(mesos: {agents: 2}
flink:
  - name: a
    version: 1.13.6
    jobs:
      - name: j
        paralelism: 4
)",
              7, "unknown key 'paralelism'");
  ExpectError(R"(mesos:
  agents: 2
  frameworks:
    - {name: marathon, tasks: 3, taks: 4}
)",
              4, "unknown key 'taks'");
}

TEST(ScenarioLoader, BadValues) {
  ExpectError("seed: many\n", 1, "'seed' must be an integer");
  ExpectError("mesos:\n  masters: 0\n", 2, "out of range");
  ExpectError("step: fast\n", 1, "'step' must be a duration");
  ExpectError("start: tomorrow\n", 1, "'start' must be now");
  ExpectError("flink:\n  - {name: a, version: latest}\nmesos: {agents: 1}\n", 2, "'version' must look like");
  ExpectError("flink:\n  - {name: a, on_mesos: maybe}\n", 2, "must be true or false");
  ExpectError("flink: {name: a}\n", 1, "'flink' must be a list");
}

TEST(ScenarioLoader, TimelineErrors) {
  const std::string base = "mesos: {agents: 2}\nflink:\n  - {name: a, jobs: [{name: j}]}\ntimeline:\n";
  ExpectError(base + "  - {at: 10s, type: meteor_strike}\n", 5, "unknown incident type 'meteor_strike'");
  ExpectError(base + "  - {at: 10s, type: backpressure, cluster: a, job: j, ratio: 0.5, agent: x}\n", 5,
              "unknown key 'agent' in timeline entry of type backpressure");
  ExpectError(base + "  - {type: agent_lost, agent: \"0\"}\n", 5, "without 'at'");
  ExpectError(base + "  - at: 10s\n    until: 5s\n    type: checkpoint_stall\n    cluster: a\n    job: j\n", 6,
              "'until' must be after 'at'");
  ExpectError(base + "  - {at: 1m, type: backpressure, cluster: a, job: j, ratio: 1.5}\n", 5, "out of range");
  ExpectError(base + "  - {at: 1m, type: redeploy, cluster: a, job: j, mode: restart}\n", 5,
              "'mode' must be cancel or stop");
  ExpectError(base + "  - {at: 1m, type: job_failed, cluster: a}\n", 5, "job_failed needs 'job'");
  ExpectError(base + "  - {at: 4 minutes, type: agent_lost, agent: \"0\"}\n", 5, "'at' must be a duration");
}

TEST(ScenarioLoader, FaultErrors) {
  ExpectError("faults:\n  - {at: 1m, type: explode}\n", 2, "unknown fault type 'explode'");
  ExpectError("faults:\n  - {at: 1m, type: status, code: 500}\n", 2, "unknown key 'code' in faults[]");
  ExpectError("faults:\n  - {at: 1m, type: status, status: 700}\n", 2, "out of range");
  const auto ok = Parse("faults:\n  - {at: 1m, until: 2m, target: m1, path: ^/master, type: hang, ms: 5000}\n");
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.scenario->faults[0].target, "m1");
  EXPECT_EQ(ok.scenario->faults[0].ms, 5000);
}

TEST(ScenarioLoader, YamlSyntaxErrorHasALine) {
  const auto r = Parse("seed: 1\nmesos:\n  agents: [1, 2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_GT(r.line, 0);
  EXPECT_NE(r.error.find("test.yml:"), std::string::npos);
}

TEST(ScenarioLoader, CountsAndDefaults) {
  const auto r = Parse(R"(seed: 9
start: 2024-05-01T12:00:00Z
mesos: {agents: 4}
flink:
  - name: c
    count: 3
    jobs:
      - {name: j, count: 5, vertices: 2, vertex_names: ["Source: A", "Sink: B"]}
)");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.scenario->start, 1714564800000);
  EXPECT_EQ(r.scenario->flink[0].count, 3);
  EXPECT_EQ(r.scenario->flink[0].jobs[0].count, 5);
  EXPECT_EQ(r.scenario->flink[0].jobs[0].vertex_names.size(), 2u);
  EXPECT_TRUE(r.scenario->flink[0].on_mesos);
  EXPECT_EQ(r.scenario->step, 1000);
}

TEST(ScenarioLoader, OnMesosNeedsAgents) {
  ExpectError("mesos:\n  agents: 0\nflink:\n  - {name: a}\n", 2, "need agents");
}

TEST(ScenarioLoader, MissingFile) {
  const auto r = LoadScenarioFile("/nonexistent/scenario.yml");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace fme::sim
