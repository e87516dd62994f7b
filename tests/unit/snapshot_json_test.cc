#include "server/snapshot_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "exposition/snapshot_renderer.h"

namespace fme {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kSecret[] = "s3cret-pa55";
constexpr char kRunningJobId[] = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
constexpr char kCanceledJobId[] = "ffee0011223344556677889900aabbcc";

WallTime At(double unix_seconds) {
  // Through whole milliseconds, which a double holds exactly at these magnitudes.
  return WallTime(std::chrono::milliseconds(std::llround(unix_seconds * 1000)));
}

FlinkVertex SourceVertex() {
  FlinkVertex v;
  v.id = "bc764cd8ddf7a0cff126f51c16239658";
  v.name = "Source: Kafka";
  v.parallelism = 2;
  v.subtasks_by_state[static_cast<int>(FlinkExecutionState::kRunning)] = 2;
  v.backpressured_ratio = {0.8, 0.45};
  v.busy_ratio = {0.2, 0.125};
  v.idle_ratio = {0.05, 0.025};
  v.out_pool_usage = {1.25, 0.75};
  v.in_pool_usage = {0.5, 0.25};
  v.backpressure_level = FlinkBackpressureLevel::kHigh;
  v.records_in = 0;
  v.records_out = 123456789;
  v.watermark_seconds = 1767229100.5;
  v.subtasks = {{0, 0.8, 0.2, 0.0}, {1, 0.1, std::nullopt, 0.05}};
  return v;
}

// 1.11-1.12 style: idle only, no watermark yet.
FlinkVertex SinkVertex() {
  FlinkVertex v;
  v.id = "0a448493b4782967b150582570326227";
  v.name = "Sink: \"out\"";
  v.parallelism = 2;
  v.subtasks_by_state[static_cast<int>(FlinkExecutionState::kRunning)] = 1;
  v.subtasks_by_state[static_cast<int>(FlinkExecutionState::kDeploying)] = 1;
  v.idle_ratio.max = 0.5;
  v.records_in = 123456000;
  return v;
}

FlinkJob RunningJob() {
  FlinkJob j;
  j.id = kRunningJobId;
  j.name = "orders \"EU\" \\ Zürich → sink";
  j.state = FlinkJobState::kRunning;
  j.start_timestamp = 1767225600.25;
  j.state_since_timestamp = 1767225601.5;
  j.restarts = 3;
  FlinkCheckpointStats c;
  c.completed = 1200;
  c.failed = 7;
  c.in_progress = 1;
  c.restored = 2;
  c.last_completed_timestamp = 1767229190.125;
  c.last_duration_seconds = 2.5;
  c.last_size_bytes = 1048576;
  c.last_state_size_bytes = 8388608;
  c.last_processed_bytes = 4096;
  c.last_persisted_bytes = 0;
  c.last_failure_timestamp = 1767229000;
  c.last_failure_exception = "java.util.concurrent.TimeoutException";
  j.checkpoints = c;
  FlinkCheckpointConfig cc;
  cc.periodic = true;
  cc.interval_seconds = 60;
  cc.timeout_seconds = 600;
  cc.min_pause_seconds = 0.5;
  cc.max_concurrent = 1;
  cc.tolerable_failures = 3;
  cc.mode = "exactly_once";
  j.checkpoint_config = cc;
  j.last_failure =
      FlinkJobFailure{1767228000.75, "java.lang.OutOfMemoryError", "taskmanager-00002"};
  j.vertices = {SourceVertex(), SinkVertex()};
  return j;
}

// A job that reports almost nothing: every optional left empty.
FlinkJob CanceledJob() {
  FlinkJob j;
  j.id = kCanceledJobId;
  j.name = "nightly-backfill";
  j.state = FlinkJobState::kCanceled;
  FlinkCheckpointConfig cc;
  cc.periodic = false;
  cc.interval_seconds = 9.2e15;  // Long.MAX_VALUE ms: not shown while periodic is off
  j.checkpoint_config = cc;
  return j;
}

std::shared_ptr<const TargetState> StreamingCluster() {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "streaming", "http://jm.streaming:8081"};
  t->polled = true;
  t->up = true;
  t->last_poll = At(1767229200.5);
  t->last_success = At(1767229200.5);
  t->last_poll_duration = 250ms;
  // An error of an earlier poll, kept after recovery; it quotes a URL with credentials.
  t->last_error =
      std::string("GET http://admin:") + kSecret + "@jm.streaming:8081/overview: HTTP 502";
  FlinkObservation o;
  o.overview = {"1.13.6", "b2ca390 @ 2022-02-03T14:54:22+01:00", 4, 16, 3, 1, 5, 1, 0};
  o.jobs = {RunningJob(), CanceledJob()};
  FlinkTaskManager tm1;
  tm1.id = "taskmanager-00001";
  tm1.host = "10.0.0.1";
  tm1.slots = 4;
  tm1.slots_free = 1;
  tm1.last_heartbeat_timestamp = 1767229199.5;
  tm1.jvm.heap_used_bytes = 536870912;
  tm1.jvm.heap_max_bytes = 1073741824;
  tm1.jvm.cpu_load = 0.25;
  tm1.jvm.gc = {{"G1_Young_Generation", 42, 1.5}, {"G1_Old_Generation", 1, 0.25}};
  FlinkTaskManager tm2;  // no JVM metrics this poll
  tm2.id = "taskmanager-00002";
  tm2.host = "10.0.0.2";
  tm2.slots = 4;
  tm2.slots_free = 0;
  o.taskmanagers = {tm1, tm2};
  FlinkJvmMetrics jm;
  jm.heap_used_bytes = 268435456;
  jm.heap_max_bytes = 536870912;
  o.jobmanager = jm;
  o.endpoint_errors = {{"/jobs/:jobid/exceptions", "timeout"}};
  o.deployments = {{"orders", 2}};
  o.expected_jobs_running = {{"orders.*", 1}};
  t->observation = std::move(o);
  return t;
}

std::shared_ptr<const TargetState> DownCluster() {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "billing", "https://jm.billing:8443/flink"};
  t->polled = true;
  t->up = false;
  t->last_poll = At(1767229201);
  t->last_poll_duration = 2s;
  t->last_error = "connect to https://jm.billing:8443/flink: connection refused";
  return t;
}

std::shared_ptr<const TargetState> PendingCluster() {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "pending", "http://jm.pending:8081"};
  return t;
}

MesosFramework FlinkFramework() {
  MesosFramework f;
  f.id = "a5ae6b6c-0001";
  f.name = "Flink";
  f.role = "flink";
  f.webui_url = std::string("http://ops:") + kSecret + "@jm.streaming:8081";
  f.active = true;
  f.connected = true;
  f.used = {8, 0, 17179869184.0, 0};
  f.tasks[static_cast<int>(MesosTaskState::kRunning)] = 4;
  f.tasks[static_cast<int>(MesosTaskState::kStaging)] = 1;
  f.terminations = {
      {MesosTaskState::kFailed, "SOURCE_AGENT", "REASON_CONTAINER_LIMITATION_MEMORY", 3},
      {MesosTaskState::kLost, "unknown", "unknown", 1}};
  MesosTask task;
  task.id = "taskmanager-00001";
  task.name = "taskmanager-00001";
  task.framework_id = f.id;
  task.agent_id = "agent-1";
  task.state = MesosTaskState::kRunning;
  task.state_timestamp = 1767229000.5;
  f.taskmanager_tasks = {task};
  return f;
}

std::shared_ptr<const TargetState> MesosCluster() {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, "prod", "http://m1:5050,http://m2:5050"};
  t->polled = true;
  t->up = true;
  t->last_poll = At(1767229200);
  t->last_success = At(1767229200);
  t->last_poll_duration = 40ms;
  MesosObservation o;
  o.masters = {{"http://m1:5050", true, "", 0.0, 86400.0, 0.0, "1.11.0"},
               {"http://m2:5050", true, "", 1.0, 3600.5, 12.0, ""},
               {"http://m3:5050", false, "connect: refused", {}, {}, {}, ""}};
  o.leader = 1;
  o.leader_version = "1.11.0";
  o.cluster.agents_active = 40;
  o.cluster.agents_unreachable = 2;
  o.cluster.tasks_running = 310;
  o.cluster.cpus_total = 640;
  o.cluster.cpus_used = 400.5;
  o.cluster.memory_total_bytes = 2147483648.0;
  o.terminations = {
      {MesosTaskState::kFailed, "SOURCE_EXECUTOR", "REASON_COMMAND_EXECUTOR_FAILED", 12}};
  o.origin = MesosStateOrigin::kEventStream;
  MesosAgent a;
  a.id = "agent-1";
  a.hostname = "agent1.example.com";
  a.version = "1.11.0";
  a.state = "active";
  a.total = {16, 0, 68719476736.0, 1099511627776.0};
  a.used = {10.5, 0, 34359738368.0, 0};
  a.reserved = {2, 0, 0, 0};
  a.attributes = {{"rack", "r1"}, {"zone", "eu-1a"}};
  o.agents = {a};
  o.frameworks = {FlinkFramework()};
  MesosEventStreamStatus es;
  es.connected = true;
  es.leader = "http://m2:5050";
  es.events_by_type = {{"HEARTBEAT", 10}, {"TASK_UPDATED", 5}};
  es.reconnects = 1;
  es.last_event_timestamp = 1767229199.0;
  es.last_error = std::string("stream to //ops:") + kSecret + "@m1:5050/api/v1 ended";
  o.event_stream = es;
  t->observation = std::move(o);
  return t;
}

Snapshot Rich() {
  Snapshot s;
  s.generation = 17;
  s.created = At(1767229201.25);
  // Sorted by (kind, name), as the store keeps them.
  s.targets = {DownCluster(), PendingCluster(), StreamingCluster(), MesosCluster()};
  return s;
}

SnapshotFilter Filter(std::optional<std::string> flink_cluster,
                      std::optional<std::string> mesos_cluster, std::optional<std::string> job_id) {
  SnapshotFilter f;
  f.flink_cluster = std::move(flink_cluster);
  f.mesos_cluster = std::move(mesos_cluster);
  f.job_id = std::move(job_id);
  return f;
}

json ToJson(const Snapshot& s, const SnapshotFilter& f = {}) {
  const std::string text = SnapshotToJson(s, f);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << text;
  return j;
}

const json& Named(const json& list, const std::string& name) {
  for (const json& item : list) {
    if (item.value("name", "") == name) return item;
  }
  static const json kNone;
  ADD_FAILURE() << "no entry named " << name << " in " << list.dump();
  return kNone;
}

// The value of the first sample of `family` whose labels include every one of `labels`, from
// the text the renderer wrote. Extra labels are allowed, so the test does not pin label sets.
std::optional<double> Sample(const std::string& text, const std::string& family,
                             const std::vector<std::pair<std::string, std::string>>& labels) {
  std::size_t pos = 0;
  while ((pos = text.find(family + "{", pos)) != std::string::npos) {
    if (pos > 0 && text[pos - 1] != '\n') {
      pos += family.size();
      continue;
    }
    const std::size_t eol = text.find('\n', pos);
    const std::string line = text.substr(pos, eol - pos);
    pos = eol;
    const std::size_t close = line.rfind('}');
    const std::string label_text = line.substr(0, close + 1);
    bool all = true;
    for (const auto& [k, v] : labels) {
      if (label_text.find("," + k + "=\"" + v + "\"") == std::string::npos &&
          label_text.find("{" + k + "=\"" + v + "\"") == std::string::npos) {
        all = false;
      }
    }
    if (all) return std::strtod(line.c_str() + close + 2, nullptr);
  }
  return std::nullopt;
}

// Calls `visit` on every value of the document, recursively.
void ForEachValue(const json& j, const std::function<void(const json&)>& visit) {
  visit(j);
  if (j.is_structured()) {
    for (const json& child : j) ForEachValue(child, visit);
  }
}

TEST(SnapshotJsonTest, HeaderAndEveryTargetWithItsPollStatus) {
  const json j = ToJson(Rich());
  EXPECT_EQ(j["generation"], 17);
  EXPECT_EQ(j["created"], "2026-01-01T01:00:01.250Z");
  EXPECT_DOUBLE_EQ(j["created_timestamp_seconds"].get<double>(), 1767229201.25);
  ASSERT_EQ(j["flink_clusters"].size(), 3u);
  ASSERT_EQ(j["mesos_clusters"].size(), 1u);

  const json& up = Named(j["flink_clusters"], "streaming");
  EXPECT_EQ(up["rest_url"], "http://jm.streaming:8081");
  EXPECT_EQ(up["poll"]["polled"], true);
  EXPECT_EQ(up["poll"]["up"], true);
  EXPECT_DOUBLE_EQ(up["poll"]["last_poll_timestamp_seconds"].get<double>(), 1767229200.5);
  EXPECT_DOUBLE_EQ(up["poll"]["last_success_timestamp_seconds"].get<double>(), 1767229200.5);
  EXPECT_DOUBLE_EQ(up["poll"]["last_poll_duration_seconds"].get<double>(), 0.25);
  EXPECT_TRUE(up.contains("overview"));

  // Down: the poll status and the error, no data.
  const json& down = Named(j["flink_clusters"], "billing");
  EXPECT_EQ(down["poll"]["up"], false);
  EXPECT_EQ(down["poll"]["last_error"],
            "connect to https://jm.billing:8443/flink: connection refused");
  EXPECT_FALSE(down["poll"].contains("last_success_timestamp_seconds"));
  for (const char* key : {"overview", "jobs", "taskmanagers", "jobmanager"}) {
    EXPECT_FALSE(down.contains(key)) << key;
  }

  // Never polled: nothing but its identity and polled=false.
  const json& pending = Named(j["flink_clusters"], "pending");
  EXPECT_EQ(pending["poll"], json({{"polled", false}, {"up", false}}));
  EXPECT_EQ(pending["origin"], "configured");
  EXPECT_EQ(pending.size(), 4u) << pending.dump();
}

TEST(SnapshotJsonTest, TaskManagersCarryTheirJoinedMesosTask) {
  auto linked = std::make_shared<TargetState>(*StreamingCluster());
  linked->target.mesos_cluster = "prod";
  linked->target.mesos_framework = "a5ae6b6c-0001";
  linked->target.discovered_from = "prod";
  Snapshot s;
  s.targets = {linked, MesosCluster()};
  const json j = ToJson(s);
  const json& c = Named(j["flink_clusters"], "streaming");
  EXPECT_EQ(c["origin"], "discovered");
  EXPECT_EQ(c["discovered_from"], "prod");
  EXPECT_EQ(c["framework"], json({{"id", "a5ae6b6c-0001"}, {"name", "Flink"}}));
  const json& tms = c["taskmanagers"];
  ASSERT_EQ(tms.size(), 2u);
  EXPECT_EQ(tms[0]["mesos_task"], json({{"task_id", "taskmanager-00001"},
                                        {"state", "TASK_RUNNING"},
                                        {"agent_id", "agent-1"},
                                        {"hostname", "agent1.example.com"}}));
  // Flink lists it, Mesos has no such task: no Mesos side to show.
  EXPECT_FALSE(tms[1].contains("mesos_task")) << tms[1].dump();

  // The same values as the joined flink_taskmanager_info series.
  std::string text;
  RenderSnapshot(s, text);
  EXPECT_NE(text.find("flink_taskmanager_info{flink_cluster=\"streaming\",tm_id=\"taskmanager-"
                      "00001\",host=\"10.0.0.1\",mesos_task_id=\"taskmanager-00001\",agent_id="
                      "\"agent-1\",hostname=\"agent1.example.com\",mesos_task_state=\"TASK_"
                      "RUNNING\"} 1"),
            std::string::npos)
      << text;
}

TEST(SnapshotJsonTest, FlinkValuesMatchTheMetrics) {
  const Snapshot s = Rich();
  std::string text;
  RenderSnapshot(s, text);
  const json j = ToJson(s);
  const json& c = Named(j["flink_clusters"], "streaming");
  const std::pair<std::string, std::string> cluster{"flink_cluster", "streaming"};
  const std::pair<std::string, std::string> job{"job_id", kRunningJobId};

  EXPECT_EQ(c["overview"]["version"], "1.13.6");
  EXPECT_EQ(Sample(text, "flink_cluster_taskmanagers", {cluster}),
            c["overview"]["taskmanagers"].get<double>());
  EXPECT_EQ(Sample(text, "flink_cluster_task_slots_available", {cluster}),
            c["overview"]["task_slots_available"].get<double>());
  EXPECT_EQ(Sample(text, "flink_cluster_jobs", {cluster, {"state", "RUNNING"}}),
            c["overview"]["jobs"]["RUNNING"].get<double>());

  const json& running = Named(c["jobs"], "orders \"EU\" \\ Zürich → sink");
  EXPECT_EQ(running["id"], kRunningJobId);
  EXPECT_EQ(running["state"], "RUNNING");
  EXPECT_EQ(Sample(text, "flink_job_state", {job, {"state", "RUNNING"}}), 1.0);
  EXPECT_EQ(Sample(text, "flink_job_restarts_total", {job}), running["restarts"].get<double>());
  EXPECT_EQ(Sample(text, "flink_job_start_timestamp_seconds", {job}),
            running["start_timestamp_seconds"].get<double>());

  const json& cp = running["checkpoints"];
  EXPECT_EQ(cp["completed"], 1200);
  EXPECT_EQ(Sample(text, "flink_job_checkpoints_total", {job, {"result", "completed"}}),
            cp["completed"].get<double>());
  EXPECT_EQ(Sample(text, "flink_job_checkpoints_total", {job, {"result", "failed"}}),
            cp["failed"].get<double>());
  EXPECT_EQ(Sample(text, "flink_job_last_checkpoint_completed_timestamp_seconds", {job}),
            cp["last_completed_timestamp_seconds"].get<double>());
  EXPECT_EQ(Sample(text, "flink_job_last_checkpoint_size_bytes", {job}),
            cp["last_size_bytes"].get<double>());
  EXPECT_EQ(Sample(text, "flink_job_last_checkpoint_duration_seconds", {job}),
            cp["last_duration_seconds"].get<double>());
  EXPECT_EQ(cp["last_failure_exception"], "java.util.concurrent.TimeoutException");
  EXPECT_EQ(Sample(text, "flink_job_checkpoint_interval_seconds", {job}),
            running["checkpoint_config"]["interval_seconds"].get<double>());
  EXPECT_EQ(running["checkpoint_config"]["mode"], "exactly_once");
  EXPECT_EQ(Sample(text, "flink_job_last_failure_timestamp_seconds", {job}),
            running["last_failure"]["timestamp_seconds"].get<double>());
  EXPECT_EQ(running["last_failure"]["exception"], "java.lang.OutOfMemoryError");
  EXPECT_EQ(running["last_failure"]["taskmanager_id"], "taskmanager-00002");

  const json& source = Named(running["vertices"], "Source: Kafka");
  const std::pair<std::string, std::string> vertex{"vertex_id", source["id"].get<std::string>()};
  EXPECT_EQ(Sample(text, "flink_vertex_backpressured_ratio", {job, vertex, {"stat", "max"}}),
            source["load"]["backpressured_ratio"]["max"].get<double>());
  EXPECT_EQ(source["load"]["backpressured_ratio"]["max"], 0.8);
  EXPECT_EQ(Sample(text, "flink_vertex_busy_ratio", {job, vertex, {"stat", "avg"}}),
            source["load"]["busy_ratio"]["avg"].get<double>());
  EXPECT_EQ(source["load"]["backpressure_level"], "high");
  EXPECT_EQ(Sample(text, "flink_vertex_backpressure_level", {job, vertex, {"level", "high"}}), 1.0);
  EXPECT_EQ(Sample(text, "flink_vertex_records_out_total", {job, vertex}),
            source["records_out"].get<double>());
  EXPECT_EQ(Sample(text, "flink_vertex_watermark_timestamp_seconds", {job, vertex}),
            source["watermark_timestamp_seconds"].get<double>());
  EXPECT_EQ(Sample(text, "flink_vertex_subtasks", {job, vertex, {"state", "RUNNING"}}),
            source["subtasks_by_state"]["RUNNING"].get<double>());
  EXPECT_EQ(source["subtasks_by_state"].size(),
            static_cast<std::size_t>(kFlinkExecutionStateCount));
  ASSERT_EQ(source["subtasks"].size(), 2u);
  EXPECT_EQ(source["subtasks"][1],
            json({{"index", 1}, {"backpressured_ratio", 0.1}, {"idle_ratio", 0.05}}));

  const json& tm = c["taskmanagers"][0];
  const std::pair<std::string, std::string> tm_id{"tm_id", "taskmanager-00001"};
  EXPECT_EQ(tm["id"], "taskmanager-00001");
  EXPECT_EQ(Sample(text, "flink_taskmanager_heap_used_bytes", {tm_id}),
            tm["heap_used_bytes"].get<double>());
  EXPECT_EQ(Sample(text, "flink_taskmanager_slots_free", {tm_id}), tm["slots_free"].get<double>());
  EXPECT_EQ(Sample(text, "flink_taskmanager_gc_time_seconds_total",
                   {tm_id, {"gc", "G1_Young_Generation"}}),
            tm["gc"][0]["time_seconds"].get<double>());
  EXPECT_EQ(Sample(text, "flink_jobmanager_heap_max_bytes", {cluster}),
            c["jobmanager"]["heap_max_bytes"].get<double>());

  EXPECT_EQ(c["job_deployments"]["orders"], 2.0);
  EXPECT_EQ(c["expected_jobs"][0], json({{"pattern", "orders.*"}, {"running", 1}}));
  EXPECT_EQ(c["endpoint_errors"][0],
            json({{"endpoint", "/jobs/:jobid/exceptions"}, {"kind", "timeout"}}));
}

TEST(SnapshotJsonTest, MesosValuesMatchTheMetrics) {
  const Snapshot s = Rich();
  std::string text;
  RenderSnapshot(s, text);
  const json j = ToJson(s);
  const json& m = Named(j["mesos_clusters"], "prod");
  const std::pair<std::string, std::string> cluster{"mesos_cluster", "prod"};

  EXPECT_EQ(m["url"], "http://m1:5050,http://m2:5050");
  ASSERT_EQ(m["masters"].size(), 3u);
  EXPECT_EQ(m["masters"][1]["leader"], true);
  EXPECT_EQ(m["masters"][0]["leader"], false);
  EXPECT_EQ(m["masters"][2], json({{"url", "http://m3:5050"},
                                   {"reachable", false},
                                   {"leader", false},
                                   {"error", "connect: refused"}}));
  EXPECT_EQ(m["leader"], "http://m2:5050");
  EXPECT_EQ(m["leader_version"], "1.11.0");
  EXPECT_EQ(Sample(text, "mesos_master_uptime_seconds", {cluster, {"master", "http://m2:5050"}}),
            m["masters"][1]["uptime_seconds"].get<double>());
  EXPECT_EQ(Sample(text, "mesos_cluster_cpus", {cluster, {"usage", "total"}}),
            m["cluster"]["cpus"]["total"].get<double>());
  EXPECT_EQ(Sample(text, "mesos_agents", {cluster, {"state", "unreachable"}}),
            m["cluster"]["agents"]["unreachable"].get<double>());
  EXPECT_EQ(m["cluster"]["tasks"], json({{"TASK_RUNNING", 310.0}}));
  EXPECT_FALSE(m["cluster"]["agents"].contains("inactive")) << "not reported, so not there";
  EXPECT_FALSE(m["cluster"].contains("gpus"));
  EXPECT_EQ(m["terminations"][0]["state"], "TASK_FAILED");
  EXPECT_EQ(m["state_origin"], "event_stream");

  const json& agent = m["agents"][0];
  const std::pair<std::string, std::string> agent_id{"agent_id", "agent-1"};
  EXPECT_EQ(agent["state"], "active");
  EXPECT_EQ(Sample(text, "mesos_agent_cpus", {agent_id, {"usage", "total"}}),
            agent["cpus"]["total"].get<double>());
  EXPECT_EQ(agent["cpus"]["total"], 16.0);
  EXPECT_EQ(Sample(text, "mesos_agent_memory_bytes", {agent_id, {"usage", "used"}}),
            agent["memory_bytes"]["used"].get<double>());
  EXPECT_EQ(agent["attributes"], json({{"rack", "r1"}, {"zone", "eu-1a"}}));

  const json& fw = Named(m["frameworks"], "Flink");
  const std::pair<std::string, std::string> fw_id{"framework_id", "a5ae6b6c-0001"};
  for (const char* state : {"TASK_RUNNING", "TASK_STAGING", "TASK_KILLING"}) {
    EXPECT_EQ(Sample(text, "mesos_framework_tasks", {fw_id, {"state", state}}),
              fw["tasks"][state].get<double>())
        << state;
  }
  EXPECT_EQ(fw["tasks"]["TASK_RUNNING"], 4);
  EXPECT_EQ(fw["tasks"].size(), static_cast<std::size_t>(kMesosActiveTaskStateCount));
  EXPECT_EQ(Sample(text, "mesos_framework_memory_bytes", {fw_id, {"usage", "used"}}),
            fw["memory_bytes"]["used"].get<double>());
  EXPECT_EQ(
      Sample(text, "mesos_framework_task_terminations_total",
             {fw_id, {"state", "TASK_FAILED"}, {"reason", "REASON_CONTAINER_LIMITATION_MEMORY"}}),
      fw["terminations"][0]["count"].get<double>());
  EXPECT_EQ(fw["terminations"][0]["source"], "SOURCE_AGENT");
  ASSERT_EQ(fw["taskmanager_tasks"].size(), 1u);
  EXPECT_EQ(fw["taskmanager_tasks"][0], json({{"id", "taskmanager-00001"},
                                              {"name", "taskmanager-00001"},
                                              {"agent_id", "agent-1"},
                                              {"state", "TASK_RUNNING"},
                                              {"state_timestamp_seconds", 1767229000.5}}));

  const json& es = m["event_stream"];
  EXPECT_EQ(es["connected"], true);
  EXPECT_EQ(
      Sample(text, "mesos_event_stream_events_total", {cluster, {"event_type", "TASK_UPDATED"}}),
      es["events"]["TASK_UPDATED"].get<double>());
  EXPECT_EQ(es["reconnects"], 1.0);
}

TEST(SnapshotJsonTest, AbsentValuesAreLeftOutNeverNullOrZero) {
  const json j = ToJson(Rich());
  ForEachValue(j, [](const json& v) { EXPECT_FALSE(v.is_null()) << "a null in the document"; });

  const json& c = Named(j["flink_clusters"], "streaming");
  const json& canceled = Named(c["jobs"], "nightly-backfill");
  EXPECT_EQ(canceled["state"], "CANCELED");
  for (const char* key : {"start_timestamp_seconds", "state_since_timestamp_seconds",
                          "end_timestamp_seconds", "restarts", "checkpoints", "last_failure"}) {
    EXPECT_FALSE(canceled.contains(key)) << key;
  }
  // Periodic checkpointing off: no interval, even though upstream sent one.
  EXPECT_EQ(canceled["checkpoint_config"], json({{"periodic", false}}));
  EXPECT_EQ(canceled["vertices"], json::array());

  const json& running = Named(c["jobs"], "orders \"EU\" \\ Zürich → sink");
  const json& sink = Named(running["vertices"], "Sink: \"out\"");
  EXPECT_EQ(sink["load"], json({{"idle_ratio", {{"max", 0.5}}}}));
  EXPECT_FALSE(sink.contains("watermark_timestamp_seconds"));
  EXPECT_FALSE(sink.contains("records_out"));
  EXPECT_EQ(sink["records_in"], 123456000.0);
  // A reported zero stays.
  EXPECT_EQ(Named(running["vertices"], "Source: Kafka")["records_in"], 0.0);
  EXPECT_EQ(running["checkpoints"]["last_persisted_bytes"], 0.0);
  EXPECT_FALSE(running["checkpoints"].contains("last_savepoint_timestamp_seconds"));

  const json& tm2 = c["taskmanagers"][1];
  EXPECT_EQ(tm2["id"], "taskmanager-00002");
  for (const char* key :
       {"heap_used_bytes", "heap_max_bytes", "cpu_load", "last_heartbeat_timestamp_seconds"}) {
    EXPECT_FALSE(tm2.contains(key)) << key;
  }
  EXPECT_FALSE(c["jobmanager"].contains("cpu_load"));
}

TEST(SnapshotJsonTest, NonFiniteValuesAreLeftOut) {
  Snapshot s = Rich();
  auto t = std::make_shared<TargetState>(*StreamingCluster());
  auto& obs = std::get<FlinkObservation>(*t->observation);
  obs.jobs[0].vertices[0].watermark_seconds = std::numeric_limits<double>::quiet_NaN();
  obs.taskmanagers[0].jvm.cpu_load = std::numeric_limits<double>::infinity();
  s.targets[2] = t;
  const json j = ToJson(s);
  const json& c = Named(j["flink_clusters"], "streaming");
  EXPECT_FALSE(c["jobs"][0]["vertices"][0].contains("watermark_timestamp_seconds"));
  EXPECT_FALSE(c["taskmanagers"][0].contains("cpu_load"));
}

TEST(SnapshotJsonTest, NoCredentialsInUrlsOrErrors) {
  const std::string text = SnapshotToJson(Rich(), {});
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  const json j = json::parse(text);
  const json& c = Named(j["flink_clusters"], "streaming");
  EXPECT_EQ(c["poll"]["last_error"], "GET http://***@jm.streaming:8081/overview: HTTP 502");
  const json& m = Named(j["mesos_clusters"], "prod");
  EXPECT_EQ(m["frameworks"][0]["webui_url"], "http://***@jm.streaming:8081");
  EXPECT_EQ(m["event_stream"]["last_error"], "stream to //***@m1:5050/api/v1 ended");
}

TEST(SnapshotJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Snapshot s;
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "x", "http://x"};
  t->polled = true;
  t->up = true;
  FlinkObservation o;
  FlinkJob job;
  job.id = "j";
  job.name = "bad \xff\xfe name";
  o.jobs = {job};
  t->observation = o;
  s.targets = {t};
  std::string text;
  ASSERT_NO_THROW(text = SnapshotToJson(s, {}));
  const json j = json::parse(text);
  EXPECT_EQ(j["flink_clusters"][0]["jobs"][0]["name"], "bad \xEF\xBF\xBD\xEF\xBF\xBD name");
}

TEST(SnapshotJsonTest, FlinkClusterFilterLeavesOutMesosUnlessNamed) {
  const Snapshot s = Rich();
  json j = ToJson(s, Filter("streaming", {}, {}));
  ASSERT_EQ(j["flink_clusters"].size(), 1u);
  EXPECT_EQ(j["flink_clusters"][0]["name"], "streaming");
  EXPECT_EQ(j["mesos_clusters"], json::array());

  j = ToJson(s, Filter("billing", "prod", {}));
  ASSERT_EQ(j["flink_clusters"].size(), 1u);
  EXPECT_EQ(j["flink_clusters"][0]["name"], "billing");
  ASSERT_EQ(j["mesos_clusters"].size(), 1u);
  EXPECT_EQ(j["mesos_clusters"][0]["name"], "prod");
}

TEST(SnapshotJsonTest, MesosClusterFilterLeavesOutFlink) {
  const json j = ToJson(Rich(), Filter({}, "prod", {}));
  ASSERT_EQ(j["mesos_clusters"].size(), 1u);
  EXPECT_EQ(j["flink_clusters"], json::array());
}

TEST(SnapshotJsonTest, JobFilterKeepsOnlyThatJobAndItsClusters) {
  json j = ToJson(Rich(), Filter({}, {}, kCanceledJobId));
  ASSERT_EQ(j["flink_clusters"].size(), 1u);
  const json& c = j["flink_clusters"][0];
  EXPECT_EQ(c["name"], "streaming");
  ASSERT_EQ(c["jobs"].size(), 1u);
  EXPECT_EQ(c["jobs"][0]["id"], kCanceledJobId);
  EXPECT_EQ(c["taskmanagers"].size(), 2u) << "the rest of the cluster is kept";
  EXPECT_EQ(j["mesos_clusters"], json::array());
}

TEST(SnapshotJsonTest, FiltersMatchingNothingGiveEmptyLists) {
  const Snapshot s = Rich();
  for (const SnapshotFilter& f : {Filter("nope", {}, {}), Filter({}, "nope", {}),
                                  Filter({}, {}, "nope"), Filter("billing", {}, kRunningJobId)}) {
    const json j = ToJson(s, f);
    EXPECT_EQ(j["flink_clusters"], json::array()) << j.dump();
    EXPECT_EQ(j["mesos_clusters"], json::array()) << j.dump();
    EXPECT_EQ(j["generation"], 17);
  }
}

TEST(SnapshotJsonTest, EmptySnapshot) {
  const json j = ToJson(Snapshot{});
  EXPECT_EQ(j["generation"], 0);
  EXPECT_EQ(j["created"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(j["flink_clusters"], json::array());
  EXPECT_EQ(j["mesos_clusters"], json::array());
}

TEST(ParseSnapshotFilterTest, KnownParameters) {
  auto f = ParseSnapshotFilter({{"flink_cluster", "a"}, {"job_id", "j"}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->flink_cluster, "a");
  EXPECT_EQ(f->job_id, "j");
  EXPECT_FALSE(f->mesos_cluster.has_value());
  f = ParseSnapshotFilter({});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, SnapshotFilter{});
}

TEST(ParseSnapshotFilterTest, UnknownOrRepeatedParametersAreErrors) {
  auto f = ParseSnapshotFilter({{"flink_cluster", "a"}, {"cluster", "b"}});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(),
            "unknown query parameter \"cluster\" (known: flink_cluster, mesos_cluster, job_id)");
  f = ParseSnapshotFilter({{"job_id", "a"}, {"job_id", "b"}});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "query parameter \"job_id\" is given more than once");
}

TEST(JsonErrorTest, IsAnObjectWithTheMessage) {
  EXPECT_EQ(json::parse(JsonError("bad \"x\"")), json({{"error", "bad \"x\""}}));
}

TEST(SnapshotJsonTest, SaysWhichShardAndMarksMesosClustersPolledOnlyForOthers) {
  Snapshot s = Rich();
  const json alone = ToJson(s);
  EXPECT_EQ(alone["shard"], json({{"index", 0}, {"count", 1}, {"other_flink_clusters", 0},
                                  {"other_mesos_clusters", 0}}));
  EXPECT_FALSE(alone["mesos_clusters"][0].contains("exported"));
  s.shard = {2, 4, 30, 5};
  for (auto& t : s.targets) {
    if (t->target.kind != SourceKind::kMesos) continue;
    auto copy = std::make_shared<TargetState>(*t);
    copy->target.exported = false;
    t = copy;
  }
  const json sharded = ToJson(s);
  EXPECT_EQ(sharded["shard"], json({{"index", 2}, {"count", 4}, {"other_flink_clusters", 30},
                                    {"other_mesos_clusters", 5}}));
  EXPECT_EQ(sharded["mesos_clusters"][0]["exported"], false);
}

}  // namespace
}  // namespace fme
