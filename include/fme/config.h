// Config: the parsed, validated configuration file. A plain value; see docs/configuration.md
// for every key, its default and unit. Built only by ParseConfig / LoadConfigFile (exporter/config/), which
// rejects unknown keys and bad values with the key and the line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fme/clock.h"
#include "fme/http_client.h"
#include "fme/status.h"

namespace fme {

// How often and how patiently one target is polled.
struct PollSettings {
  Duration interval = std::chrono::seconds(15);
  Duration timeout = std::chrono::seconds(10);  // per poll; must not exceed interval
  double jitter = 0.1;  // each interval is stretched or shrunk by up to this fraction
  // After consecutive failures the wait doubles from `interval` up to this (never below
  // `interval`), so a dead upstream is not hammered.
  Duration backoff_max = std::chrono::minutes(1);

  bool operator==(const PollSettings&) const = default;
};

struct HttpSettings {
  Duration connect_timeout = std::chrono::seconds(5);
  std::size_t max_response_bytes = 64u << 20;
  int max_redirects = 5;

  bool operator==(const HttpSettings&) const = default;
};

// How a target's https connections are secured: its `tls` block over `global.tls`, key by key.
// Files are resolved paths, checked at load; the client reads them at each connection.
struct UpstreamTls {
  std::string ca_file;    // PEM CA bundle used instead of the system's; empty: system store
  std::string cert_file;  // PEM client certificate (chain) for mutual TLS; with key_file
  std::string key_file;   // its unencrypted PEM private key
  // The name sent in SNI and matched against the server's certificate instead of the URL's
  // host (an IP address, a load balancer); the connection still goes to the URL's host.
  std::string server_name;
  bool insecure_skip_verify = false;  // no verification at all: warned about at every (re)load

  bool operator==(const UpstreamTls&) const = default;
};

// What to fetch from a Flink cluster, and how gently.
struct FlinkCollectSettings {
  Duration terminal_job_ttl = std::chrono::hours(1);  // FINISHED/CANCELED/FAILED jobs stay this long
  int max_concurrent_requests = 4;                    // in flight to one JobManager at once
  // ECMAScript regular expressions matched against the whole job name. A job is polled when it
  // matches an include pattern (or there are none) and no exclude pattern.
  std::vector<std::string> include_jobs;
  std::vector<std::string> exclude_jobs;
  bool taskmanager_metrics = true;  // one /taskmanagers/:id/metrics call per TaskManager
  // Job name patterns (ECMAScript, whole name) that must always have a running job:
  // flink_cluster_expected_jobs_running{pattern} counts the running jobs matching each.
  std::vector<std::string> expected_jobs;
  // Per-subtask backpressure series (one backpressure call per vertex on 1.13+), capped.
  bool subtask_metrics = false;
  int max_subtask_series = 10000;
  // Flink <= 1.12 only: call the backpressure endpoint, which makes the JobManager sample stack
  // traces, at most once per vertex per interval.
  bool backpressure_sampling = false;
  Duration backpressure_sampling_interval = std::chrono::minutes(1);

  bool operator==(const FlinkCollectSettings&) const = default;
};

struct FlinkClusterConfig {
  std::string name;      // flink_cluster label
  std::string rest_url;  // JobManager REST base URL, no trailing slash
  PollSettings poll;     // global values unless overridden
  HttpAuth auth;         // secrets already resolved from *_file / ${ENV}
  UpstreamTls tls;
  FlinkCollectSettings collect;
  // Flink on Mesos: the Mesos cluster (a mesos_clusters name) and the framework (id or name)
  // that runs this Flink cluster, for the TaskManager <-> Mesos task join. Both or neither.
  std::string mesos_cluster;
  std::string mesos_framework;
  // Set only for clusters found by discovery: the Mesos cluster they were found through.
  std::string discovered_from;

  bool operator==(const FlinkClusterConfig&) const = default;
};

// Where per-agent, per-framework and per-task state comes from.
enum class MesosStateMode {
  kEvents,   // the leader's v1 event stream; polling only if the master refuses the API
  kPolling,  // /master/slaves, /master/state-summary and paged /master/tasks, on state_poll_interval
  kOff,      // /metrics/snapshot only
};

struct MesosCollectSettings {
  MesosStateMode state = MesosStateMode::kEvents;
  // Polling mode (and the events mode's agent reconciliation): how often the state is re-read.
  Duration state_poll_interval = std::chrono::minutes(1);
  // Frameworks whose tasks are listed in polling mode (ECMAScript regular expressions over the
  // whole framework name): Flink's, for the TaskManager join. /master/tasks is paged per framework.
  std::vector<std::string> task_frameworks = {"Flink", "flink.*"};
  int task_page_size = 1000;
  // Event stream: silence after which the connection is dropped (the master sends a heartbeat
  // every 15 s), and the longest wait between reconnection attempts.
  Duration event_stream_idle_timeout = std::chrono::seconds(75);
  Duration reconnect_backoff_max = std::chrono::minutes(1);

  bool operator==(const MesosCollectSettings&) const = default;
};

// Flink clusters found through a Mesos cluster's frameworks (its `discover_flink` block).
struct FlinkDiscoveryConfig {
  // ECMAScript regular expressions over the whole framework name.
  std::vector<std::string> framework_names = {"Flink", "flink.*"};
  // Also frameworks running tasks named taskmanager-NNNNN, whatever their name.
  bool taskmanager_tasks = true;
  // The REST URL of a discovered cluster. Placeholders: {webui_url}, {framework_id},
  // {framework_name}, {mesos_cluster}.
  std::string url_template = "{webui_url}";
  // A framework whose scheduler stays disconnected this long is no longer polled.
  Duration drop_after = std::chrono::minutes(5);
  PollSettings poll;  // for every discovered cluster
  HttpAuth auth;
  UpstreamTls tls;
  FlinkCollectSettings collect;

  bool operator==(const FlinkDiscoveryConfig&) const = default;
};

struct MesosClusterConfig {
  std::string name;                 // mesos_cluster label
  std::vector<std::string> masters;  // base URLs, no trailing slash
  PollSettings poll;
  HttpAuth auth;
  UpstreamTls tls;  // for every master
  MesosCollectSettings collect;
  std::optional<FlinkDiscoveryConfig> discover_flink;  // absent: no discovery

  bool operator==(const MesosClusterConfig&) const = default;
};

// Guards against a runaway upstream (a job name with an id in it, thousands of vertices) and
// against overloading the upstreams. 0 disables a cap. All apply on reload.
struct Limits {
  std::size_t max_series_per_target = 1'000'000;
  std::size_t max_series = 5'000'000;
  int max_concurrent_requests = 64;  // in flight to all upstreams together; streams not counted

  bool operator==(const Limits&) const = default;
};

struct Config {
  PollSettings poll;  // global defaults
  HttpSettings http;
  Limits limits;
  std::vector<MesosClusterConfig> mesos_clusters;
  std::vector<FlinkClusterConfig> flink_clusters;
};

// Parses and validates YAML text. `origin` names the file in messages.
// Errors look like: `<origin>:12: flink_clusters[1].poll_interval: invalid duration "5x"`.
// `${NAME}` in any string value is replaced by the environment variable NAME (an unset variable
// is an error); `password_file` / `bearer_token_file` are read relative to `base_dir`.
Result<Config> ParseConfig(const std::string& yaml_text, const std::string& origin,
                           const std::string& base_dir);

// Reads and parses a file.
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace fme
