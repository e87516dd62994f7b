// What the Mesos integration tests share: the simulator's real HTTP server in process (port 0,
// three masters under /m1../m3), simulated time frozen except when the test moves it, and
// MesosSources on the real HttplibClient, since the v1 event stream needs real streaming.
// Also the simulator's ground truth (registered agents, frameworks, task counts) to compare
// observations with.
//
// Time never moves while a source works: a test moves it (At), waits until the source's event
// stream has applied everything the simulator published by then (WaitForStream, bounded by a
// real-time limit), polls, and waits again so that a resubscription the poll caused has
// finished before time moves on (Settle does all of it).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "fme/config.h"
#include "http/httplib_client.h"
#include "mesos/mesos_source.h"
#include "mesos_recording_client.h"
#include "scenario/scenario_loader.h"
#include "server/sim_clock.h"
#include "server/sim_server.h"
#include "support/sim_server_clock.h"
#include "world/engine.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::testing {

inline constexpr sim::Millis kSimStart = 1714564800000;  // 2024-05-01T12:00:00Z
inline constexpr sim::Millis kSecond = 1000;
inline constexpr sim::Millis kMinute = 60 * kSecond;

inline sim::Scenario LoadMesosScenario(const std::string& name) {
  auto r = sim::LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/" + name);
  EXPECT_TRUE(r.ok()) << r.error;
  sim::Scenario s = r.ok() ? *r.scenario : sim::Scenario{};
  s.start = kSimStart;
  return s;
}

// A MesosSource and the recording client it talks through.
struct MesosProbe {
  MesosProbe(HttpClient& inner, std::function<uint64_t()> log_position)
      : http(inner, std::move(log_position)) {}
  MesosRecordingClient http;
  std::unique_ptr<MesosSource> source;
  std::optional<std::size_t> leader;  // the elected master as the source last reported it
};

// The simulator's view of one registered framework.
struct FrameworkTruth {
  std::string name;
  std::array<int64_t, kMesosActiveTaskStateCount> tasks{};  // non-terminal tasks per state
  std::map<std::string, int> tasks_by_agent;                 // non-terminal tasks per agent id
};

struct MesosTruth {
  std::vector<std::string> registered_agents;        // sorted ids
  std::map<std::string, FrameworkTruth> frameworks;  // registered, by id
};

class MesosSim {
 public:
  explicit MesosSim(sim::Scenario scenario)
      : sim_clock_(kSimStart, 0.0),
        engine(std::move(scenario), [this] { return sim_clock_.Now(); }),
        server(engine, sim_clock_, sim::ServerOptions{}),
        clock(WallTime(std::chrono::milliseconds(engine.Now()))),
        http(HttpClientOptions{}) {}
  ~MesosSim() { server.Stop(); }

  ::testing::AssertionResult Start() {
    std::string error;
    if (!server.Start(&error)) return ::testing::AssertionFailure() << error;
    return ::testing::AssertionSuccess();
  }

  std::vector<std::string> MasterUrls() const {
    const std::size_t n = engine.Read([](const sim::World& w) { return w.mesos.masters.size(); });
    std::vector<std::string> urls;
    for (std::size_t i = 0; i < n; ++i) urls.push_back(server.MasterUrl(i));
    return urls;
  }

  // The cluster as the config loader would give it, with quick reconnects.
  MesosClusterConfig Config(MesosStateMode mode) const {
    MesosClusterConfig c;
    c.name = "sim";
    c.masters = MasterUrls();
    c.collect.state = mode;
    c.collect.reconnect_backoff_max = std::chrono::milliseconds(100);
    return c;
  }

  std::unique_ptr<MesosProbe> Probe(const MesosClusterConfig& config) {
    auto p = std::make_unique<MesosProbe>(http, [this] {
      return engine.Read([](const sim::World& w) { return w.mesos.next_event_sequence - 1; });
    });
    p->source = std::make_unique<MesosSource>(config, p->http, clock);
    return p;
  }

  // Moves simulated time to `offset` after the start (never backwards), for the simulator and
  // the exporter's clock alike.
  void At(sim::Millis offset) {
    const sim::Millis delta = engine.StartTime() + offset - engine.Now();
    if (delta <= 0) return;
    sim_clock_.Advance(delta);
    engine.Sync();
    clock.Advance(std::chrono::milliseconds(delta));
  }
  sim::Millis Offset() const { return engine.Now() - engine.StartTime(); }

  // Polls now with the default poll timeout; remembers the leader the source saw.
  Result<Observation> Poll(MesosProbe& p) {
    Result<Observation> r = p.source->Poll(clock.Steady() + std::chrono::seconds(10));
    if (r.ok()) {
      if (const auto* obs = std::get_if<MesosObservation>(&*r); obs != nullptr && obs->leader) {
        p.leader = obs->leader;
      }
    }
    return r;
  }

  // Waits until the probe's latest stream goes to the master the source last saw elected, has
  // its SUBSCRIBED, and has applied every event the simulator logged since. Simulated time
  // must not move meanwhile.
  ::testing::AssertionResult WaitForStream(const MesosProbe& p) {
    // The source subscribes to the master it last saw elected; a stream it opened to a master
    // that has since lost the lead is redirected to the new leader, which is as good.
    const std::string want = MasterUrls().at(p.leader.value_or(0)) + "/api/v1";
    const int truth = engine.Read([](const sim::World& w) { return w.mesos.leader; });
    const std::string redirected =
        truth >= 0 ? MasterUrls().at(static_cast<std::size_t>(truth)) + "/api/v1" : want;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t owed = 0;
    for (;;) {
      const std::optional<MesosRecordingClient::Stream> s = p.http.stream();
      bool caught_up = false;
      if (s && !s->ended && s->subscribed && (s->url == want || s->url == redirected)) {
        bool ends = false;
        owed = engine.Read([&](const sim::World& w) {
          std::size_t n = 0;
          for (const sim::MasterEvent& e : w.mesos.events) {
            if (e.sequence <= s->log_position) continue;
            if (e.type == "LEADER_CHANGED") {
              ends = true;  // this stream is over; its successor is what to wait for
              break;
            }
            ++n;
          }
          return n;
        });
        caught_up = !ends && s->events == owed;
      }
      if (caught_up) return ::testing::AssertionSuccess();
      if (std::chrono::steady_clock::now() > limit) {
        auto f = ::testing::AssertionFailure();
        f << "event stream not caught up at " << Offset() / kSecond << " s: want " << want;
        if (s) {
          f << "; stream #" << s->serial << " to " << s->url << (s->ended ? " ended" : "")
            << (s->subscribed ? " subscribed" : " not subscribed") << ", " << s->events << " of "
            << owed << " events";
        }
        return f;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // For an events-mode probe: catch up, poll, and let a resubscription the poll caused finish.
  // A stream that does not catch up fails the result (kTimeout), so that a run stops early.
  Result<Observation> Settle(MesosProbe& p) {
    if (p.http.streams() > 0) {
      if (auto caught_up = WaitForStream(p); !caught_up) return Status::Timeout(caught_up.message());
    }
    Result<Observation> r = Poll(p);
    if (auto caught_up = WaitForStream(p); !caught_up) return Status::Timeout(caught_up.message());
    return r;
  }

  MesosTruth Truth() const {
    return engine.Read([](const sim::World& w) {
      MesosTruth t;
      for (const sim::Agent& a : w.mesos.agents) {
        if (a.state == sim::AgentState::kActive || a.state == sim::AgentState::kDeactivated) {
          t.registered_agents.push_back(a.id);
        }
      }
      std::sort(t.registered_agents.begin(), t.registered_agents.end());
      for (const sim::Framework& f : w.mesos.frameworks) {
        if (!f.completed) t.frameworks[f.id].name = f.name;
      }
      for (const sim::Task& task : w.mesos.tasks) {
        auto it = t.frameworks.find(task.framework_id);
        const auto i = static_cast<std::size_t>(ParseMesosTaskState(task.state));
        if (it == t.frameworks.end() || i >= it->second.tasks.size()) continue;
        it->second.tasks[i] += 1;
        it->second.tasks_by_agent[task.agent_id] += 1;
      }
      return t;
    });
  }

  std::string AgentIdOf(const std::string& hostname) const {
    return engine.Read([&](const sim::World& w) {
      for (const sim::Agent& a : w.mesos.agents) {
        if (a.hostname == hostname) return a.id;
      }
      return std::string();
    });
  }

  std::string FrameworkIdOf(const std::string& name) const {
    return engine.Read([&](const sim::World& w) {
      for (const sim::Framework& f : w.mesos.frameworks) {
        if (f.name == name && !f.completed) return f.id;
      }
      return std::string();
    });
  }

 private:
  sim::SimClock sim_clock_;  // frozen (speed 0): only At() moves it

 public:
  sim::Engine engine;
  sim::SimServer server;
  SimServerClock clock;  // the exporter's
  HttplibClient http;    // the real one, shared by every probe
};

inline const MesosObservation* AsMesos(const Result<Observation>& r) {
  return r.ok() ? std::get_if<MesosObservation>(&*r) : nullptr;
}

inline const MesosAgent* FindAgent(const MesosObservation& obs, const std::string& id) {
  for (const MesosAgent& a : obs.agents) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

inline const MesosFramework* FindFramework(const MesosObservation& obs, const std::string& id) {
  for (const MesosFramework& f : obs.frameworks) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

inline const MesosTask* FindTaskManager(const MesosFramework& f, const std::string& id) {
  for (const MesosTask& t : f.taskmanager_tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

// The count of one termination key; 0 when absent.
inline double Terminations(const std::vector<MesosTermination>& list, MesosTaskState state,
                           const std::string& reason, const std::string& source) {
  for (const MesosTermination& t : list) {
    if (t.state == state && t.reason == reason && t.source == source) return t.count;
  }
  return 0;
}

}  // namespace fme::testing
