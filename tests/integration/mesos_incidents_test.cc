// The exporter's MesosSource in events mode against the simulator's real HTTP server running
// config/scenarios/incidents.yml, with all three masters configured, polled every 15 s of
// simulated time from 0:00 to 9:30. The Mesos incidents of the scenario must show up in the
// observations and the rendered exposition, at the right time and exactly once:
//   0:30-1:00 health-check duplicates of Flink/taskmanager-00001 (must change nothing)
//   2:00      Flink/taskmanager-00002 killed by the OOM killer
//   4:00-8:00 agent 10.16.0.4 lost (its tasks TASK_LOST)
//   6:00      leader failover to master 2 (the stream must resubscribe there)
// and the source must never read /master/state.
//
// The timeline is run once for the suite; the tests read its record.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/snapshot_renderer.h"
#include "mesos_sim_harness.h"

namespace fme::testing {
namespace {

constexpr sim::Millis kPollInterval = 15 * kSecond;
constexpr sim::Millis kEnd = 9 * kMinute + 30 * kSecond;
constexpr sim::Millis kOom = 2 * kMinute;
constexpr sim::Millis kAgentLost = 4 * kMinute;
constexpr sim::Millis kFailover = 6 * kMinute;
constexpr sim::Millis kAgentBack = 8 * kMinute;

const std::string kMemory = "REASON_CONTAINER_LIMITATION_MEMORY";

struct PollRecord {
  sim::Millis offset = 0;
  MesosObservation obs;
  MesosTruth truth;
  std::string rendered;
};

struct Record {
  std::vector<PollRecord> polls;  // every poll succeeded, in time order
  std::vector<MesosRecordingClient::Request> requests;
  std::optional<MesosRecordingClient::Stream> last_stream;
  std::size_t streams = 0;
  std::vector<std::string> masters;
  std::string flink_id, lost_agent_id;
  std::map<std::string, int> on_lost_agent;  // framework id -> its tasks there just before
  bool ok = false;
};

std::string Render(const MesosProbe& p, const Result<Observation>& r, WallTime now) {
  auto state = std::make_shared<TargetState>();
  state->target = p.source->target();
  state->polled = true;
  state->up = r.ok();
  state->last_poll = now;
  if (r.ok()) state->observation = *r;
  Snapshot snap;
  snap.created = now;
  snap.targets.push_back(std::move(state));
  std::string out;
  RenderSnapshot(snap, out);
  return out;
}

Record RunTimeline() {
  Record rec;
  MesosSim sim(LoadMesosScenario("incidents.yml"));
  if (!sim.Start()) {
    ADD_FAILURE() << "simulator did not start";
    return rec;
  }
  rec.masters = sim.MasterUrls();
  rec.flink_id = sim.FrameworkIdOf("Flink");
  rec.lost_agent_id = sim.AgentIdOf("10.16.0.4");
  auto probe = sim.Probe(sim.Config(MesosStateMode::kEvents));

  // The first poll finds the leader and starts the stream; it has no state yet.
  (void)sim.Settle(*probe);
  for (sim::Millis offset = 0; offset <= kEnd; offset += kPollInterval) {
    if (offset == kAgentLost) {
      // The world just before the loss, for the expected TASK_LOST counts.
      sim.At(offset - kSecond);
      for (const auto& [id, f] : sim.Truth().frameworks) {
        if (auto it = f.tasks_by_agent.find(rec.lost_agent_id); it != f.tasks_by_agent.end()) {
          rec.on_lost_agent[id] = it->second;
        }
      }
    }
    sim.At(offset);
    Result<Observation> r = sim.Settle(*probe);
    const MesosObservation* obs = AsMesos(r);
    if (obs == nullptr) {
      ADD_FAILURE() << "poll at " << offset / kSecond << " s failed: " << r.status().ToString();
      return rec;
    }
    rec.polls.push_back({offset, *obs, sim.Truth(), Render(*probe, r, sim.clock.Now())});
  }
  rec.requests = probe->http.requests();
  rec.last_stream = probe->http.stream();
  rec.streams = probe->http.streams();
  rec.ok = true;
  return rec;
}

const Record& TheRecord() {
  static const Record rec = RunTimeline();
  return rec;
}

// Lines of the rendered text of the family `name` that carry every one of `labels`.
std::vector<std::string> Lines(const std::string& text, const std::string& name,
                               const std::vector<std::string>& labels = {}) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) != 0) continue;
    if (std::all_of(labels.begin(), labels.end(),
                    [&](const std::string& l) { return line.find(l) != std::string::npos; })) {
      out.push_back(line);
    }
  }
  return out;
}

std::string Label(const std::string& name, const std::string& value) {
  return name + "=\"" + value + "\"";
}

std::string At(sim::Millis offset) {
  return std::to_string(offset / kMinute) + ":" + (offset % kMinute < 10 * kSecond ? "0" : "") +
         std::to_string(offset % kMinute / kSecond);
}

class MesosIncidentsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(TheRecord().ok); }
  const Record& rec() const { return TheRecord(); }
};

// (a) The OOM kill is counted once, by the first poll at or after it, and never again: not by
// the health-check duplicates before it, nor by the replay of completed tasks after the
// failover's resubscription.
TEST_F(MesosIncidentsTest, OomKillCountedOnceWithinOnePollInterval) {
  std::optional<sim::Millis> first_seen;
  for (const PollRecord& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    const MesosFramework* flink = FindFramework(p.obs, rec().flink_id);
    ASSERT_NE(flink, nullptr);
    const double framework_count =
        Terminations(flink->terminations, MesosTaskState::kFailed, kMemory, "SOURCE_EXECUTOR");
    const double cluster_count =
        Terminations(p.obs.terminations, MesosTaskState::kFailed, kMemory, "SOURCE_EXECUTOR");
    const auto rendered = Lines(p.rendered, "mesos_framework_task_terminations_total",
                                {Label("framework_id", rec().flink_id), Label("state", "TASK_FAILED"),
                                 Label("reason", kMemory), Label("source", "SOURCE_EXECUTOR")});
    if (p.offset < kOom) {
      EXPECT_EQ(framework_count, 0);
      EXPECT_EQ(cluster_count, 0);
      EXPECT_TRUE(rendered.empty()) << rendered.front();
      continue;
    }
    if (!first_seen && framework_count > 0) first_seen = p.offset;
    EXPECT_EQ(framework_count, 1);
    EXPECT_EQ(cluster_count, 1);  // the master's own counter agrees
    ASSERT_EQ(rendered.size(), 1u);
    EXPECT_TRUE(rendered[0].ends_with(" 1")) << rendered[0];
    const MesosTask* tm = FindTaskManager(*flink, "taskmanager-00002");
    ASSERT_NE(tm, nullptr);
    EXPECT_EQ(tm->state, MesosTaskState::kFailed);
    EXPECT_EQ(tm->reason, kMemory);
    EXPECT_EQ(tm->source, "SOURCE_EXECUTOR");
  }
  ASSERT_TRUE(first_seen.has_value());
  EXPECT_LT(*first_seen, kOom + kPollInterval) << "first seen at " << At(*first_seen);
}

// (a) The health-check flaps of 0:30-1:00 arrive as TASK_UPDATEDs with the unchanged state and
// change neither counters nor task counts.
TEST_F(MesosIncidentsTest, HealthCheckDuplicatesChangeNothing) {
  const PollRecord* before = nullptr;
  const PollRecord* after = nullptr;
  for (const PollRecord& p : rec().polls) {
    if (p.offset == 15 * kSecond) before = &p;
    if (p.offset == 75 * kSecond) after = &p;
  }
  ASSERT_NE(before, nullptr);
  ASSERT_NE(after, nullptr);
  auto updates = [](const MesosObservation& o) {
    for (const auto& [type, n] : o.event_stream->events_by_type) {
      if (type == "TASK_UPDATED") return n;
    }
    return 0.0;
  };
  EXPECT_GE(updates(after->obs) - updates(before->obs), 3) << "the duplicates did not arrive";
  for (const PollRecord& p : rec().polls) {
    if (p.offset < 15 * kSecond || p.offset > 75 * kSecond) continue;
    SCOPED_TRACE("poll at " + At(p.offset));
    const MesosFramework* flink = FindFramework(p.obs, rec().flink_id);
    ASSERT_NE(flink, nullptr);
    EXPECT_TRUE(flink->terminations.empty());
    EXPECT_EQ(flink->tasks[static_cast<int>(MesosTaskState::kRunning)], 3);
    const MesosTask* tm = FindTaskManager(*flink, "taskmanager-00001");
    ASSERT_NE(tm, nullptr);
    EXPECT_EQ(tm->state, MesosTaskState::kRunning);
    // Every framework's counters are what the first poll found (the completed tasks of the
    // start), however many updates came since.
    for (const MesosFramework& f : p.obs.frameworks) {
      const MesosFramework* first = FindFramework(before->obs, f.id);
      ASSERT_NE(first, nullptr);
      ASSERT_EQ(f.terminations.size(), first->terminations.size()) << f.name;
      for (std::size_t i = 0; i < f.terminations.size(); ++i) {
        EXPECT_EQ(f.terminations[i].count, first->terminations[i].count) << f.name;
      }
    }
  }
}

// (b) The agent loss at 4:00: the agent turns unreachable at once, its tasks TASK_LOST, counted
// once per task; it is active again when it re-registers at 8:00. Task counts of every
// framework follow the simulator's at every poll.
TEST_F(MesosIncidentsTest, AgentLossMarksAgentUnreachableAndItsTasksLost) {
  const std::string& agent = rec().lost_agent_id;
  ASSERT_FALSE(agent.empty());
  ASSERT_FALSE(rec().on_lost_agent.empty());
  ASSERT_GT(rec().on_lost_agent.count(rec().flink_id), 0u) << "no Flink task on the lost agent";
  for (const PollRecord& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    const MesosAgent* a = FindAgent(p.obs, agent);
    const auto state_lines = Lines(p.rendered, "mesos_agent_state", {Label("agent_id", agent), " 1"});
    if (p.offset < kAgentLost || p.offset >= kAgentBack) {
      ASSERT_NE(a, nullptr);
      EXPECT_EQ(a->state, "active");
      ASSERT_EQ(state_lines.size(), 1u);
      EXPECT_NE(state_lines[0].find(Label("state", "active")), std::string::npos);
    } else if (p.offset < kFailover) {
      ASSERT_NE(a, nullptr);
      EXPECT_EQ(a->state, "unreachable");
      ASSERT_EQ(state_lines.size(), 1u);
      EXPECT_NE(state_lines[0].find(Label("state", "unreachable")), std::string::npos);
    } else {
      // The new leader's state lists registered agents only: the lost one is unknown to it.
      EXPECT_TRUE(a == nullptr || a->state == "unreachable");
    }

    for (const auto& [id, truth] : p.truth.frameworks) {
      const MesosFramework* f = FindFramework(p.obs, id);
      ASSERT_NE(f, nullptr) << truth.name;
      EXPECT_EQ(f->tasks, truth.tasks) << truth.name;
      if (p.offset < kAgentLost) continue;
      const auto lost = rec().on_lost_agent.find(id);
      EXPECT_EQ(Terminations(f->terminations, MesosTaskState::kLost, "REASON_AGENT_REMOVED",
                             "SOURCE_MASTER"),
                lost == rec().on_lost_agent.end() ? 0 : lost->second)
          << truth.name;
    }
    if (p.offset >= kAgentLost) {
      const MesosFramework* flink = FindFramework(p.obs, rec().flink_id);
      ASSERT_NE(flink, nullptr);
      const MesosTask* tm = FindTaskManager(*flink, "taskmanager-00003");
      ASSERT_NE(tm, nullptr);
      EXPECT_EQ(tm->state, MesosTaskState::kLost);
      EXPECT_EQ(tm->reason, "REASON_AGENT_REMOVED");
    }
  }
}

// (c) The failover at 6:00: the source sees master 2 elected and the stream ends up subscribed
// to it; agents and frameworks are neither duplicated nor lost, and counters carry over.
TEST_F(MesosIncidentsTest, LeaderFailoverResubscribesToMasterTwo) {
  const PollRecord* last_before = nullptr;
  const PollRecord* first_after = nullptr;
  for (const PollRecord& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    ASSERT_TRUE(p.obs.event_stream.has_value());
    const std::size_t want = p.offset < kFailover ? 0 : 1;
    ASSERT_EQ(p.obs.leader, want);
    EXPECT_EQ(p.obs.masters[want].elected, 1.0);
    EXPECT_EQ(p.obs.masters[1 - want].elected, 0.0);
    EXPECT_EQ(p.obs.origin, MesosStateOrigin::kEventStream);
    if (p.offset < kFailover) {
      EXPECT_EQ(p.obs.event_stream->leader, rec().masters[0]);
      EXPECT_EQ(p.obs.event_stream->reconnects, 0);
      last_before = &p;
    } else if (first_after == nullptr) {
      first_after = &p;
    }
    if (p.offset > kFailover) {
      EXPECT_EQ(p.obs.event_stream->leader, rec().masters[1]);
      EXPECT_TRUE(p.obs.event_stream->connected);
      EXPECT_GE(p.obs.event_stream->reconnects, 1);
    }
  }
  ASSERT_NE(last_before, nullptr);
  ASSERT_NE(first_after, nullptr);
  ASSERT_TRUE(rec().last_stream.has_value());
  EXPECT_EQ(rec().last_stream->url, rec().masters[1] + "/api/v1");
  EXPECT_TRUE(rec().last_stream->subscribed);
  EXPECT_FALSE(rec().last_stream->ended);

  // Same frameworks, same counters across the resubscription.
  ASSERT_EQ(first_after->obs.frameworks.size(), last_before->obs.frameworks.size());
  for (const MesosFramework& f : last_before->obs.frameworks) {
    const MesosFramework* g = FindFramework(first_after->obs, f.id);
    ASSERT_NE(g, nullptr) << f.name;
    for (const MesosTermination& t : f.terminations) {
      EXPECT_EQ(Terminations(g->terminations, t.state, t.reason, t.source), t.count)
          << f.name << " " << MesosTaskStateName(t.state) << " " << t.reason;
    }
  }
  // Agents: the registered ones, each once, before and after.
  for (const PollRecord* p : {last_before, first_after}) {
    std::vector<std::string> ids;
    for (const MesosAgent& a : p->obs.agents) {
      if (a.state != "unreachable") ids.push_back(a.id);
    }
    EXPECT_EQ(ids, p->truth.registered_agents) << "at " << At(p->offset);
  }
}

// (d) Events mode reads state from the stream: never /master/state (nor the polling mode's
// /master/state-summary and /master/tasks). Per poll one /metrics/snapshot per master;
// /version once per master; /master/slaves (agent reconciliation) at most once per
// state_poll_interval (1 min).
TEST_F(MesosIncidentsTest, SteadyStateNeverReadsMasterState) {
  std::map<std::string, std::size_t> by_path;
  for (const auto& r : rec().requests) by_path[r.path] += 1;
  std::cout << "events mode requests over " << rec().polls.size() + 1 << " polls:";
  for (const auto& [path, n] : by_path) std::cout << " " << path << "=" << n;
  std::cout << "; streams " << rec().streams << ", reconnects "
            << rec().polls.back().obs.event_stream->reconnects << "\n";

  EXPECT_EQ(by_path["/master/state"], 0u);
  const std::set<std::string> allowed = {"/metrics/snapshot", "/version", "/api/v1",
                                         "/master/slaves"};
  for (const auto& [path, n] : by_path) {
    EXPECT_TRUE(allowed.count(path) > 0 || n == 0) << path << " requested " << n << " times";
  }
  const std::size_t polls = rec().polls.size() + 1;  // and the first, stateless one
  EXPECT_EQ(by_path["/metrics/snapshot"], 3 * polls);
  EXPECT_EQ(by_path["/version"], 3u);
  EXPECT_LE(by_path["/master/slaves"], static_cast<std::size_t>(kEnd / kMinute + 1));
  // The first subscription, then the ones the failover needs.
  EXPECT_GE(by_path["/api/v1"], 2u);
  EXPECT_LE(by_path["/api/v1"], 3u);
  EXPECT_EQ(by_path["/api/v1"], rec().streams);
}

// (e) Three masters configured: one entry per agent and per framework, in the observation and
// in the exposition; master series once per master.
TEST_F(MesosIncidentsTest, ThreeMastersGiveOneEntryPerAgentAndFramework) {
  for (const PollRecord& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    ASSERT_EQ(p.obs.masters.size(), 3u);
    EXPECT_EQ(std::count_if(p.obs.masters.begin(), p.obs.masters.end(),
                            [](const MesosMasterStatus& m) { return m.elected.value_or(0) >= 1; }),
              1);
    std::set<std::string> agent_ids, framework_ids;
    for (const MesosAgent& a : p.obs.agents) EXPECT_TRUE(agent_ids.insert(a.id).second) << a.id;
    for (const MesosFramework& f : p.obs.frameworks) {
      EXPECT_TRUE(framework_ids.insert(f.id).second) << f.id;
    }
    std::set<std::string> truth_frameworks;
    for (const auto& [id, f] : p.truth.frameworks) truth_frameworks.insert(id);
    EXPECT_EQ(framework_ids, truth_frameworks);
    for (const std::string& id : p.truth.registered_agents) EXPECT_EQ(agent_ids.count(id), 1u) << id;

    EXPECT_EQ(Lines(p.rendered, "mesos_master_up").size(), 3u);
    EXPECT_EQ(Lines(p.rendered, "mesos_agents", {Label("state", "active")}).size(), 1u);
    EXPECT_EQ(Lines(p.rendered, "mesos_agent_info").size(), p.obs.agents.size());
    for (const std::string& id : agent_ids) {
      EXPECT_EQ(Lines(p.rendered, "mesos_agent_info", {Label("agent_id", id)}).size(), 1u) << id;
      EXPECT_EQ(Lines(p.rendered, "mesos_agent_state", {Label("agent_id", id)}).size(), 3u) << id;
    }
    EXPECT_EQ(Lines(p.rendered, "mesos_framework_info").size(), p.obs.frameworks.size());
    for (const std::string& id : framework_ids) {
      EXPECT_EQ(Lines(p.rendered, "mesos_framework_info", {Label("framework_id", id)}).size(), 1u)
          << id;
      EXPECT_EQ(Lines(p.rendered, "mesos_framework_tasks", {Label("framework_id", id)}).size(),
                static_cast<std::size_t>(kMesosActiveTaskStateCount))
          << id;
    }
  }
}

}  // namespace
}  // namespace fme::testing
