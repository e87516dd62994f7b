// The MesosSource in polling mode (state: polling) next to one in events mode, both against the
// simulator's real HTTP server running config/scenarios/incidents.yml and polled at the same
// simulated times, every 15 s from 0:00 to 9:30. Polling must see the same agents and
// frameworks (ids, task counts, TaskManager tasks) as the event stream, and must ask only for
// /master/slaves, /master/state-summary, /master/tasks (paged, Flink frameworks only),
// /metrics/snapshot and /version.
//
// The timeline is run once for the suite; the tests read its record.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mesos_sim_harness.h"

namespace fme::testing {
namespace {

constexpr sim::Millis kPollInterval = 15 * kSecond;
constexpr sim::Millis kEnd = 9 * kMinute + 30 * kSecond;
constexpr sim::Millis kAgentLost = 4 * kMinute;
constexpr sim::Millis kFailover = 6 * kMinute;
constexpr int kPageSize = 2;

struct PollPair {
  sim::Millis offset = 0;
  MesosObservation events, polling;
};

struct Record {
  std::vector<PollPair> polls;
  std::vector<MesosRecordingClient::Request> polling_requests;
  std::set<std::string> flink_framework_ids;  // Flink and flink-legacy
  std::string lost_agent_id;
  bool ok = false;
};

Record RunTimeline() {
  Record rec;
  MesosSim sim(LoadMesosScenario("incidents.yml"));
  if (!sim.Start()) {
    ADD_FAILURE() << "simulator did not start";
    return rec;
  }
  rec.flink_framework_ids = {sim.FrameworkIdOf("Flink"), sim.FrameworkIdOf("flink-legacy")};
  rec.lost_agent_id = sim.AgentIdOf("10.16.0.4");
  auto events = sim.Probe(sim.Config(MesosStateMode::kEvents));
  MesosClusterConfig polling_config = sim.Config(MesosStateMode::kPolling);
  polling_config.collect.state_poll_interval = std::chrono::milliseconds(kPollInterval);
  polling_config.collect.task_page_size = kPageSize;
  auto polling = sim.Probe(polling_config);

  (void)sim.Settle(*events);  // starts the stream
  for (sim::Millis offset = 0; offset <= kEnd; offset += kPollInterval) {
    sim.At(offset);
    Result<Observation> e = sim.Settle(*events);
    Result<Observation> p = sim.Poll(*polling);
    if (AsMesos(e) == nullptr || AsMesos(p) == nullptr) {
      ADD_FAILURE() << "poll at " << offset / kSecond << " s failed: " << e.status().ToString()
                    << " / " << p.status().ToString();
      return rec;
    }
    rec.polls.push_back({offset, *AsMesos(e), *AsMesos(p)});
  }
  rec.polling_requests = polling->http.requests();
  rec.ok = true;
  return rec;
}

const Record& TheRecord() {
  static const Record rec = RunTimeline();
  return rec;
}

std::string At(sim::Millis offset) {
  return std::to_string(offset / kMinute) + ":" + (offset % kMinute < 10 * kSecond ? "0" : "") +
         std::to_string(offset % kMinute / kSecond);
}

using AgentKey = std::tuple<std::string, std::string, std::string>;  // id, hostname, state
std::vector<AgentKey> Agents(const MesosObservation& o) {
  std::vector<AgentKey> out;
  for (const MesosAgent& a : o.agents) out.emplace_back(a.id, a.hostname, a.state);
  return out;
}

void ExpectSameResources(const MesosResources& polled, const MesosResources& streamed,
                         const std::string& what) {
  EXPECT_DOUBLE_EQ(polled.cpus, streamed.cpus) << what;
  EXPECT_DOUBLE_EQ(polled.gpus, streamed.gpus) << what;
  EXPECT_DOUBLE_EQ(polled.memory_bytes, streamed.memory_bytes) << what;
  EXPECT_DOUBLE_EQ(polled.disk_bytes, streamed.disk_bytes) << what;
}

class MesosPollingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(TheRecord().ok); }
  const Record& rec() const { return TheRecord(); }
};

TEST_F(MesosPollingTest, SameAgentsAndFrameworksAsEventsMode) {
  for (const PollPair& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    EXPECT_EQ(p.events.origin, MesosStateOrigin::kEventStream);
    EXPECT_EQ(p.polling.origin, MesosStateOrigin::kPolling);
    EXPECT_EQ(p.polling.leader, p.events.leader);
    EXPECT_FALSE(p.polling.event_stream.has_value());

    // The agents the leader lists. An agent that became unreachable is listed by neither
    // /master/slaves nor SUBSCRIBED; only the event stream learns of it (its tasks' TASK_LOST
    // with REASON_AGENT_REMOVED) and keeps it as unreachable until a resubscription.
    std::vector<AgentKey> listed;
    for (const AgentKey& a : Agents(p.events)) {
      if (std::get<2>(a) != "unreachable") listed.push_back(a);
    }
    EXPECT_EQ(Agents(p.polling), listed);
    for (const MesosAgent& q : p.polling.agents) {
      const MesosAgent* e = FindAgent(p.events, q.id);
      if (e == nullptr) continue;
      SCOPED_TRACE("agent " + q.hostname);
      EXPECT_EQ(q.version, e->version);
      EXPECT_EQ(q.attributes, e->attributes);
      ExpectSameResources(q.total, e->total, "total");
      ExpectSameResources(q.reserved, e->reserved, "reserved");
    }
    if (p.offset >= kAgentLost && p.offset < kFailover) {
      EXPECT_EQ(listed.size() + 1, p.events.agents.size());
    } else {
      EXPECT_EQ(listed.size(), p.events.agents.size());
    }

    ASSERT_EQ(p.polling.frameworks.size(), p.events.frameworks.size());
    for (std::size_t i = 0; i < p.events.frameworks.size(); ++i) {
      const MesosFramework& e = p.events.frameworks[i];
      const MesosFramework& q = p.polling.frameworks[i];
      ASSERT_EQ(q.id, e.id);
      SCOPED_TRACE("framework " + e.name);
      EXPECT_EQ(q.name, e.name);
      EXPECT_EQ(q.active, e.active);
      EXPECT_EQ(q.connected, e.connected);
      EXPECT_EQ(q.tasks, e.tasks);
      // /master/state-summary carries no role; /master/roles supplies it.
      EXPECT_EQ(q.role, e.role);
      EXPECT_EQ(q.webui_url, e.webui_url);
      std::vector<std::pair<std::string, MesosTaskState>> etm, qtm;
      for (const MesosTask& t : e.taskmanager_tasks) etm.emplace_back(t.id, t.state);
      for (const MesosTask& t : q.taskmanager_tasks) qtm.emplace_back(t.id, t.state);
      EXPECT_EQ(qtm, etm);
    }
  }
}

// Resources in use, per agent and per framework, as polling reads them afresh every 15 s. The
// event stream's model keeps them as the last SUBSCRIBED (agents: or the last /master/slaves
// reconciliation) reported them: task events do not move them. Disabled until it does.
TEST_F(MesosPollingTest, UsedResourcesFollowTheTasks) {
  for (const PollPair& p : rec().polls) {
    SCOPED_TRACE("poll at " + At(p.offset));
    for (const MesosAgent& q : p.polling.agents) {
      const MesosAgent* e = FindAgent(p.events, q.id);
      ASSERT_NE(e, nullptr) << q.hostname;
      ExpectSameResources(q.used, e->used, "used by agent " + q.hostname);
    }
    for (const MesosFramework& q : p.polling.frameworks) {
      const MesosFramework* e = FindFramework(p.events, q.id);
      ASSERT_NE(e, nullptr) << q.name;
      ExpectSameResources(q.used, e->used, "used by framework " + q.name);
    }
  }
}

TEST_F(MesosPollingTest, CallsOnlyTheCheapEndpoints) {
  const std::set<std::string> allowed = {"/master/slaves", "/master/state-summary", "/master/roles", "/master/tasks",
                                         "/metrics/snapshot", "/version"};
  std::map<std::string, std::size_t> by_path;
  std::map<std::string, std::set<std::string>> offsets_by_framework;
  for (const auto& r : rec().polling_requests) {
    by_path[r.path] += 1;
    EXPECT_EQ(r.method, "GET") << r.url;
    EXPECT_TRUE(allowed.count(r.path) > 0) << r.url;
    if (r.path != "/master/tasks") continue;
    std::map<std::string, std::string> q;
    std::size_t start = 0;
    while (start <= r.query.size()) {
      const std::size_t amp = std::min(r.query.find('&', start), r.query.size());
      const std::string pair = r.query.substr(start, amp - start);
      const std::size_t eq = pair.find('=');
      if (eq != std::string::npos) q[pair.substr(0, eq)] = pair.substr(eq + 1);
      start = amp + 1;
    }
    EXPECT_EQ(rec().flink_framework_ids.count(q["framework_id"]), 1u) << r.url;
    EXPECT_EQ(q["limit"], std::to_string(kPageSize)) << r.url;
    EXPECT_EQ(q["order"], "asc") << r.url;
    offsets_by_framework[q["framework_id"]].insert(q["offset"]);
  }
  const std::size_t polls = rec().polls.size();
  EXPECT_EQ(by_path["/master/state"], 0u);
  EXPECT_EQ(by_path["/metrics/snapshot"], 3 * polls);
  EXPECT_EQ(by_path["/version"], 3u);
  EXPECT_EQ(by_path["/master/slaves"], polls);  // the state is due at every 15 s poll
  EXPECT_EQ(by_path["/master/state-summary"], polls);
  EXPECT_EQ(by_path["/master/roles"], polls);
  // Both Flink frameworks, a page at a time.
  ASSERT_EQ(offsets_by_framework.size(), 2u);
  for (const auto& [id, offsets] : offsets_by_framework) {
    EXPECT_GT(offsets.count("0"), 0u) << id;
    EXPECT_GT(offsets.count(std::to_string(kPageSize)), 0u) << id << ": never a second page";
  }
  std::cout << "polling requests over " << polls << " polls:";
  for (const auto& [path, n] : by_path) std::cout << " " << path << "=" << n;
  std::cout << "\n";
}

}  // namespace
}  // namespace fme::testing
