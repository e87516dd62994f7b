// A simulator scenario: the sizes of the initial world, its seed and start time, a timeline of
// scripted incidents and of HTTP faults. Loaded from YAML (scenario/scenario_loader.h) and turned
// into a World by the engine (world/engine.h). Plain data; every field states its default.
// The YAML format is documented in docs/simulator.md; config/scenarios/*.yml are examples.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "world/world.h"

namespace fme::sim {

// Non-Flink framework with generic tasks (e.g. "marathon").
struct FrameworkSpec {
  std::string name = "marathon";
  std::string role = "*";
  std::string user = "root";
  std::string task_prefix;  // task ids are "<prefix>.<uuid>"; default: "app"
  int tasks = 10;           // running tasks
  int completed_tasks = 0;  // finished tasks at start (bounded by max_completed_tasks)
  double task_cpus = 0.5;
  double task_mem_mb = 512;
};

struct JobSpec {
  std::string name = "job";
  int count = 1;                 // >1: "<name>-<n>" copies
  int vertices = 3;              // source -> (vertices-2) operators -> sink; >= 1
  std::vector<std::string> vertex_names;  // optional explicit names (size == vertices)
  int parallelism = 2;
  double records_per_second = 1000;  // per source subtask
  bool streaming = true;
  bool checkpointing = true;      // false: no checkpoint coordinator (404 on /checkpoints)
  Millis checkpoint_interval = 10000;
  Millis checkpoint_duration = 1500;
  Millis checkpoint_timeout = 600000;
  bool exactly_once = true;
  double state_size_mb = 256;
  Millis watermark_lag = 3000;    // ms behind simulated time
  Millis uptime = 6 * 3600 * 1000;  // how long the job has run at the scenario start
};

struct FlinkClusterSpec {
  std::string name = "flink";  // the cluster's name; also its framework name on Mesos by default
  int count = 1;               // >1: "<name>-<n>" copies
  std::string version = "1.13.6";
  bool on_mesos = true;
  std::string framework_name;  // on Mesos: the framework name to register with; "" = `name`
  Millis start_at = 0;         // on Mesos: offset at which the JobManager comes up and registers
  int taskmanagers = 2;        // raised when the jobs need more slots
  int slots = 4;
  double tm_cpus = 2;
  double tm_mem_mb = 4096;
  std::vector<JobSpec> jobs;
};

// A scripted incident. `type` selects which optional fields apply (docs/simulator.md lists them).
struct IncidentSpec {
  std::string type;
  Millis at = 0;      // offset from the start
  Millis until = -1;  // offset; -1: no end
  int line = 0;       // YAML line (1-based), for error messages
  std::string cluster, job, vertex, taskmanager, agent, task, framework, message, version, mode;
  std::optional<int> master;   // leader_failover: new leader index
  double ratio = 0.8;          // backpressure
  int count = 1;               // scale_up, task_leak
  Millis interval = 10000;     // health_check
  Millis downtime = 0;         // leader_failover (no leader), upgrade (JobManager down)
  std::optional<bool> healthy; // health_check: fixed value; unset = alternate
};

// An HTTP fault scheduled by the scenario (the server applies it between at and until).
struct FaultSpec {
  Millis at = 0;
  Millis until = -1;
  int line = 0;
  std::string target = "*";  // "*", "mesos", "masters", "m1".."m3", "agents", "agent:<id>",
                             // "flink", "flink:<cluster name>"
  std::string path = "";     // ECMAScript regex searched in the request path; "" = any
  std::string type;          // latency|hang|status|reset|truncate|malformed|oversize|redirect_loop|
                             // slow_drip|wrong_content_type
  int64_t ms = 0;            // latency (0: 1000) / hang (0: one hour) / slow_drip pause (0: 1000)
  int status = 503;          // status
  int64_t bytes = 0;         // oversize total (0: 100 MiB) / slow_drip piece (0: 16) /
                             // reset: body bytes sent before the abort (0: none, no answer at all)
};

struct Scenario {
  std::string name;
  uint64_t seed = 1;
  std::optional<Millis> start;  // nullopt: wall clock at load ("now")
  Millis step = 1000;           // simulation step
  // Mesos
  std::string mesos_version = "1.11.0";
  int masters = 3;
  int agents = 5;
  double agent_cpus = 32, agent_mem_mb = 131072, agent_disk_mb = 409600;
  int racks = 3;
  std::size_t max_completed_tasks = 1000;
  std::vector<FrameworkSpec> frameworks;
  // Flink
  std::vector<FlinkClusterSpec> flink;
  // Timeline
  std::vector<IncidentSpec> incidents;
  std::vector<FaultSpec> faults;
};

}  // namespace fme::sim
