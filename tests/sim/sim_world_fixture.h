// A small hand-made World for simulator tests: one Mesos-hosted Flink cluster per REST dialect
// (1.4.2, 1.9.3, 1.13.6, 1.18.1, 2.0.0, in that order), each with the same jobs and TaskManagers.
// Header-only and self-contained (depends on world/world.h only); values are fixed so tests can
// assert exact numbers.
//
// Jobs (same ids in every cluster):
//   kJobRunning    streaming, RUNNING, 3 vertices (source p2 -> window p2 -> sink p1), restarted
//                  twice, checkpoint history (43 in progress, 42 completed, 41 failed,
//                  40 savepoint, 39 completed), restored from 38, two exceptions
//   kJobNoPeriodic streaming, RUNNING, periodic checkpointing off (interval Long.MAX_VALUE)
//   kJobBatch      batch, FINISHED, no checkpoint coordinator (/checkpoints answers 404)
//   kJobFailed     streaming, FAILED, one task exception
// TaskManagers: taskmanager-00001 (10.0.1.7, 4 slots, 1 free), taskmanager-00002 (10.0.1.8,
// 4 slots, 2 free).
#pragma once

#include <string>
#include <vector>

#include "world/world.h"

namespace fme::sim::simtest {

inline constexpr Millis kNow = 1700000000000;  // 2023-11-14T22:13:20Z
inline constexpr Millis kJobStart = kNow - 3600000;
inline constexpr Millis kSourceWatermark = kNow - 10000;

inline const std::string kJobRunning = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
inline const std::string kJobNoPeriodic = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline const std::string kJobBatch = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
inline const std::string kJobFailed = "deadbeefdeadbeefdeadbeefdeadbeef";
inline const std::string kVertexSource = "cbc357ccb763df2852fee8c4fc7d55f2";
inline const std::string kVertexWindow = "90bea66de1c231edf33913ecd54406c1";
inline const std::string kVertexSink = "6d2677a0ecc3fd8df0b72ec675edf8f4";
inline const std::string kVertexSimple = "bc764cd8ddf7a0cff126f51c16239658";
inline const std::string kVertexBatch = "717c7b8afebbfb7137f6f0f99beb2a94";
inline const std::string kTm1 = "taskmanager-00001";
inline const std::string kTm2 = "taskmanager-00002";

inline Subtask MakeSubtask(int index, const std::string& tm, const std::string& host,
                           double bp, double busy, double idle, double rate) {
  Subtask s;
  s.index = index;
  s.state = ExecutionState::kRunning;
  s.attempt = 0;
  s.taskmanager_id = tm;
  s.host = host;
  s.start_time = kJobStart + 1000;
  s.records_in_per_second = rate;
  s.records_out_per_second = rate;
  s.records_in = static_cast<int64_t>(rate * 3600);
  s.records_out = static_cast<int64_t>(rate * 3600);
  s.bytes_in = s.records_in * 100;
  s.bytes_out = s.records_out * 100;
  s.backpressured_ratio = bp;
  s.busy_ratio = busy;
  s.idle_ratio = idle;
  return s;
}

inline Checkpoint MakeCheckpoint(int64_t id, CheckpointStatus status, Millis trigger) {
  Checkpoint c;
  c.id = id;
  c.status = status;
  c.trigger_timestamp = trigger;
  c.latest_ack_timestamp = trigger + 500;
  c.end_to_end_duration = 500;
  c.state_size = 4096 * id;
  c.checkpointed_size = 1024 * id;
  c.processed_data = 10 * id;
  c.persisted_data = 0;
  c.alignment_buffered = 0;
  c.num_subtasks = 5;
  c.num_acknowledged_subtasks = 5;
  if (status == CheckpointStatus::kCompleted) {
    c.external_path = "file:/checkpoints/" + kJobRunning + "/chk-" + std::to_string(id);
  }
  return c;
}

inline Job MakeRunningJob() {
  Job job;
  job.id = kJobRunning;
  job.name = "Click Event Count";
  job.state = JobStatus::kRunning;
  job.start_time = kJobStart;
  job.state_timestamps = {{JobStatus::kInitializing, kJobStart - 100},
                          {JobStatus::kCreated, kJobStart},
                          {JobStatus::kRestarting, kJobStart + 600000},
                          {JobStatus::kRunning, kJobStart + 610000}};
  job.restarts = 2;

  Vertex source;
  source.id = kVertexSource;
  source.name = "Source: Kafka -> Map";
  source.parallelism = 2;
  source.subtasks = {MakeSubtask(0, kTm1, "10.0.1.7", 0.62, 0.30, 0.08, 1523.4),
                     MakeSubtask(1, kTm2, "10.0.1.8", 0.05, 0.35, 0.60, 1400.0)};
  source.subtasks[0].watermark = kSourceWatermark;  // subtask 1: no watermark yet
  Vertex window;
  window.id = kVertexWindow;
  window.name = "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, Reduce)";
  window.parallelism = 2;
  window.subtasks = {MakeSubtask(0, kTm1, "10.0.1.7", 0.2, 0.7, 0.1, 1460.0),
                     MakeSubtask(1, kTm2, "10.0.1.8", 0.3, 0.6, 0.1, 1460.0)};
  for (Subtask& s : window.subtasks) s.watermark = kSourceWatermark - 500;
  Vertex sink;
  sink.id = kVertexSink;
  sink.name = "Sink: Kafka";
  sink.parallelism = 1;
  sink.subtasks = {MakeSubtask(0, kTm1, "10.0.1.7", 0.0, 0.1, 0.9, 12.0)};
  sink.subtasks[0].watermark = kSourceWatermark - 60000;
  job.vertices = {source, window, sink};

  CheckpointStats& st = job.checkpoints;
  st.restored = 1;
  st.total = 43;
  st.in_progress = 1;
  st.completed = 40;
  st.failed = 2;
  Checkpoint c43 = MakeCheckpoint(43, CheckpointStatus::kInProgress, kNow - 200);
  c43.num_acknowledged_subtasks = 2;
  c43.latest_ack_timestamp = kNow - 100;
  c43.end_to_end_duration = 100;
  Checkpoint c42 = MakeCheckpoint(42, CheckpointStatus::kCompleted, kNow - 10200);
  Checkpoint c41 = MakeCheckpoint(41, CheckpointStatus::kFailed, kNow - 20200);
  c41.num_acknowledged_subtasks = 3;
  c41.failure_timestamp = kNow - 19000;
  c41.failure_message = "Checkpoint expired before completing.";
  Checkpoint c40 = MakeCheckpoint(40, CheckpointStatus::kCompleted, kNow - 30200);
  c40.is_savepoint = true;
  c40.external_path = "file:/savepoints/savepoint-a1b2c3-0123456789ab";
  c40.end_to_end_duration = 900;
  Checkpoint c39 = MakeCheckpoint(39, CheckpointStatus::kCompleted, kNow - 40200);
  c39.end_to_end_duration = 120;
  st.history = {c43, c42, c41, c40, c39};
  st.latest_completed = c42;
  st.latest_savepoint = c40;
  st.latest_failed = c41;
  st.latest_restored = CheckpointStats::Restored{38, kJobStart + 610000, false,
                                                 "file:/checkpoints/" + kJobRunning + "/chk-38"};

  JobException newest;
  newest.exception_name = "java.lang.RuntimeException";
  newest.message = "boom";
  newest.stacktrace = "java.lang.RuntimeException: boom\n\tat com.example.Map.map(Map.java:42)";
  newest.timestamp = kJobStart + 600000;
  newest.task_name = "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, Reduce) (2/2)";
  newest.location = "10.0.1.8:31002";
  newest.taskmanager_id = kTm2;
  JobException older;
  older.exception_name = "org.apache.flink.runtime.JobException";
  older.message = "Recovery is suppressed by NoRestartBackoffTimeStrategy";
  older.stacktrace = "org.apache.flink.runtime.JobException: Recovery is suppressed";
  older.timestamp = kJobStart + 300000;
  job.exceptions = {newest, older};
  return job;
}

inline Job MakeNoPeriodicJob() {
  Job job;
  job.id = kJobNoPeriodic;
  job.name = "Unchecked Pipeline";
  job.state = JobStatus::kRunning;
  job.start_time = kJobStart;
  job.state_timestamps = {{JobStatus::kCreated, kJobStart}, {JobStatus::kRunning, kJobStart + 500}};
  job.checkpoint_config.periodic = false;
  job.checkpoint_config.exactly_once = false;
  Vertex v;
  v.id = kVertexSimple;
  v.name = "Source: Socket -> Sink: Print";
  v.parallelism = 1;
  v.subtasks = {MakeSubtask(0, kTm2, "10.0.1.8", 0.0, 0.05, 0.95, 3.0)};
  job.vertices = {v};
  return job;
}

inline Job MakeBatchJob() {
  Job job;
  job.id = kJobBatch;
  job.name = "WordCount";
  job.state = JobStatus::kFinished;
  job.streaming = false;
  job.has_checkpoint_coordinator = false;
  job.start_time = kJobStart - 600000;
  job.end_time = kJobStart - 300000;
  job.state_timestamps = {{JobStatus::kCreated, job.start_time},
                          {JobStatus::kRunning, job.start_time + 200},
                          {JobStatus::kFinished, job.end_time}};
  Vertex v;
  v.id = kVertexBatch;
  v.name = "CHAIN DataSource -> FlatMap -> Combine(SUM(1))";
  v.parallelism = 2;
  for (int i = 0; i < 2; ++i) {
    Subtask s = MakeSubtask(i, i == 0 ? kTm1 : kTm2, i == 0 ? "10.0.1.7" : "10.0.1.8", 0, 0, 1, 0);
    s.state = ExecutionState::kFinished;
    s.start_time = job.start_time + 300;
    v.subtasks.push_back(s);
  }
  job.vertices = {v};
  return job;
}

inline Job MakeFailedJob() {
  Job job;
  job.id = kJobFailed;
  job.name = "Fraud Detection";
  job.state = JobStatus::kFailed;
  job.start_time = kJobStart - 1200000;
  job.end_time = kJobStart - 900000;
  job.state_timestamps = {{JobStatus::kCreated, job.start_time},
                          {JobStatus::kRunning, job.start_time + 300},
                          {JobStatus::kFailing, job.end_time - 100},
                          {JobStatus::kFailed, job.end_time}};
  Vertex v;
  v.id = "4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d";
  v.name = "Source: Transactions -> Process";
  v.parallelism = 1;
  Subtask s = MakeSubtask(0, kTm1, "10.0.1.7", 0, 0, 1, 0);
  s.state = ExecutionState::kFailed;
  s.start_time = job.start_time + 200;
  v.subtasks = {s};
  job.vertices = {v};
  JobException e;
  e.exception_name = "java.lang.OutOfMemoryError";
  e.message = "Java heap space";
  e.stacktrace = "java.lang.OutOfMemoryError: Java heap space";
  e.timestamp = job.end_time - 100;
  e.task_name = "Source: Transactions -> Process (1/1)";
  e.location = "10.0.1.7:31002";
  e.taskmanager_id = kTm1;
  job.exceptions = {e};
  return job;
}

inline TaskManager MakeTaskManager(const std::string& id, const std::string& host, int free) {
  TaskManager tm;
  tm.id = id;
  tm.host = host;
  tm.data_port = 31002;
  tm.rpc_port = 31001;
  tm.slots = 4;
  tm.free_slots = free;
  tm.last_heartbeat = kNow - 2500;
  tm.cpu_cores = 4;
  tm.physical_memory = 16777216000;
  tm.free_memory = 1037959168;
  tm.managed_memory = 536870912;
  tm.heap_used = 402653184;
  tm.heap_committed = 805306368;
  tm.heap_max = 1037959168;
  tm.non_heap_used = 134217728;
  tm.non_heap_max = -1;
  tm.gcs = {{"G1_Young_Generation", 42, 1234}, {"G1_Old_Generation", 1, 210}};
  return tm;
}

inline FlinkCluster MakeFlinkCluster(const std::string& version, const std::string& revision,
                                     FlinkDialect dialect, int port) {
  FlinkCluster c;
  c.name = "flink-" + version;
  c.version = version;
  c.revision = revision;
  c.dialect = dialect;
  c.rest_url = "http://127.0.0.1:" + std::to_string(port);
  c.on_mesos = true;
  c.framework_id = "3f8d6ba1-5a2b-4c7d-9e0f-1a2b3c4d5e6f-000" + std::to_string(static_cast<int>(dialect));
  c.jobmanager_start = kJobStart - 7200000;
  c.taskmanagers = {MakeTaskManager(kTm1, "10.0.1.7", 1), MakeTaskManager(kTm2, "10.0.1.8", 2)};
  c.jobs = {MakeRunningJob(), MakeNoPeriodicJob(), MakeBatchJob(), MakeFailedJob()};
  return c;
}

inline World MakeSimWorld() {
  World w;
  w.now = kNow;
  w.seed = 7;
  w.flink = {
      MakeFlinkCluster("1.4.2", "d0a3a45 @ 2018-02-27T13:19:17+01:00", FlinkDialect::k1_4, 18081),
      MakeFlinkCluster("1.9.3", "6d23b2c @ 2020-04-17T15:31:55+02:00", FlinkDialect::k1_9, 18082),
      MakeFlinkCluster("1.13.6", "b2ca390 @ 2022-02-03T14:54:22+01:00", FlinkDialect::k1_13, 18083),
      MakeFlinkCluster("1.18.1", "a8c8b1c @ 2024-01-11T12:51:08+01:00", FlinkDialect::k1_18, 18084),
      MakeFlinkCluster("2.0.0", "5f8c7a1 @ 2025-03-17T10:31:07+01:00", FlinkDialect::k2_0, 18085),
  };
  return w;
}

inline const FlinkCluster& ClusterFor(const World& w, FlinkDialect d) {
  for (const FlinkCluster& c : w.flink) {
    if (c.dialect == d) return c;
  }
  return w.flink.front();
}

inline const std::vector<FlinkDialect>& AllDialects() {
  static const std::vector<FlinkDialect> all = {FlinkDialect::k1_4, FlinkDialect::k1_9,
                                                FlinkDialect::k1_13, FlinkDialect::k1_18,
                                                FlinkDialect::k2_0};
  return all;
}

}  // namespace fme::sim::simtest
