// MesosSource's per-agent, per-framework and task state: polling the leader's v0 endpoints, and
// the v1 event stream with its fallback to polling.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mesos/mesos_source.h"
#include "support/eventually.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/fixture.h"

namespace fme {
namespace {

using std::chrono::milliseconds;
using testing::Eventually;
using testing::FakeClock;
using testing::FakeHttpClient;
using testing::ReadFixture;
using testing::StreamEnd;

const std::string kM1 = "http://m1:5050";
const std::string kM2 = "http://m2:5050";  // the leader
const std::string kM3 = "http://m3:5050";

// Ids of the v0 fixtures and of leader_metrics_snapshot_full.json.
const std::string kFlink = "5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-0012";
const std::string kMarathon = "5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-0000";
// Ids of the v1 fixtures.
const std::string kV1Flink = "9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d-0004";

std::string SnapshotUrl(const std::string& master) {
  return master + "/metrics/snapshot?timeout=4000ms";  // 80 % of the 5 s poll budget
}

std::string TasksUrl(const std::string& framework_id, int limit, int offset) {
  return kM2 + "/master/tasks?framework_id=" + framework_id +
         "&order=asc&limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

// {"tasks": [...]} with tasks [from, to) of the v0 fixture, which lists the tasks of every
// framework, as a master that ignores framework_id would.
std::string TasksPage(std::size_t from, std::size_t to) {
  const auto all = nlohmann::json::parse(ReadFixture("mesos/v0/master_tasks.json"))["tasks"];
  nlohmann::json page = nlohmann::json::array();
  for (std::size_t i = from; i < to && i < all.size(); ++i) page.push_back(all[i]);
  return nlohmann::json{{"tasks", page}}.dump();
}

std::string Record(const std::string& data) { return std::to_string(data.size()) + "\n" + data; }

const MesosFramework* FindFramework(const MesosObservation& obs, const std::string& id) {
  for (const auto& f : obs.frameworks) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

const MesosTermination* FindTermination(const std::vector<MesosTermination>& all,
                                        MesosTaskState state, const std::string& reason = "unknown",
                                        const std::string& source = "unknown") {
  for (const auto& t : all) {
    if (t.state == state && t.reason == reason && t.source == source) return &t;
  }
  return nullptr;
}

class MesosSourceStateTest : public ::testing::Test {
 protected:
  static constexpr int kPageSize = 2;

  MesosSourceStateTest() {
    config.name = "prod";
    config.masters = {kM1, kM2, kM3};
    config.collect.state = MesosStateMode::kPolling;
    config.collect.task_frameworks = {"Flink"};
    config.collect.task_page_size = kPageSize;
    config.collect.state_poll_interval = std::chrono::minutes(1);

    const std::string standby = ReadFixture("mesos/standby_metrics_snapshot.json");
    http.Respond(SnapshotUrl(kM1), 200, standby);
    http.Respond(SnapshotUrl(kM2), 200, ReadFixture("mesos/leader_metrics_snapshot_full.json"));
    http.Respond(SnapshotUrl(kM3), 200, standby);
    http.Respond(kM1 + "/version", 200, R"({"version":"1.10.3"})");
    http.Respond(kM2 + "/version", 200, ReadFixture("mesos/v0/version.json"));
    http.Respond(kM3 + "/version", 200, R"({"version":"1.10.3"})");
    http.Respond(kM2 + "/master/slaves", 200, ReadFixture("mesos/v0/master_slaves.json"));
    http.Respond(kM2 + "/master/state-summary", 200,
                 ReadFixture("mesos/v0/master_state_summary.json"));
    // The summary has no roles; /master/roles has them (Flink in two).
    http.Respond(kM2 + "/master/roles", 200,
                 R"({"roles":[{"name":"*","weight":1.0,"frameworks":[")" + kMarathon +
                     R"("]},{"name":"analytics","frameworks":[")" + kFlink +
                     R"("]},{"name":"flink","frameworks":[")" + kFlink + R"("]}]})");
    // Five tasks, two a page: full, full, short (the last).
    http.Respond(TasksUrl(kFlink, kPageSize, 0), 200, TasksPage(0, 2));
    http.Respond(TasksUrl(kFlink, kPageSize, 2), 200, TasksPage(2, 4));
    http.Respond(TasksUrl(kFlink, kPageSize, 4), 200, TasksPage(4, 6));
  }

  MesosSource& Source() {
    if (!source_) source_ = std::make_unique<MesosSource>(config, http, clock);
    return *source_;
  }

  MesosObservation Poll() {
    auto r = Source().Poll(clock.Steady() + std::chrono::seconds(5));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    return std::get<MesosObservation>(std::move(*r));
  }

  // Requests to a master other than /metrics/snapshot and /version.
  std::vector<std::string> StateRequests(const std::string& master) const {
    std::vector<std::string> out;
    for (const auto& r : http.requests()) {
      if (r.url.rfind(master + "/", 0) != 0) continue;
      if (r.url.rfind(master + "/metrics/snapshot", 0) == 0 || r.url == master + "/version") {
        continue;
      }
      out.push_back(r.url);
    }
    return out;
  }

  MesosClusterConfig config;
  FakeHttpClient http;
  FakeClock clock;

 private:
  std::unique_ptr<MesosSource> source_;
};

TEST_F(MesosSourceStateTest, PollsTheStateOfTheLeaderOnly) {
  const MesosObservation obs = Poll();
  ASSERT_TRUE(obs.leader.has_value());
  EXPECT_EQ(*obs.leader, 1u);
  EXPECT_EQ(obs.origin, MesosStateOrigin::kPolling);
  EXPECT_FALSE(obs.event_stream.has_value()) << "polling mode has no stream";
  EXPECT_TRUE(obs.endpoint_errors.empty());

  // Once each, however many masters answer.
  ASSERT_EQ(obs.agents.size(), 4u) << "3 agents and 1 recovered";
  std::set<std::string> agent_ids;
  for (const auto& a : obs.agents) agent_ids.insert(a.id);
  EXPECT_EQ(agent_ids.size(), obs.agents.size());
  ASSERT_EQ(obs.frameworks.size(), 2u);
  const MesosFramework* flink = FindFramework(obs, kFlink);
  const MesosFramework* marathon = FindFramework(obs, kMarathon);
  ASSERT_NE(flink, nullptr);
  ASSERT_NE(marathon, nullptr);
  std::vector<std::string> taskmanagers;
  for (const auto& t : flink->taskmanager_tasks) taskmanagers.push_back(t.id);
  EXPECT_EQ(taskmanagers, (std::vector<std::string>{"taskmanager-00000", "taskmanager-00001",
                                                    "taskmanager-00002", "taskmanager-00003"}));
  EXPECT_TRUE(marathon->taskmanager_tasks.empty());
  EXPECT_EQ(flink->role, "analytics,flink") << "from /master/roles";
  EXPECT_EQ(marathon->role, "*");

  EXPECT_TRUE(StateRequests(kM1).empty());
  EXPECT_TRUE(StateRequests(kM3).empty());
  EXPECT_EQ(StateRequests(kM2),
            (std::vector<std::string>{kM2 + "/master/slaves", kM2 + "/master/state-summary",
                                      kM2 + "/master/roles", TasksUrl(kFlink, kPageSize, 0),
                                      TasksUrl(kFlink, kPageSize, 2),
                                      TasksUrl(kFlink, kPageSize, 4)}))
      << "tasks only of frameworks named by task_frameworks, never /master/state";
  for (const auto& r : http.requests()) {
    EXPECT_EQ(r.method, "GET") << r.url;
    EXPECT_EQ(r.url.find("/master/state?"), std::string::npos) << r.url;
    EXPECT_NE(r.url, kM2 + "/master/state");
  }
}

TEST_F(MesosSourceStateTest, StateIsReReadOnlyEveryStatePollInterval) {
  Poll();
  clock.Advance(std::chrono::seconds(30));
  MesosObservation obs = Poll();
  EXPECT_EQ(http.CountRequests(kM2 + "/master/slaves"), 1) << "not due yet";
  EXPECT_EQ(http.CountRequests(kM2 + "/master/state-summary"), 1);
  EXPECT_EQ(http.CountRequests(TasksUrl(kFlink, kPageSize, 0)), 1);
  EXPECT_EQ(obs.origin, MesosStateOrigin::kPolling) << "served from memory";
  EXPECT_EQ(obs.agents.size(), 4u);
  EXPECT_EQ(obs.frameworks.size(), 2u);
  EXPECT_EQ(http.CountRequests(SnapshotUrl(kM2)), 2) << "the snapshot is read every poll";

  clock.Advance(std::chrono::seconds(30));
  obs = Poll();
  EXPECT_EQ(http.CountRequests(kM2 + "/master/slaves"), 2);
  EXPECT_EQ(http.CountRequests(kM2 + "/master/state-summary"), 2);
  EXPECT_EQ(http.CountRequests(TasksUrl(kFlink, kPageSize, 4)), 2);
  EXPECT_EQ(obs.agents.size(), 4u);
}

TEST_F(MesosSourceStateTest, AFailingStateCallKeepsTheLastState) {
  Poll();
  http.Fail(kM2 + "/master/slaves", Status::Unavailable("connection refused"));
  clock.Advance(std::chrono::minutes(1));
  MesosObservation obs = Poll();
  ASSERT_EQ(obs.endpoint_errors.size(), 1u);
  EXPECT_EQ(obs.endpoint_errors[0].endpoint, "/master/slaves");
  EXPECT_EQ(obs.endpoint_errors[0].kind, StatusCodeName(StatusCode::kUnavailable));
  EXPECT_EQ(obs.origin, MesosStateOrigin::kPolling);
  EXPECT_EQ(obs.agents.size(), 4u) << "the last good state";
  EXPECT_EQ(obs.frameworks.size(), 2u);
  EXPECT_EQ(http.CountRequests(kM2 + "/master/state-summary"), 1) << "given up after the failure";

  // Due until it succeeds: the next poll tries again.
  obs = Poll();
  EXPECT_EQ(http.CountRequests(kM2 + "/master/slaves"), 3);
  EXPECT_EQ(obs.endpoint_errors.size(), 1u);
}

TEST_F(MesosSourceStateTest, NoStateUntilAPollSucceeds) {
  http.Respond(kM2 + "/master/state-summary", 500, "Internal Server Error");
  const MesosObservation obs = Poll();
  ASSERT_EQ(obs.endpoint_errors.size(), 1u);
  EXPECT_EQ(obs.endpoint_errors[0].endpoint, "/master/state-summary");
  EXPECT_EQ(obs.endpoint_errors[0].kind, StatusCodeName(StatusCode::kHttpStatus));
  EXPECT_EQ(obs.origin, MesosStateOrigin::kNone);
  EXPECT_TRUE(obs.agents.empty()) << "no half state: the agents were read, the frameworks not";
  EXPECT_TRUE(obs.frameworks.empty());
  EXPECT_EQ(http.CountRequests(TasksUrl(kFlink, kPageSize, 0)), 0);
}

TEST_F(MesosSourceStateTest, TerminationsComeFromTheLeadersCounters) {
  const MesosObservation obs = Poll();
  // master/task_<state>/source_<source>/reason_<reason>
  const auto* oom = FindTermination(obs.terminations, MesosTaskState::kFailed,
                                    "REASON_CONTAINER_LIMITATION_MEMORY", "SOURCE_EXECUTOR");
  ASSERT_NE(oom, nullptr);
  EXPECT_EQ(oom->count, 3);
  const auto* invalid = FindTermination(obs.terminations, MesosTaskState::kError,
                                        "REASON_TASK_INVALID", "SOURCE_MASTER");
  ASSERT_NE(invalid, nullptr);
  EXPECT_EQ(invalid->count, 1);
  double total = 0;
  for (const auto& t : obs.terminations) total += t.count;
  EXPECT_EQ(total, 15) << "the leader's counters once, not once per master";

  // Per framework: the master's own counters (v0 task statuses carry no reasons), not the one
  // failed task that /master/tasks still lists.
  const MesosFramework* flink = FindFramework(obs, kFlink);
  ASSERT_NE(flink, nullptr);
  const auto* failed = FindTermination(flink->terminations, MesosTaskState::kFailed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->count, 2);
  ASSERT_NE(FindTermination(flink->terminations, MesosTaskState::kKilled), nullptr);
  EXPECT_EQ(FindTermination(flink->terminations, MesosTaskState::kKilled)->count, 1);
  ASSERT_NE(FindTermination(flink->terminations, MesosTaskState::kLost), nullptr);
  EXPECT_EQ(FindTermination(flink->terminations, MesosTaskState::kLost)->count, 1);
  const MesosFramework* marathon = FindFramework(obs, kMarathon);
  ASSERT_NE(marathon, nullptr);
  ASSERT_NE(FindTermination(marathon->terminations, MesosTaskState::kFinished), nullptr);
  EXPECT_EQ(FindTermination(marathon->terminations, MesosTaskState::kFinished)->count, 4);
}

TEST_F(MesosSourceStateTest, VersionIsFetchedOncePerMaster) {
  Poll();
  clock.Advance(std::chrono::seconds(15));
  Poll();
  clock.Advance(std::chrono::seconds(15));
  const MesosObservation obs = Poll();
  for (const auto& m : {kM1, kM2, kM3}) EXPECT_EQ(http.CountRequests(m + "/version"), 1) << m;
  EXPECT_EQ(obs.leader_version, "1.11.0");
  ASSERT_EQ(obs.masters.size(), 3u);
  EXPECT_EQ(obs.masters[0].version, "1.10.3");
  EXPECT_EQ(obs.masters[1].version, "1.11.0");
}

TEST_F(MesosSourceStateTest, NoLeaderMeansNoStateCalls) {
  http.Respond(SnapshotUrl(kM2), 200, ReadFixture("mesos/standby_metrics_snapshot.json"));
  const MesosObservation obs = Poll();
  EXPECT_FALSE(obs.leader.has_value());
  EXPECT_EQ(obs.origin, MesosStateOrigin::kNone);
  EXPECT_TRUE(obs.agents.empty());
  EXPECT_TRUE(obs.frameworks.empty());
  EXPECT_TRUE(obs.terminations.empty());
  EXPECT_TRUE(obs.leader_version.empty());
  for (const auto& m : {kM1, kM2, kM3}) EXPECT_TRUE(StateRequests(m).empty()) << m;
}

TEST_F(MesosSourceStateTest, LosingTheLeaderKeepsTheLastStateWithoutCalls) {
  Poll();
  http.Respond(SnapshotUrl(kM2), 200, ReadFixture("mesos/standby_metrics_snapshot.json"));
  clock.Advance(std::chrono::minutes(5));
  const MesosObservation obs = Poll();
  EXPECT_FALSE(obs.leader.has_value());
  EXPECT_EQ(http.CountRequests(kM2 + "/master/slaves"), 1);
  EXPECT_EQ(obs.agents.size(), 4u);
}

TEST_F(MesosSourceStateTest, EventsModeFallsBackToPollingWhenTheMasterRefuses) {
  config.collect.state = MesosStateMode::kEvents;
  http.Respond(kM2 + "/api/v1", 404, "");
  MesosObservation obs;
  // The stream's thread meets the refusal in its own time.
  ASSERT_TRUE(Eventually([&] {
    obs = Poll();
    return obs.origin == MesosStateOrigin::kPolling;
  }));
  EXPECT_EQ(obs.agents.size(), 4u);
  EXPECT_EQ(obs.frameworks.size(), 2u);
  ASSERT_TRUE(obs.event_stream.has_value());
  EXPECT_NE(obs.event_stream->last_error.find("HTTP 404"), std::string::npos);
  EXPECT_EQ(http.CountRequests(kM1 + "/api/v1"), 0) << "only the leader is asked";
  EXPECT_EQ(http.CountRequests(kM3 + "/api/v1"), 0);
  EXPECT_EQ(http.CountRequests(kM2 + "/master/slaves"), 1);
}

TEST_F(MesosSourceStateTest, EventsModeServesTheStreamsModel) {
  config.collect.state = MesosStateMode::kEvents;
  http.RespondStream(kM2 + "/api/v1", 200, {Record(ReadFixture("mesos/v1/subscribed.json"))},
                     StreamEnd::kHang);
  // The agent reconciliation's /master/slaves fails: the agents are the stream's alone.
  http.Fail(kM2 + "/master/slaves", Status::Unavailable("connection refused"));
  MesosObservation obs;
  ASSERT_TRUE(Eventually([&] {
    obs = Poll();
    return obs.origin == MesosStateOrigin::kEventStream;
  }));
  EXPECT_EQ(obs.agents.size(), 3u);
  ASSERT_EQ(obs.frameworks.size(), 2u);
  EXPECT_NE(FindFramework(obs, kV1Flink), nullptr);
  ASSERT_TRUE(obs.event_stream.has_value());
  EXPECT_TRUE(obs.event_stream->connected);
  EXPECT_EQ(obs.event_stream->leader, kM2);
  for (const auto& r : http.requests()) {
    EXPECT_EQ(r.url.find("/master/state"), std::string::npos) << "no state polling: " << r.url;
    EXPECT_EQ(r.url.find("/master/tasks"), std::string::npos) << "no state polling: " << r.url;
  }
  ASSERT_EQ(obs.endpoint_errors.size(), 1u);
  EXPECT_EQ(obs.endpoint_errors[0].endpoint, "/master/slaves");
  EXPECT_EQ(http.RequestsTo(kM2 + "/api/v1").size(), 1u);
  // The cluster figures still come from the leader's snapshot.
  ASSERT_TRUE(obs.leader.has_value());
  EXPECT_EQ(*obs.leader, 1u);
  EXPECT_FALSE(obs.terminations.empty());
}

}  // namespace
}  // namespace fme
