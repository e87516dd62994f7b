// What the integration tests share: a simulated world (engine, timeline, in-process client),
// FlinkSources pointed at its clusters, and lookups into both the world (ground truth: ids, what
// the scenario scripted) and the exporter's observations.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "flink/flink_source.h"
#include "fme/config.h"
#include "support/sim_http_client.h"
#include "support/sim_time.h"
#include "world/engine.h"

namespace fme::testing {

inline constexpr sim::Millis kStart = 1714564800000;  // 2024-05-01T12:00:00Z
inline constexpr sim::Millis kSec = 1000;
inline constexpr sim::Millis kMin = 60 * kSec;

// The configuration of one cluster as the config loader would give it (defaults elsewhere).
inline FlinkClusterConfig ClusterConfig(const std::string& name, const std::string& rest_url) {
  FlinkClusterConfig c;
  c.name = name;
  c.rest_url = rest_url;
  return c;
}

// One simulated world and the exporter-side plumbing to poll it.
struct SimWorld {
  explicit SimWorld(sim::Scenario scenario)
      : engine(std::move(scenario), [] { return kStart; }), time(engine), http(engine) {}

  // A FlinkSource for the cluster of that name, through `client` (default: the sim client).
  std::unique_ptr<FlinkSource> Source(const std::string& cluster, FlinkCollectSettings collect = {},
                                      HttpClient* client = nullptr) {
    FlinkClusterConfig config = ClusterConfig(cluster, http.UrlOf(cluster));
    EXPECT_FALSE(config.rest_url.empty()) << "no cluster " << cluster;
    config.collect = std::move(collect);
    return std::make_unique<FlinkSource>(config, client != nullptr ? *client : http, time.clock());
  }

  // Polls now with the default poll timeout; simulated time does not move during a poll.
  Result<Observation> Poll(FlinkSource& source) {
    return source.Poll(time.clock().Steady() + std::chrono::seconds(10));
  }

  // The newest job of that name (redeploys keep names), "" when none.
  std::string JobId(const std::string& cluster, const std::string& job) const {
    return engine.Read([&](const sim::World& w) {
      std::string id;
      sim::Millis newest = -1;
      for (const sim::FlinkCluster& c : w.flink) {
        if (c.name != cluster) continue;
        for (const sim::Job& j : c.jobs) {
          if (j.name == job && j.start_time > newest) {
            newest = j.start_time;
            id = j.id;
          }
        }
      }
      return id;
    });
  }

  // Vertex ids of a job, in the job's topological order.
  std::vector<std::string> VertexIds(const std::string& cluster, const std::string& job_id) const {
    return engine.Read([&](const sim::World& w) {
      std::vector<std::string> ids;
      for (const sim::FlinkCluster& c : w.flink) {
        if (c.name != cluster) continue;
        for (const sim::Job& j : c.jobs) {
          if (j.id != job_id) continue;
          for (const sim::Vertex& v : j.vertices) ids.push_back(v.id);
        }
      }
      return ids;
    });
  }

  // Running jobs, their vertices, and TaskManagers of a cluster, as the world has them.
  struct Sizes {
    std::size_t jobs = 0, vertices = 0, taskmanagers = 0;
  };
  Sizes SizesOf(const std::string& cluster) const {
    return engine.Read([&](const sim::World& w) {
      Sizes s;
      for (const sim::FlinkCluster& c : w.flink) {
        if (c.name != cluster) continue;
        s.taskmanagers = c.taskmanagers.size();
        for (const sim::Job& j : c.jobs) {
          if (sim::IsGloballyTerminal(j.state)) continue;
          ++s.jobs;
          s.vertices += j.vertices.size();
        }
      }
      return s;
    });
  }

  sim::Engine engine;
  SimTime time;
  SimHttpClient http;
};

inline const FlinkObservation* AsFlink(const Result<Observation>& r) {
  return r.ok() ? std::get_if<FlinkObservation>(&*r) : nullptr;
}

inline const FlinkJob* FindJob(const FlinkObservation& obs, const std::string& id) {
  for (const FlinkJob& j : obs.jobs) {
    if (j.id == id) return &j;
  }
  return nullptr;
}

inline const FlinkVertex* FindVertex(const FlinkJob& job, const std::string& id) {
  for (const FlinkVertex& v : job.vertices) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

inline bool HasEndpointError(const FlinkObservation& obs, const std::string& endpoint,
                             const std::string& kind) {
  for (const EndpointError& e : obs.endpoint_errors) {
    if (e.endpoint == endpoint && e.kind == kind) return true;
  }
  return false;
}

}  // namespace fme::testing
