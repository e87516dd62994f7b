// A small hand-made World for the simulated Mesos API tests. Header-only, depends on
// world/world.h only; every value is fixed so tests can assert exact numbers.
//
// Masters:   0 "mesos-m1":5050 prefix "/m1" (leader), 1 "mesos-m2":5051 prefix "/m2" (standby),
//            2 "mesos-m3":5050 prefix "/m3" (standby, not running).
// Agents:    S0 agent-0 (active), S1 agent-1 (active), S2 agent-2 (unreachable); each 32 cpus,
//            126976 MB mem, 819200 MB disk, ports [31000-32000]; attributes rack (text), cores (32).
// Frameworks: F1 "Flink" (role flink, connected), F2 "my flink/prod #2" (role *, disconnected,
//            inactive), F3 "Flink" completed.
// Live tasks (world.mesos.tasks):
//   taskmanager-00001  F1 on S0 RUNNING   first status at kNowSec - 3600
//   taskmanager-00002  F1 on S1 RUNNING   first status at kNowSec - 3000, healthy
//   taskmanager-00003  F1 on S0 STAGING   first status at kNowSec - 10
//   web.1              F2 on S2 UNREACHABLE first status at kNowSec - 5000
// Completed tasks (world.mesos.completed_tasks, oldest first):
//   taskmanager-00000  F1 on S1 FAILED  (SOURCE_EXECUTOR, REASON_CONTAINER_LIMITATION_MEMORY)  first -7200
//   batch.1            F3 on S0 FINISHED                                                       first -9000
//   taskmanager-00004  F1 on S2 LOST    (SOURCE_MASTER, REASON_AGENT_REMOVED)                   first -4000
#pragma once

#include <string>
#include <vector>

#include "world/world.h"

namespace fme::sim::mesostest {

inline constexpr Millis kNow = 1700000000000;  // 2023-11-14T22:13:20Z
inline constexpr double kNowSec = 1700000000.0;
inline const std::string kPrefix = "6a6f4cd1-9cde-4b0e-8f59-0c2a1e0b2f3a";
inline const std::string kF1 = kPrefix + "-0001";
inline const std::string kF2 = kPrefix + "-0002";
inline const std::string kF3 = kPrefix + "-0003";
inline const std::string kS0 = kPrefix + "-S0";
inline const std::string kS1 = kPrefix + "-S1";
inline const std::string kS2 = kPrefix + "-S2";
inline const std::string kF2Name = "my flink/prod #2";
// Times with sub-millisecond-free but non-round values: their nanoseconds exceed 2^53.
inline constexpr Millis kF1Registered = 1699999000123;
inline constexpr Millis kS0Registered = 1699000000457;
inline constexpr Millis kLeaderStart = 1699900000789;
inline constexpr Millis kLeaderElected = 1699900005321;

inline Resources TmResources() { return Resources{2.0, 0.0, 4096.0, 0.0, "[31001-31001]"}; }

inline TaskStatusRecord MakeStatus(const std::string& state, double ts, const std::string& source = "",
                                   const std::string& reason = "", const std::string& message = "",
                                   const std::string& uuid = "") {
  TaskStatusRecord s;
  s.state = state;
  s.timestamp = ts;
  s.source = source;
  s.reason = reason;
  s.message = message;
  s.uuid = uuid.empty() ? "hTaLQ0b5Q1OZuab7QclTKQ==" : uuid;
  return s;
}

inline Task MakeTask(const std::string& id, const std::string& fw, const std::string& agent, const std::string& role,
                     double first, const std::vector<std::string>& states) {
  Task t;
  t.id = id;
  t.name = id;
  t.framework_id = fw;
  t.agent_id = agent;
  t.executor_id = "";
  t.role = role;
  t.resources = TmResources();
  double ts = first;
  for (const auto& st : states) {
    t.statuses.push_back(MakeStatus(st, ts, st == "TASK_STAGING" ? "" : "SOURCE_EXECUTOR"));
    ts += 1.5;
  }
  t.state = states.back();
  return t;
}

inline World MakeMesosWorld() {
  World w;
  w.now = kNow;
  auto& m = w.mesos;
  m.version = "1.11.0";

  const char* hosts[] = {"mesos-m1", "mesos-m2", "mesos-m3"};
  for (int i = 0; i < 3; ++i) {
    Master ms;
    ms.id = "master-" + std::to_string(i + 1) + "-0000-0000-0000-000000000000";
    ms.hostname = hosts[i];
    ms.port = i == 1 ? 5051 : 5050;
    ms.path_prefix = "/m" + std::to_string(i + 1);
    ms.start_time = kLeaderStart - i * 1000;
    m.masters.push_back(ms);
  }
  m.masters[0].elected_time = kLeaderElected;
  m.masters[2].running = false;
  m.leader = 0;

  for (int i = 0; i < 3; ++i) {
    Agent a;
    a.id = kPrefix + "-S" + std::to_string(i);
    a.hostname = "agent-" + std::to_string(i);
    a.pid = "slave(1)@10.0.1." + std::to_string(i + 1) + ":5051";
    a.attributes["rack"] = "r" + std::to_string(i + 1);
    a.attributes["cores"] = "32";
    a.total = Resources{32.0, 0.0, 126976.0, 819200.0, "[31000-32000]"};
    a.registered_time = kS0Registered + i * 1000;
    m.agents.push_back(a);
  }
  m.agents[2].state = AgentState::kUnreachable;
  m.agents[0].used = Resources{4.0, 0.0, 8192.0, 0.0, ""};
  m.agents[1].used = Resources{2.0, 0.0, 4096.0, 0.0, ""};

  Framework f1;
  f1.id = kF1;
  f1.name = "Flink";
  f1.role = "flink";
  f1.hostname = "jm-host-1";
  f1.webui_url = "http://jm-host-1:8081";
  f1.principal = "flink";
  f1.registered_time = kF1Registered;
  m.frameworks.push_back(f1);

  Framework f2;
  f2.id = kF2;
  f2.name = kF2Name;
  f2.role = "*";
  f2.user = "root";
  f2.hostname = "marathon-1";
  f2.active = false;
  f2.connected = false;
  f2.registered_time = kF1Registered - 100000;
  f2.unregistered_time = kNow - 60000;
  m.frameworks.push_back(f2);

  Framework f3;
  f3.id = kF3;
  f3.name = "Flink";
  f3.role = "flink";
  f3.hostname = "jm-host-2";
  f3.active = false;
  f3.connected = false;
  f3.completed = true;
  f3.registered_time = kF1Registered - 200000;
  f3.unregistered_time = kNow - 120000;
  m.frameworks.push_back(f3);

  m.tasks.push_back(MakeTask("taskmanager-00001", kF1, kS0, "flink", kNowSec - 3600,
                             {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"}));
  m.tasks.push_back(MakeTask("taskmanager-00002", kF1, kS1, "flink", kNowSec - 3000,
                             {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"}));
  m.tasks.back().statuses.back().healthy = true;
  m.tasks.push_back(MakeTask("taskmanager-00003", kF1, kS0, "flink", kNowSec - 10, {"TASK_STAGING"}));
  m.tasks.push_back(MakeTask("web.1", kF2, kS2, "*", kNowSec - 5000,
                             {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_UNREACHABLE"}));
  m.tasks.back().statuses.back().source = "SOURCE_MASTER";
  m.tasks.back().statuses.back().reason = "REASON_AGENT_DISCONNECTED";

  Task c1 = MakeTask("taskmanager-00000", kF1, kS1, "flink", kNowSec - 7200,
                     {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"});
  c1.statuses.back().reason = "REASON_CONTAINER_LIMITATION_MEMORY";
  c1.statuses.back().message = "Memory limit exceeded: Requested: 4096MB";
  c1.statuses.back().uuid = "IWjmPnfgQCWxGVlNNwctcg==";
  m.completed_tasks.push_back(c1);
  m.completed_tasks.push_back(MakeTask("batch.1", kF3, kS0, "flink", kNowSec - 9000,
                                       {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"}));
  Task c3 = MakeTask("taskmanager-00004", kF1, kS2, "flink", kNowSec - 4000,
                     {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_LOST"});
  c3.statuses.back().source = "SOURCE_MASTER";
  c3.statuses.back().reason = "REASON_AGENT_REMOVED";
  c3.statuses.back().message = "Agent agent-2 is unreachable";
  m.completed_tasks.push_back(c3);

  m.termination_counters["master/task_failed/source_executor/reason_container_limitation_memory"] = 1;
  m.termination_counters["master/task_lost/source_master/reason_slave_removed"] = 1;
  m.terminal_counters["failed"] = 1;
  m.terminal_counters["finished"] = 1;
  m.terminal_counters["lost"] = 1;
  return w;
}

}  // namespace fme::sim::mesostest
