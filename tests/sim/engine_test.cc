// The scenario engine: determinism, steady-state dynamics, every scripted incident of
// incidents.yml at its time, the upgrade story and the scale knobs. Time is driven explicitly
// (AdvanceTo / a fake time source); nothing sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "scenario/scenario_loader.h"
#include "world/engine.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::sim {
namespace {

constexpr Millis kStart = 1714564800000;  // 2024-05-01T12:00:00Z
constexpr Millis kSec = 1000;
constexpr Millis kMin = 60 * kSec;

Scenario Load(const std::string& name) {
  auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/" + name);
  EXPECT_TRUE(r.ok()) << r.error;
  Scenario s = r.ok() ? *r.scenario : Scenario{};
  s.start = kStart;
  return s;
}

const FlinkCluster& Cluster(const World& w, const std::string& name) {
  for (const auto& c : w.flink) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no cluster " << name;
  return w.flink.front();
}

// Newest job of that name.
const Job& JobNamed(const FlinkCluster& c, const std::string& name) {
  for (auto it = c.jobs.rbegin(); it != c.jobs.rend(); ++it) {
    if (it->name == name) return *it;
  }
  ADD_FAILURE() << "no job " << name;
  return c.jobs.front();
}

const Task* ActiveTask(const World& w, const std::string& framework_id, const std::string& id) {
  for (const auto& t : w.mesos.tasks) {
    if (t.framework_id == framework_id && t.id == id) return &t;
  }
  return nullptr;
}

const Task* CompletedTask(const World& w, const std::string& framework_id, const std::string& id) {
  for (const auto& t : w.mesos.completed_tasks) {
    if (t.framework_id == framework_id && t.id == id) return &t;
  }
  return nullptr;
}

bool HasTm(const FlinkCluster& c, const std::string& id) {
  return std::any_of(c.taskmanagers.begin(), c.taskmanagers.end(), [&](const TaskManager& t) { return t.id == id; });
}

// A digest of everything that should be deterministic.
std::string Digest(const World& w) {
  std::ostringstream out;
  out << w.now << "|" << w.mesos.leader << "|";
  for (const auto& m : w.mesos.masters) out << m.id << ",";
  for (const auto& t : w.mesos.tasks) out << t.id << t.state << t.agent_id << t.statuses.back().uuid << ";";
  for (const auto& e : w.mesos.events) out << e.sequence << e.json << e.time << ";";
  for (const auto& c : w.flink) {
    for (const auto& j : c.jobs) {
      out << j.id << JobStatusName(j.state) << j.checkpoints.completed << j.checkpoints.failed << j.restarts;
      for (const auto& v : j.vertices) {
        out << v.id;
        for (const auto& s : v.subtasks) out << s.records_in << "/" << s.records_out << "/" << s.taskmanager_id;
      }
    }
    for (const auto& tm : c.taskmanagers) out << tm.id << tm.heap_used << tm.gcs[0].count;
  }
  return out.str();
}

TEST(EngineTest, SameSeedSameWorldRegardlessOfStepping) {
  const Scenario s = Load("incidents.yml");
  Engine a(s, [] { return kStart; });
  Engine b(s, [] { return kStart; });
  a.AdvanceTo(kStart + 10 * kMin);
  // b moves in odd increments: the fixed step grid makes the result identical.
  for (Millis t = kStart; t < kStart + 10 * kMin; t += 37'123) b.AdvanceTo(t);
  b.AdvanceTo(kStart + 10 * kMin);
  EXPECT_EQ(a.Read(Digest), b.Read(Digest));

  Scenario other = s;
  other.seed = 43;
  Engine c(other, [] { return kStart; });
  c.AdvanceTo(kStart + 10 * kMin);
  EXPECT_NE(a.Read(Digest), c.Read(Digest));
}

TEST(EngineTest, TimeSourceIsInjectedAndStartDefaultsToIt) {
  Scenario s = Load("healthy.yml");
  s.start.reset();  // "now": taken from the time source
  Millis fake = kStart + 5 * kSec;
  Engine e(s, [&fake] { return fake; });
  EXPECT_EQ(e.StartTime(), kStart + 5 * kSec);
  EXPECT_EQ(e.Now(), kStart + 5 * kSec);
  fake += 30 * kSec;
  e.Sync();
  EXPECT_EQ(e.Now(), kStart + 35 * kSec);
  e.AdvanceTo(kStart);  // never backwards
  EXPECT_EQ(e.Now(), kStart + 35 * kSec);
}

TEST(EngineTest, HealthyWorldShape) {
  Engine e(Load("healthy.yml"), [] { return kStart; });
  e.Read([](const World& w) {
    ASSERT_EQ(w.mesos.masters.size(), 3u);
    EXPECT_EQ(w.mesos.leader, 0);
    EXPECT_GT(w.mesos.masters[0].elected_time, 0);
    for (const auto& m : w.mesos.masters) EXPECT_EQ(m.hostname, "127.0.0.1");
    EXPECT_EQ(w.mesos.agents.size(), 8u);
    for (const auto& a : w.mesos.agents) {
      EXPECT_EQ(a.id.rfind(w.mesos.masters[0].id + "-S", 0), 0u) << a.id;
      EXPECT_EQ(a.attributes.count("rack"), 1u);
      EXPECT_GT(a.total.cpus, 0);
    }
    ASSERT_EQ(w.flink.size(), 3u);
    EXPECT_EQ(w.flink[0].name, "Flink");
    EXPECT_EQ(w.flink[0].version, "1.13.6");
    EXPECT_EQ(w.flink[0].dialect, FlinkDialect::k1_13);
    EXPECT_EQ(w.flink[1].name, "flink-legacy");
    EXPECT_EQ(w.flink[1].dialect, FlinkDialect::k1_9);
    EXPECT_FALSE(w.flink[2].on_mesos);
    EXPECT_EQ(w.flink[2].dialect, FlinkDialect::k1_18);
    EXPECT_TRUE(w.flink[2].framework_id.empty());

    std::set<std::string> names;
    for (const auto& f : w.mesos.frameworks) names.insert(f.name);
    EXPECT_EQ(names, (std::set<std::string>{"marathon", "chronos", "Flink", "flink-legacy"}));

    const std::regex hex32("^[0-9a-f]{32}$");
    for (std::size_t ci = 0; ci < 2; ++ci) {
      const auto& c = w.flink[ci];
      ASSERT_TRUE(c.on_mesos);
      const auto fw = std::find_if(w.mesos.frameworks.begin(), w.mesos.frameworks.end(),
                                   [&](const Framework& f) { return f.id == c.framework_id; });
      ASSERT_NE(fw, w.mesos.frameworks.end());
      EXPECT_EQ(fw->name, c.name);
      // TaskManager ids are the Mesos task ids; hosts are the agents' hostnames.
      ASSERT_FALSE(c.taskmanagers.empty());
      for (std::size_t i = 0; i < c.taskmanagers.size(); ++i) {
        const auto& tm = c.taskmanagers[i];
        const std::string n = std::to_string(i + 1);
        EXPECT_EQ(tm.id, "taskmanager-" + std::string(5 - n.size(), '0') + n);
        const Task* task = ActiveTask(w, c.framework_id, tm.id);
        ASSERT_NE(task, nullptr) << tm.id;
        EXPECT_EQ(task->state, "TASK_RUNNING");
        ASSERT_EQ(task->statuses.size(), 3u);
        EXPECT_EQ(task->statuses[0].state, "TASK_STAGING");
        EXPECT_EQ(task->statuses[1].state, "TASK_STARTING");
        EXPECT_EQ(task->statuses[2].state, "TASK_RUNNING");
        EXPECT_LT(task->statuses[0].timestamp, task->statuses[1].timestamp);
        EXPECT_LT(task->statuses[1].timestamp, task->statuses[2].timestamp);
        const auto agent = std::find_if(w.mesos.agents.begin(), w.mesos.agents.end(),
                                        [&](const Agent& a) { return a.id == task->agent_id; });
        ASSERT_NE(agent, w.mesos.agents.end());
        EXPECT_EQ(tm.host, agent->hostname);
      }
      for (const auto& job : c.jobs) {
        EXPECT_TRUE(std::regex_match(job.id, hex32));
        EXPECT_EQ(job.state, JobStatus::kRunning);
        ASSERT_GE(job.vertices.size(), 2u);
        EXPECT_EQ(job.vertices.front().name.rfind("Source:", 0), 0u);
        EXPECT_EQ(job.vertices.back().name.rfind("Sink:", 0), 0u);
        for (const auto& v : job.vertices) {
          EXPECT_TRUE(std::regex_match(v.id, hex32));
          EXPECT_EQ(static_cast<int>(v.subtasks.size()), v.parallelism);
          for (const auto& st : v.subtasks) EXPECT_TRUE(HasTm(c, st.taskmanager_id)) << st.taskmanager_id;
        }
        EXPECT_GT(job.checkpoints.completed, 0);
        EXPECT_TRUE(job.checkpoints.latest_completed.has_value());
      }
    }
    // Non-Flink frameworks have tasks and a history of finished ones.
    EXPECT_EQ(w.mesos.tasks.size(), 14u + 5u);
    EXPECT_EQ(w.mesos.completed_tasks.size(), 60u);
    EXPECT_EQ(w.mesos.terminal_counters.at("finished"), 60);
    EXPECT_TRUE(w.mesos.events.empty());
  });
}

TEST(EngineTest, CheckpointsCountersWatermarksProgress) {
  Engine e(Load("healthy.yml"), [] { return kStart; });
  const auto before = e.Read([](const World& w) { return JobNamed(Cluster(w, "Flink"), "clickstream-enrichment"); });
  e.AdvanceTo(kStart + 95 * kSec);
  e.Read([&](const World& w) {
    const auto& job = JobNamed(Cluster(w, "Flink"), "clickstream-enrichment");
    const auto& cs = job.checkpoints;
    // 10 s interval, 1.5 s duration: ~9 more completed in 95 s.
    EXPECT_GE(cs.completed - before.checkpoints.completed, 8);
    EXPECT_LE(cs.completed - before.checkpoints.completed, 10);
    EXPECT_EQ(cs.failed, 0);
    EXPECT_EQ(cs.total, cs.completed + cs.failed + cs.in_progress);
    ASSERT_LE(cs.history.size(), 10u);
    for (std::size_t i = 1; i < cs.history.size(); ++i) EXPECT_GT(cs.history[i - 1].id, cs.history[i].id);
    ASSERT_TRUE(cs.latest_completed);
    EXPECT_GT(cs.latest_completed->id, before.checkpoints.latest_completed->id);
    EXPECT_GE(cs.latest_completed->latest_ack_timestamp, kStart + 80 * kSec);
    EXPECT_EQ(cs.latest_completed->num_acknowledged_subtasks, 16);
    EXPECT_NE(cs.latest_completed->external_path.find("/chk-"), std::string::npos);

    const auto& src = job.vertices.front().subtasks[0];
    const auto& src0 = before.vertices.front().subtasks[0];
    // ~2500 records/s per source subtask.
    EXPECT_GT(src.records_out - src0.records_out, 95 * 2000);
    EXPECT_LT(src.records_out - src0.records_out, 95 * 3000);
    EXPECT_GT(src.records_out_per_second, 2000);
    EXPECT_FALSE(src.watermark.has_value());  // sources have no input watermark
    const auto& op = job.vertices[1].subtasks[0];
    ASSERT_TRUE(op.watermark.has_value());
    EXPECT_LT(*op.watermark, w.now);
    EXPECT_GT(*op.watermark, w.now - 10 * kSec);
    EXPECT_NEAR(op.backpressured_ratio + op.busy_ratio + op.idle_ratio, 1.0, 1e-9);
    EXPECT_EQ(op.backpressured_ratio, 0);
    for (const auto& tm : Cluster(w, "Flink").taskmanagers) {
      EXPECT_GE(tm.last_heartbeat, w.now - 10 * kSec);
      EXPECT_GT(tm.heap_used, 0);
      EXPECT_LE(tm.heap_used, tm.heap_max);
    }
    // Nothing happened on Mesos.
    EXPECT_TRUE(w.mesos.events.empty());
  });
}

class IncidentsTest : public ::testing::Test {
 protected:
  IncidentsTest() : engine_(Load("incidents.yml"), [] { return kStart; }) {}
  void At(Millis offset) { engine_.AdvanceTo(kStart + offset); }
  template <class F>
  void Check(F&& f) {
    engine_.Read([&](const World& w) {
      f(w);
      return 0;
    });
  }
  std::vector<MasterEvent> Events() {
    return engine_.Read([](const World& w) { return std::vector<MasterEvent>(w.mesos.events.begin(), w.mesos.events.end()); });
  }
  Engine engine_;
};

TEST_F(IncidentsTest, NoWarningsOverTheWholeTour) {
  At(12 * kMin);
  EXPECT_TRUE(engine_.Warnings().empty()) << engine_.Warnings().front();
  const auto events = Events();
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence, events[i - 1].sequence + 1);
    EXPECT_GE(events[i].time, events[i - 1].time);
  }
  // Unreachable agents never produce AGENT_REMOVED.
  for (const auto& e : events) EXPECT_NE(e.type, "AGENT_REMOVED");
}

TEST_F(IncidentsTest, HealthCheckUpdatesAreDuplicateTaskUpdated) {
  At(29 * kSec);
  EXPECT_TRUE(Events().empty());
  At(55 * kSec);
  const auto events = Events();
  ASSERT_EQ(events.size(), 3u);  // 0:30, 0:40, 0:50
  for (const auto& e : events) {
    EXPECT_EQ(e.type, "TASK_UPDATED");
    EXPECT_NE(e.json.find("taskmanager-00001"), std::string::npos);
    EXPECT_NE(e.json.find("REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"), std::string::npos);
  }
  EXPECT_NE(events[0].json.find("\"healthy\":false"), std::string::npos);
  EXPECT_NE(events[1].json.find("\"healthy\":true"), std::string::npos);
  Check([](const World& w) {
    const auto& c = Cluster(w, "Flink");
    const Task* t = ActiveTask(w, c.framework_id, "taskmanager-00001");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->state, "TASK_RUNNING");
    ASSERT_EQ(t->statuses.size(), 3u);  // same state replaces the last status
    EXPECT_EQ(t->statuses.back().reason, "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
    ASSERT_TRUE(t->statuses.back().healthy.has_value());
    EXPECT_FALSE(*t->statuses.back().healthy);  // third update: unhealthy again
  });
  At(2 * kMin - kSec);
  EXPECT_EQ(Events().size(), 3u);  // stopped at 1:00
}

TEST_F(IncidentsTest, BackpressureOnVertex) {
  At(59 * kSec);
  Check([](const World& w) {
    EXPECT_EQ(JobNamed(Cluster(w, "Flink"), "clickstream-enrichment").vertices[1].subtasks[0].backpressured_ratio, 0);
  });
  At(90 * kSec);
  Check([](const World& w) {
    const auto& job = JobNamed(Cluster(w, "Flink"), "clickstream-enrichment");
    for (const auto& st : job.vertices[1].subtasks) EXPECT_DOUBLE_EQ(st.backpressured_ratio, 0.85);
    EXPECT_GT(job.vertices[0].subtasks[0].backpressured_ratio, 0.5);  // upstream backpressured too
    EXPECT_GT(job.vertices[2].subtasks[0].busy_ratio, 0.9);            // the bottleneck
    EXPECT_EQ(job.vertices[3].subtasks[0].backpressured_ratio, 0);
    // Throughput drops and the watermark falls behind.
    EXPECT_LT(job.vertices[0].subtasks[0].records_out_per_second, 2500 * 0.7);
    EXPECT_LT(*job.vertices[1].subtasks[0].watermark, w.now - 20 * kSec);
  });
  At(4 * kMin + kSec);
  Check([](const World& w) {
    const auto& job = JobNamed(Cluster(w, "Flink"), "clickstream-enrichment");
    EXPECT_EQ(job.vertices[1].subtasks[0].backpressured_ratio, 0);
  });
}

TEST_F(IncidentsTest, CheckpointFailures) {
  At(90 * kSec);
  const auto before = engine_.Read([](const World& w) { return JobNamed(Cluster(w, "Flink"), "fraud-detection").checkpoints; });
  At(3 * kMin);
  Check([&](const World& w) {
    const auto& cs = JobNamed(Cluster(w, "Flink"), "fraud-detection").checkpoints;
    EXPECT_GE(cs.failed - before.failed, 2);  // 30 s interval over 90 s
    EXPECT_EQ(cs.completed, before.completed);
    ASSERT_TRUE(cs.latest_failed);
    EXPECT_EQ(cs.latest_failed->failure_message,
              "org.apache.flink.runtime.checkpoint.CheckpointException: Asynchronous task checkpoint failed.");
    EXPECT_GE(cs.latest_failed->failure_timestamp, kStart + 90 * kSec);
    EXPECT_EQ(cs.history.front().status == CheckpointStatus::kFailed ||
                  cs.history.front().status == CheckpointStatus::kInProgress,
              true);
  });
  At(4 * kMin);
  Check([&](const World& w) {
    EXPECT_GT(JobNamed(Cluster(w, "Flink"), "fraud-detection").checkpoints.completed, before.completed);
  });
}

TEST_F(IncidentsTest, TaskManagerOomKillRestartsJobsAndReplacesTheWorker) {
  At(2 * kMin - kSec);
  const auto seq_before = engine_.Read([](const World& w) { return w.mesos.next_event_sequence; });
  At(2 * kMin);
  Check([](const World& w) {
    const auto& c = Cluster(w, "Flink");
    EXPECT_FALSE(HasTm(c, "taskmanager-00002"));
    EXPECT_EQ(ActiveTask(w, c.framework_id, "taskmanager-00002"), nullptr);
    const Task* t = CompletedTask(w, c.framework_id, "taskmanager-00002");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->state, "TASK_FAILED");
    EXPECT_EQ(t->statuses.back().source, "SOURCE_EXECUTOR");
    EXPECT_EQ(t->statuses.back().reason, "REASON_CONTAINER_LIMITATION_MEMORY");
    EXPECT_EQ(t->statuses.back().message.rfind("Memory limit exceeded: ", 0), 0u);
    EXPECT_EQ(w.mesos.termination_counters.at(
                  "master/task_failed/source_executor/reason_container_limitation_memory"),
              1);
    const auto& job = JobNamed(c, "clickstream-enrichment");
    EXPECT_EQ(job.state, JobStatus::kRestarting);
    EXPECT_EQ(job.restarts, 1);
    ASSERT_FALSE(job.exceptions.empty());
    EXPECT_EQ(job.exceptions[0].exception_name, "java.lang.Exception");
    EXPECT_NE(job.exceptions[0].message.find("TaskManager was lost/killed: taskmanager-00002"), std::string::npos);
    EXPECT_EQ(job.exceptions[0].taskmanager_id, "taskmanager-00002");
  });
  At(2 * kMin + 15 * kSec);
  Check([&](const World& w) {
    const auto& c = Cluster(w, "Flink");
    EXPECT_TRUE(HasTm(c, "taskmanager-00004"));
    const Task* t = ActiveTask(w, c.framework_id, "taskmanager-00004");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->state, "TASK_RUNNING");
    const auto& job = JobNamed(c, "clickstream-enrichment");
    EXPECT_EQ(job.state, JobStatus::kRunning);
    EXPECT_EQ(job.restarts, 1);
    for (const auto& v : job.vertices) {
      for (const auto& st : v.subtasks) {
        EXPECT_EQ(st.attempt, 1);
        EXPECT_NE(st.taskmanager_id, "taskmanager-00002");
      }
    }
    // Mesos events in order: TASK_UPDATED(FAILED), TASK_ADDED, TASK_UPDATED(STARTING), (RUNNING).
    std::vector<std::string> seen;
    for (const auto& e : w.mesos.events) {
      if (e.sequence < seq_before) continue;
      if (e.json.find("taskmanager-00002") != std::string::npos && e.json.find("TASK_FAILED") != std::string::npos)
        seen.push_back("failed-2");
      if (e.json.find("taskmanager-00004") != std::string::npos) seen.push_back(e.type);
    }
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0], "failed-2");
    EXPECT_EQ(seen[1], "TASK_ADDED");
    EXPECT_EQ(seen[2], "TASK_UPDATED");
    EXPECT_EQ(seen[3], "TASK_UPDATED");
  });
}

TEST_F(IncidentsTest, CheckpointStallAndTimeouts) {
  At(3 * kMin);
  const auto legacy0 = engine_.Read([](const World& w) { return JobNamed(Cluster(w, "flink-legacy"), "sessionization").checkpoints; });
  At(5 * kMin - kSec);
  Check([&](const World& w) {
    const auto& cs = JobNamed(Cluster(w, "flink-legacy"), "sessionization").checkpoints;
    EXPECT_EQ(cs.completed, legacy0.completed);  // none complete
    EXPECT_EQ(cs.in_progress, 1);
    EXPECT_EQ(cs.history.front().status, CheckpointStatus::kInProgress);
    EXPECT_LT(cs.history.front().num_acknowledged_subtasks, cs.history.front().num_subtasks);
    // hourly-rollup: 15 s timeout, every checkpoint expires.
    const auto& hr = JobNamed(Cluster(w, "reporting"), "hourly-rollup").checkpoints;
    EXPECT_GE(hr.failed, 3);
    ASSERT_TRUE(hr.latest_failed);
    EXPECT_EQ(hr.latest_failed->failure_message, "Checkpoint expired before completing.");
    EXPECT_GE(hr.latest_failed->end_to_end_duration, 15 * kSec);
  });
  At(5 * kMin + 10 * kSec);
  Check([&](const World& w) {
    const auto& cs = JobNamed(Cluster(w, "flink-legacy"), "sessionization").checkpoints;
    EXPECT_GT(cs.completed, legacy0.completed);
  });
}

TEST_F(IncidentsTest, AgentLost) {
  At(4 * kMin - kSec);
  const auto on_agent = engine_.Read([](const World& w) {
    std::vector<std::pair<std::string, std::string>> ids;
    for (const auto& t : w.mesos.tasks) {
      if (t.agent_id == w.mesos.agents[3].id) ids.emplace_back(t.framework_id, t.id);
    }
    return ids;
  });
  ASSERT_FALSE(on_agent.empty());
  const auto seq = engine_.Read([](const World& w) { return w.mesos.next_event_sequence; });
  At(4 * kMin);
  Check([&](const World& w) {
    EXPECT_EQ(w.mesos.agents[3].state, AgentState::kUnreachable);
    bool flink_tm = false;
    for (const auto& [fw, id] : on_agent) {
      EXPECT_EQ(ActiveTask(w, fw, id), nullptr);
      const Task* t = CompletedTask(w, fw, id);
      ASSERT_NE(t, nullptr);
      EXPECT_EQ(t->state, "TASK_LOST");
      EXPECT_EQ(t->statuses.back().reason, "REASON_AGENT_REMOVED");
      EXPECT_EQ(t->statuses.back().source, "SOURCE_MASTER");
      for (const auto& c : w.flink) {
        if (c.framework_id == fw) {
          flink_tm = true;
          EXPECT_FALSE(HasTm(c, id));
        }
      }
    }
    EXPECT_TRUE(flink_tm) << "agent 3 should host a Flink TaskManager in this scenario";
    std::size_t lost = 0;
    for (const auto& e : w.mesos.events) {
      if (e.sequence < seq) continue;
      EXPECT_NE(e.type, "AGENT_REMOVED");
      if (e.type == "TASK_UPDATED" && e.json.find("TASK_LOST") != std::string::npos) ++lost;
    }
    EXPECT_EQ(lost, on_agent.size());
  });
  At(8 * kMin);
  Check([](const World& w) {
    EXPECT_EQ(w.mesos.agents[3].state, AgentState::kActive);
    EXPECT_EQ(w.mesos.events.back().type == "AGENT_ADDED" ||
                  std::any_of(w.mesos.events.begin(), w.mesos.events.end(),
                              [](const MasterEvent& e) { return e.type == "AGENT_ADDED"; }),
              true);
  });
}

TEST_F(IncidentsTest, JobManagerUnreachable) {
  At(5 * kMin - kSec);
  Check([](const World& w) { EXPECT_TRUE(Cluster(w, "reporting").reachable); });
  At(5 * kMin);
  Check([](const World& w) { EXPECT_FALSE(Cluster(w, "reporting").reachable); });
  At(6 * kMin);
  Check([](const World& w) { EXPECT_TRUE(Cluster(w, "reporting").reachable); });
}

TEST_F(IncidentsTest, LeaderFailover) {
  At(6 * kMin - kSec);
  Check([](const World& w) { EXPECT_EQ(w.mesos.leader, 0); });
  At(6 * kMin);
  Check([](const World& w) {
    EXPECT_EQ(w.mesos.leader, 1);
    EXPECT_EQ(w.mesos.masters[1].elected_time, kStart + 6 * kMin);
    EXPECT_EQ(w.mesos.masters[0].elected_time, 0);
    const bool marker = std::any_of(w.mesos.events.begin(), w.mesos.events.end(),
                                    [](const MasterEvent& e) { return e.type == "LEADER_CHANGED"; });
    EXPECT_TRUE(marker);
  });
}

TEST_F(IncidentsTest, JobCancelledAndFailed) {
  At(390 * kSec);
  Check([](const World& w) { EXPECT_EQ(JobNamed(Cluster(w, "reporting"), "audit-export").state, JobStatus::kCancelling); });
  At(392 * kSec);
  Check([](const World& w) {
    const auto& job = JobNamed(Cluster(w, "reporting"), "audit-export");
    EXPECT_EQ(job.state, JobStatus::kCanceled);
    EXPECT_GT(job.end_time, 0);
    EXPECT_EQ(job.vertices[0].subtasks[0].state, ExecutionState::kCanceled);
  });
  At(7 * kMin + 2 * kSec);
  Check([](const World& w) {
    const auto& job = JobNamed(Cluster(w, "flink-legacy"), "billing-export");
    EXPECT_EQ(job.state, JobStatus::kFailed);
    EXPECT_EQ(job.state_timestamps.count(JobStatus::kFailing), 1u);
    ASSERT_FALSE(job.exceptions.empty());
    EXPECT_EQ(job.exceptions[0].message, "java.io.IOException: billing sink rejected the batch");
  });
}

TEST_F(IncidentsTest, RedeployFromSavepoint) {
  At(450 * kSec - kSec);
  const auto old_id = engine_.Read([](const World& w) { return JobNamed(Cluster(w, "Flink"), "fraud-detection").id; });
  At(460 * kSec);
  Check([&](const World& w) {
    const auto& c = Cluster(w, "Flink");
    const Job* old = nullptr;
    for (const auto& j : c.jobs) {
      if (j.id == old_id) old = &j;
    }
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->state, JobStatus::kCanceled);
    ASSERT_TRUE(old->checkpoints.latest_savepoint);
    const auto& sp = *old->checkpoints.latest_savepoint;
    EXPECT_TRUE(sp.is_savepoint);
    EXPECT_NE(sp.external_path.find("savepoint-"), std::string::npos);
    const auto& job = JobNamed(c, "fraud-detection");
    EXPECT_NE(job.id, old_id);
    EXPECT_EQ(job.state, JobStatus::kRunning);
    ASSERT_TRUE(job.checkpoints.latest_restored);
    EXPECT_EQ(job.checkpoints.latest_restored->id, sp.id);
    EXPECT_TRUE(job.checkpoints.latest_restored->is_savepoint);
    EXPECT_EQ(job.checkpoints.latest_restored->external_path, sp.external_path);
    EXPECT_EQ(job.checkpoints.restored, 1);
  });
  At(9 * kMin);
  Check([&](const World& w) {
    const auto& job = JobNamed(Cluster(w, "Flink"), "fraud-detection");
    ASSERT_TRUE(job.checkpoints.latest_completed);
    EXPECT_GT(job.checkpoints.latest_completed->id, job.checkpoints.latest_restored->id);  // ids continue
  });
}

TEST_F(IncidentsTest, ScaleUp) {
  At(8 * kMin - kSec);
  const auto before = engine_.Read([](const World& w) { return Cluster(w, "Flink").taskmanagers.size(); });
  At(8 * kMin + 6 * kSec);
  Check([&](const World& w) {
    const auto& c = Cluster(w, "Flink");
    EXPECT_EQ(c.taskmanagers.size(), before + 2);
    EXPECT_TRUE(HasTm(c, "taskmanager-00005"));  // replaced the one lost with its agent at 4:00
    EXPECT_TRUE(HasTm(c, "taskmanager-00006"));
    EXPECT_TRUE(HasTm(c, "taskmanager-00007"));
    EXPECT_NE(ActiveTask(w, c.framework_id, "taskmanager-00007"), nullptr);
  });
}

TEST_F(IncidentsTest, UpgradeOfTheLegacyCluster) {
  At(510 * kSec + 10 * kSec);
  Check([](const World& w) {
    const auto& c = Cluster(w, "flink-legacy");
    EXPECT_FALSE(c.reachable);
    EXPECT_TRUE(c.taskmanagers.empty());
    EXPECT_EQ(c.version, "1.9.3");
  });
  At(510 * kSec + 60 * kSec);
  Check([](const World& w) {
    const auto& c = Cluster(w, "flink-legacy");
    EXPECT_TRUE(c.reachable);
    EXPECT_EQ(c.version, "1.13.6");
    EXPECT_EQ(c.dialect, FlinkDialect::k1_13);
    EXPECT_FALSE(c.taskmanagers.empty());
    const auto& job = JobNamed(c, "sessionization");
    EXPECT_EQ(job.state, JobStatus::kRunning);
    EXPECT_TRUE(job.checkpoints.latest_restored.has_value());
  });
}

TEST(EngineUpgradeScenario, RedeployStopAndUpgradeStory) {
  Engine e(Load("upgrade.yml"), [] { return kStart; });
  const auto ids = e.Read([](const World& w) {
    const auto& c = Cluster(w, "flink-payments");
    return std::make_pair(JobNamed(c, "payments-ingest").id, JobNamed(c, "payments-aggregate").id);
  });
  e.AdvanceTo(kStart + 2 * kMin + 10 * kSec);
  e.Read([&](const World& w) {
    const auto& c = Cluster(w, "flink-payments");
    EXPECT_EQ(c.version, "1.9.3");
    for (const auto& j : c.jobs) {
      if (j.id == ids.first) {
        EXPECT_EQ(j.state, JobStatus::kCanceled);
      }
      if (j.id == ids.second) {
        EXPECT_EQ(j.state, JobStatus::kFinished);  // stop with savepoint
      }
    }
    EXPECT_EQ(c.jobs.size(), 4u);
    EXPECT_EQ(JobNamed(c, "payments-ingest").state, JobStatus::kRunning);
    EXPECT_EQ(JobNamed(c, "payments-aggregate").state, JobStatus::kRunning);
  });
  e.AdvanceTo(kStart + 6 * kMin);
  e.Read([&](const World& w) {
    const auto& c = Cluster(w, "flink-payments");
    EXPECT_EQ(c.version, "1.13.6");
    EXPECT_EQ(c.jobs.size(), 2u);  // the new JobManager's archive starts empty
    for (const auto& j : c.jobs) {
      EXPECT_EQ(j.state, JobStatus::kRunning);
      EXPECT_TRUE(j.checkpoints.latest_restored.has_value());
    }
    // Old TaskManagers killed, new ones continue the numbering.
    EXPECT_TRUE(HasTm(c, "taskmanager-00004"));
    EXPECT_FALSE(HasTm(c, "taskmanager-00001"));
    const Task* old = CompletedTask(w, c.framework_id, "taskmanager-00001");
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->state, "TASK_KILLED");
    int updates = 0;
    for (const auto& ev : w.mesos.events) updates += ev.type == "FRAMEWORK_UPDATED";
    EXPECT_EQ(updates, 2);
  });
}

TEST(EngineScale, ScaleScenarioSizesAndBuildTime) {
  const auto t0 = std::chrono::steady_clock::now();
  Engine e(Load("scale.yml"), [] { return kStart; });
  const auto built = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(built, std::chrono::seconds(30));
  const auto s = e.Read([](const World& w) { return Measure(w); });
  EXPECT_GE(s.flink_clusters, 100u);
  EXPECT_GE(s.jobs, 2000u);
  EXPECT_GE(s.vertices, 20000u);
  EXPECT_GE(s.agents, 5000u);
  EXPECT_GE(s.tasks, 100000u);
  const auto t1 = std::chrono::steady_clock::now();
  e.AdvanceTo(kStart + 30 * kSec);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, std::chrono::seconds(10));
  EXPECT_EQ(e.Now(), kStart + 30 * kSec);
}

TEST(EngineEvents, LogIsBoundedAndSequenced) {
  Scenario s = Load("healthy.yml");
  IncidentSpec hc;
  hc.type = "health_check";
  hc.cluster = "Flink";
  hc.taskmanager = "taskmanager-00001";
  hc.at = 0;
  hc.until = 12'000 * kSec;
  hc.interval = 1 * kSec;
  s.incidents.push_back(hc);
  Engine e(s, [] { return kStart; });
  e.AdvanceTo(kStart + 11'000 * kSec);
  e.Read([](const World& w) {
    EXPECT_EQ(w.mesos.events.size(), 10000u);
    EXPECT_EQ(w.mesos.events.back().sequence, w.mesos.next_event_sequence - 1);
    EXPECT_GT(w.mesos.events.front().sequence, 1u);
  });
}

TEST(EngineEvents, WaitForEventsWakesOnNewEvents) {
  Engine e(Load("incidents.yml"), [] { return kStart; });
  EXPECT_FALSE(e.WaitForEvents(0, std::chrono::milliseconds(0)));
  e.AdvanceTo(kStart + 31 * kSec);
  EXPECT_TRUE(e.WaitForEvents(0, std::chrono::milliseconds(0)));
  EXPECT_FALSE(e.WaitForEvents(1, std::chrono::milliseconds(0)));
}

TEST(EngineValidation, TimelineNamingUnknownObjectsIsRejected) {
  Scenario s = Load("healthy.yml");
  IncidentSpec bad;
  bad.type = "backpressure";
  bad.cluster = "nope";
  bad.job = "x";
  bad.line = 7;
  s.incidents.push_back(bad);
  try {
    Engine e(s, [] { return kStart; });
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("line 7"), std::string::npos) << ex.what();
    EXPECT_NE(std::string(ex.what()).find("nope"), std::string::npos);
  }
}

}  // namespace
}  // namespace fme::sim
