// The Mesos part of the rendering: masters, terminations, agents, frameworks and the event
// stream, for an observation holding everything the model can carry.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/snapshot_renderer.h"
#include "support/golden.h"

namespace fme {
namespace {

constexpr double kGiB = 1073741824.0;

// A quote, an en dash and UTF-8, as real framework names have.
constexpr char kFlinkFrameworkName[] = "Flink \"orders\" – Zürich";
constexpr char kFlinkFrameworkNameEscaped[] = "Flink \\\"orders\\\" – Zürich";
constexpr char kCluster[] = "{mesos_cluster=\"prod-eu\"";
constexpr char kAgent1[] =
    "{mesos_cluster=\"prod-eu\",agent_id=\"7c1a-S0\",hostname=\"agent-1.example.com\"";
constexpr char kAgent2[] =
    "{mesos_cluster=\"prod-eu\",agent_id=\"7c1a-S1\",hostname=\"agent-2.example.com\"";
constexpr char kFlinkFw[] = "{mesos_cluster=\"prod-eu\",framework_id=\"7c1a-0001\"";
constexpr char kMarathonFw[] = "{mesos_cluster=\"prod-eu\",framework_id=\"7c1a-0002\"";

MesosTermination Termination(MesosTaskState state, std::string reason, std::string source,
                             double count) {
  MesosTermination t;
  t.state = state;
  t.reason = std::move(reason);
  t.source = std::move(source);
  t.count = count;
  return t;
}

MesosAgent ActiveAgent() {
  MesosAgent a;
  a.id = "7c1a-S0";
  a.hostname = "agent-1.example.com";
  a.version = "1.11.0";
  a.state = "active";
  a.total = {8, 1, 32 * kGiB, 200 * kGiB};
  a.used = {4.5, 0, 12 * kGiB, 10 * kGiB};
  a.reserved = {2, 0, 4 * kGiB, 0};
  a.attributes = {{"rack", "r\"1\""}, {"zone", "eu-1a"}};
  return a;
}

MesosAgent UnreachableAgent() {
  MesosAgent a;
  a.id = "7c1a-S1";
  a.hostname = "agent-2.example.com";
  a.version = "1.10.0";
  a.state = "unreachable";
  a.total = {16, 0, 64 * kGiB, 400 * kGiB};
  a.used = {2, 0, 8 * kGiB, 0};
  return a;
}

MesosTask TaskManagerTask(const std::string& id, const std::string& agent) {
  MesosTask t;
  t.id = id;
  t.name = id;
  t.framework_id = "7c1a-0001";
  t.agent_id = agent;
  t.state = MesosTaskState::kRunning;
  t.message = "free \"text\"";
  t.state_timestamp = 1767225600;
  return t;
}

MesosFramework FlinkFramework() {
  MesosFramework f;
  f.id = "7c1a-0001";
  f.name = kFlinkFrameworkName;
  f.role = "flink";
  f.webui_url = "http://jm.example.com:8081";
  f.active = true;
  f.connected = true;
  f.used = {4.5, 0, 12 * kGiB, 10 * kGiB};
  f.tasks[static_cast<int>(MesosTaskState::kStaging)] = 1;
  f.tasks[static_cast<int>(MesosTaskState::kRunning)] = 3;
  f.terminations = {
      Termination(MesosTaskState::kFailed, "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_AGENT", 2),
      Termination(MesosTaskState::kKilled, "REASON_TASK_KILLED_DURING_LAUNCH", "SOURCE_MASTER", 1),
  };
  f.taskmanager_tasks = {TaskManagerTask("orders-taskmanager-1-1", "7c1a-S0"),
                         TaskManagerTask("orders-taskmanager-1-2", "7c1a-S1")};
  return f;
}

MesosFramework MarathonFramework() {
  MesosFramework f;
  f.id = "7c1a-0002";
  f.name = "marathon";
  f.role = "*";
  f.webui_url = "http://marathon.example.com:8080";
  f.active = true;
  f.connected = false;
  f.used = {2, 0, 8 * kGiB, 0};
  f.tasks[static_cast<int>(MesosTaskState::kRunning)] = 2;
  f.tasks[static_cast<int>(MesosTaskState::kUnreachable)] = 1;
  return f;
}

MesosObservation FullObservation() {
  MesosObservation o;
  MesosMasterStatus standby{"http://m1:5050", true, "", 0.0, 86400.0, 0.0, "1.10.2"};
  MesosMasterStatus leader{"http://m2:5050", true, "", 1.0, 3600.5, 12.0, ""};
  MesosMasterStatus dead{"http://m3:5050", false, "connect: refused", {}, {}, {}, ""};
  o.masters = {standby, leader, dead};
  o.leader = 1;
  o.leader_version = "1.11.0";
  o.cluster.agents_active = 1;
  o.cluster.agents_unreachable = 1;
  o.cluster.tasks_running = 5;
  o.terminations = {
      Termination(MesosTaskState::kFailed, "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_AGENT", 7),
      Termination(MesosTaskState::kLost, "REASON_AGENT_REMOVED", "SOURCE_MASTER", 2),
      Termination(MesosTaskState::kUnrecognized, "unknown", "unknown", 1),
  };
  o.origin = MesosStateOrigin::kEventStream;
  o.agents = {ActiveAgent(), UnreachableAgent()};
  o.frameworks = {FlinkFramework(), MarathonFramework()};
  MesosEventStreamStatus es;
  es.connected = true;
  es.leader = "http://m2:5050";
  es.events_by_type = {{"HEARTBEAT", 40}, {"SUBSCRIBED", 1}, {"TASK_UPDATED", 125}};
  es.reconnects = 2;
  es.last_event_timestamp = 1767229200.5;
  es.last_error = "stream \"closed\"";
  o.event_stream = es;
  return o;
}

Snapshot SnapshotOf(MesosObservation o, bool up = true) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, "prod-eu", "http://m1:5050,http://m2:5050,http://m3:5050"};
  t->polled = true;
  t->up = up;
  if (up) t->observation = std::move(o);
  Snapshot s;
  s.targets = {t};
  return s;
}

std::string Render(MesosObservation o, bool up = true) {
  std::string out;
  RenderSnapshot(SnapshotOf(std::move(o), up), out);
  return out;
}

// The sample lines of family `name` (exactly that family, not one with a longer name).
std::vector<std::string> Lines(const std::string& text, const std::string& name) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) == 0 || line.rfind(name + " ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

// The sample lines of family `name` that carry `labels` as their identity prefix.
std::vector<std::string> Lines(const std::string& text, const std::string& name,
                               const std::string& labels) {
  std::vector<std::string> lines;
  for (const std::string& line : Lines(text, name)) {
    if (line.compare(name.size(), labels.size(), labels) == 0) lines.push_back(line);
  }
  return lines;
}

std::set<std::string> FamiliesIn(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

TEST(SnapshotRendererMesosTest, MatchesGolden) {
  std::string out;
  const std::size_t series = RenderSnapshot(SnapshotOf(FullObservation()), out);
  testing::ExpectMatchesGolden(out, "render_mesos_full.prom");
  std::size_t samples = 0;
  std::map<std::string, int> types;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) ++types[line.substr(7, line.find(' ', 7) - 7)];
    samples += !line.empty() && line[0] != '#';
  }
  EXPECT_EQ(series, samples);
  for (const auto& [name, n] : types) EXPECT_EQ(n, 1) << name;
}

TEST(SnapshotRendererMesosTest, MasterInfoForMastersWithAKnownVersionOnly) {
  const std::string c = kCluster;
  // The standby's own version (1.10.2, mid-upgrade); the leader's from leader_version.
  EXPECT_EQ(Lines(Render(FullObservation()), "mesos_master_info"),
            (std::vector<std::string>{
                "mesos_master_info" + c +
                    ",master=\"http://m1:5050\",version=\"1.10.2\",leader=\"false\"} 1",
                "mesos_master_info" + c +
                    ",master=\"http://m2:5050\",version=\"1.11.0\",leader=\"true\"} 1"}));

  MesosObservation no_version = FullObservation();
  no_version.leader_version.clear();
  no_version.masters[0].version.clear();
  EXPECT_TRUE(Lines(Render(no_version), "mesos_master_info").empty());

  MesosObservation no_leader = FullObservation();
  no_leader.leader.reset();
  EXPECT_EQ(Lines(Render(no_leader), "mesos_master_info").size(), 1u)
      << "only the standby's own version is known";
}

TEST(SnapshotRendererMesosTest, ClusterWideTerminations) {
  const std::string c = kCluster;
  EXPECT_EQ(Lines(Render(FullObservation()), "mesos_task_terminations_total"),
            (std::vector<std::string>{
                "mesos_task_terminations_total" + c +
                    ",state=\"TASK_FAILED\",reason=\"REASON_CONTAINER_LIMITATION_MEMORY\","
                    "source=\"SOURCE_AGENT\"} 7",
                "mesos_task_terminations_total" + c +
                    ",state=\"TASK_LOST\",reason=\"REASON_AGENT_REMOVED\","
                    "source=\"SOURCE_MASTER\"} 2",
                "mesos_task_terminations_total" + c +
                    ",state=\"UNRECOGNIZED\",reason=\"unknown\",source=\"unknown\"} 1",
            }));
}

TEST(SnapshotRendererMesosTest, StateSourceInfoNamesTheOrigin) {
  const std::string c = kCluster;
  EXPECT_EQ(Lines(Render(FullObservation()), "mesos_state_source_info"),
            (std::vector<std::string>{"mesos_state_source_info" + c +
                                      ",origin=\"event_stream\"} 1"}));
  MesosObservation polled = FullObservation();
  polled.origin = MesosStateOrigin::kPolling;
  EXPECT_EQ(Lines(Render(polled), "mesos_state_source_info"),
            (std::vector<std::string>{"mesos_state_source_info" + c + ",origin=\"polling\"} 1"}));
}

TEST(SnapshotRendererMesosTest, AgentStateIsOneHotOverAllThreeStates) {
  const std::string a1 = kAgent1, a2 = kAgent2;
  EXPECT_EQ(Lines(Render(FullObservation()), "mesos_agent_state"),
            (std::vector<std::string>{
                "mesos_agent_state" + a1 + ",state=\"active\"} 1",
                "mesos_agent_state" + a1 + ",state=\"inactive\"} 0",
                "mesos_agent_state" + a1 + ",state=\"unreachable\"} 0",
                "mesos_agent_state" + a2 + ",state=\"active\"} 0",
                "mesos_agent_state" + a2 + ",state=\"inactive\"} 0",
                "mesos_agent_state" + a2 + ",state=\"unreachable\"} 1",
            }));

  MesosObservation odd = FullObservation();
  odd.agents[0].state = "draining";  // not a state this exporter knows: every series 0
  for (const std::string& line : Lines(Render(odd), "mesos_agent_state", a1)) {
    EXPECT_EQ(line.substr(line.size() - 2), " 0") << line;
  }
}

TEST(SnapshotRendererMesosTest, AgentInfoAttributesAndResources) {
  const std::string out = Render(FullObservation());
  const std::string a1 = kAgent1, a2 = kAgent2;
  EXPECT_EQ(Lines(out, "mesos_agent_info"),
            (std::vector<std::string>{"mesos_agent_info" + a1 + ",version=\"1.11.0\"} 1",
                                      "mesos_agent_info" + a2 + ",version=\"1.10.0\"} 1"}));
  EXPECT_EQ(Lines(out, "mesos_agent_attribute_info"),
            (std::vector<std::string>{
                "mesos_agent_attribute_info" + a1 + ",attribute=\"rack\",value=\"r\\\"1\\\"\"} 1",
                "mesos_agent_attribute_info" + a1 + ",attribute=\"zone\",value=\"eu-1a\"} 1",
            }));
  EXPECT_EQ(Lines(out, "mesos_agent_cpus"),
            (std::vector<std::string>{
                "mesos_agent_cpus" + a1 + ",usage=\"total\"} 8",
                "mesos_agent_cpus" + a1 + ",usage=\"used\"} 4.5",
                "mesos_agent_cpus" + a1 + ",usage=\"reserved\"} 2",
                "mesos_agent_cpus" + a2 + ",usage=\"total\"} 16",
                "mesos_agent_cpus" + a2 + ",usage=\"used\"} 2",
                "mesos_agent_cpus" + a2 + ",usage=\"reserved\"} 0",
            }));
  EXPECT_EQ(Lines(out, "mesos_agent_gpus", a1),
            (std::vector<std::string>{
                "mesos_agent_gpus" + a1 + ",usage=\"total\"} 1",
                "mesos_agent_gpus" + a1 + ",usage=\"used\"} 0",
                "mesos_agent_gpus" + a1 + ",usage=\"reserved\"} 0",
            }));
  EXPECT_EQ(Lines(out, "mesos_agent_memory_bytes", a1),
            (std::vector<std::string>{
                "mesos_agent_memory_bytes" + a1 + ",usage=\"total\"} 34359738368",
                "mesos_agent_memory_bytes" + a1 + ",usage=\"used\"} 12884901888",
                "mesos_agent_memory_bytes" + a1 + ",usage=\"reserved\"} 4294967296",
            }));
  EXPECT_EQ(Lines(out, "mesos_agent_disk_bytes", a2),
            (std::vector<std::string>{
                "mesos_agent_disk_bytes" + a2 + ",usage=\"total\"} 429496729600",
                "mesos_agent_disk_bytes" + a2 + ",usage=\"used\"} 0",
                "mesos_agent_disk_bytes" + a2 + ",usage=\"reserved\"} 0",
            }));
}

TEST(SnapshotRendererMesosTest, FrameworkInfoIsEscaped) {
  const std::string out = Render(FullObservation());
  const std::string f1 = kFlinkFw, f2 = kMarathonFw;
  EXPECT_EQ(Lines(out, "mesos_framework_info"),
            (std::vector<std::string>{
                "mesos_framework_info" + f1 + ",framework_name=\"" + kFlinkFrameworkNameEscaped +
                    "\",role=\"flink\",webui_url=\"http://jm.example.com:8081\"} 1",
                "mesos_framework_info" + f2 +
                    ",framework_name=\"marathon\",role=\"*\","
                    "webui_url=\"http://marathon.example.com:8080\"} 1",
            }));
  EXPECT_EQ(out.find(kFlinkFrameworkName), std::string::npos) << "the raw name must never appear";
}

TEST(SnapshotRendererMesosTest, FrameworkStatusAndResources) {
  const std::string out = Render(FullObservation());
  const std::string f1 = kFlinkFw, f2 = kMarathonFw;
  EXPECT_EQ(Lines(out, "mesos_framework_active"),
            (std::vector<std::string>{"mesos_framework_active" + f1 + "} 1",
                                      "mesos_framework_active" + f2 + "} 1"}));
  EXPECT_EQ(Lines(out, "mesos_framework_connected"),
            (std::vector<std::string>{"mesos_framework_connected" + f1 + "} 1",
                                      "mesos_framework_connected" + f2 + "} 0"}));
  EXPECT_EQ(Lines(out, "mesos_framework_cpus"),
            (std::vector<std::string>{"mesos_framework_cpus" + f1 + ",usage=\"used\"} 4.5",
                                      "mesos_framework_cpus" + f2 + ",usage=\"used\"} 2"}));
  EXPECT_EQ(Lines(out, "mesos_framework_gpus", f1),
            (std::vector<std::string>{"mesos_framework_gpus" + f1 + ",usage=\"used\"} 0"}));
  EXPECT_EQ(Lines(out, "mesos_framework_memory_bytes", f1),
            (std::vector<std::string>{"mesos_framework_memory_bytes" + f1 +
                                      ",usage=\"used\"} 12884901888"}));
  EXPECT_EQ(Lines(out, "mesos_framework_disk_bytes", f1),
            (std::vector<std::string>{"mesos_framework_disk_bytes" + f1 +
                                      ",usage=\"used\"} 10737418240"}));
}

TEST(SnapshotRendererMesosTest, FrameworkTasksCoverEveryNonTerminalState) {
  const std::string out = Render(FullObservation());
  const std::vector<std::string> states = {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING",
                                           "TASK_KILLING", "TASK_UNREACHABLE", "TASK_UNKNOWN"};
  const std::map<std::string, std::map<std::string, int>> counts = {
      {kFlinkFw, {{"TASK_STAGING", 1}, {"TASK_RUNNING", 3}}},
      {kMarathonFw, {{"TASK_RUNNING", 2}, {"TASK_UNREACHABLE", 1}}},
  };
  for (const auto& [fw, by_state] : counts) {
    std::vector<std::string> expected;
    for (const std::string& s : states) {
      const auto it = by_state.find(s);
      expected.push_back("mesos_framework_tasks" + fw + ",state=\"" + s + "\"} " +
                         std::to_string(it == by_state.end() ? 0 : it->second));
    }
    EXPECT_EQ(Lines(out, "mesos_framework_tasks", fw), expected);
  }
}

TEST(SnapshotRendererMesosTest, FrameworkTerminationsAndNoTaskIds) {
  const std::string out = Render(FullObservation());
  const std::string f1 = kFlinkFw;
  EXPECT_EQ(Lines(out, "mesos_framework_task_terminations_total"),
            (std::vector<std::string>{
                "mesos_framework_task_terminations_total" + f1 +
                    ",state=\"TASK_FAILED\",reason=\"REASON_CONTAINER_LIMITATION_MEMORY\","
                    "source=\"SOURCE_AGENT\"} 2",
                "mesos_framework_task_terminations_total" + f1 +
                    ",state=\"TASK_KILLED\",reason=\"REASON_TASK_KILLED_DURING_LAUNCH\","
                    "source=\"SOURCE_MASTER\"} 1",
            }));
  // TaskManager tasks are kept for the join with Flink, never rendered here.
  EXPECT_EQ(out.find("orders-taskmanager"), std::string::npos);
  EXPECT_EQ(out.find("task_id"), std::string::npos);
  EXPECT_EQ(out.find("free \\\"text\\\""), std::string::npos);
}

TEST(SnapshotRendererMesosTest, EventStreamHealth) {
  const std::string c = kCluster;
  const std::string out = Render(FullObservation());
  EXPECT_EQ(Lines(out, "mesos_event_stream_connected"),
            (std::vector<std::string>{"mesos_event_stream_connected" + c + "} 1"}));
  EXPECT_EQ(Lines(out, "mesos_event_stream_events_total"),
            (std::vector<std::string>{
                "mesos_event_stream_events_total" + c + ",event_type=\"HEARTBEAT\"} 40",
                "mesos_event_stream_events_total" + c + ",event_type=\"SUBSCRIBED\"} 1",
                "mesos_event_stream_events_total" + c + ",event_type=\"TASK_UPDATED\"} 125",
            }));
  EXPECT_EQ(Lines(out, "mesos_event_stream_reconnects_total"),
            (std::vector<std::string>{"mesos_event_stream_reconnects_total" + c + "} 2"}));
  EXPECT_EQ(Lines(out, "mesos_event_stream_last_event_timestamp_seconds"),
            (std::vector<std::string>{"mesos_event_stream_last_event_timestamp_seconds" + c +
                                      "} 1767229200.5"}));
  EXPECT_EQ(out.find("closed"), std::string::npos) << "the last error is free text, not a label";

  // Not subscribed yet: no events, no timestamp, but the health series are there.
  MesosObservation fresh = FullObservation();
  fresh.event_stream = MesosEventStreamStatus{};
  const std::string first = Render(fresh);
  EXPECT_EQ(Lines(first, "mesos_event_stream_connected"),
            (std::vector<std::string>{"mesos_event_stream_connected" + c + "} 0"}));
  EXPECT_EQ(Lines(first, "mesos_event_stream_reconnects_total"),
            (std::vector<std::string>{"mesos_event_stream_reconnects_total" + c + "} 0"}));
  EXPECT_TRUE(Lines(first, "mesos_event_stream_events_total").empty());
  EXPECT_TRUE(Lines(first, "mesos_event_stream_last_event_timestamp_seconds").empty());
}

TEST(SnapshotRendererMesosTest, AbsentPartsRenderNothing) {
  // Masters and cluster metrics only, as a poll without state or event stream gives.
  MesosObservation bare = FullObservation();
  bare.leader_version.clear();
  for (MesosMasterStatus& m : bare.masters) m.version.clear();
  bare.terminations.clear();
  bare.origin = MesosStateOrigin::kNone;
  bare.agents.clear();
  bare.frameworks.clear();
  bare.event_stream.reset();
  EXPECT_EQ(FamiliesIn(Render(bare)),
            (std::set<std::string>{"mesos_up", "mesos_master_up", "mesos_master_elected",
                                   "mesos_master_uptime_seconds",
                                   "mesos_master_event_queue_messages", "mesos_agents",
                                   "mesos_tasks"}));

  // A state origin with no agents or frameworks yet: only where it came from.
  MesosObservation empty_state = bare;
  empty_state.origin = MesosStateOrigin::kPolling;
  const std::set<std::string> families = FamiliesIn(Render(empty_state));
  EXPECT_EQ(families.count("mesos_state_source_info"), 1u);
  EXPECT_EQ(families.count("mesos_agent_state"), 0u);
  EXPECT_EQ(families.count("mesos_framework_info"), 0u);

  // A down cluster keeps only mesos_up.
  EXPECT_EQ(Render(FullObservation(), /*up=*/false),
            "# HELP mesos_up Whether at least one Mesos master of the cluster answered the last "
            "poll (1) or none did (0).\n# TYPE mesos_up gauge\nmesos_up{mesos_cluster=\"prod-eu\"} "
            "0\n");
}

// The label names of a sample line, read as the text format defines them.
std::vector<std::string> LabelNames(const std::string& line) {
  std::vector<std::string> names;
  std::size_t i = line.find('{');
  if (i == std::string::npos) return names;
  while (++i < line.size() && line[i] != '}') {
    const std::size_t eq = line.find('=', i);
    names.push_back(line.substr(i, eq - i));
    for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) i += line[i] == '\\';
    ++i;  // now at ',' or '}'
    if (i >= line.size() || line[i] == '}') break;
  }
  return names;
}

TEST(SnapshotRendererMesosTest, IdentityLabelsFirstAndNoReservedNames) {
  const std::string out = Render(FullObservation());
  std::istringstream in(out);
  int samples = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++samples;
    const std::vector<std::string> names = LabelNames(line);
    ASSERT_FALSE(names.empty()) << line;
    EXPECT_EQ(names[0], "mesos_cluster") << line;
    if (line.rfind("mesos_agent_", 0) == 0) {
      ASSERT_GE(names.size(), 3u) << line;
      EXPECT_EQ(names[1], "agent_id") << line;
      EXPECT_EQ(names[2], "hostname") << line;
    } else if (line.rfind("mesos_framework_", 0) == 0) {
      ASSERT_GE(names.size(), 2u) << line;
      EXPECT_EQ(names[1], "framework_id") << line;
    }
    for (const std::string& n : names) {
      EXPECT_TRUE(n != "job" && n != "instance" && n != "cluster" && n != "type") << line;
    }
  }
  EXPECT_GT(samples, 80);
}

}  // namespace
}  // namespace fme
