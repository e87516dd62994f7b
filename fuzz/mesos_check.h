// Properties shared by the Mesos harnesses: what every parsed record, event and state model
// output must look like.
#pragma once

#include <string>
#include <string_view>
#include <tuple>

#include "fme/model/mesos.h"
#include "fuzz_check.h"
#include "mesos/mesos_records.h"
#include "mesos/mesos_state_model.h"
#include "mesos/mesos_v1_parser.h"

namespace fme::fuzz {

inline bool ValidTaskState(MesosTaskState s) {
  return static_cast<int>(s) < kMesosTaskStateCount;
}

// Reasons and sources are upper-case enum names in the v1 spelling (AGENT, never SLAVE).
inline bool IsEnumLabel(std::string_view s) {
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
  }
  return s.find("SLAVE") == std::string_view::npos;
}

inline void CheckStatus(const MesosTaskStatusRecord& s) {
  FME_FUZZ_CHECK(ValidTaskState(s.state));
  FME_FUZZ_CHECK(IsEnumLabel(s.reason) && IsEnumLabel(s.source));
  FME_FUZZ_CHECK(Finite(s.timestamp));
}

inline void CheckTask(const MesosTaskRecord& t) {
  FME_FUZZ_CHECK(!t.id.empty());
  FME_FUZZ_CHECK(ValidTaskState(t.state));
  if (t.status) CheckStatus(*t.status);
}

inline void CheckAgent(const MesosAgentRecord& a) {
  FME_FUZZ_CHECK(!a.id.empty());
  FME_FUZZ_CHECK(!a.unreachable || !a.active);
  FME_FUZZ_CHECK(
      SortedBy(a.attributes, [](const auto& kv) -> const std::string& { return kv.first; }));
}

inline void CheckFramework(const MesosFrameworkRecord& f) {
  FME_FUZZ_CHECK(!f.id.empty());
  if (f.task_counts) {
    for (int64_t n : *f.task_counts) FME_FUZZ_CHECK(n >= 0);
  }
}


// A parsed event carries exactly the payload its type promises (mesos_v1_parser.h).
inline void CheckEvent(const MesosEvent& e) {
  using Type = MesosEvent::Type;
  FME_FUZZ_CHECK(!e.type_name.empty());
  FME_FUZZ_CHECK(static_cast<int>(e.type) <= static_cast<int>(Type::kOther));
  FME_FUZZ_CHECK((e.type == Type::kSubscribed) == e.state.has_value());
  FME_FUZZ_CHECK(!e.heartbeat_interval_seconds || e.type == Type::kSubscribed);
  FME_FUZZ_CHECK((e.type == Type::kTaskAdded || e.type == Type::kTaskUpdated) ==
                 e.task.has_value());
  FME_FUZZ_CHECK((e.type == Type::kAgentAdded) == e.agent.has_value());
  FME_FUZZ_CHECK((e.type == Type::kFrameworkAdded || e.type == Type::kFrameworkUpdated) ==
                 e.framework.has_value());
  FME_FUZZ_CHECK((e.type == Type::kAgentRemoved || e.type == Type::kFrameworkRemoved) ==
                 !e.removed_id.empty());
  if (e.state) {
    for (const auto& t : e.state->tasks) {
      CheckTask(t);
      FME_FUZZ_CHECK(!t.framework_id.empty());
    }
    for (const auto& f : e.state->frameworks) CheckFramework(f);
    for (const auto& a : e.state->agents) CheckAgent(a);
  }
  if (e.task) {
    CheckTask(*e.task);
    FME_FUZZ_CHECK(!e.task->framework_id.empty());
  }
  if (e.type == Type::kTaskUpdated) FME_FUZZ_CHECK(e.task->status.has_value());
  if (e.agent) CheckAgent(*e.agent);
  if (e.framework) CheckFramework(*e.framework);
}

inline bool NonNegative(const MesosResources& r) {
  return !(r.cpus < 0) && !(r.gpus < 0) && !(r.memory_bytes < 0) && !(r.disk_bytes < 0);
}

// What the model serves must be well formed whatever sequence of events built it.
inline void CheckModel(const MesosStateModel& model, std::size_t max_tasks) {
  FME_FUZZ_CHECK(model.stored_tasks() <= max_tasks);
  MesosObservation obs;
  model.Fill(obs);
  FME_FUZZ_CHECK(SortedBy(obs.agents, [](const auto& a) -> const std::string& { return a.id; }));
  for (const MesosAgent& a : obs.agents) {
    FME_FUZZ_CHECK(a.state == "active" || a.state == "inactive" || a.state == "unreachable");
    FME_FUZZ_CHECK(NonNegative(a.used));
  }
  for (std::size_t i = 1; i < obs.frameworks.size(); ++i) {
    FME_FUZZ_CHECK(obs.frameworks[i - 1].id < obs.frameworks[i].id);
  }
  for (const MesosFramework& f : obs.frameworks) {
    FME_FUZZ_CHECK(NonNegative(f.used));
    for (int64_t n : f.tasks) FME_FUZZ_CHECK(n >= 0);
    for (std::size_t i = 0; i < f.terminations.size(); ++i) {
      const MesosTermination& t = f.terminations[i];
      FME_FUZZ_CHECK(IsTerminal(t.state));
      FME_FUZZ_CHECK(t.count >= 1);
      if (i > 0) {
        const MesosTermination& p = f.terminations[i - 1];
        FME_FUZZ_CHECK(std::tie(p.state, p.reason, p.source) <
                       std::tie(t.state, t.reason, t.source));
      }
    }
    FME_FUZZ_CHECK(
        SortedBy(f.taskmanager_tasks, [](const auto& t) -> const std::string& { return t.id; }));
    for (const MesosTask& t : f.taskmanager_tasks) {
      FME_FUZZ_CHECK(IsTaskManagerTaskId(t.id));
      FME_FUZZ_CHECK(t.framework_id == f.id);
    }
  }
}

}  // namespace fme::fuzz
