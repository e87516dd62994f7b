// The initial world: masters, agents, frameworks, tasks, Flink clusters and their jobs.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "world/simulation.h"

namespace fme::sim {
namespace {

constexpr Millis kMinute = 60'000;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;

std::string Revision(const std::string& version) {
  // Known release commits; other versions get a stable made-up one.
  if (version.rfind("1.13", 0) == 0) return "b2ca390 @ 2022-02-03T14:54:22+01:00";
  if (version.rfind("1.9", 0) == 0) return "6d23b2c @ 2020-04-17T16:18:14+02:00";
  if (version.rfind("1.18", 0) == 0) return "a5b6c2e @ 2023-12-12T10:35:07+01:00";
  if (version.rfind("1.4", 0) == 0) return "fd0b3e1 @ 2018-02-15T12:35:00+01:00";
  uint64_t h = 1469598103934665603ULL;
  for (char c : version) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  Rng r(h);
  return r.Hex(7) + " @ 2024-01-01T00:00:00+01:00";
}

std::vector<std::string> VertexNames(const JobSpec& spec) {
  if (!spec.vertex_names.empty()) return spec.vertex_names;
  static const char* kOps[] = {
      "Timestamps/Watermarks",
      "Filter -> Map",
      "KeyedProcess",
      "Window(TumblingEventTimeWindows(60000), EventTimeTrigger, AggregateFunction, PassThroughWindowFunction)",
      "Flat Map",
      "Co-Process",
      "Map",
  };
  std::vector<std::string> names;
  const int n = spec.vertices;
  for (int i = 0; i < n; ++i) {
    if (i == 0) {
      names.push_back(n == 1 ? "Source: KafkaSource -> Map -> Sink: KafkaSink" : "Source: KafkaSource");
    } else if (i == n - 1) {
      names.push_back("Sink: KafkaSink");
    } else {
      std::string name = kOps[(i - 1) % 7];
      if (i > 7) name += " (" + std::to_string((i - 1) / 7 + 1) + ")";
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace

std::string PadNumber(int n, int width) {
  auto s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

std::string CopyName(const std::string& base, int i, int count) {
  return count > 1 ? base + "-" + PadNumber(i + 1, count >= 1000 ? 4 : 3) : base;
}

Simulation::Simulation(const Scenario& scenario, Millis start, World& world)
    : scenario_(scenario), w_(world), rng_(scenario.seed), start_(start), next_step_(start + scenario.step) {
  w_.now = start;
  w_.seed = scenario.seed;
  BuildMesos();
  BuildFlink();
  // The initial state is what SUBSCRIBED snapshots show; the log records what happens next.
  w_.mesos.events.clear();
  w_.mesos.next_event_sequence = 1;
  ValidateTimeline();
  ScheduleTimeline();
}

void Simulation::BuildMesos() {
  auto& m = w_.mesos;
  m.version = scenario_.mesos_version;
  m.max_completed_tasks = scenario_.max_completed_tasks;
  for (int i = 0; i < scenario_.masters; ++i) {
    Master master;
    master.id = rng_.Uuid();
    master.hostname = "127.0.0.1";
    master.port = 5050;
    master.path_prefix = "/m" + std::to_string(i + 1);
    master.start_time = start_ - rng_.Int(3 * kDay, 30 * kDay);
    m.masters.push_back(master);
  }
  m.leader = 0;
  m.masters[0].elected_time = m.masters[0].start_time + rng_.Int(2000, 15000);
  cluster_prefix_ = m.masters[0].id;

  m.agents.reserve(static_cast<std::size_t>(scenario_.agents));
  for (int i = 0; i < scenario_.agents; ++i) {
    Agent a;
    a.id = cluster_prefix_ + "-S" + std::to_string(i);
    a.hostname = "10." + std::to_string(16 + i / 62500) + "." + std::to_string((i / 250) % 250) + "." +
                 std::to_string(i % 250 + 1);
    a.pid = "slave(1)@" + a.hostname + ":5051";
    a.attributes["rack"] = "r" + std::to_string(i % scenario_.racks + 1);
    a.attributes["zone"] = "zone-" + std::string(1, static_cast<char>('a' + (i % scenario_.racks) % 3));
    a.total = Resources{scenario_.agent_cpus, 0, scenario_.agent_mem_mb, scenario_.agent_disk_mb, "[31000-32000]"};
    a.registered_time = start_ - rng_.Int(1 * kDay, 20 * kDay);
    a.version = scenario_.mesos_version;
    m.agents.push_back(std::move(a));
  }
  next_agent_pick_ = m.agents.empty() ? 0 : static_cast<std::size_t>(rng_.Int(0, scenario_.agents - 1));

  // Non-Flink frameworks first: Marathon runs the Flink JobManagers, so it registered earlier.
  for (const auto& spec : scenario_.frameworks) {
    Framework f;
    f.id = cluster_prefix_ + "-" + PadNumber(next_framework_++, 4);
    f.name = spec.name;
    f.role = spec.role;
    f.user = spec.user;
    f.hostname = m.agents.empty() ? "127.0.0.1" : m.agents[0].hostname;
    f.failover_timeout = 604800;
    f.registered_time = start_ - rng_.Int(2 * kDay, 10 * kDay);
    m.frameworks.push_back(f);
    const std::size_t fi = m.frameworks.size() - 1;
    if (m.agents.empty()) continue;
    const Resources res{spec.task_cpus, 0, spec.task_mem_mb, 0, ""};
    for (int t = 0; t < spec.completed_tasks; ++t) {
      const Millis launched = start_ - rng_.Int(kHour, 2 * kDay);
      Task task = MakeTask(fi, PickAgent(), spec.task_prefix + "." + rng_.Uuid(), spec.task_prefix, res, launched,
                           false);
      TaskStatusRecord done = task.statuses.back();
      done.state = "TASK_FINISHED";
      done.message = "Command exited with status 0";
      done.timestamp += static_cast<double>(rng_.Int(60, 3600));
      done.uuid = rng_.Base64Uuid();
      task.statuses.push_back(done);
      task.state = done.state;
      m.terminal_counters["finished"] += 1;
      m.completed_tasks.push_back(std::move(task));
      if (m.completed_tasks.size() > m.max_completed_tasks) m.completed_tasks.pop_front();
    }
    for (int t = 0; t < spec.tasks; ++t) {
      const Millis launched = start_ - rng_.Int(10 * kMinute, 5 * kDay);
      const std::size_t agent = PickAgent();
      m.tasks.push_back(
          MakeTask(fi, agent, spec.task_prefix + "." + rng_.Uuid(), spec.task_prefix, res, launched, false));
      auto& used = m.agents[agent].used;
      used.cpus += res.cpus;
      used.mem_mb += res.mem_mb;
    }
  }
}

std::size_t Simulation::PickAgent() {
  // Round robin over reachable agents.
  auto& agents = w_.mesos.agents;
  for (std::size_t tries = 0; tries < agents.size(); ++tries) {
    const std::size_t i = next_agent_pick_++ % agents.size();
    if (agents[i].state == AgentState::kActive) return i;
  }
  return next_agent_pick_++ % agents.size();
}

Task Simulation::MakeTask(std::size_t framework, std::size_t agent, const std::string& id, const std::string& name,
                          const Resources& res, Millis launched, bool with_executor) {
  Task t;
  t.id = id;
  t.name = name;
  t.framework_id = w_.mesos.frameworks[framework].id;
  t.agent_id = w_.mesos.agents[agent].id;
  t.executor_id = with_executor ? id : "";
  t.resources = res;
  t.role = w_.mesos.frameworks[framework].role;
  const double base = static_cast<double>(launched) / 1000.0;
  const char* states[] = {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"};
  const double offsets[] = {0.0, 1.2 + rng_.Uniform(0, 0.5), 3.0 + rng_.Uniform(0, 2.0)};
  for (int i = 0; i < 3; ++i) {
    TaskStatusRecord s;
    s.state = states[i];
    s.timestamp = base + offsets[i];
    s.source = i == 0 ? "" : "SOURCE_EXECUTOR";
    s.uuid = rng_.Base64Uuid();
    t.statuses.push_back(s);
  }
  t.state = "TASK_RUNNING";
  return t;
}

void Simulation::BuildFlink() {
  // Flink-on-Mesos clusters first (World contract), then standalone ones.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& spec : scenario_.flink) {
      if (spec.on_mesos != (pass == 0)) continue;
      for (int i = 0; i < spec.count; ++i) BuildCluster(spec, CopyName(spec.name, i, spec.count));
    }
  }
  AssignLateFrameworkIds();
}

void Simulation::AssignLateFrameworkIds() {
  // The master numbers frameworks in registration order: late ones after every framework of the
  // start, by start_at. Known now so that the ports file can name them before they register.
  std::vector<std::size_t> late;
  for (std::size_t ci = 0; ci < clusters_.size(); ++ci) {
    if (clusters_[ci].pending) late.push_back(ci);
  }
  std::stable_sort(late.begin(), late.end(), [this](std::size_t a, std::size_t b) {
    return clusters_[a].spec.start_at < clusters_[b].spec.start_at;
  });
  for (std::size_t ci : late) {
    auto& crt = clusters_[ci];
    crt.pending->id = cluster_prefix_ + "-" + PadNumber(next_framework_++, 4);
    w_.flink[ci].framework_id = crt.pending->id;
    Schedule(start_ + crt.spec.start_at, [this, ci] { RegisterLateFramework(ci); });
  }
}

int Simulation::TaskManagerCount(const FlinkClusterSpec& spec) const {
  int slots_needed = 0;
  for (const auto& j : spec.jobs) slots_needed += j.parallelism * j.count;
  return std::max(spec.taskmanagers, (slots_needed + spec.slots - 1) / spec.slots);
}

void Simulation::BuildCluster(const FlinkClusterSpec& spec, const std::string& name) {
  FlinkCluster c;
  c.name = name;
  c.version = spec.version;
  c.revision = Revision(spec.version);
  c.dialect = DialectForVersion(spec.version);
  c.on_mesos = spec.on_mesos && !w_.mesos.agents.empty();
  Millis max_uptime = 0;
  for (const auto& j : spec.jobs) max_uptime = std::max(max_uptime, j.uptime);
  c.jobmanager_start = start_ - max_uptime - rng_.Int(2 * kMinute, 30 * kMinute);
  const std::size_t ci = w_.flink.size();
  ClusterRuntime rt;
  rt.spec = spec;
  // start_at: nothing runs yet; the JobManager comes up, registers and submits its jobs then.
  const bool late = c.on_mesos && spec.start_at > 0;

  const int tms = late ? 0 : TaskManagerCount(spec);
  if (c.on_mesos) {
    c.framework_name = spec.framework_name.empty() ? name : spec.framework_name;
    Framework f;
    f.name = c.framework_name;
    f.user = "flink";
    f.hostname = w_.mesos.agents[static_cast<std::size_t>(rng_.Int(0, static_cast<int64_t>(w_.mesos.agents.size()) - 1))]
                     .hostname;
    f.registered_time = c.jobmanager_start + rng_.Int(3000, 9000);
    f.failover_timeout = DialectForVersion(spec.version) == FlinkDialect::k1_4 ? 600 : 604800;
    if (late) {
      rt.pending = f;  // its id comes with the other late ones (AssignLateFrameworkIds)
      rt.unreachable = 1;
      c.reachable = false;
      c.jobmanager_start = start_ + spec.start_at;
    } else {
      f.id = cluster_prefix_ + "-" + PadNumber(next_framework_++, 4);
      w_.mesos.frameworks.push_back(f);
      rt.framework = static_cast<int>(w_.mesos.frameworks.size() - 1);
      c.framework_id = f.id;
    }
  }
  w_.flink.push_back(std::move(c));
  clusters_.push_back(std::move(rt));
  auto& cluster = w_.flink.back();
  auto& crt = clusters_.back();

  for (int i = 0; i < tms; ++i) {
    const Millis launched = cluster.jobmanager_start + 10'000 + i * 500;
    if (cluster.on_mesos) {
      const std::string id = "taskmanager-" + PadNumber(crt.next_tm++, 5);
      const std::size_t agent = PickAgent();
      const Resources res{spec.tm_cpus, 0, spec.tm_mem_mb, 0, "[31000-31001]"};
      w_.mesos.tasks.push_back(MakeTask(static_cast<std::size_t>(crt.framework), agent, id, id, res, launched, true));
      auto& used = w_.mesos.agents[agent].used;
      used.cpus += res.cpus;
      used.mem_mb += res.mem_mb;
      cluster.taskmanagers.push_back(MakeTaskManager(ci, id, w_.mesos.agents[agent].hostname, launched + 5000));
    } else {
      const std::string host = "10.8." + std::to_string(ci % 250) + "." + std::to_string(i % 250 + 1);
      const int port = static_cast<int>(rng_.Int(32768, 60999));
      const std::string id = host + ":" + std::to_string(port) + "-" + rng_.Hex(6);
      cluster.taskmanagers.push_back(MakeTaskManager(ci, id, host, launched + 5000));
    }
  }

  for (const auto& js : spec.jobs) {
    for (int i = 0; i < js.count && !late; ++i) {
      const std::string jname = CopyName(js.name, i, js.count);
      Job job = MakeJob(ci, js, jname, start_ - js.uptime, false);
      auto& jrt = jobs_[job.id];
      AllocateSlots(ci, job, jrt);
      AssignSubtasks(ci, job, jrt, job.start_time + 2000, false);
      w_.flink[ci].jobs.push_back(std::move(job));
    }
  }
  RecomputeSlots(ci);
}

TaskManager Simulation::MakeTaskManager(std::size_t cluster, const std::string& id, const std::string& host,
                                        Millis t) {
  const auto& spec = clusters_[cluster].spec;
  TaskManager tm;
  tm.id = id;
  tm.host = host;
  tm.data_port = static_cast<int>(rng_.Int(31002, 31999));
  tm.rpc_port = static_cast<int>(rng_.Int(31002, 31999));
  tm.slots = spec.slots;
  tm.free_slots = spec.slots;
  tm.last_heartbeat = t;
  tm.cpu_cores = std::max(1, static_cast<int>(std::lround(spec.tm_cpus)));
  const int64_t mem = static_cast<int64_t>(spec.tm_mem_mb) << 20;
  tm.physical_memory = static_cast<int64_t>(scenario_.agent_mem_mb) << 20;
  tm.free_memory = tm.physical_memory / 3;
  tm.managed_memory = mem * 4 / 10;
  tm.heap_max = mem * 3 / 10;
  tm.heap_committed = tm.heap_max;
  tm.heap_used = tm.heap_max / 4 + rng_.Int(0, tm.heap_max / 4);
  tm.non_heap_max = 256LL << 20;
  tm.non_heap_used = 80LL << 20;
  tm.gcs = {{"G1_Young_Generation", rng_.Int(10, 500), 0}, {"G1_Old_Generation", 0, 0}};
  tm.gcs[0].time_ms = tm.gcs[0].count * rng_.Int(5, 20);
  return tm;
}

Job Simulation::MakeJob(std::size_t cluster, const JobSpec& spec, const std::string& name, Millis start,
                        bool restored) {
  Job job;
  job.id = rng_.Hex(32);
  job.name = name;
  job.start_time = start;
  job.streaming = spec.streaming;
  job.has_checkpoint_coordinator = spec.streaming;
  const bool has_init = w_.flink[cluster].dialect >= FlinkDialect::k1_13;
  if (has_init) job.state_timestamps[JobStatus::kInitializing] = start;
  job.state_timestamps[JobStatus::kCreated] = start + (has_init ? 300 : 0);
  job.state_timestamps[JobStatus::kRunning] = start + 1000;
  job.state = JobStatus::kRunning;
  auto& cfg = job.checkpoint_config;
  cfg.periodic = spec.checkpointing;
  cfg.interval = spec.checkpointing ? spec.checkpoint_interval : INT64_MAX;
  cfg.timeout = spec.checkpoint_timeout;
  cfg.exactly_once = spec.exactly_once;
  cfg.min_pause = 0;
  cfg.max_concurrent = 1;

  const auto names = VertexNames(spec);
  for (int v = 0; v < spec.vertices; ++v) {
    Vertex vx;
    vx.id = rng_.Hex(32);
    vx.name = names[static_cast<std::size_t>(v)];
    vx.parallelism = spec.parallelism;
    vx.max_parallelism = std::max(128, spec.parallelism);
    for (int s = 0; s < spec.parallelism; ++s) {
      Subtask st;
      st.index = s;
      vx.subtasks.push_back(st);
    }
    job.vertices.push_back(std::move(vx));
  }

  JobRuntime rt;
  rt.spec = spec;
  rt.state_size = spec.state_size_mb * 1048576.0;
  const Millis running = start + 1000;
  if (job.has_checkpoint_coordinator && spec.checkpointing && !restored) {
    // Checkpoints taken so far; the last ten are in the history.
    const Millis uptime = std::max<Millis>(0, start_ - running);
    const int64_t done = uptime / spec.checkpoint_interval;
    auto& cs = job.checkpoints;
    const int subtasks = spec.vertices * spec.parallelism;
    for (int64_t id = std::max<int64_t>(1, done - kMaxCheckpointHistory + 1); id <= done; ++id) {
      Checkpoint cp;
      cp.id = id;
      cp.status = CheckpointStatus::kCompleted;
      cp.trigger_timestamp = running + id * spec.checkpoint_interval;
      cp.end_to_end_duration = spec.checkpoint_duration + rng_.Int(-spec.checkpoint_duration / 5, spec.checkpoint_duration / 5);
      cp.latest_ack_timestamp = cp.trigger_timestamp + cp.end_to_end_duration;
      cp.state_size = static_cast<int64_t>(rt.state_size);
      cp.checkpointed_size = cp.state_size / 20;
      cp.num_subtasks = cp.num_acknowledged_subtasks = subtasks;
      cp.external_path = "s3://flink-checkpoints/" + job.id + "/chk-" + std::to_string(id);
      cs.history.push_front(cp);
      cs.latest_completed = cp;
    }
    cs.completed = cs.total = done;
    rt.next_checkpoint_id = done + 1;
    rt.next_trigger = running + (done + 1) * spec.checkpoint_interval;
    if (rt.next_trigger <= start_) rt.next_trigger = start_ + spec.checkpoint_interval;
  } else {
    rt.next_trigger = running + spec.checkpoint_interval;
  }
  jobs_[job.id] = std::move(rt);
  return job;
}

void Simulation::ValidateTimeline() {
  for (const auto& inc : scenario_.incidents) {
    auto fail = [&](const std::string& what) {
      throw std::invalid_argument("timeline line " + std::to_string(inc.line) + " (" + inc.type + "): " + what);
    };
    std::optional<std::size_t> ci;
    if (!inc.cluster.empty()) {
      ci = ClusterIndex(inc.cluster);
      if (!ci) fail("no Flink cluster named '" + inc.cluster + "'");
    }
    if (!inc.job.empty() && ci) {
      // Checked against the spec: a cluster with start_at has not submitted its jobs yet.
      const JobSpec* spec = nullptr;
      for (const auto& js : clusters_[*ci].spec.jobs) {
        for (int i = 0; i < js.count; ++i) {
          if (CopyName(js.name, i, js.count) == inc.job) spec = &js;
        }
      }
      if (!spec) fail("no job named '" + inc.job + "' in cluster '" + inc.cluster + "'");
      if (!inc.vertex.empty()) {
        const auto names = VertexNames(*spec);
        bool found = false;
        for (std::size_t v = 0; v < names.size(); ++v) {
          found |= names[v] == inc.vertex || std::to_string(v) == inc.vertex;
        }
        if (!found) fail("no vertex '" + inc.vertex + "' (index or name) in job '" + inc.job + "'");
      }
    }
    if ((inc.type == "taskmanager_zombie" || inc.type == "task_leak" || inc.type == "framework_teardown") && ci &&
        !w_.flink[*ci].on_mesos) {
      fail("cluster '" + inc.cluster + "' is not on Mesos");
    }
    if (!inc.agent.empty()) {
      bool found = false;
      for (std::size_t a = 0; a < w_.mesos.agents.size(); ++a) {
        const auto& ag = w_.mesos.agents[a];
        found |= ag.id == inc.agent || ag.hostname == inc.agent || std::to_string(a) == inc.agent;
      }
      if (!found) fail("no agent '" + inc.agent + "' (index, id or hostname)");
    }
    if (inc.master && (*inc.master < 0 || *inc.master >= static_cast<int>(w_.mesos.masters.size()))) {
      fail("no master with index " + std::to_string(*inc.master));
    }
    if (inc.type == "upgrade" && inc.version.empty()) fail("upgrade needs 'version'");
  }
}

}  // namespace fme::sim
