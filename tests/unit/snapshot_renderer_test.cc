#include "exposition/snapshot_renderer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/golden.h"

namespace fme {
namespace {

std::shared_ptr<const TargetState> FlinkTarget(const std::string& name, bool up) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, name, "http://" + name + ":8081"};
  t->polled = true;
  t->up = up;
  if (up) {
    FlinkObservation o;
    o.overview = {"1.13.6", "b2ca390 @ 2022-02-03T14:54:22+01:00", 4, 16, 3, 2, 5, 1, 1};
    t->observation = o;
  }
  return t;
}

std::shared_ptr<const TargetState> MesosTarget(const std::string& name) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, name, "http://m1:5050,http://m2:5050"};
  t->polled = true;
  t->up = true;
  MesosObservation o;
  MesosMasterStatus standby{"http://m1:5050", true, "", 0.0, 86400.0, 0.0, ""};
  MesosMasterStatus leader{"http://m2:5050", true, "", 1.0, 3600.5, 12.0, ""};
  MesosMasterStatus dead{"http://m3:5050", false, "connect: refused", {}, {}, {}, ""};
  o.masters = {standby, leader, dead};
  o.leader = 1;
  o.cluster.agents_active = 40;
  o.cluster.agents_inactive = 1;
  o.cluster.agents_unreachable = 2;
  o.cluster.tasks_running = 310;
  o.cluster.cpus_total = 640;
  o.cluster.cpus_used = 400.5;
  o.cluster.memory_total_bytes = 2147483648.0;
  o.cluster.memory_used_bytes = 1074266112.0;
  t->observation = o;
  return t;
}

Snapshot Sample() {
  Snapshot s;
  s.targets = {FlinkTarget("analytics", true), FlinkTarget("billing", false), MesosTarget("prod")};
  auto pending = std::make_shared<TargetState>();
  pending->target = {SourceKind::kFlink, "not-yet", "http://x"};
  s.targets.insert(s.targets.begin() + 2, pending);
  return s;
}

TEST(SnapshotRendererTest, MatchesGolden) {
  std::string out;
  std::size_t series = RenderSnapshot(Sample(), out);
  testing::ExpectMatchesGolden(out, "render_basic.prom");
  std::size_t lines = 0, comments = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    ++lines;
    comments += line.rfind('#', 0) == 0;
  }
  EXPECT_EQ(series, lines - comments);
}

TEST(SnapshotRendererTest, EveryFamilyOnceAndNoTimestamps) {
  std::string out;
  RenderSnapshot(Sample(), out);
  std::map<std::string, int> types;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      ++types[line.substr(7, line.find(' ', 7) - 7)];
    } else if (line[0] != '#') {
      // name{labels} value — exactly one space after the closing brace, nothing after the value.
      std::size_t brace = line.rfind('}');
      std::string rest = line.substr(brace == std::string::npos ? line.find(' ') : brace + 1);
      EXPECT_EQ(std::count(rest.begin(), rest.end(), ' '), 1) << line;
    }
  }
  for (const auto& [name, n] : types) EXPECT_EQ(n, 1) << name;
  EXPECT_GT(types.size(), 10u);
}

TEST(SnapshotRendererTest, DownTargetKeepsOnlyItsUpSeries) {
  std::string out;
  RenderSnapshot(Sample(), out);
  EXPECT_NE(out.find("flink_up{flink_cluster=\"billing\"} 0\n"), std::string::npos);
  EXPECT_EQ(out.find("flink_cluster_taskmanagers{flink_cluster=\"billing\"}"), std::string::npos);
  EXPECT_EQ(out.find("not-yet"), std::string::npos) << "no series before the first poll";
}

// Sample lines of `out` whose labels start with `{<label>="<value>"`.
std::vector<std::string> LinesOf(const std::string& out, const std::string& label,
                                 const std::string& value) {
  const std::string needle = "{" + label + "=\"" + value + "\"";
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) != 0 && line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

std::size_t DroppedFor(const std::vector<SeriesOverLimit>& over, const std::string& name) {
  for (const SeriesOverLimit& o : over) {
    if (o.target.name == name) return o.dropped;
  }
  return 0;
}

TEST(SnapshotRendererLimitsTest, NoCapsRenderExactlyAsWithoutLimits) {
  std::string plain, capped;
  RenderSnapshot(Sample(), plain);
  std::vector<SeriesOverLimit> over;
  RenderSnapshot(Sample(), capped, SeriesLimits{}, &over);
  EXPECT_EQ(capped, plain);
  EXPECT_TRUE(over.empty());
}

TEST(SnapshotRendererLimitsTest, PerTargetCapKeepsEachTargetsFirstLinesAndCountsTheRest) {
  std::string full;
  RenderSnapshot(Sample(), full);
  const auto analytics = LinesOf(full, "flink_cluster", "analytics");
  const auto prod = LinesOf(full, "mesos_cluster", "prod");
  ASSERT_GT(analytics.size(), 3u);
  ASSERT_GT(prod.size(), 3u);

  std::string out;
  std::vector<SeriesOverLimit> over;
  const std::size_t series = RenderSnapshot(Sample(), out, SeriesLimits{3, 0}, &over);
  EXPECT_EQ(series, 3u + 1u + 3u) << "billing is down: its one up series is under the cap";
  const auto kept = LinesOf(out, "flink_cluster", "analytics");
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].rfind("flink_up{", 0), 0u) << "the up series comes first and stays";
  EXPECT_EQ(LinesOf(out, "mesos_cluster", "prod").size(), 3u);
  EXPECT_EQ(DroppedFor(over, "analytics"), analytics.size() - 3);
  EXPECT_EQ(DroppedFor(over, "prod"), prod.size() - 3);
  EXPECT_EQ(over.size(), 2u) << "billing lost nothing";
}

TEST(SnapshotRendererLimitsTest, TotalCapStillKeepsEveryTargetsUpSeries) {
  std::string full;
  RenderSnapshot(Sample(), full);
  const std::size_t analytics = LinesOf(full, "flink_cluster", "analytics").size();
  const std::size_t prod = LinesOf(full, "mesos_cluster", "prod").size();

  // Room for analytics and billing whole, and one more line: prod keeps only mesos_up.
  std::string out;
  std::vector<SeriesOverLimit> over;
  const std::size_t total = analytics + 2;
  EXPECT_EQ(RenderSnapshot(Sample(), out, SeriesLimits{0, total}, &over), total);
  EXPECT_NE(out.find("mesos_up{mesos_cluster=\"prod\"} 1\n"), std::string::npos);
  EXPECT_EQ(LinesOf(out, "mesos_cluster", "prod").size(), 1u);
  EXPECT_EQ(DroppedFor(over, "prod"), prod - 1);
  EXPECT_EQ(DroppedFor(over, "analytics"), 0u);

  // A total of one still writes every polled target's up series, and nothing else.
  out.clear();
  over.clear();
  EXPECT_EQ(RenderSnapshot(Sample(), out, SeriesLimits{0, 1}, &over), 3u);
  EXPECT_NE(out.find("flink_up{flink_cluster=\"analytics\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("flink_up{flink_cluster=\"billing\"} 0\n"), std::string::npos);
  EXPECT_NE(out.find("mesos_up{mesos_cluster=\"prod\"} 1\n"), std::string::npos);
  EXPECT_EQ(DroppedFor(over, "analytics"), analytics - 1);
}

// A Flink cluster with everything the model can hold: a running job with two vertices (one
// reporting 1.13+ metrics and per-subtask detail, one reporting 1.10-1.12 style metrics), a
// canceled job that reports almost nothing, two TaskManagers (one without JVM metrics) and the
// JobManager.
constexpr char kRunningJobId[] = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
constexpr char kCanceledJobId[] = "ffee0011223344556677889900aabbcc";
// A quote, a backslash and UTF-8, as real job names have.
constexpr char kRunningJobName[] = "orders \"EU\" \\ Zürich → sink";
constexpr char kRunningJobLabels[] =
    "{flink_cluster=\"streaming\",job_id=\"a1b2c3d4e5f60718293a4b5c6d7e8f90\","
    "job_name=\"orders \\\"EU\\\" \\\\ Zürich → sink\"";
constexpr char kCanceledJobLabels[] =
    "{flink_cluster=\"streaming\",job_id=\"ffee0011223344556677889900aabbcc\","
    "job_name=\"nightly-backfill\"";

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

FlinkVertex SinkVertex() {
  FlinkVertex v;
  v.id = "0a448493b4782967b150582570326227";
  v.name = "Sink: \"out\"";
  v.parallelism = 2;
  v.subtasks_by_state[static_cast<int>(FlinkExecutionState::kRunning)] = 1;
  v.subtasks_by_state[static_cast<int>(FlinkExecutionState::kDeploying)] = 1;
  v.idle_ratio.max = 0.5;  // 1.11-1.12: idle only
  v.records_in = 123456000;
  return v;
}

FlinkJob RunningJob() {
  FlinkJob j;
  j.id = kRunningJobId;
  j.name = kRunningJobName;
  j.state = FlinkJobState::kRunning;
  j.start_timestamp = 1767225600;
  j.state_since_timestamp = 1767225660.5;
  j.restarts = 3;
  j.vertices = {SourceVertex(), SinkVertex()};
  FlinkCheckpointStats c;
  c.completed = 120;
  c.failed = 2;
  c.in_progress = 1;
  c.restored = 1;
  c.last_completed_timestamp = 1767229200.25;
  c.last_duration_seconds = 1.5;
  c.last_size_bytes = 1048576;
  c.last_state_size_bytes = 4194304;
  c.last_processed_bytes = 2048;
  c.last_persisted_bytes = 0;
  c.last_failure_timestamp = 1767228000;
  c.last_failure_exception = "org.apache.flink.runtime.checkpoint.CheckpointException";
  c.last_savepoint_timestamp = 1767227000;
  c.last_restore_timestamp = 1767225700;
  j.checkpoints = c;
  FlinkCheckpointConfig cfg;
  cfg.periodic = true;
  cfg.interval_seconds = 60;
  cfg.timeout_seconds = 600;
  cfg.min_pause_seconds = 5;
  cfg.max_concurrent = 1;
  cfg.tolerable_failures = 3;
  cfg.mode = "exactly_once";
  j.checkpoint_config = cfg;
  j.last_failure = FlinkJobFailure{1767225650, "java.lang.OutOfMemoryError", "taskmanager-00002"};
  return j;
}

FlinkJob CanceledJob() {
  FlinkJob j;
  j.id = kCanceledJobId;
  j.name = "nightly-backfill";
  j.state = FlinkJobState::kCanceled;
  j.end_timestamp = 1767222000;
  return j;
}

FlinkJvmMetrics Jvm(double heap_used, double heap_max, double cpu) {
  FlinkJvmMetrics m;
  m.heap_used_bytes = heap_used;
  m.heap_max_bytes = heap_max;
  m.cpu_load = cpu;
  m.gc = {{"G1_Young_Generation", 120, 3.5}, {"G1_Old_Generation", 2, 0.25}};
  return m;
}

std::shared_ptr<const TargetState> RichFlinkTarget() {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, "streaming", "http://streaming:8081"};
  t->polled = true;
  t->up = true;
  FlinkObservation o;
  o.overview = {"1.18.1", "a8c3b7c @ 2024-01-08T10:31:09+01:00", 2, 8, 3, 1, 0, 1, 0};
  o.jobs = {RunningJob(), CanceledJob()};
  FlinkTaskManager tm1;
  tm1.id = "taskmanager-00001";
  tm1.host = "10.0.3.17";
  tm1.slots = 4;
  tm1.slots_free = 1;
  tm1.last_heartbeat_timestamp = 1767229205.125;
  tm1.jvm = Jvm(536870912, 1073741824, 0.25);
  FlinkTaskManager tm2;  // its metrics call failed this poll
  tm2.id = "taskmanager-00002";
  tm2.host = "10.0.3.18";
  tm2.slots = 4;
  tm2.slots_free = 2;
  o.taskmanagers = {tm1, tm2};
  o.jobmanager = Jvm(268435456, 1073741824, 0.0625);
  t->observation = o;
  return t;
}

Snapshot FlinkJobsSample() {
  Snapshot s;
  s.targets = {RichFlinkTarget(), FlinkTarget("billing", false)};
  return s;
}

std::string RenderFlinkJobs() {
  std::string out;
  RenderSnapshot(FlinkJobsSample(), out);
  return out;
}

// The sample lines of family `name` (exactly that family, not one with a longer name).
std::vector<std::string> Lines(const std::string& text, const std::string& name) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) == 0 || line.rfind(name + " ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

bool HasLine(const std::string& text, const std::string& line) {
  return text.rfind(line + "\n", 0) == 0 || text.find("\n" + line + "\n") != std::string::npos;
}

TEST(SnapshotRendererFlinkTest, MatchesGolden) {
  std::string out;
  const std::size_t series = RenderSnapshot(FlinkJobsSample(), out);
  testing::ExpectMatchesGolden(out, "render_flink_jobs.prom");
  std::size_t samples = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) samples += !line.empty() && line[0] != '#';
  EXPECT_EQ(series, samples);
}

TEST(SnapshotRendererFlinkTest, JobStateIsOneHotOverAllTwelveStates) {
  const std::string out = RenderFlinkJobs();
  const std::vector<std::string> states = {"INITIALIZING", "CREATED",    "RUNNING",     "FAILING",
                                           "FAILED",       "CANCELLING", "CANCELED",    "FINISHED",
                                           "RESTARTING",   "SUSPENDED",  "RECONCILING", "UNKNOWN"};
  std::vector<std::string> expected;
  for (const char* labels : {kRunningJobLabels, kCanceledJobLabels}) {
    const std::string current = labels == kRunningJobLabels ? "RUNNING" : "CANCELED";
    for (const std::string& s : states) {
      expected.push_back(std::string("flink_job_state") + labels + ",state=\"" + s + "\"} " +
                         (s == current ? "1" : "0"));
    }
  }
  EXPECT_EQ(Lines(out, "flink_job_state"), expected);
}

TEST(SnapshotRendererFlinkTest, JobFamiliesOfTheRunningJob) {
  const std::string out = RenderFlinkJobs();
  const std::string l = kRunningJobLabels;
  for (const std::string& line : {
           "flink_job_start_timestamp_seconds" + l + "} 1767225600",
           "flink_job_state_since_timestamp_seconds" + l + "} 1767225660.5",
           "flink_job_restarts_total" + l + "} 3",
           "flink_job_checkpoints_total" + l + ",result=\"completed\"} 120",
           "flink_job_checkpoints_total" + l + ",result=\"failed\"} 2",
           "flink_job_checkpoints_in_progress" + l + "} 1",
           "flink_job_checkpoints_restored_total" + l + "} 1",
           "flink_job_last_checkpoint_completed_timestamp_seconds" + l + "} 1767229200.25",
           "flink_job_last_checkpoint_duration_seconds" + l + "} 1.5",
           "flink_job_last_checkpoint_size_bytes" + l + "} 1048576",
           "flink_job_last_checkpoint_state_size_bytes" + l + "} 4194304",
           "flink_job_last_checkpoint_processed_bytes" + l + "} 2048",
           "flink_job_last_checkpoint_persisted_bytes" + l + "} 0",
           "flink_job_last_checkpoint_failure_timestamp_seconds" + l + "} 1767228000",
           "flink_job_last_checkpoint_failure_info" + l +
               ",exception=\"org.apache.flink.runtime.checkpoint.CheckpointException\"} 1",
           "flink_job_last_savepoint_timestamp_seconds" + l + "} 1767227000",
           "flink_job_last_checkpoint_restore_timestamp_seconds" + l + "} 1767225700",
           "flink_job_checkpoint_interval_seconds" + l + "} 60",
           "flink_job_checkpoint_timeout_seconds" + l + "} 600",
           "flink_job_checkpoint_min_pause_seconds" + l + "} 5",
           "flink_job_checkpoint_max_concurrent" + l + "} 1",
           "flink_job_checkpoint_tolerable_failures" + l + "} 3",
           "flink_job_checkpoint_info" + l + ",mode=\"exactly_once\",periodic=\"true\"} 1",
           "flink_job_last_failure_timestamp_seconds" + l + "} 1767225650",
           "flink_job_last_failure_info" + l + ",exception=\"java.lang.OutOfMemoryError\"} 1",
       }) {
    EXPECT_TRUE(HasLine(out, line)) << line;
  }
  EXPECT_EQ(Lines(out, "flink_job_end_timestamp_seconds").size(), 1u) << "only the canceled job";
}

TEST(SnapshotRendererFlinkTest, AbsentValuesGiveNoSeries) {
  const std::string out = RenderFlinkJobs();
  // The canceled job has a state and an end time, nothing else.
  std::vector<std::string> canceled;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.find(kCanceledJobId) != std::string::npos) canceled.push_back(line);
  }
  ASSERT_EQ(canceled.size(), 13u);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(canceled[i].rfind("flink_job_state{", 0), 0u);
  EXPECT_EQ(canceled[12],
            std::string("flink_job_end_timestamp_seconds") + kCanceledJobLabels + "} 1767222000");

  // The 1.11-1.12 style sink vertex: no busy or backpressured ratios, no level, no watermark,
  // only the max of its idle ratio.
  for (const char* family :
       {"flink_vertex_busy_ratio", "flink_vertex_backpressured_ratio",
        "flink_vertex_backpressure_level", "flink_vertex_watermark_timestamp_seconds",
        "flink_vertex_records_out_total", "flink_vertex_idle_ratio"}) {
    for (const std::string& line : Lines(out, family)) {
      if (line.find("Sink:") == std::string::npos) continue;
      EXPECT_EQ(std::string(family), "flink_vertex_idle_ratio") << line;
      EXPECT_NE(line.find("stat=\"max\""), std::string::npos) << line;
    }
  }
  // A subtask without a busy ratio has no busy series.
  EXPECT_EQ(Lines(out, "flink_subtask_busy_ratio").size(), 1u);
  // The TaskManager whose metrics failed has slots but no JVM series.
  EXPECT_EQ(out.find("flink_taskmanager_heap_used_bytes{flink_cluster=\"streaming\",tm_id="
                     "\"taskmanager-00002\""),
            std::string::npos);
  EXPECT_NE(
      out.find(
          "flink_taskmanager_slots{flink_cluster=\"streaming\",tm_id=\"taskmanager-00002\"} 4\n"),
      std::string::npos);
  // The down cluster keeps only flink_up.
  EXPECT_TRUE(HasLine(out, "flink_up{flink_cluster=\"billing\"} 0"));
  EXPECT_EQ(out.find("flink_cluster=\"billing\""), out.rfind("flink_cluster=\"billing\""));
}

TEST(SnapshotRendererFlinkTest, LabelValuesAreEscaped) {
  const std::string out = RenderFlinkJobs();
  EXPECT_NE(out.find("job_name=\"orders \\\"EU\\\" \\\\ Zürich → sink\""), std::string::npos);
  EXPECT_NE(out.find("vertex_name=\"Sink: \\\"out\\\"\""), std::string::npos);
  EXPECT_EQ(out.find(kRunningJobName), std::string::npos) << "the raw name must never appear";
}

TEST(SnapshotRendererFlinkTest, VertexFamilies) {
  const std::string out = RenderFlinkJobs();
  const std::string v =
      std::string(kRunningJobLabels) +
      ",vertex_id=\"bc764cd8ddf7a0cff126f51c16239658\",vertex_name=\"Source: Kafka\"";
  const std::vector<std::string> states = {"CREATED",     "SCHEDULED",    "DEPLOYING", "RUNNING",
                                           "FINISHED",    "CANCELING",    "CANCELED",  "FAILED",
                                           "RECONCILING", "INITIALIZING", "UNKNOWN"};
  std::vector<std::string> subtasks;
  for (const std::string& line : Lines(out, "flink_vertex_subtasks")) {
    if (line.find("Source: Kafka") != std::string::npos) subtasks.push_back(line);
  }
  ASSERT_EQ(subtasks.size(), states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    EXPECT_EQ(subtasks[i], "flink_vertex_subtasks" + v + ",state=\"" + states[i] + "\"} " +
                               (states[i] == "RUNNING" ? "2" : "0"));
  }
  EXPECT_EQ(Lines(out, "flink_vertex_subtasks").size(), 2 * states.size()) << "every vertex";
  for (const std::string& line : {
           "flink_vertex_parallelism" + v + "} 2",
           "flink_vertex_backpressured_ratio" + v + ",stat=\"max\"} 0.8",
           "flink_vertex_backpressured_ratio" + v + ",stat=\"avg\"} 0.45",
           "flink_vertex_busy_ratio" + v + ",stat=\"max\"} 0.2",
           "flink_vertex_busy_ratio" + v + ",stat=\"avg\"} 0.125",
           "flink_vertex_idle_ratio" + v + ",stat=\"max\"} 0.05",
           "flink_vertex_output_buffer_usage_ratio" + v + ",stat=\"max\"} 1.25",
           "flink_vertex_input_buffer_usage_ratio" + v + ",stat=\"avg\"} 0.25",
           "flink_vertex_backpressure_level" + v + ",level=\"ok\"} 0",
           "flink_vertex_backpressure_level" + v + ",level=\"low\"} 0",
           "flink_vertex_backpressure_level" + v + ",level=\"high\"} 1",
           "flink_vertex_records_in_total" + v + "} 0",
           "flink_vertex_records_out_total" + v + "} 123456789",
           "flink_vertex_watermark_timestamp_seconds" + v + "} 1767229100.5",
       }) {
    EXPECT_TRUE(HasLine(out, line)) << line;
  }
  EXPECT_EQ(Lines(out, "flink_vertex_backpressure_level").size(), 3u)
      << "only where a level is known";
}

TEST(SnapshotRendererFlinkTest, SubtaskFamilies) {
  const std::string out = RenderFlinkJobs();
  const std::string v =
      std::string(kRunningJobLabels) +
      ",vertex_id=\"bc764cd8ddf7a0cff126f51c16239658\",vertex_name=\"Source: Kafka\"";
  EXPECT_EQ(Lines(out, "flink_subtask_backpressured_ratio"),
            (std::vector<std::string>{
                "flink_subtask_backpressured_ratio" + v + ",subtask=\"0\"} 0.8",
                "flink_subtask_backpressured_ratio" + v + ",subtask=\"1\"} 0.1",
            }));
  EXPECT_EQ(Lines(out, "flink_subtask_busy_ratio"),
            (std::vector<std::string>{"flink_subtask_busy_ratio" + v + ",subtask=\"0\"} 0.2"}));
  EXPECT_EQ(Lines(out, "flink_subtask_idle_ratio"),
            (std::vector<std::string>{
                "flink_subtask_idle_ratio" + v + ",subtask=\"0\"} 0",
                "flink_subtask_idle_ratio" + v + ",subtask=\"1\"} 0.05",
            }));
}

TEST(SnapshotRendererFlinkTest, TaskManagerAndJobManagerFamilies) {
  const std::string out = RenderFlinkJobs();
  const std::string tm = "{flink_cluster=\"streaming\",tm_id=\"taskmanager-00001\"";
  const std::string jm = "{flink_cluster=\"streaming\"";
  for (const std::string& line : {
           "flink_taskmanager_info" + tm + ",host=\"10.0.3.17\"} 1",
           "flink_taskmanager_slots" + tm + "} 4",
           "flink_taskmanager_slots_free" + tm + "} 1",
           "flink_taskmanager_last_heartbeat_timestamp_seconds" + tm + "} 1767229205.125",
           "flink_taskmanager_heap_used_bytes" + tm + "} 536870912",
           "flink_taskmanager_heap_max_bytes" + tm + "} 1073741824",
           "flink_taskmanager_cpu_load" + tm + "} 0.25",
           "flink_taskmanager_gc_collections_total" + tm + ",gc=\"G1_Young_Generation\"} 120",
           "flink_taskmanager_gc_collections_total" + tm + ",gc=\"G1_Old_Generation\"} 2",
           "flink_taskmanager_gc_time_seconds_total" + tm + ",gc=\"G1_Young_Generation\"} 3.5",
           "flink_taskmanager_gc_time_seconds_total" + tm + ",gc=\"G1_Old_Generation\"} 0.25",
           "flink_jobmanager_heap_used_bytes" + jm + "} 268435456",
           "flink_jobmanager_heap_max_bytes" + jm + "} 1073741824",
           "flink_jobmanager_cpu_load" + jm + "} 0.0625",
           "flink_jobmanager_gc_collections_total" + jm + ",gc=\"G1_Young_Generation\"} 120",
           "flink_jobmanager_gc_time_seconds_total" + jm + ",gc=\"G1_Old_Generation\"} 0.25",
       }) {
    EXPECT_TRUE(HasLine(out, line)) << line;
  }
  EXPECT_EQ(Lines(out, "flink_taskmanager_info").size(), 2u);
}

TEST(SnapshotRendererFlinkTest, CountersAreTypedAsCounters) {
  const std::string out = RenderFlinkJobs();
  std::istringstream in(out);
  int types = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    ++types;
    const std::string name = line.substr(7, line.find(' ', 7) - 7);
    const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(line.substr(line.rfind(' ') + 1), total ? "counter" : "gauge") << line;
  }
  EXPECT_GT(types, 50);
}

TEST(SnapshotRendererFlinkTest, CheckpointingOffAndUnnamedExceptions) {
  auto t = std::make_shared<TargetState>(*RichFlinkTarget());
  FlinkJob j = CanceledJob();
  FlinkCheckpointConfig cfg;  // periodic checkpointing off; mode not reported
  cfg.periodic = false;
  cfg.interval_seconds = 9223372036854775.807;  // ignored while not periodic
  cfg.timeout_seconds = 600;
  j.checkpoint_config = cfg;
  FlinkCheckpointStats c;
  c.last_failure_timestamp = 1767228000;  // failure_message named no class
  j.checkpoints = c;
  j.last_failure = FlinkJobFailure{1767221000, "", ""};
  FlinkObservation obs;
  obs.jobs = {j};
  t->observation = obs;
  Snapshot s;
  s.targets = {t};
  std::string out;
  RenderSnapshot(s, out);
  const std::string l = kCanceledJobLabels;
  EXPECT_TRUE(Lines(out, "flink_job_checkpoint_interval_seconds").empty());
  EXPECT_TRUE(HasLine(out, "flink_job_checkpoint_timeout_seconds" + l + "} 600"));
  EXPECT_TRUE(
      HasLine(out, "flink_job_checkpoint_info" + l + ",mode=\"unknown\",periodic=\"false\"} 1"));
  EXPECT_TRUE(HasLine(out, "flink_job_checkpoints_total" + l + ",result=\"completed\"} 0"));
  EXPECT_TRUE(
      HasLine(out, "flink_job_last_checkpoint_failure_info" + l + ",exception=\"unknown\"} 1"));
  EXPECT_TRUE(HasLine(out, "flink_job_last_failure_info" + l + ",exception=\"unknown\"} 1"));
  EXPECT_TRUE(Lines(out, "flink_job_last_checkpoint_completed_timestamp_seconds").empty());
}

TEST(SnapshotRendererTest, EmptySnapshotRendersNothing) {
  std::string out;
  EXPECT_EQ(RenderSnapshot(Snapshot{}, out), 0u);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace fme
