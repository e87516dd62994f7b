// One simulation step: scheduled actions, then Flink throughput/backpressure/watermarks,
// checkpoints and TaskManager JVM figures.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "world/simulation.h"

namespace fme::sim {
namespace {

constexpr double kBytesPerRecord = 180;

void ZeroRates(Subtask& st) {
  st.records_in_per_second = st.records_out_per_second = 0;
  st.backpressured_ratio = st.busy_ratio = 0;
  st.idle_ratio = 1;
}

}  // namespace

void Simulation::AdvanceTo(Millis now) {
  while (next_step_ <= now) {
    Step(next_step_);
    next_step_ += scenario_.step;
  }
  if (now > w_.now) w_.now = now;
}

void Simulation::Schedule(Millis at, std::function<void()> action) {
  schedule_.emplace(std::make_pair(at, schedule_seq_++), std::move(action));
}

void Simulation::Step(Millis t) {
  w_.now = t;
  while (!schedule_.empty() && schedule_.begin()->first.first <= t) {
    // Moved out before running: the action may schedule more actions.
    std::function<void()> action = std::move(schedule_.begin()->second);
    schedule_.erase(schedule_.begin());
    if (action) action();
  }
  for (std::size_t ci = 0; ci < w_.flink.size(); ++ci) {
    auto& cluster = w_.flink[ci];
    for (std::size_t j = 0; j < cluster.jobs.size(); ++j) {
      auto& job = cluster.jobs[j];
      auto* rt = Runtime(job);
      if (rt) StepJob(cluster, job, *rt, t);
    }
    const auto& zombies = clusters_[ci].zombies;
    for (auto& tm : cluster.taskmanagers) {
      if (!zombies.count(tm.id)) StepTaskManager(tm, t);  // a zombie's heartbeat and JVM figures freeze
    }
    RecomputeSlots(ci);
  }
}

void Simulation::StepJob(FlinkCluster& /*cluster*/, Job& job, JobRuntime& rt, Millis t) {
  if (job.state != JobStatus::kRunning) {
    if (!IsGloballyTerminal(job.state)) StepCheckpoints(job, rt, t);
    return;
  }
  const double dt = static_cast<double>(scenario_.step) / 1000.0;
  const std::size_t nv = job.vertices.size();
  // Backpressure: the named vertex is held back by its downstream neighbour (the bottleneck,
  // busy ~95%); upstream vertices see slightly less backpressure.
  std::vector<double> bp(nv, 0.0);
  std::vector<bool> bottleneck(nv, false);
  double max_bp = 0;
  for (const auto& [v, ratio] : rt.backpressure) {
    if (v < 0 || static_cast<std::size_t>(v) >= nv) continue;
    for (int k = v; k >= 0; --k) {
      bp[static_cast<std::size_t>(k)] =
          std::max(bp[static_cast<std::size_t>(k)], ratio * std::pow(0.85, v - k));
    }
    if (static_cast<std::size_t>(v) + 1 < nv) bottleneck[static_cast<std::size_t>(v) + 1] = true;
    max_bp = std::max(max_bp, ratio);
  }
  const double noise = 1.0 + rng_.Uniform(-0.05, 0.05);
  const double rate = rt.spec.records_per_second * noise * (1.0 - 0.5 * max_bp);
  if (max_bp > 0) {
    rt.extra_lag += static_cast<double>(scenario_.step) * max_bp * 0.8;
  } else {
    rt.extra_lag *= 0.9;
    if (rt.extra_lag < 1) rt.extra_lag = 0;
  }
  const Millis wm = t - rt.spec.watermark_lag - static_cast<Millis>(rt.extra_lag);
  const double load = rt.spec.records_per_second > 0 ? std::min(1.0, rate / 20000.0) : 0.0;

  for (std::size_t v = 0; v < nv; ++v) {
    auto& vx = job.vertices[v];
    const bool source = v == 0;
    const bool sink = v + 1 == nv && nv > 1;
    for (auto& st : vx.subtasks) {
      const double skew = 1.0 + 0.05 * static_cast<double>((st.index * 7 + static_cast<int>(v) * 3) % 5 - 2);
      const double r = rate * skew;
      st.records_in_per_second = source ? 0 : r;
      st.records_out_per_second = sink ? 0 : r;
      const auto in = static_cast<int64_t>(std::llround(st.records_in_per_second * dt));
      const auto out = static_cast<int64_t>(std::llround(st.records_out_per_second * dt));
      st.records_in += in;
      st.records_out += out;
      st.bytes_in += static_cast<int64_t>(static_cast<double>(in) * kBytesPerRecord);
      st.bytes_out += static_cast<int64_t>(static_cast<double>(out) * kBytesPerRecord);
      st.backpressured_ratio = bp[v];
      double busy = bottleneck[v] ? 0.95 : (0.05 + 0.5 * load + 0.02 * static_cast<double>(v % 3)) * skew;
      busy = std::min(busy, 1.0 - st.backpressured_ratio);
      st.busy_ratio = std::max(0.0, busy);
      st.idle_ratio = std::max(0.0, 1.0 - st.backpressured_ratio - st.busy_ratio);
      if (source) {
        st.watermark.reset();
      } else {
        st.watermark = wm - st.index * 7;
      }
    }
  }
  rt.state_size *= 1.0 + 0.00002 * dt;
  StepCheckpoints(job, rt, t);
}

Checkpoint* Simulation::FindCheckpoint(Job& job, int64_t id) {
  for (auto& cp : job.checkpoints.history) {
    if (cp.id == id) return &cp;
  }
  return nullptr;
}

void Simulation::StepCheckpoints(Job& job, JobRuntime& rt, Millis t) {
  if (!job.has_checkpoint_coordinator) return;
  if (rt.pending) {
    Checkpoint* cp = FindCheckpoint(job, *rt.pending);
    if (!cp) {
      rt.pending.reset();
      return;
    }
    const int n = cp->num_subtasks;
    int acks = cp->num_acknowledged_subtasks;
    if (rt.mode == CheckpointMode::kNormal || rt.mode == CheckpointMode::kFail || cp->is_savepoint) {
      const double span = static_cast<double>(std::max<Millis>(1, rt.pending_complete_at - cp->trigger_timestamp));
      const double frac = std::min(1.0, static_cast<double>(t - cp->trigger_timestamp) / span);
      acks = std::max(acks, static_cast<int>(frac * n));
    } else {
      acks = std::max(acks, std::max(0, n - std::max(1, n / 4)));  // the rest never acknowledge
    }
    if (rt.mode == CheckpointMode::kFail && !cp->is_savepoint) acks = std::min(acks, n - 1);
    if (acks != cp->num_acknowledged_subtasks) {
      cp->num_acknowledged_subtasks = std::min(acks, n);
      cp->latest_ack_timestamp = t;
      cp->end_to_end_duration = t - cp->trigger_timestamp;
    }
    const bool stuck = !cp->is_savepoint && (rt.mode == CheckpointMode::kTimeout || rt.mode == CheckpointMode::kStall);
    if (t - cp->trigger_timestamp >= job.checkpoint_config.timeout) {
      FailCheckpoint(job, rt, t, "Checkpoint expired before completing.");
    } else if (!stuck && t >= rt.pending_complete_at) {
      if (rt.mode == CheckpointMode::kFail && !cp->is_savepoint) {
        FailCheckpoint(job, rt, t, rt.fail_message);
      } else {
        CompleteCheckpoint(job, rt, t);
      }
    }
    return;
  }
  if (!rt.spec.checkpointing || job.state != JobStatus::kRunning) return;
  if (t >= rt.next_trigger) TriggerCheckpoint(job, rt, t, false);
}

void Simulation::TriggerCheckpoint(Job& job, JobRuntime& rt, Millis t, bool savepoint) {
  if (rt.pending) {
    // A savepoint does not wait for the running checkpoint; finish that one first.
    if (FindCheckpoint(job, *rt.pending)) CompleteCheckpoint(job, rt, t);
    rt.pending.reset();
  }
  Checkpoint cp;
  cp.id = rt.next_checkpoint_id++;
  cp.status = CheckpointStatus::kInProgress;
  cp.is_savepoint = savepoint;
  cp.trigger_timestamp = t;
  cp.latest_ack_timestamp = t;
  for (const auto& v : job.vertices) cp.num_subtasks += v.parallelism;
  cp.state_size = static_cast<int64_t>(rt.state_size);
  auto& cs = job.checkpoints;
  cs.history.push_front(cp);
  while (cs.history.size() > static_cast<std::size_t>(kMaxCheckpointHistory)) cs.history.pop_back();
  cs.total += 1;
  cs.in_progress += 1;
  rt.pending = cp.id;
  const Millis d = rt.spec.checkpoint_duration;
  Millis duration = d + rng_.Int(-d / 5, d / 5);
  if (savepoint) duration = d * 3 / 2;
  rt.pending_complete_at = t + std::max<Millis>(duration, 1);
  if (!savepoint) rt.next_trigger = t + job.checkpoint_config.interval;
}

void Simulation::CompleteCheckpoint(Job& job, JobRuntime& rt, Millis t) {
  Checkpoint* cp = FindCheckpoint(job, *rt.pending);
  rt.pending.reset();
  if (!cp) return;
  cp->status = CheckpointStatus::kCompleted;
  cp->num_acknowledged_subtasks = cp->num_subtasks;
  cp->latest_ack_timestamp = t;
  cp->end_to_end_duration = std::max<Millis>(1, t - cp->trigger_timestamp);
  cp->state_size = static_cast<int64_t>(rt.state_size);
  cp->checkpointed_size = cp->is_savepoint ? cp->state_size : cp->state_size / 20;
  cp->processed_data = rng_.Int(0, 1 << 20);
  cp->alignment_buffered = 0;
  cp->external_path = cp->is_savepoint
                          ? "s3://flink-savepoints/savepoint-" + job.id.substr(0, 6) + "-" + rng_.Hex(12)
                          : "s3://flink-checkpoints/" + job.id + "/chk-" + std::to_string(cp->id);
  auto& cs = job.checkpoints;
  cs.in_progress = std::max<int64_t>(0, cs.in_progress - 1);
  cs.completed += 1;
  if (cp->is_savepoint) {
    cs.latest_savepoint = *cp;
  } else {
    cs.latest_completed = *cp;
  }
  if (cp->is_savepoint && rt.on_savepoint) {
    // Run the follow-up as the next action, never while the caller iterates over jobs.
    auto cb = std::move(rt.on_savepoint);
    rt.on_savepoint = nullptr;
    Schedule(t, [cb, copy = *cp] { cb(copy); });
  }
}

void Simulation::FailCheckpoint(Job& job, JobRuntime& rt, Millis t, const std::string& message) {
  Checkpoint* cp = FindCheckpoint(job, *rt.pending);
  rt.pending.reset();
  if (!cp) return;
  cp->status = CheckpointStatus::kFailed;
  cp->failure_timestamp = t;
  cp->failure_message = message;
  cp->end_to_end_duration = t - cp->trigger_timestamp;
  auto& cs = job.checkpoints;
  cs.in_progress = std::max<int64_t>(0, cs.in_progress - 1);
  cs.failed += 1;
  cs.latest_failed = *cp;
  if (cp->is_savepoint && rt.on_savepoint) {
    auto cb = std::move(rt.on_savepoint);
    rt.on_savepoint = nullptr;
    Schedule(t, [cb, copy = *cp] { cb(copy); });
  }
}

void Simulation::StepTaskManager(TaskManager& tm, Millis t) {
  if (t - tm.last_heartbeat >= 10'000) tm.last_heartbeat = t;
  const double dt = static_cast<double>(scenario_.step) / 1000.0;
  const auto alloc = static_cast<int64_t>(static_cast<double>(tm.heap_max) * 0.004 * dt * (1.0 + rng_.Uniform()));
  tm.heap_used += alloc;
  if (tm.heap_used > tm.heap_max * 8 / 10 && !tm.gcs.empty()) {
    tm.gcs[0].count += 1;
    tm.gcs[0].time_ms += rng_.Int(5, 40);
    tm.heap_used = tm.heap_max / 4 + rng_.Int(0, tm.heap_max / 10);
    if (tm.gcs.size() > 1 && rng_.Chance(0.02)) {
      tm.gcs[1].count += 1;
      tm.gcs[1].time_ms += rng_.Int(100, 900);
    }
  }
  tm.non_heap_used = std::min(tm.non_heap_max, tm.non_heap_used + rng_.Int(0, 4096));
}

void Simulation::RecomputeSlots(std::size_t cluster) {
  auto& c = w_.flink[cluster];
  std::unordered_map<std::string, int> used;
  for (const auto& job : c.jobs) {
    if (IsGloballyTerminal(job.state)) continue;
    auto it = jobs_.find(job.id);
    if (it == jobs_.end()) continue;
    for (const auto& id : it->second.slot_tms) {
      if (!id.empty()) used[id] += 1;
    }
  }
  for (auto& tm : c.taskmanagers) {
    auto it = used.find(tm.id);
    tm.free_slots = std::max(0, tm.slots - (it == used.end() ? 0 : it->second));
  }
}

bool Simulation::AllocateSlots(std::size_t cluster, Job& job, JobRuntime& rt) {
  RecomputeSlots(cluster);
  auto& tms = w_.flink[cluster].taskmanagers;
  int needed = 0;
  for (const auto& v : job.vertices) needed = std::max(needed, v.parallelism);
  rt.slot_tms.clear();
  if (tms.empty()) return false;
  std::vector<int> free;
  for (const auto& tm : tms) free.push_back(tm.free_slots);
  // Spread over TaskManagers with free slots, round robin; oversubscribe when the cluster is full.
  std::size_t i = 0, misses = 0;
  while (static_cast<int>(rt.slot_tms.size()) < needed) {
    const std::size_t k = i++ % tms.size();
    if (free[k] > 0 || misses >= tms.size()) {
      if (free[k] > 0) free[k] -= 1;
      rt.slot_tms.push_back(tms[k].id);
      misses = 0;
    } else {
      ++misses;
    }
  }
  return true;
}

void Simulation::AssignSubtasks(std::size_t cluster, Job& job, JobRuntime& rt, Millis t, bool new_attempt) {
  const auto& tms = w_.flink[cluster].taskmanagers;
  for (auto& v : job.vertices) {
    for (auto& st : v.subtasks) {
      const std::string id = rt.slot_tms.empty()
                                 ? std::string()
                                 : rt.slot_tms[static_cast<std::size_t>(st.index) % rt.slot_tms.size()];
      st.taskmanager_id = id;
      st.host.clear();
      for (const auto& tm : tms) {
        if (tm.id == id) st.host = tm.host;
      }
      st.state = ExecutionState::kRunning;
      st.start_time = t;
      if (new_attempt) {
        st.attempt += 1;
        st.records_in = st.records_out = st.bytes_in = st.bytes_out = 0;
        st.watermark.reset();
      } else {
        // Counters as if the subtask had run since `t`.
        const double secs = static_cast<double>(std::max<Millis>(0, start_ - t)) / 1000.0;
        const bool source = &v == &job.vertices.front();
        const bool sink = &v == &job.vertices.back() && job.vertices.size() > 1;
        const auto n = static_cast<int64_t>(rt.spec.records_per_second * secs);
        st.records_in = source ? 0 : n;
        st.records_out = sink ? 0 : n;
        st.bytes_in = static_cast<int64_t>(static_cast<double>(st.records_in) * kBytesPerRecord);
        st.bytes_out = static_cast<int64_t>(static_cast<double>(st.records_out) * kBytesPerRecord);
        if (!source) st.watermark = start_ - rt.spec.watermark_lag;
      }
    }
  }
}

void Simulation::SetJobState(Job& job, JobStatus s, Millis t) {
  job.state = s;
  job.state_timestamps[s] = t;
}

void Simulation::EndJob(std::size_t cluster, Job& job, JobStatus s, Millis t) {
  SetJobState(job, s, t);
  job.end_time = t;
  const ExecutionState es = s == JobStatus::kFinished ? ExecutionState::kFinished
                            : s == JobStatus::kFailed ? ExecutionState::kFailed
                                                      : ExecutionState::kCanceled;
  bool first = true;
  for (auto& v : job.vertices) {
    for (auto& st : v.subtasks) {
      st.state = (es == ExecutionState::kFailed && !first) ? ExecutionState::kCanceled : es;
      first = false;
      ZeroRates(st);
    }
  }
  if (auto* rt = Runtime(job)) {
    if (rt->pending) FailCheckpoint(job, *rt, t, "Checkpoint Coordinator is suspending.");
    rt->slot_tms.clear();
    rt->backpressure.clear();
  }
  RecomputeSlots(cluster);
}

}  // namespace fme::sim
