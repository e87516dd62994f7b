// The exporter's FlinkSource polling the three Flink clusters of config/scenarios/incidents.yml
// through twelve and a half minutes of simulated time, every 15 s (every 5 s around the 2:00
// restart, which lasts 10 s), as the Poller would. Each scripted Flink incident must show up in
// the observations, and in the rendered exposition, inside its window and not outside it.
//
// The timeline is run once for the suite; the tests read its record.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/snapshot_renderer.h"
#include "flink_sim_harness.h"
#include "scenario/scenario_loader.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::testing {
namespace {

const std::vector<std::string> kClusters = {"Flink", "flink-legacy", "reporting"};
constexpr sim::Millis kEnd = 12 * kMin + 30 * kSec;

sim::Scenario LoadIncidents() {
  auto r = sim::LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/incidents.yml");
  EXPECT_TRUE(r.ok()) << r.error;
  sim::Scenario s = r.ok() ? *r.scenario : sim::Scenario{};
  s.start = kStart;
  return s;
}

// Every 15 s, plus every 5 s from 1:45 to 2:15.
std::vector<sim::Millis> PollOffsets() {
  std::set<sim::Millis> at;
  for (sim::Millis t = 0; t <= kEnd; t += 15 * kSec) at.insert(t);
  for (sim::Millis t = 105 * kSec; t <= 135 * kSec; t += 5 * kSec) at.insert(t);
  return {at.begin(), at.end()};
}

struct PollRecord {
  sim::Millis offset = 0;
  bool reachable = true;                // the simulated JobManager accepted connections
  std::optional<FlinkObservation> obs;  // when the poll succeeded
  Status error;                         // when it failed
};

// What the run saw: per cluster its polls in time order, the rendering of all clusters after
// each round of polls, every request, and the ids the scenario's incidents are about.
struct Record {
  std::map<std::string, std::vector<PollRecord>> polls;
  std::map<sim::Millis, std::string> rendered;
  std::vector<SimHttpClient::Recorded> requests;
  std::string clickstream, clickstream_vertex1, fraud, sessionization, audit;
  bool audit_still_listed_at_end = false;
};

Record RunTimeline() {
  Record rec;
  SimWorld world(LoadIncidents());
  rec.clickstream = world.JobId("Flink", "clickstream-enrichment");
  const std::vector<std::string> vertices = world.VertexIds("Flink", rec.clickstream);
  if (vertices.size() > 1) rec.clickstream_vertex1 = vertices[1];
  rec.fraud = world.JobId("Flink", "fraud-detection");
  rec.sessionization = world.JobId("flink-legacy", "sessionization");
  rec.audit = world.JobId("reporting", "audit-export");

  FlinkCollectSettings collect;
  collect.terminal_job_ttl = std::chrono::minutes(5);
  std::map<std::string, std::unique_ptr<FlinkSource>> sources;
  for (const std::string& c : kClusters) sources[c] = world.Source(c, collect);

  for (sim::Millis offset : PollOffsets()) {
    world.time.At(offset);
    Snapshot snap;
    snap.created = world.time.clock().Now();
    for (const std::string& c : kClusters) {
      Result<Observation> r = world.Poll(*sources[c]);
      PollRecord p;
      p.offset = offset;
      p.reachable = world.engine.Read([&](const sim::World& w) {
        for (const sim::FlinkCluster& fc : w.flink) {
          if (fc.name == c) return fc.reachable;
        }
        return false;
      });
      auto state = std::make_shared<TargetState>();
      state->target = sources[c]->target();
      state->polled = true;
      state->up = r.ok();
      state->last_poll = world.time.clock().Now();
      if (const FlinkObservation* obs = AsFlink(r)) {
        p.obs = *obs;
        state->observation = *r;
      } else {
        p.error = r.status();
      }
      rec.polls[c].push_back(std::move(p));
      snap.targets.push_back(std::move(state));
    }
    std::sort(snap.targets.begin(), snap.targets.end(),
              [](const auto& a, const auto& b) { return a->target.name < b->target.name; });
    RenderSnapshot(snap, rec.rendered[offset]);
  }
  rec.requests = world.http.requests();
  rec.audit_still_listed_at_end = world.engine.Read([&](const sim::World& w) {
    for (const sim::FlinkCluster& c : w.flink) {
      for (const sim::Job& j : c.jobs) {
        if (j.id == rec.audit) return j.state == sim::JobStatus::kCanceled;
      }
    }
    return false;
  });
  return rec;
}

// The value of the one sample of `family` whose line contains every one of `parts`.
std::optional<double> Sample(const std::string& text, const std::string& family,
                             const std::vector<std::string>& parts) {
  std::optional<double> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(family + "{", 0) != 0) continue;
    if (!std::all_of(parts.begin(), parts.end(),
                     [&](const std::string& p) { return line.find(p) != std::string::npos; })) {
      continue;
    }
    EXPECT_FALSE(found.has_value()) << "more than one sample matches: " << line;
    found = std::stod(line.substr(line.rfind(' ') + 1));
  }
  return found;
}

std::string Label(const std::string& value) { return "=\"" + value + "\""; }

std::string Time(sim::Millis offset) {
  return std::to_string(offset / kMin) + ":" + (offset % kMin < 10 * kSec ? "0" : "") +
         std::to_string(offset % kMin / kSec);
}

class FlinkIncidentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { record_ = new Record(RunTimeline()); }
  static void TearDownTestSuite() {
    delete record_;
    record_ = nullptr;
  }

  static const Record& rec() { return *record_; }
  static const std::vector<PollRecord>& Polls(const std::string& cluster) {
    return record_->polls.at(cluster);
  }
  static const PollRecord& PollAt(const std::string& cluster, sim::Millis offset) {
    for (const PollRecord& p : Polls(cluster)) {
      if (p.offset == offset) return p;
    }
    ADD_FAILURE() << "no poll of " << cluster << " at " << Time(offset);
    static const PollRecord kNone;
    return kNone;
  }
  // The job in a successful poll; fails the test when the poll failed.
  static const FlinkJob* Job(const PollRecord& p, const std::string& id) {
    EXPECT_TRUE(p.obs.has_value()) << "poll at " << Time(p.offset) << " failed: " << p.error.ToString();
    return p.obs ? FindJob(*p.obs, id) : nullptr;
  }

  static Record* record_;
};

Record* FlinkIncidentsTest::record_ = nullptr;

TEST_F(FlinkIncidentsTest, EveryClusterIsPolledSuccessfullyOutsideItsOutages) {
  for (const std::string& c : kClusters) {
    for (const PollRecord& p : Polls(c)) {
      const bool job_list_fault = c == "Flink" && p.offset >= 570 * kSec && p.offset < 590 * kSec;
      if (!p.reachable || job_list_fault) continue;
      EXPECT_TRUE(p.obs.has_value()) << c << " at " << Time(p.offset) << ": " << p.error.ToString();
    }
  }
}

TEST_F(FlinkIncidentsTest, OutagesFailThePollWithTheirKind) {
  // 5:00-6:00 the reporting JobManager resets connections.
  for (sim::Millis t = 5 * kMin; t < 6 * kMin; t += 15 * kSec) {
    const PollRecord& p = PollAt("reporting", t);
    EXPECT_FALSE(p.obs.has_value()) << Time(t);
    EXPECT_EQ(p.error.code(), StatusCode::kUnavailable) << Time(t) << ": " << p.error.ToString();
  }
  EXPECT_TRUE(PollAt("reporting", 6 * kMin).obs.has_value());
  // 9:30-9:50 the Flink job list answers 503 (the scenario's scheduled fault).
  for (sim::Millis t : {570 * kSec, 585 * kSec}) {
    const PollRecord& p = PollAt("Flink", t);
    EXPECT_FALSE(p.obs.has_value()) << Time(t);
    EXPECT_EQ(p.error.code(), StatusCode::kHttpStatus) << Time(t) << ": " << p.error.ToString();
  }
  EXPECT_TRUE(PollAt("Flink", 600 * kSec).obs.has_value());
  // 8:30 flink-legacy's JobManager stops for its upgrade once the savepoints are taken.
  int legacy_down = 0;
  for (const PollRecord& p : Polls("flink-legacy")) {
    if (p.reachable) continue;
    ++legacy_down;
    EXPECT_GE(p.offset, 510 * kSec);
    EXPECT_EQ(p.error.code(), StatusCode::kUnavailable) << Time(p.offset) << ": " << p.error.ToString();
  }
  EXPECT_GE(legacy_down, 1);
}

// 8:30 flink-legacy is upgraded from 1.9.3 to 1.13.6 and its jobs resubmitted with new ids.
TEST_F(FlinkIncidentsTest, UpgradeShowsTheNewVersionAndJobs) {
  const PollRecord& before = PollAt("flink-legacy", 8 * kMin + 15 * kSec);
  const PollRecord& after = PollAt("flink-legacy", 10 * kMin);
  ASSERT_TRUE(before.obs && after.obs);
  EXPECT_EQ(before.obs->overview.version, "1.9.3");
  EXPECT_EQ(after.obs->overview.version, "1.13.6");
  EXPECT_NE(FindJob(*before.obs, rec().sessionization), nullptr);
  std::vector<std::string> running;
  for (const FlinkJob& j : after.obs->jobs) {
    if (j.name == "sessionization" && j.state == FlinkJobState::kRunning) running.push_back(j.id);
  }
  ASSERT_EQ(running.size(), 1u);
  EXPECT_NE(running[0], rec().sessionization);
}

// 1:00-4:00 backpressure (ratio 0.85) on vertex 1 of Flink/clickstream-enrichment (1.13).
TEST_F(FlinkIncidentsTest, BackpressureShowsOnlyDuringItsWindow) {
  ASSERT_FALSE(rec().clickstream_vertex1.empty());
  int high = 0, ok = 0;
  for (const PollRecord& p : Polls("Flink")) {
    if (!p.obs) continue;
    const FlinkJob* job = FindJob(*p.obs, rec().clickstream);
    ASSERT_NE(job, nullptr) << Time(p.offset);
    const FlinkVertex* v = FindVertex(*job, rec().clickstream_vertex1);
    ASSERT_NE(v, nullptr) << Time(p.offset);
    // While the job restarts (2:00 and 4:00, 10 s each) its subtasks report no load at all.
    if (job->state != FlinkJobState::kRunning) continue;
    if (p.offset >= 1 * kMin && p.offset < 4 * kMin) {
      ++high;
      EXPECT_EQ(v->backpressure_level, FlinkBackpressureLevel::kHigh) << Time(p.offset);
      ASSERT_TRUE(v->backpressured_ratio.max.has_value()) << Time(p.offset);
      EXPECT_GT(*v->backpressured_ratio.max, 0.5) << Time(p.offset);
    } else {
      ++ok;
      EXPECT_EQ(v->backpressure_level, FlinkBackpressureLevel::kOk) << Time(p.offset);
      ASSERT_TRUE(v->backpressured_ratio.max.has_value()) << Time(p.offset);
      EXPECT_LE(*v->backpressured_ratio.max, 0.1) << Time(p.offset);
    }
  }
  EXPECT_GE(high, 10);
  EXPECT_GE(ok, 10);
}

// 1:30-3:00 the checkpoints of Flink/fraud-detection fail.
TEST_F(FlinkIncidentsTest, FailedCheckpointsCountUpDuringTheirWindow) {
  auto stats = [&](sim::Millis t) -> std::optional<FlinkCheckpointStats> {
    const FlinkJob* job = Job(PollAt("Flink", t), rec().fraud);
    EXPECT_NE(job, nullptr) << Time(t);
    if (job == nullptr) return std::nullopt;
    EXPECT_TRUE(job->checkpoints.has_value()) << Time(t);
    return job->checkpoints;
  };
  const auto before = stats(75 * kSec);
  const auto end = stats(3 * kMin);
  const auto settled = stats(195 * kSec);
  const auto later = stats(7 * kMin);
  ASSERT_TRUE(before && end && settled && later);
  EXPECT_EQ(before->failed, 0);
  EXPECT_FALSE(before->last_failure_timestamp.has_value());
  EXPECT_GE(end->failed - before->failed, 2);
  EXPECT_EQ(end->completed, before->completed);  // none complete while they fail
  ASSERT_TRUE(end->last_failure_timestamp.has_value());
  EXPECT_GE(*end->last_failure_timestamp, (kStart + 90 * kSec) / 1000.0);
  EXPECT_EQ(end->last_failure_exception, "org.apache.flink.runtime.checkpoint.CheckpointException");
  // Afterwards they complete again and no more fail.
  EXPECT_GT(later->completed, end->completed);
  EXPECT_EQ(later->failed, settled->failed);
}

// 3:00-5:00 the checkpoints of flink-legacy/sessionization (1.9, interval 60 s) stall.
TEST_F(FlinkIncidentsTest, LastCompletedCheckpointFreezesDuringTheStall) {
  auto last = [&](sim::Millis t) -> std::optional<double> {
    const FlinkJob* job = Job(PollAt("flink-legacy", t), rec().sessionization);
    EXPECT_NE(job, nullptr) << Time(t);
    if (job == nullptr || !job->checkpoints) return std::nullopt;
    return job->checkpoints->last_completed_timestamp;
  };
  const auto early = last(1 * kMin);
  const auto at_start = last(3 * kMin);
  ASSERT_TRUE(early && at_start);
  EXPECT_GT(*at_start, *early);  // it moves while healthy
  for (sim::Millis t = 3 * kMin; t < 5 * kMin; t += 15 * kSec) {
    const auto v = last(t);
    ASSERT_TRUE(v) << Time(t);
    EXPECT_EQ(*v, *at_start) << Time(t);
  }
  const auto after = last(5 * kMin + 15 * kSec);
  ASSERT_TRUE(after);
  EXPECT_GT(*after, *at_start);
}

// 2:00 taskmanager-00002 is OOM-killed: Flink/clickstream-enrichment is RESTARTING for 10 s.
TEST_F(FlinkIncidentsTest, RestartIsCountedAndSeenWhileRestarting) {
  bool seen_restarting = false;
  for (const PollRecord& p : Polls("Flink")) {
    if (p.offset > 235 * kSec) break;  // the agent lost at 4:00 restarts it again
    const FlinkJob* job = Job(p, rec().clickstream);
    ASSERT_NE(job, nullptr) << Time(p.offset);
    ASSERT_TRUE(job->restarts.has_value()) << Time(p.offset);
    if (p.offset < 2 * kMin) {
      EXPECT_EQ(*job->restarts, 0) << Time(p.offset);
      EXPECT_EQ(job->state, FlinkJobState::kRunning) << Time(p.offset);
      EXPECT_FALSE(job->last_failure.has_value()) << Time(p.offset);
      continue;
    }
    EXPECT_EQ(*job->restarts, 1) << Time(p.offset);
    if (p.offset < 2 * kMin + 10 * kSec) {
      EXPECT_EQ(job->state, FlinkJobState::kRestarting) << Time(p.offset);
      seen_restarting = seen_restarting || job->state == FlinkJobState::kRestarting;
    } else {
      EXPECT_EQ(job->state, FlinkJobState::kRunning) << Time(p.offset);
    }
    ASSERT_TRUE(job->last_failure.has_value()) << Time(p.offset);
    EXPECT_GE(job->last_failure->timestamp, (kStart + 2 * kMin) / 1000.0) << Time(p.offset);
  }
  EXPECT_TRUE(seen_restarting);
}

// 6:30 reporting/audit-export is cancelled (CANCELED a second later); terminal_job_ttl is 5 min.
TEST_F(FlinkIncidentsTest, CancelledJobStaysForItsTtlThenGoes) {
  ASSERT_TRUE(rec().audit_still_listed_at_end);  // Flink still lists it: the TTL removes it
  int canceled_polls = 0;
  for (const PollRecord& p : Polls("reporting")) {
    if (!p.obs) continue;
    const FlinkJob* job = FindJob(*p.obs, rec().audit);
    if (p.offset < 390 * kSec) {
      ASSERT_NE(job, nullptr) << Time(p.offset);
      EXPECT_EQ(job->state, FlinkJobState::kRunning) << Time(p.offset);
    } else if (p.offset >= 405 * kSec && p.offset <= 690 * kSec) {
      ASSERT_NE(job, nullptr) << Time(p.offset);
      EXPECT_EQ(job->state, FlinkJobState::kCanceled) << Time(p.offset);
      EXPECT_TRUE(job->end_timestamp.has_value()) << Time(p.offset);
      ++canceled_polls;
    } else if (p.offset >= 705 * kSec) {  // ended at 6:31, so gone after 11:31
      EXPECT_EQ(job, nullptr) << Time(p.offset);
    }
  }
  EXPECT_EQ(canceled_polls, (690 - 405) / 15 + 1);
  // Fetched once after it ended, then served from memory.
  const std::string details_path = "/jobs/" + rec().audit;
  const auto after_end = std::count_if(rec().requests.begin(), rec().requests.end(), [&](const auto& r) {
    const std::size_t at = r.url.find(details_path);
    return r.at >= kStart + 391 * kSec && at != std::string::npos &&
           at + details_path.size() == r.url.size();
  });
  EXPECT_EQ(after_end, 1);
}

// The rendered exposition carries the same incidents.
TEST_F(FlinkIncidentsTest, RenderedFamiliesShowTheIncidents) {
  const std::string& before = rec().rendered.at(30 * kSec);
  const std::string& during = rec().rendered.at(150 * kSec);
  const std::string& after = rec().rendered.at(5 * kMin);
  const std::vector<std::string> vertex = {Label("Flink"), Label(rec().clickstream_vertex1)};
  auto level = [&](const std::string& text, const std::string& l) {
    std::vector<std::string> parts = vertex;
    parts.push_back("level=\"" + l + "\"");
    return Sample(text, "flink_vertex_backpressure_level", parts);
  };
  EXPECT_EQ(level(before, "high"), 0.0);
  EXPECT_EQ(level(before, "ok"), 1.0);
  EXPECT_EQ(level(during, "high"), 1.0);
  EXPECT_EQ(level(during, "ok"), 0.0);
  EXPECT_EQ(level(after, "high"), 0.0);
  const auto max_ratio = Sample(during, "flink_vertex_backpressured_ratio", [&] {
    std::vector<std::string> parts = vertex;
    parts.push_back(Label("max"));
    return parts;
  }());
  ASSERT_TRUE(max_ratio.has_value()) << during;
  EXPECT_GT(*max_ratio, 0.5);

  auto failed = [&](sim::Millis t) {
    return Sample(rec().rendered.at(t), "flink_job_checkpoints_total",
                  {Label("Flink"), Label(rec().fraud), "result=\"failed\""});
  };
  ASSERT_TRUE(failed(75 * kSec).has_value());
  ASSERT_TRUE(failed(3 * kMin).has_value());
  EXPECT_GT(*failed(3 * kMin), *failed(75 * kSec));

  const auto restarts = Sample(rec().rendered.at(125 * kSec), "flink_job_restarts_total",
                               {Label("Flink"), Label(rec().clickstream)});
  EXPECT_EQ(restarts, 1.0);
  const auto restarting = Sample(rec().rendered.at(2 * kMin), "flink_job_state",
                                 {Label("Flink"), Label(rec().clickstream), Label("RESTARTING")});
  EXPECT_EQ(restarting, 1.0);
  const auto canceled = Sample(rec().rendered.at(11 * kMin), "flink_job_state",
                               {Label("reporting"), Label(rec().audit), Label("CANCELED")});
  EXPECT_EQ(canceled, 1.0);
  EXPECT_EQ(rec().rendered.at(12 * kMin).find(Label(rec().audit)), std::string::npos);
}

}  // namespace
}  // namespace fme::testing
