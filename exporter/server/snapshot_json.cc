#include "server/snapshot_json.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <variant>

#include <nlohmann/json.hpp>

#include "config/message_quote.h"
#include "exposition/mesos_join.h"
#include "http/url.h"

namespace fme {
namespace {

// Insertion order keeps the documented order (name, url, poll, data), which reads better than
// alphabetical keys when debugging.
using Json = nlohmann::ordered_json;

// Non-finite values have no JSON spelling; they are left out like values not reported.
void Put(Json& obj, const char* key, double v) {
  if (std::isfinite(v)) obj[key] = v;
}
void Put(Json& obj, const char* key, const std::optional<double>& v) {
  if (v) Put(obj, key, *v);
}
void Put(Json& obj, const char* key, const std::optional<int64_t>& v) {
  if (v) obj[key] = *v;
}
// An empty string is how the model says "not reported".
void PutText(Json& obj, const char* key, const std::string& s) {
  if (!s.empty()) obj[key] = s;
}
// Upstream-provided URLs and error texts: credentials never leave the process.
void PutRedacted(Json& obj, const char* key, const std::string& s) {
  if (!s.empty()) obj[key] = RedactUrls(s);
}

// RFC 3339 in UTC with milliseconds, e.g. "2026-01-02T03:04:05.123Z".
std::string Rfc3339(WallTime t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", date, static_cast<int>(millis));
  return out;
}

Json Poll(const TargetState& t) {
  Json p = Json::object();
  p["polled"] = t.polled;
  p["up"] = t.up;
  if (t.last_poll) p["last_poll_timestamp_seconds"] = ToUnixSeconds(*t.last_poll);
  if (t.last_success) p["last_success_timestamp_seconds"] = ToUnixSeconds(*t.last_success);
  if (t.polled) p["last_poll_duration_seconds"] = ToSeconds(t.last_poll_duration);
  PutRedacted(p, "last_error", t.last_error);
  return p;
}

Json EndpointErrors(const std::vector<EndpointError>& errors) {
  Json out = Json::array();
  for (const EndpointError& e : errors) out.push_back({{"endpoint", e.endpoint}, {"kind", e.kind}});
  return out;
}

// The observation of a target that is up; a target that is down keeps no data.
template <typename Observation>
const Observation* DataOf(const TargetState& t) {
  return t.up && t.observation ? std::get_if<Observation>(&*t.observation) : nullptr;
}

// --- Flink ----------------------------------------------------------------------------------

void PutMaxAvg(Json& obj, const char* key, const MaxAvg& v) {
  Json stat = Json::object();
  Put(stat, "max", v.max);
  Put(stat, "avg", v.avg);
  if (!stat.empty()) obj[key] = std::move(stat);
}

Json Overview(const FlinkClusterOverview& o) {
  Json j = Json::object();
  PutText(j, "version", o.version);
  PutText(j, "revision", o.revision);
  j["taskmanagers"] = o.taskmanagers;
  j["task_slots"] = o.slots_total;
  j["task_slots_available"] = o.slots_available;
  j["jobs"] = {{"RUNNING", o.jobs_running},
               {"FINISHED", o.jobs_finished},
               {"CANCELED", o.jobs_cancelled},
               {"FAILED", o.jobs_failed}};
  return j;
}

void PutJvm(Json& obj, const FlinkJvmMetrics& m) {
  Put(obj, "heap_used_bytes", m.heap_used_bytes);
  Put(obj, "heap_max_bytes", m.heap_max_bytes);
  Put(obj, "cpu_load", m.cpu_load);
  Json gc = Json::array();
  for (const FlinkGarbageCollector& c : m.gc) {
    Json one = {{"name", c.name}};
    Put(one, "collections", c.collections);
    Put(one, "time_seconds", c.time_seconds);
    gc.push_back(std::move(one));
  }
  obj["gc"] = std::move(gc);
}

Json Taskmanager(const FlinkTaskManager& tm, const exposition::MesosLink* link) {
  Json j = {{"id", tm.id}, {"host", tm.host}, {"slots", tm.slots}, {"slots_free", tm.slots_free}};
  Put(j, "last_heartbeat_timestamp_seconds", tm.last_heartbeat_timestamp);
  PutJvm(j, tm.jvm);
  // The joined Mesos task: the same id within the cluster's framework (see docs/metrics.md).
  if (link != nullptr) {
    if (const MesosTask* task = link->FindTask(tm.id)) {
      Json m = {{"task_id", task->id},
                {"state", std::string(MesosTaskStateName(task->state))},
                {"agent_id", task->agent_id}};
      PutText(m, "hostname", std::string(link->AgentHostname(task->agent_id)));
      PutText(m, "reason", task->reason);
      PutText(m, "source", task->source);
      j["mesos_task"] = std::move(m);
    }
  }
  return j;
}

Json Checkpoints(const FlinkCheckpointStats& c) {
  Json j = {{"completed", c.completed},
            {"failed", c.failed},
            {"in_progress", c.in_progress},
            {"restored", c.restored}};
  Put(j, "last_completed_timestamp_seconds", c.last_completed_timestamp);
  Put(j, "last_duration_seconds", c.last_duration_seconds);
  Put(j, "last_size_bytes", c.last_size_bytes);
  Put(j, "last_state_size_bytes", c.last_state_size_bytes);
  Put(j, "last_processed_bytes", c.last_processed_bytes);
  Put(j, "last_persisted_bytes", c.last_persisted_bytes);
  Put(j, "last_failure_timestamp_seconds", c.last_failure_timestamp);
  PutText(j, "last_failure_exception", c.last_failure_exception);
  Put(j, "last_savepoint_timestamp_seconds", c.last_savepoint_timestamp);
  Put(j, "last_restore_timestamp_seconds", c.last_restore_timestamp);
  return j;
}

Json CheckpointConfig(const FlinkCheckpointConfig& c) {
  Json j = {{"periodic", c.periodic}};
  // Upstream's interval is Long.MAX_VALUE while periodic checkpointing is off: meaningless.
  if (c.periodic) Put(j, "interval_seconds", c.interval_seconds);
  Put(j, "timeout_seconds", c.timeout_seconds);
  Put(j, "min_pause_seconds", c.min_pause_seconds);
  Put(j, "max_concurrent", c.max_concurrent);
  Put(j, "tolerable_failures", c.tolerable_failures);
  PutText(j, "mode", c.mode);
  return j;
}

Json Vertex(const FlinkVertex& v) {
  Json j = {{"id", v.id}, {"name", v.name}, {"parallelism", v.parallelism}};
  Json by_state = Json::object();
  for (int i = 0; i < kFlinkExecutionStateCount; ++i) {
    by_state[std::string(FlinkExecutionStateName(static_cast<FlinkExecutionState>(i)))] =
        v.subtasks_by_state[static_cast<std::size_t>(i)];
  }
  j["subtasks_by_state"] = std::move(by_state);

  Json load = Json::object();
  PutMaxAvg(load, "backpressured_ratio", v.backpressured_ratio);
  PutMaxAvg(load, "busy_ratio", v.busy_ratio);
  PutMaxAvg(load, "idle_ratio", v.idle_ratio);
  PutMaxAvg(load, "output_buffer_usage_ratio", v.out_pool_usage);
  PutMaxAvg(load, "input_buffer_usage_ratio", v.in_pool_usage);
  if (v.backpressure_level) {
    load["backpressure_level"] = std::string(FlinkBackpressureLevelName(*v.backpressure_level));
  }
  j["load"] = std::move(load);

  Put(j, "records_in", v.records_in);
  Put(j, "records_out", v.records_out);
  Put(j, "watermark_timestamp_seconds", v.watermark_seconds);
  Json subtasks = Json::array();
  for (const FlinkSubtaskLoad& st : v.subtasks) {
    Json s = {{"index", st.index}};
    Put(s, "backpressured_ratio", st.backpressured_ratio);
    Put(s, "busy_ratio", st.busy_ratio);
    Put(s, "idle_ratio", st.idle_ratio);
    subtasks.push_back(std::move(s));
  }
  j["subtasks"] = std::move(subtasks);
  return j;
}

Json Job(const FlinkJob& job) {
  Json j = {
      {"id", job.id}, {"name", job.name}, {"state", std::string(FlinkJobStateName(job.state))}};
  Put(j, "start_timestamp_seconds", job.start_timestamp);
  Put(j, "state_since_timestamp_seconds", job.state_since_timestamp);
  Put(j, "end_timestamp_seconds", job.end_timestamp);
  Put(j, "restarts", job.restarts);
  if (job.checkpoints) j["checkpoints"] = Checkpoints(*job.checkpoints);
  if (job.checkpoint_config) j["checkpoint_config"] = CheckpointConfig(*job.checkpoint_config);
  if (job.last_failure) {
    Json f = Json::object();
    Put(f, "timestamp_seconds", job.last_failure->timestamp);
    PutText(f, "exception", job.last_failure->exception);
    PutText(f, "taskmanager_id", job.last_failure->taskmanager_id);
    j["last_failure"] = std::move(f);
  }
  Json vertices = Json::array();
  for (const FlinkVertex& v : job.vertices) vertices.push_back(Vertex(v));
  j["vertices"] = std::move(vertices);
  return j;
}

bool HasJob(const FlinkObservation& obs, const std::string& id) {
  for (const FlinkJob& j : obs.jobs) {
    if (j.id == id) return true;
  }
  return false;
}

Json FlinkCluster(const TargetState& t, const FlinkObservation* obs, const SnapshotFilter& filter,
                  const exposition::MesosJoin& join) {
  Json c = {{"name", t.target.name}};
  PutRedacted(c, "rest_url", t.target.url);
  c["origin"] = t.target.discovered_from.empty() ? "configured" : "discovered";
  PutText(c, "discovered_from", t.target.discovered_from);
  // The Mesos cluster and framework whose tasks are this cluster's TaskManagers.
  PutText(c, "mesos_cluster", t.target.mesos_cluster);
  PutText(c, "mesos_framework", t.target.mesos_framework);
  const std::optional<exposition::MesosLink> link = join.Find(t.target);
  if (link) {
    c["framework"] = {{"id", link->framework->id}, {"name", link->framework->name}};
  }
  c["poll"] = Poll(t);
  if (obs == nullptr) return c;

  c["overview"] = Overview(obs->overview);
  if (obs->jobmanager) {
    Json jm = Json::object();
    PutJvm(jm, *obs->jobmanager);
    c["jobmanager"] = std::move(jm);
  }
  Json tms = Json::array();
  for (const FlinkTaskManager& tm : obs->taskmanagers) {
    tms.push_back(Taskmanager(tm, link ? &*link : nullptr));
  }
  c["taskmanagers"] = std::move(tms);
  Json jobs = Json::array();
  for (const FlinkJob& j : obs->jobs) {
    if (!filter.job_id || j.id == *filter.job_id) jobs.push_back(Job(j));
  }
  c["jobs"] = std::move(jobs);

  Json deployments = Json::object();
  for (const auto& [name, count] : obs->deployments) Put(deployments, name.c_str(), count);
  c["job_deployments"] = std::move(deployments);
  Json expected = Json::array();
  for (const auto& [pattern, running] : obs->expected_jobs_running) {
    expected.push_back({{"pattern", pattern}, {"running", running}});
  }
  c["expected_jobs"] = std::move(expected);
  c["series_dropped"] = obs->series_dropped;
  c["endpoint_errors"] = EndpointErrors(obs->endpoint_errors);
  return c;
}

// --- Mesos ----------------------------------------------------------------------------------

Json Terminations(const std::vector<MesosTermination>& terminations) {
  Json out = Json::array();
  for (const MesosTermination& t : terminations) {
    Json one = {{"state", std::string(MesosTaskStateName(t.state))}};
    PutText(one, "reason", t.reason);
    PutText(one, "source", t.source);
    Put(one, "count", t.count);
    out.push_back(std::move(one));
  }
  return out;
}

// As the metrics split them: {"cpus": {"total": 8, "used": 2}, "memory_bytes": {...}, ...}.
void PutResources(Json& obj, const char* usage, const MesosResources& r) {
  auto group = [&obj](const char* key) -> Json& {
    Json& g = obj[key];
    if (g.is_null()) g = Json::object();
    return g;
  };
  Put(group("cpus"), usage, r.cpus);
  Put(group("gpus"), usage, r.gpus);
  Put(group("memory_bytes"), usage, r.memory_bytes);
  Put(group("disk_bytes"), usage, r.disk_bytes);
}

// Puts obj[key] = {name: value, ...} of the values reported; nothing when none was.
void PutGroup(Json& obj, const char* key,
              std::initializer_list<std::pair<const char*, const std::optional<double>&>> values) {
  Json group = Json::object();
  for (const auto& [name, value] : values) Put(group, name, value);
  if (!group.empty()) obj[key] = std::move(group);
}

Json ClusterMetrics(const MesosClusterMetrics& c) {
  Json j = Json::object();
  PutGroup(j, "agents",
           {{"active", c.agents_active},
            {"inactive", c.agents_inactive},
            {"unreachable", c.agents_unreachable}});
  PutGroup(j, "agents_by_connection",
           {{"connected", c.agents_connected}, {"disconnected", c.agents_disconnected}});
  PutGroup(j, "frameworks", {{"active", c.frameworks_active}, {"inactive", c.frameworks_inactive}});
  PutGroup(j, "frameworks_by_connection",
           {{"connected", c.frameworks_connected}, {"disconnected", c.frameworks_disconnected}});
  PutGroup(j, "tasks",
           {{"TASK_STAGING", c.tasks_staging},
            {"TASK_STARTING", c.tasks_starting},
            {"TASK_RUNNING", c.tasks_running},
            {"TASK_KILLING", c.tasks_killing},
            {"TASK_UNREACHABLE", c.tasks_unreachable}});
  PutGroup(j, "cpus", {{"total", c.cpus_total}, {"used", c.cpus_used}});
  PutGroup(j, "gpus", {{"total", c.gpus_total}, {"used", c.gpus_used}});
  PutGroup(j, "memory_bytes", {{"total", c.memory_total_bytes}, {"used", c.memory_used_bytes}});
  PutGroup(j, "disk_bytes", {{"total", c.disk_total_bytes}, {"used", c.disk_used_bytes}});
  return j;
}

Json Master(const MesosMasterStatus& m, bool leader) {
  Json j = Json::object();
  PutRedacted(j, "url", m.url);
  j["reachable"] = m.reachable;
  j["leader"] = leader;
  PutRedacted(j, "error", m.error);
  Put(j, "elected", m.elected);
  Put(j, "uptime_seconds", m.uptime_seconds);
  Put(j, "event_queue_messages", m.event_queue_messages);
  PutText(j, "version", m.version);
  return j;
}

Json Agent(const MesosAgent& a) {
  Json j = {{"id", a.id}, {"hostname", a.hostname}};
  PutText(j, "version", a.version);
  PutText(j, "state", a.state);
  PutResources(j, "total", a.total);
  PutResources(j, "used", a.used);
  PutResources(j, "reserved", a.reserved);
  Json attributes = Json::object();
  for (const auto& [name, value] : a.attributes) attributes[name] = value;
  j["attributes"] = std::move(attributes);
  return j;
}

Json Task(const MesosTask& t) {
  Json j = {{"id", t.id}, {"name", t.name}};
  PutText(j, "agent_id", t.agent_id);
  j["state"] = std::string(MesosTaskStateName(t.state));
  PutText(j, "reason", t.reason);
  PutText(j, "source", t.source);
  PutRedacted(j, "message", t.message);
  Put(j, "state_timestamp_seconds", t.state_timestamp);
  return j;
}

Json Framework(const MesosFramework& f) {
  Json j = {{"id", f.id}, {"name", f.name}};
  PutText(j, "role", f.role);
  PutRedacted(j, "webui_url", f.webui_url);
  j["active"] = f.active;
  j["connected"] = f.connected;
  PutResources(j, "used", f.used);
  Json tasks = Json::object();
  for (int i = 0; i < kMesosActiveTaskStateCount; ++i) {
    tasks[std::string(MesosTaskStateName(static_cast<MesosTaskState>(i)))] =
        f.tasks[static_cast<std::size_t>(i)];
  }
  j["tasks"] = std::move(tasks);
  j["terminations"] = Terminations(f.terminations);
  Json tm_tasks = Json::array();
  for (const MesosTask& t : f.taskmanager_tasks) tm_tasks.push_back(Task(t));
  j["taskmanager_tasks"] = std::move(tm_tasks);
  return j;
}

Json EventStream(const MesosEventStreamStatus& es) {
  Json j = {{"connected", es.connected}};
  PutRedacted(j, "leader", es.leader);
  Json events = Json::object();
  for (const auto& [type, count] : es.events_by_type) Put(events, type.c_str(), count);
  j["events"] = std::move(events);
  Put(j, "reconnects", es.reconnects);
  Put(j, "last_event_timestamp_seconds", es.last_event_timestamp);
  PutRedacted(j, "last_error", es.last_error);
  return j;
}

std::string_view OriginName(MesosStateOrigin o) {
  switch (o) {
    case MesosStateOrigin::kEventStream:
      return "event_stream";
    case MesosStateOrigin::kPolling:
      return "polling";
    case MesosStateOrigin::kNone:
      break;
  }
  return "none";
}

Json MesosCluster(const TargetState& t, const MesosObservation* obs) {
  Json c = {{"name", t.target.name}};
  PutRedacted(c, "url", t.target.url);
  // Polled here only for discovery and the join; another shard exports it.
  if (!t.target.exported) c["exported"] = false;
  c["poll"] = Poll(t);
  if (obs == nullptr) return c;

  Json masters = Json::array();
  for (std::size_t i = 0; i < obs->masters.size(); ++i) {
    masters.push_back(Master(obs->masters[i], obs->leader == i));
  }
  c["masters"] = std::move(masters);
  if (obs->leader && *obs->leader < obs->masters.size()) {
    PutRedacted(c, "leader", obs->masters[*obs->leader].url);
  }
  PutText(c, "leader_version", obs->leader_version);
  // Cluster-wide figures are the elected master's; standbys report zeros.
  if (obs->leader) c["cluster"] = ClusterMetrics(obs->cluster);
  c["terminations"] = Terminations(obs->terminations);
  c["state_origin"] = std::string(OriginName(obs->origin));
  Json agents = Json::array();
  for (const MesosAgent& a : obs->agents) agents.push_back(Agent(a));
  c["agents"] = std::move(agents);
  Json frameworks = Json::array();
  for (const MesosFramework& f : obs->frameworks) frameworks.push_back(Framework(f));
  c["frameworks"] = std::move(frameworks);
  if (obs->event_stream) c["event_stream"] = EventStream(*obs->event_stream);
  c["endpoint_errors"] = EndpointErrors(obs->endpoint_errors);
  return c;
}

std::string Dump(const Json& j) {
  // Upstream strings are not guaranteed to be valid UTF-8; replace bad bytes, never throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<SnapshotFilter> ParseSnapshotFilter(const std::multimap<std::string, std::string>& params) {
  SnapshotFilter f;
  for (const auto& [key, value] : params) {
    std::optional<std::string>* slot = key == "flink_cluster"   ? &f.flink_cluster
                                       : key == "mesos_cluster" ? &f.mesos_cluster
                                       : key == "job_id"        ? &f.job_id
                                                                : nullptr;
    if (slot == nullptr) {
      return Status::InvalidArgument("unknown query parameter " + QuoteForMessage(key) +
                                     " (known: flink_cluster, mesos_cluster, job_id)");
    }
    if (slot->has_value()) {
      return Status::InvalidArgument("query parameter " + QuoteForMessage(key) +
                                     " is given more than once");
    }
    *slot = value;
  }
  return f;
}

std::string SnapshotToJson(const Snapshot& snapshot, const SnapshotFilter& filter) {
  // Naming something of one kind narrows the answer to that kind (see SnapshotFilter).
  const bool flink_named = filter.flink_cluster || filter.job_id;
  const bool mesos_named = filter.mesos_cluster.has_value();
  const bool want_flink = flink_named || !mesos_named;
  const bool want_mesos = mesos_named || !flink_named;

  Json flink = Json::array();
  Json mesos = Json::array();
  const exposition::MesosJoin join(snapshot);
  for (const auto& target : snapshot.targets) {
    const TargetState& t = *target;
    if (t.target.kind == SourceKind::kFlink) {
      if (!want_flink || (filter.flink_cluster && t.target.name != *filter.flink_cluster)) continue;
      const auto* obs = DataOf<FlinkObservation>(t);
      if (filter.job_id && (obs == nullptr || !HasJob(*obs, *filter.job_id))) continue;
      flink.push_back(FlinkCluster(t, obs, filter, join));
    } else {
      if (!want_mesos || (filter.mesos_cluster && t.target.name != *filter.mesos_cluster)) continue;
      mesos.push_back(MesosCluster(t, DataOf<MesosObservation>(t)));
    }
  }

  Json doc = Json::object();
  doc["generation"] = snapshot.generation;
  doc["created"] = Rfc3339(snapshot.created);
  doc["created_timestamp_seconds"] = ToUnixSeconds(snapshot.created);
  doc["shard"] = {{"index", snapshot.shard.index},
                  {"count", snapshot.shard.count},
                  {"other_flink_clusters", snapshot.shard.other_flink},
                  {"other_mesos_clusters", snapshot.shard.other_mesos}};
  doc["mesos_clusters"] = std::move(mesos);
  doc["flink_clusters"] = std::move(flink);
  return Dump(doc);
}

std::string JsonError(std::string_view message) {
  Json j = Json::object();
  j["error"] = std::string(message);
  return Dump(j);
}

}  // namespace fme
